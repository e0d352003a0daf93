import { useState } from "react";
import type { AssignableRole, Member } from "../../../api/types";
import { formatDate } from "../../../shared/lib/format-date";
import type { MemberChange } from "../hooks/useMembers";
import { ASSIGNABLE_ROLES, type CourseRole, canEditMember, roleLabel } from "../lib/permissions";
import { RoleBadge } from "./RoleBadge";

interface MembersTableProps {
  members: Member[];
  myRole: CourseRole;
  myUserId: string;
  pending: Readonly<Record<string, MemberChange>>;
  rowErrors: Readonly<Record<string, string>>;
  onChangeRole(userId: string, role: AssignableRole): Promise<void>;
  onRemove(userId: string): Promise<boolean>;
}

export function MembersTable({
  members,
  myRole,
  myUserId,
  pending,
  rowErrors,
  onChangeRole,
  onRemove,
}: MembersTableProps) {
  return (
    <div className="table-wrap">
      <table className="members-table">
        <caption className="visually-hidden">Course members and their roles</caption>
        <thead>
          <tr>
            <th scope="col">Member</th>
            <th scope="col" className="members-table__role">
              Role
            </th>
          </tr>
        </thead>
        <tbody>
          {members.map((member) => (
            <MemberRow
              key={member.user_id}
              member={member}
              isMe={member.user_id === myUserId}
              editable={canEditMember(myRole, myUserId, member)}
              pending={pending[member.user_id]}
              error={rowErrors[member.user_id]}
              onChangeRole={onChangeRole}
              onRemove={onRemove}
            />
          ))}
        </tbody>
      </table>
    </div>
  );
}

interface MemberRowProps {
  member: Member;
  isMe: boolean;
  editable: boolean;
  pending: MemberChange | undefined;
  error: string | undefined;
  onChangeRole(userId: string, role: AssignableRole): Promise<void>;
  onRemove(userId: string): Promise<boolean>;
}

function MemberRow({ member, isMe, editable, pending, error, onChangeRole, onRemove }: MemberRowProps) {
  const [confirming, setConfirming] = useState(false);
  const roleSelectId = `member-role-${member.user_id}`;
  const busy = pending !== undefined;

  return (
    <tr aria-busy={busy}>
      <td>
        <span className="member__name">
          {member.display_name}
          {isMe ? <span className="muted"> (you)</span> : null}
        </span>
        {member.email ? <span className="member__email">{member.email}</span> : null}
        <span className="member__added muted small">Joined {formatDate(member.added_at)}</span>
        {error ? (
          <span className="field__error" role="alert">
            {error}
          </span>
        ) : null}
      </td>
      <td>
        {editable ? (
          <>
            <label className="visually-hidden" htmlFor={roleSelectId}>
              Role for {member.display_name}
            </label>
            <select
              id={roleSelectId}
              className="input select"
              value={member.role}
              disabled={busy}
              onChange={(event) => void onChangeRole(member.user_id, event.target.value as AssignableRole)}
            >
              {ASSIGNABLE_ROLES.map((role) => (
                <option key={role} value={role}>
                  {roleLabel(role)}
                </option>
              ))}
            </select>
            {pending === "role" ? <span className="muted small">Saving…</span> : null}
            <div className="member__actions">
              {confirming ? (
                <div className="confirm" role="group" aria-label={`Confirm removing ${member.display_name}`}>
                  <span className="confirm__question">Remove {member.display_name}?</span>
                  <button
                    type="button"
                    className="button button--danger button--small"
                    disabled={busy}
                    onClick={async () => {
                      if (!(await onRemove(member.user_id))) setConfirming(false);
                    }}
                  >
                    {pending === "remove" ? "Removing…" : "Remove"}
                  </button>
                  <button
                    type="button"
                    className="button button--small"
                    disabled={busy}
                    onClick={() => setConfirming(false)}
                  >
                    Cancel
                  </button>
                </div>
              ) : (
                <button
                  type="button"
                  className="button button--small"
                  disabled={busy}
                  onClick={() => setConfirming(true)}
                  aria-label={`Remove ${member.display_name} from the course`}
                >
                  Remove
                </button>
              )}
            </div>
          </>
        ) : (
          <RoleBadge role={member.role} />
        )}
      </td>
    </tr>
  );
}
