import { useCallback, useEffect, useState, type DependencyList } from "react";
import { type ProblemError, toProblemError } from "../../api/problem";

export type ResourceState<T> =
  | { status: "loading"; data: null; error: null }
  | { status: "ready"; data: T; error: null }
  | { status: "error"; data: null; error: ProblemError };

export type Resource<T> = ResourceState<T> & {
  /** Loads again from scratch (the "Try again" button). */
  reload(): void;
  /** Replaces the loaded value after a change the server confirmed. */
  update(change: (current: T) => T): void;
};

/**
 * Loads one thing from the api when `deps` change, aborting the previous load, and
 * exposes it as loading / ready / error.
 */
export function useResource<T>(
  load: (signal: AbortSignal) => Promise<T>,
  deps: DependencyList,
): Resource<T> {
  const [state, setState] = useState<ResourceState<T>>({ status: "loading", data: null, error: null });
  const [attempt, setAttempt] = useState(0);

  useEffect(() => {
    const controller = new AbortController();
    setState({ status: "loading", data: null, error: null });
    load(controller.signal).then(
      (data) => {
        if (!controller.signal.aborted) setState({ status: "ready", data, error: null });
      },
      (error: unknown) => {
        if (!controller.signal.aborted) {
          setState({ status: "error", data: null, error: toProblemError(error) });
        }
      },
    );
    return () => controller.abort();
    // `load` is a new function each render; `deps` says when it means something new.
  }, [...deps, attempt]);

  const reload = useCallback(() => setAttempt((n) => n + 1), []);
  const update = useCallback((change: (current: T) => T) => {
    setState((current) =>
      current.status === "ready" ? { status: "ready", data: change(current.data), error: null } : current,
    );
  }, []);

  return { ...state, reload, update };
}
