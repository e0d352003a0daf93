import { useCallback, useEffect, useReducer } from "react";
import { type ProblemError, toProblemError } from "../../../api/problem";
import type { JoinResponse, Session, SessionState } from "../../../api/types";
import { useApi } from "../../../auth/useApi";
import type { FeedEvent } from "../../../events/frames";
import { knownEvent } from "../../../events/known-event";
import type { FeedSnapshot } from "../../../events/session-feed";
import { applyEvent, withJoinedState, withNewerSession } from "../../../events/session-reducer";
import { getSessionState, joinSession } from "../lib/sessions-api";
import { useSessionFeed } from "./useSessionFeed";

/**
 * How a screen enters a class: students `join` (recorded as attendance; media
 * credentials while it is live), the studio `observe`s (`/state`) until the host goes live.
 */
export type EntryMode = "join" | "observe";

export interface LiveSession {
  status: "loading" | "ready" | "error";
  error: ProblemError | null;
  /** The class now: the loaded snapshot with every event since applied. */
  state: SessionState | null;
  /** The latest `/join` answer (media credentials, my role). */
  join: JoinResponse | null;
  feed: FeedSnapshot | null;
  /**
   * Why the class ended by itself (`session.ended`'s `detail`, e.g. "No teacher was
   * connected for 15 minutes."), when this page saw it end; null otherwise. The snapshot
   * does not keep it, so a page opened later cannot say.
   */
  endedDetail: string | null;
  reload(): void;
  /** Asks `/join` again, e.g. for media credentials once the class is live. */
  rejoin(): Promise<JoinResponse>;
  /** Takes in a session a command returned (start, end) without waiting for the feed. */
  acceptSession(session: Session): void;
}

type Model = {
  status: "loading" | "ready" | "error";
  error: ProblemError | null;
  state: SessionState | null;
  join: JoinResponse | null;
  endedDetail: string | null;
  /** The seq the feed starts after: the loaded snapshot's. */
  startAfter: number | null;
  attempt: number;
};

type Action =
  | { type: "load" }
  | { type: "loaded"; state: SessionState; join: JoinResponse | null }
  | { type: "failed"; error: ProblemError }
  | { type: "event"; event: FeedEvent }
  | { type: "session"; session: Session }
  | { type: "joined"; join: JoinResponse };

const initial: Model = {
  status: "loading",
  error: null,
  state: null,
  join: null,
  endedDetail: null,
  startAfter: null,
  attempt: 0,
};

function reduce(model: Model, action: Action): Model {
  switch (action.type) {
    case "load":
      return { ...initial, attempt: model.attempt + 1 };
    case "loaded":
      return { ...model, status: "ready", state: action.state, join: action.join, startAfter: action.state.as_of_seq };
    case "failed":
      return { ...model, status: "error", error: action.error };
    case "event": {
      if (!model.state) return model;
      const state = applyEvent(model.state, action.event);
      return { ...model, state, endedDetail: endedDetailOf(model.state, state, action.event) ?? model.endedDetail };
    }
    case "session":
      return model.state ? { ...model, state: withNewerSession(model.state, action.session) } : model;
    case "joined":
      return model.state
        ? { ...model, join: action.join, state: withJoinedState(model.state, action.join.state) }
        : model;
  }
}

/** The `detail` of a `session.ended` this event applied; null when it is not one. */
function endedDetailOf(before: SessionState, after: SessionState, event: FeedEvent): string | null {
  if (before === after || !("payload" in event)) return null;
  const known = knownEvent(event);
  if (known?.type !== "session.ended") return null;
  const detail = known.payload.detail;
  return typeof detail === "string" && detail.trim() !== "" ? detail : null;
}

/**
 * Loads a class (by `/join` or `/state`), keeps it current with the live event feed,
 * and stops the feed once the class has ended or was canceled (nothing more will come).
 */
export function useLiveSession(sessionId: string, mode: EntryMode): LiveSession {
  const api = useApi();
  const [model, dispatch] = useReducer(reduce, initial);

  useEffect(() => {
    const controller = new AbortController();
    const load =
      mode === "join"
        ? joinSession(api, sessionId, controller.signal).then((join) => ({ state: join.state, join }))
        : getSessionState(api, sessionId, controller.signal).then((state) => ({ state, join: null }));
    load.then(
      ({ state, join }) => {
        if (!controller.signal.aborted) dispatch({ type: "loaded", state, join });
      },
      (error: unknown) => {
        if (!controller.signal.aborted) dispatch({ type: "failed", error: toProblemError(error) });
      },
    );
    return () => controller.abort();
  }, [api, sessionId, mode, model.attempt]);

  const status = model.state?.session.status;
  const over = status === "ended" || status === "canceled";
  const onEvent = useCallback((event: FeedEvent) => dispatch({ type: "event", event }), []);
  const feed = useSessionFeed(sessionId, model.startAfter, onEvent, !over);

  const reload = useCallback(() => dispatch({ type: "load" }), []);
  const rejoin = useCallback(async () => {
    const join = await joinSession(api, sessionId);
    dispatch({ type: "joined", join });
    return join;
  }, [api, sessionId]);
  const acceptSession = useCallback((session: Session) => dispatch({ type: "session", session }), []);

  return {
    status: model.status,
    error: model.error,
    state: model.state,
    join: model.join,
    feed,
    endedDetail: model.endedDetail,
    reload,
    rejoin,
    acceptSession,
  };
}
