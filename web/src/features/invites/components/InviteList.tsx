import type { Invite } from "../../../api/types";
import { formatDateTime } from "../../../shared/lib/format-date";
import { INVITE_STATE_LABELS, inviteRoleLabel, inviteState, usesLabel } from "../lib/describe-invite";
import { inviteUrl } from "../lib/invite-url";
import { InviteLinkField } from "./InviteLinkField";

interface InviteListProps {
  invites: Invite[];
  /** The invite just created, marked so the host sees which link is new. */
  newInviteId: string | null;
  origin: string;
}

export function InviteList({ invites, newInviteId, origin }: InviteListProps) {
  return (
    <ul className="invite-list">
      {invites.map((invite) => {
        const state = inviteState(invite);
        const role = inviteRoleLabel(invite.role);
        return (
          <li key={invite.id} className={invite.id === newInviteId ? "invite invite--new" : "invite"}>
            <div className="invite__meta">
              <span className={`badge badge--${invite.role}`}>{role}</span>
              {invite.id === newInviteId ? <span className="badge badge--new">New</span> : null}
              {state !== "active" ? <span className="badge badge--muted">{INVITE_STATE_LABELS[state]}</span> : null}
              <span className="muted small">
                {usesLabel(invite)} ·{" "}
                {invite.expires_at === null ? "never expires" : `expires ${formatDateTime(invite.expires_at)}`}
              </span>
            </div>
            {state === "active" ? (
              <InviteLinkField label={`${role} invite link`} url={inviteUrl(origin, invite.code)} />
            ) : null}
          </li>
        );
      })}
    </ul>
  );
}
