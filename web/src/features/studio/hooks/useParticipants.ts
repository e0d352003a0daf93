import { useEffect, useRef, useState } from "react";
import { type ProblemError, toProblemError } from "../../../api/problem";
import { useApi } from "../../../auth/useApi";
import { listParticipants } from "../../stage/lib/stage-api";
import type { Participant, SessionState } from "../../../api/types";

/** Quiet time after a change before the list is read again (a burst of joins is one read). */
const SETTLE_MS = 300;

export interface Participants {
  participants: readonly Participant[] | null;
  error: ProblemError | null;
}

/**
 * The class's people, read again whenever `changeKey` changes (someone joined, a hand
 * went up, the stage changed): the events carry ids, this list carries names and roles.
 * Nothing is read while not `enabled`.
 */
export function useParticipants(sessionId: string, changeKey: string, enabled = true): Participants {
  const api = useApi();
  const [participants, setParticipants] = useState<readonly Participant[] | null>(null);
  const [error, setError] = useState<ProblemError | null>(null);
  const loadedOnce = useRef(false);

  useEffect(() => {
    if (!enabled) return;
    const controller = new AbortController();
    const timer = setTimeout(
      () => {
        listParticipants(api, sessionId, controller.signal).then(
          (list) => {
            if (controller.signal.aborted) return;
            setParticipants(list);
            setError(null);
            loadedOnce.current = true;
          },
          (failure: unknown) => {
            if (!controller.signal.aborted) setError(toProblemError(failure));
          },
        );
      },
      loadedOnce.current ? SETTLE_MS : 0,
    );
    return () => {
      clearTimeout(timer);
      controller.abort();
    };
  }, [api, sessionId, changeKey, enabled]);

  return { participants, error };
}

/** What, in a session snapshot, changes the participants list. */
export function participantsKey(state: SessionState | null): string {
  if (state === null) return "";
  const hands = state.hands.map((hand) => hand.user_id).join(",");
  return `${state.participant_count}|${hands}|${(state.studio?.stage ?? []).join(",")}`;
}
