import { useState } from "react";
import type { Invite, InviteCreate } from "../../../api/types";
import { EmptyState } from "../../../shared/components/EmptyState";
import { ErrorState } from "../../../shared/components/ErrorState";
import { LoadingState } from "../../../shared/components/LoadingState";
import { useInvites } from "../hooks/useInvites";
import { inviteRoleLabel } from "../lib/describe-invite";
import { CreateInviteForm } from "./CreateInviteForm";
import { InviteList } from "./InviteList";

interface InvitePanelProps {
  courseId: string;
  /** Where invite links point; the page's own origin outside tests. */
  origin?: string;
}

/** The host's invite links: create one for students or TAs, copy it, see the others. */
export function InvitePanel({ courseId, origin = window.location.origin }: InvitePanelProps) {
  const invites = useInvites(courseId);
  const [created, setCreated] = useState<Invite | null>(null);

  async function create(draft: InviteCreate) {
    const invite = await invites.create(draft);
    setCreated(invite);
    return invite;
  }

  return (
    <section className="card" aria-labelledby="invites-title">
      <h2 id="invites-title">Invite people</h2>
      <p className="muted">Anyone with a link joins this course in the role it names.</p>
      <CreateInviteForm onCreate={create} />
      <p className="visually-hidden" role="status">
        {created ? `${inviteRoleLabel(created.role)} invite link created. It is first in the list below.` : ""}
      </p>
      <h3 className="invite-list__title">Invite links</h3>
      {invites.status === "loading" ? <LoadingState label="Loading invite links…" /> : null}
      {invites.status === "error" ? (
        <ErrorState title="Couldn't load the invite links" problem={invites.error} onRetry={invites.reload} />
      ) : null}
      {invites.status === "ready" && invites.data.length === 0 ? (
        <EmptyState title="No invite links yet">
          <p>Create one above and share it with your class.</p>
        </EmptyState>
      ) : null}
      {invites.status === "ready" && invites.data.length > 0 ? (
        <InviteList invites={invites.data} newInviteId={created?.id ?? null} origin={origin} />
      ) : null}
    </section>
  );
}
