import { useState } from "react";
import { Link, useNavigate, useParams } from "react-router";
import { type ProblemError, isProblem, toProblemError } from "../../../api/problem";
import type { InvitePreview } from "../../../api/types";
import { useAuth } from "../../../auth/useAuth";
import { EmptyState } from "../../../shared/components/EmptyState";
import { ErrorState } from "../../../shared/components/ErrorState";
import { FormAlert } from "../../../shared/components/FormAlert";
import { LoadingState } from "../../../shared/components/LoadingState";
import { useDocumentTitle } from "../../../shared/hooks/useDocumentTitle";
import { SessionUnavailable } from "../../auth/components/SessionUnavailable";
import { authPathFor } from "../../auth/lib/return-to";
import { useInvitePreview } from "../hooks/useInvitePreview";
import { invalidInviteSentence, inviteRolePhrase } from "../lib/describe-invite";
import { acceptInvite } from "../lib/invites-api";
import { invitePath } from "../lib/invite-url";

/** Where an invite link lands: explains the invitation, then joins the course. */
export function InvitePage() {
  useDocumentTitle("Course invitation");
  const { code = "" } = useParams();
  const { state } = useAuth();

  return (
    <div className="page page--narrow">
      {state.status === "restoring" ? <LoadingState label="Checking your sign-in…" /> : null}
      {state.status === "unavailable" ? <SessionUnavailable /> : null}
      {state.status === "signed-out" ? <SignedOutInvite code={code} /> : null}
      {state.status === "signed-in" ? <SignedInInvite code={code} /> : null}
    </div>
  );
}

function SignedOutInvite({ code }: { code: string }) {
  const next = invitePath(code);
  return (
    <section className="card invite-card" aria-labelledby="invite-title">
      <h1 id="invite-title">You're invited to a course</h1>
      <p>Create a free account, or sign in, to see the invitation and join the class on Multistream.</p>
      <div className="actions">
        <Link className="button button--primary" to={authPathFor("/signup", next)}>
          Create an account
        </Link>
        <Link className="button" to={authPathFor("/signin", next)}>
          Sign in
        </Link>
      </div>
    </section>
  );
}

function SignedInInvite({ code }: { code: string }) {
  const preview = useInvitePreview(code);
  if (preview.status === "loading") return <LoadingState label="Checking your invitation…" />;
  if (preview.status === "error") {
    if (isProblem(preview.error, "not-found")) {
      return (
        <EmptyState title="This invite link doesn't work">
          <p>Check that the whole link was copied, or ask your teacher for a new one.</p>
          <Link className="button" to="/courses">
            Go to your courses
          </Link>
        </EmptyState>
      );
    }
    return <ErrorState title="Couldn't check this invitation" problem={preview.error} onRetry={preview.reload} />;
  }
  return <Invitation invite={preview.data} />;
}

function Invitation({ invite }: { invite: InvitePreview }) {
  const { api } = useAuth();
  const navigate = useNavigate();
  const [joining, setJoining] = useState(false);
  const [failure, setFailure] = useState<ProblemError | null>(null);
  // A 410 while joining means the link died after the preview: show it as invalid.
  const goneReason = failure && failure.status === 410 ? failure.type : null;
  const valid = invite.valid && goneReason === null;

  async function join() {
    setJoining(true);
    setFailure(null);
    try {
      const accepted = await acceptInvite(api, invite.code);
      navigate(`/courses/${encodeURIComponent(accepted.course.id)}`, { replace: true });
    } catch (error) {
      setFailure(toProblemError(error));
      setJoining(false);
    }
  }

  return (
    <section className="card invite-card" aria-labelledby="invite-title">
      <p className="eyebrow">Course invitation</p>
      <h1 id="invite-title">{invite.course_title}</h1>
      {valid ? (
        <>
          <p>You've been invited to join this course as {inviteRolePhrase(invite.role)}.</p>
          {failure ? <FormAlert>{failure.message}</FormAlert> : null}
          <div className="actions">
            <button type="button" className="button button--primary" onClick={() => void join()} disabled={joining}>
              {joining ? "Joining…" : "Join course"}
            </button>
            <Link className="button" to="/courses">
              Not now
            </Link>
          </div>
        </>
      ) : (
        <>
          <p role="alert">{invalidInviteSentence(goneReason ?? invite.reason)}</p>
          <p className="muted">Ask your teacher for a new link.</p>
          <div className="actions">
            <Link className="button" to="/courses">
              Go to your courses
            </Link>
          </div>
        </>
      )}
    </section>
  );
}
