import { useId } from "react";
import type { Course } from "../../../api/types";
import { useApi } from "../../../auth/useApi";
import { ActionError } from "../../../shared/components/InlineError";
import { useAction } from "../../../shared/hooks/useAction";
import { updateCourse } from "../lib/courses-api";

interface RecordingDefaultProps {
  course: Course;
  onChanged(course: Course): void;
}

/** Hosts: whether a class scheduled in this course is recorded unless its teacher says otherwise. */
export function RecordingDefault({ course, onChanged }: RecordingDefaultProps) {
  const api = useApi();
  const hintId = useId();
  const action = useAction();
  // While saving, the box shows the choice being saved.
  const saving = action.busy === null ? null : action.busy === "record";
  const checked = saving ?? course.record_by_default;

  function change(recordByDefault: boolean) {
    void action.run(recordByDefault ? "record" : "do-not-record", "Couldn't save the change", async () =>
      onChanged(await updateCourse(api, course.id, { record_by_default: recordByDefault })),
    );
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
          onChange={(event) => change(event.target.checked)}
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
      <ActionError failure={action.failure} />
    </section>
  );
}
