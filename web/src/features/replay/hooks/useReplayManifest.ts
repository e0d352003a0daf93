import { useCallback, useEffect, useRef, useState } from "react";
import { type ProblemError, toProblemError } from "../../../api/problem";
import type { Replay } from "../../../api/types";
import { useApi } from "../../../auth/useApi";
import { getReplay } from "../lib/replay-api";

/** How often a replay that is still being made is asked for again. */
export const REPLAY_POLL_MS = 4_000;

export interface ReplayManifest {
  status: "loading" | "ready" | "error";
  replay: Replay | null;
  /** When the manifest shown was asked for (ms since the epoch): its media URL's clock starts then. */
  requestedAt: number;
  /** The first load's failure (later failures keep the manifest shown). */
  error: ProblemError | null;
  /** Loads again from scratch ("Try again"). */
  reload(): void;
  /** Asks for the manifest again now, keeping the current one meanwhile; true when it came. */
  refresh(): Promise<boolean>;
}

interface Options {
  /** Load at all (default true). */
  enabled?: boolean;
  /** Ask again every `REPLAY_POLL_MS` while this says the manifest will change (default: never). */
  poll?: (replay: Replay) => boolean;
  /** After a failed first load, keep asking (screens where the replay is a side note). */
  retryFirstLoad?: boolean;
}

type State = Pick<ReplayManifest, "status" | "replay" | "requestedAt" | "error">;

/** A class's replay manifest, kept current while it is being made. */
export function useReplayManifest(sessionId: string, options: Options = {}): ReplayManifest {
  const { enabled = true, poll, retryFirstLoad = false } = options;
  const api = useApi();
  const [state, setState] = useState<State>({ status: "loading", replay: null, requestedAt: 0, error: null });
  const [attempt, setAttempt] = useState(0);
  // Bumped after every refresh, success or not, so polling goes on after a failed one.
  const [refreshes, setRefreshes] = useState(0);
  const inFlight = useRef<Promise<boolean> | null>(null);
  const alive = useRef(true);
  const current = useRef({ api, sessionId });
  current.current = { api, sessionId };

  useEffect(() => {
    alive.current = true;
    return () => {
      alive.current = false;
    };
  }, []);

  useEffect(() => {
    if (!enabled) return;
    const controller = new AbortController();
    const requestedAt = Date.now();
    setState((previous) => (previous.status === "loading" ? previous : { status: "loading", replay: null, requestedAt: 0, error: null }));
    getReplay(api, sessionId, controller.signal).then(
      (replay) => {
        if (!controller.signal.aborted) setState({ status: "ready", replay, requestedAt, error: null });
      },
      (error: unknown) => {
        if (!controller.signal.aborted) setState({ status: "error", replay: null, requestedAt: 0, error: toProblemError(error) });
      },
    );
    return () => controller.abort();
  }, [api, sessionId, enabled, attempt]);

  const refresh = useCallback(() => {
    inFlight.current ??= (async () => {
      const { api: client, sessionId: id } = current.current;
      const requestedAt = Date.now();
      try {
        const replay = await getReplay(client, id);
        // A manifest for another class (the route changed meanwhile) is not this one's.
        if (alive.current && current.current.sessionId === id) {
          setState({ status: "ready", replay, requestedAt, error: null });
        }
        return true;
      } catch {
        return false;
      } finally {
        inFlight.current = null;
        if (alive.current) setRefreshes((n) => n + 1);
      }
    })();
    return inFlight.current;
  }, []);

  const replay = state.replay;
  const polling =
    enabled && ((replay !== null && poll !== undefined && poll(replay)) || (retryFirstLoad && state.status === "error"));
  useEffect(() => {
    if (!polling) return;
    const timer = window.setTimeout(() => void refresh(), REPLAY_POLL_MS);
    return () => window.clearTimeout(timer);
  }, [polling, refresh, replay, refreshes]);

  const reload = useCallback(() => setAttempt((n) => n + 1), []);
  return { ...state, reload, refresh };
}
