import { Link } from "react-router";
import { EmptyState } from "../../../shared/components/EmptyState";

export function MissingSession() {
  return (
    <EmptyState title="We couldn't find this class">
      <p>It may have been removed, or you are not in its course. Ask your teacher for an invite link.</p>
      <Link className="button" to="/courses">
        Back to your courses
      </Link>
    </EmptyState>
  );
}
