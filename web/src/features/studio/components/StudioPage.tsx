import { Link, useParams } from "react-router";
import type { Course } from "../../../api/types";
import { EmptyState } from "../../../shared/components/EmptyState";
import { ErrorState } from "../../../shared/components/ErrorState";
import { LoadingState } from "../../../shared/components/LoadingState";
import { useDocumentTitle } from "../../../shared/hooks/useDocumentTitle";
import { useCourse } from "../../courses/hooks/useCourse";
import { isHost } from "../../courses/lib/permissions";
import { MissingSession } from "../../sessions/components/MissingSession";
import { type LiveSession, useLiveSession } from "../../sessions/hooks/useLiveSession";
import { isMissingSession } from "../../sessions/lib/sessions-api";
import { Studio } from "./Studio";

/** `/sessions/:sessionId/studio`: where the teacher checks devices, goes live and ends. */
export function StudioPage() {
  const { sessionId = "" } = useParams();
  const live = useLiveSession(sessionId, "observe");
  useDocumentTitle(live.state ? `Studio · ${live.state.session.title}` : "Studio");

  return (
    <div className="page studio-page">
      {live.status === "loading" ? <LoadingState label="Opening the studio…" /> : null}
      {live.status === "error" && live.error && isMissingSession(live.error) ? <MissingSession /> : null}
      {live.status === "error" && live.error && !isMissingSession(live.error) ? (
        <ErrorState title="Couldn't open the studio" problem={live.error} onRetry={live.reload} />
      ) : null}
      {live.status === "ready" && live.state ? <HostsOnly live={live} courseId={live.state.session.course_id} /> : null}
    </div>
  );
}

/** The studio is for the course's owners and instructors; anyone else is shown the way to the classroom. */
function HostsOnly({ live, courseId }: { live: LiveSession; courseId: string }) {
  const course = useCourse(courseId);
  if (course.status === "loading") return <LoadingState label="Opening the studio…" />;
  if (course.status === "error") {
    return <ErrorState title="Couldn't open the studio" problem={course.error} onRetry={course.reload} />;
  }
  if (!isHost(course.data.my_role)) return <NotAHost course={course.data} sessionId={live.state?.session.id ?? ""} />;
  return <Studio live={live} course={course.data} />;
}

function NotAHost({ course, sessionId }: { course: Course; sessionId: string }) {
  return (
    <EmptyState title="The studio is for the class's teachers">
      <p>You can follow the class from the classroom.</p>
      <div className="actions actions--center">
        <Link className="button button--primary" to={`/sessions/${encodeURIComponent(sessionId)}`}>
          Go to the classroom
        </Link>
        <Link className="button" to={`/courses/${encodeURIComponent(course.id)}`}>
          Back to {course.title}
        </Link>
      </div>
    </EmptyState>
  );
}
