import { useCallback, useRef, useState } from "react";
import { type ProblemError, toProblemError } from "../../api/problem";

export interface ActionFailure {
  /** What failed, in words: "Couldn't delete the message". */
  title: string;
  problem: ProblemError;
}

export interface Action {
  /** The key of the action running now (e.g. `delete:<id>`), or null. */
  busy: string | null;
  failure: ActionFailure | null;
  /** Runs `work` unless another action runs; resolves true when it succeeded. */
  run(key: string, title: string, work: () => Promise<unknown>): Promise<boolean>;
  dismiss(): void;
}

/**
 * One action at a time (a moderator's click, Run again, Extend), with its failure kept to
 * show. `busy` names the action that runs, so a screen can say which button is working.
 */
export function useAction(): Action {
  const [busy, setBusy] = useState<string | null>(null);
  const [failure, setFailure] = useState<ActionFailure | null>(null);
  const running = useRef(false);

  const run = useCallback(async (key: string, title: string, work: () => Promise<unknown>) => {
    if (running.current) return false;
    running.current = true;
    setBusy(key);
    setFailure(null);
    try {
      await work();
      return true;
    } catch (error) {
      setFailure({ title, problem: toProblemError(error) });
      return false;
    } finally {
      running.current = false;
      setBusy(null);
    }
  }, []);
  const dismiss = useCallback(() => setFailure(null), []);

  return { busy, failure, run, dismiss };
}
