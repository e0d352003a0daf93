import { useRef } from "react";
import { IdempotencyKeys } from "../../../api/idempotency";
import { useApi } from "../../../auth/useApi";
import { ActionError } from "../../../shared/components/InlineError";
import { useAction } from "../../../shared/hooks/useAction";
import { retryRun } from "../lib/replay-api";

interface RunAgainButtonProps {
  /** The failed pipeline run (`progress.run_id`). */
  runId: string;
  /** The new run has started: ask for the replay again to follow it. */
  onStarted(): void;
}

/** Hosts: makes a failed replay again (the steps that did not finish). */
export function RunAgainButton({ runId, onStarted }: RunAgainButtonProps) {
  const api = useApi();
  const keys = useRef(new IdempotencyKeys());
  const action = useAction();
  const busy = action.busy !== null;

  function runAgain() {
    void action.run("run-again", "Couldn't run it again", async () => {
      // One key per run asked for: a retry after a lost answer cannot start two runs.
      await retryRun(api, runId, keys.current.keyFor({ retry: runId }));
      keys.current.reset();
      onStarted();
    });
  }

  return (
    <div className="run-again">
      <button type="button" className="button button--primary button--small" disabled={busy} aria-busy={busy} onClick={runAgain}>
        {busy ? "Starting…" : "Run again"}
      </button>
      <ActionError failure={action.failure} />
    </div>
  );
}
