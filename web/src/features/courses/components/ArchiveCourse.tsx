import { useState } from "react";
import type { Course } from "../../../api/types";
import { useApi } from "../../../auth/useApi";
import { FormAlert } from "../../../shared/components/FormAlert";
import { useFormSubmission } from "../../../shared/hooks/useFormSubmission";
import { archiveCourse } from "../lib/courses-api";

interface ArchiveCourseProps {
  course: Course;
  onArchived(course: Course): void;
}

/** The owner's "archive this course", behind a confirmation. */
export function ArchiveCourse({ course, onArchived }: ArchiveCourseProps) {
  const api = useApi();
  const action = useFormSubmission<never>([]);
  const [confirming, setConfirming] = useState(false);

  return (
    <section className="card card--quiet" aria-labelledby="archive-title">
      <h2 id="archive-title">Archive course</h2>
      <p className="muted">
        An archived course moves to the Archived list for every member. It can't be undone from
        here.
      </p>
      <form
        ref={action.formRef}
        onSubmit={async (event) => {
          event.preventDefault();
          await action.submit(async () => onArchived(await archiveCourse(api, course.id)));
        }}
      >
        <FormAlert>{action.formError}</FormAlert>
        {confirming ? (
          <div className="confirm">
            <span className="confirm__question">Archive “{course.title}”?</span>
            <button type="submit" className="button button--danger" disabled={action.submitting}>
              {action.submitting ? "Archiving…" : "Yes, archive"}
            </button>
            <button
              type="button"
              className="button"
              disabled={action.submitting}
              onClick={() => setConfirming(false)}
            >
              Cancel
            </button>
          </div>
        ) : (
          <button type="button" className="button" onClick={() => setConfirming(true)}>
            Archive course…
          </button>
        )}
      </form>
    </section>
  );
}
