/**
 * The session as every screen sees it: the `/state` snapshot, moved forward one event at
 * a time. `applyEvent` is the client's twin of the api's projection
 * (`sessions/projection.py`): applying the events after `as_of_seq` to an old snapshot
 * gives the snapshot `/state` would return now.
 *
 * Rules:
 * - An event at or below `as_of_seq` changes nothing (it is already in the snapshot), so
 *   a redelivered event is harmless even if the caller did not drop it.
 * - Every event, including `gap.filtered` and types this screen does not know yet, moves
 *   `as_of_seq` (and `session.last_seq`) to its seq.
 * - Payload fields are checked, not trusted: a malformed field is ignored, not applied.
 * - A session a command returned (`withNewerSession`) may be ahead of the feed; the
 *   `session.*` events it already contains only move `as_of_seq`, so an older event
 *   never briefly turns an ended class back into a live one.
 */
import type { MediaStatus, Session, SessionState } from "../api/types";
import { type FeedEvent, isFiltered } from "./frames";
import { applyInteractionEvent, isInteractionEvent } from "./interactions-reducer";
import { applyStudioEvent, isStudioEvent } from "./studio-reducer";

/** Session fields `session.scheduled` and `session.updated` may carry. */
const EDITABLE_FIELDS = ["title", "description", "scheduled_start", "scheduled_end"] as const;

const MEDIA_STATUSES: readonly MediaStatus[] = ["unknown", "ok", "degraded", "disabled"];

export function applyEvent(state: SessionState, event: FeedEvent): SessionState {
  if (event.seq <= state.as_of_seq) return state;
  const sessionIsAhead = event.seq <= state.session.last_seq;
  const advanced: SessionState = {
    ...state,
    as_of_seq: event.seq,
    session: sessionIsAhead ? state.session : { ...state.session, last_seq: event.seq },
  };
  if (isFiltered(event)) return advanced;
  if (sessionIsAhead && event.type.startsWith("session.")) return advanced;

  if (isInteractionEvent(event.type)) return applyInteractionEvent(advanced, event);
  if (isStudioEvent(event.type)) return applyStudioEvent(advanced, event);

  const { payload } = event;
  switch (event.type) {
    case "session.scheduled":
    case "session.updated": {
      const session: Session = { ...advanced.session };
      for (const field of EDITABLE_FIELDS) {
        const value = payload[field];
        if (typeof value === "string") session[field] = value;
      }
      if (typeof payload.recording_enabled === "boolean") session.recording_enabled = payload.recording_enabled;
      if (event.type === "session.scheduled") session.status = "scheduled";
      return { ...advanced, session };
    }
    case "session.started":
      return withSession(advanced, {
        status: "live",
        ...(typeof payload.started_at === "string" ? { started_at: payload.started_at } : {}),
      });
    case "session.ended":
      return withSession(advanced, {
        status: "ended",
        ...(typeof payload.ended_at === "string" ? { ended_at: payload.ended_at } : {}),
      });
    case "session.canceled":
      return withSession(advanced, { status: "canceled" });
    case "session.media_status": {
      const media = payload.media_status;
      if (!isMediaStatus(media)) return advanced;
      return { ...withSession(advanced, { media_status: media }), media_status: media };
    }
    case "participant.joined":
      // Logged once per person per session, like the rows `/state` counts.
      return { ...advanced, participant_count: advanced.participant_count + 1 };
    default:
      return advanced;
  }
}

export function applyEvents(state: SessionState, events: readonly FeedEvent[]): SessionState {
  return events.reduce(applyEvent, state);
}

/**
 * Takes a session the api returned from a command (`start`, `end`, …) into the snapshot
 * when it is at least as new, without moving `as_of_seq`: the events behind it still
 * arrive on the feed and apply in order (they change nothing the response did not).
 */
export function withNewerSession(state: SessionState, session: Session): SessionState {
  if (session.id !== state.session.id || session.last_seq < state.session.last_seq) return state;
  return { ...state, session, media_status: session.media_status };
}

function withSession(state: SessionState, change: Partial<Session>): SessionState {
  return { ...state, session: { ...state.session, ...change } };
}

function isMediaStatus(value: unknown): value is MediaStatus {
  return MEDIA_STATUSES.includes(value as MediaStatus);
}
