import { useRef, useState } from "react";
import { IdempotencyKeys } from "../../../api/idempotency";
import { type ProblemError, describeProblem, toProblemError } from "../../../api/problem";
import { useApi } from "../../../auth/useApi";
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
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<ProblemError | null>(null);

  async function runAgain() {
    setBusy(true);
    setFailure(null);
    try {
      // One key per run asked for: a retry after a lost answer cannot start two runs.
      await retryRun(api, runId, keys.current.keyFor({ retry: runId }));
      keys.current.reset();
      onStarted();
    } catch (error) {
      setFailure(toProblemError(error));
    } finally {
      setBusy(false);
    }
  }

  return (
    <div className="run-again">
      <button type="button" className="button button--primary button--small" disabled={busy} aria-busy={busy} onClick={() => void runAgain()}>
        {busy ? "Starting…" : "Run again"}
      </button>
      {failure ? (
        <p className="field__error" role="alert">
          Couldn&apos;t run it again. {describeProblem(failure.problem)}
        </p>
      ) : null}
    </div>
  );
}
