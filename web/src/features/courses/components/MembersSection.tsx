import type { Course } from "../../../api/types";
import { useAuth } from "../../../auth/useAuth";
import { EmptyState } from "../../../shared/components/EmptyState";
import { ErrorState } from "../../../shared/components/ErrorState";
import { LoadingState } from "../../../shared/components/LoadingState";
import { useMembers } from "../hooks/useMembers";
import { canManageMembers } from "../lib/permissions";
import { MembersTable } from "./MembersTable";

/** The member list: editable for hosts, read-only for teaching assistants. */
export function MembersSection({ course }: { course: Course }) {
  const { user } = useAuth();
  const members = useMembers(course.id);
  const manage = canManageMembers(course.my_role);

  return (
    <section className="card" aria-labelledby="members-title">
      <h2 id="members-title">
        Members {members.status === "ready" ? <span className="count">{members.data.length}</span> : null}
      </h2>
      {!manage ? <p className="muted small">Only instructors can change roles or remove people.</p> : null}
      {members.status === "loading" ? <LoadingState label="Loading members…" /> : null}
      {members.status === "error" ? (
        <ErrorState title="Couldn't load the members" problem={members.error} onRetry={members.reload} />
      ) : null}
      {members.status === "ready" && members.data.length === 0 ? (
        <EmptyState title="No members yet">
          <p>Share an invite link to bring students in.</p>
        </EmptyState>
      ) : null}
      {members.status === "ready" && members.data.length > 0 ? (
        <MembersTable
          members={members.data}
          myRole={course.my_role}
          myUserId={user?.id ?? ""}
          pending={members.pending}
          rowErrors={members.rowErrors}
          onChangeRole={members.changeRole}
          onRemove={members.remove}
        />
      ) : null}
    </section>
  );
}
