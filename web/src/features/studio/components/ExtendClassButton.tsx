import type { Session } from "../../../api/types";
import { useApi } from "../../../auth/useApi";
import { ActionError } from "../../../shared/components/InlineError";
import { useAction } from "../../../shared/hooks/useAction";
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
  const action = useAction();
  const busy = action.busy !== null;

  function extend() {
    void action.run("extend", "Couldn't extend the class", async () =>
      onExtended(await updateSession(api, session.id, { scheduled_end: extendedEnd(session) })),
    );
  }

  return (
    <div className="ending-banner__action">
      <button type="button" className="button button--small" disabled={busy} aria-busy={busy} onClick={extend}>
        {busy ? "Extending…" : `Extend by ${EXTEND_MINUTES} minutes`}
      </button>
      <ActionError failure={action.failure} />
    </div>
  );
}
