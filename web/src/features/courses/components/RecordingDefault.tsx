import { useId, useState } from "react";
import { type ProblemError, describeProblem, toProblemError } from "../../../api/problem";
import type { Course } from "../../../api/types";
import { useApi } from "../../../auth/useApi";
import { updateCourse } from "../lib/courses-api";

interface RecordingDefaultProps {
  course: Course;
  onChanged(course: Course): void;
}

/** Hosts: whether a class scheduled in this course is recorded unless its teacher says otherwise. */
export function RecordingDefault({ course, onChanged }: RecordingDefaultProps) {
  const api = useApi();
  const hintId = useId();
  const [saving, setSaving] = useState<boolean | null>(null);
  const [failure, setFailure] = useState<ProblemError | null>(null);
  const checked = saving ?? course.record_by_default;

  async function change(recordByDefault: boolean) {
    setSaving(recordByDefault);
    setFailure(null);
    try {
      onChanged(await updateCourse(api, course.id, { record_by_default: recordByDefault }));
    } catch (error) {
      setFailure(toProblemError(error));
    } finally {
      setSaving(null);
    }
  }

  return (
    <section className="card card--quiet" aria-labelledby="recording-default-title">
      <h2 id="recording-default-title">Recording</h2>
      <label className="checkbox">
        <input
          type="checkbox"
          checked={checked}
          disabled={saving !== null}
          aria-describedby={hintId}
          onChange={(event) => void change(event.target.checked)}
        />
        Record new classes by default
      </label>
      <p className="muted small" id={hintId}>
        {saving !== null
          ? "Saving…"
          : course.record_by_default
            ? "New classes start with “Record this class” ticked. Classes already scheduled keep their own choice."
            : "New classes are not recorded unless you tick “Record this class”. Classes already scheduled keep their own choice."}
      </p>
      {failure ? (
        <p className="field__error" role="alert">
          Couldn&apos;t save the change. {describeProblem(failure.problem)}
        </p>
      ) : null}
    </section>
  );
}
