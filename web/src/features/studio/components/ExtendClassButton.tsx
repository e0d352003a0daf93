import { useState } from "react";
import { type ProblemError, describeProblem, toProblemError } from "../../../api/problem";
import type { Session } from "../../../api/types";
import { useApi } from "../../../auth/useApi";
import { EXTEND_MINUTES, extendedEnd } from "../../sessions/lib/ending";
import { updateSession } from "../../sessions/lib/sessions-api";

interface ExtendClassButtonProps {
  session: Session;
  /** The class was extended: the api's answer. */
  onExtended(session: Session): void;
}

/** Hosts: moves the class's scheduled end 30 minutes later, so it does not end by itself for running over. */
export function ExtendClassButton({ session, onExtended }: ExtendClassButtonProps) {
  const api = useApi();
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<ProblemError | null>(null);

  async function extend() {
    setBusy(true);
    setFailure(null);
    try {
      onExtended(await updateSession(api, session.id, { scheduled_end: extendedEnd(session) }));
    } catch (error) {
      setFailure(toProblemError(error));
    } finally {
      setBusy(false);
    }
  }

  return (
    <div className="ending-banner__action">
      <button type="button" className="button button--small" disabled={busy} aria-busy={busy} onClick={() => void extend()}>
        {busy ? "Extending…" : `Extend by ${EXTEND_MINUTES} minutes`}
      </button>
      {failure ? (
        <p className="field__error" role="alert">
          Couldn&apos;t extend the class. {describeProblem(failure.problem)}
        </p>
      ) : null}
    </div>
  );
}
