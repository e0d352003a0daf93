import { Link } from "react-router";
import type { Course, Session } from "../../../api/types";
import { isHost } from "../../courses/lib/permissions";

/** Into a live or coming class: the studio for its teachers, the classroom for everyone else. */
export function ClassLink({ course, session, primary }: { course: Course; session: Session; primary: boolean }) {
  const path = `/sessions/${encodeURIComponent(session.id)}`;
  const host = isHost(course.my_role);
  const label = host ? "Open studio" : session.status === "live" ? "Join class" : "Open classroom";
  return (
    <Link
      className={primary ? "button button--primary button--small" : "button button--small"}
      to={host ? `${path}/studio` : path}
      aria-label={`${label}: ${session.title}`}
    >
      {label}
    </Link>
  );
}
