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
 *   Their names are the api's catalog's (`known-event.ts`).
 * - A session a command returned (`withNewerSession`) may be ahead of the feed; the
 *   `session.*` and `replay.*` events it already contains only move `as_of_seq`, so an
 *   older event never briefly turns an ended class back into a live one.
 * - A class about to end by itself carries `ending_reason` and `ending_at`
 *   (`session.ending_soon`), until `session.ending_canceled` or its end.
 */
import type { MediaStatus, ReplayStatus, Session, SessionState } from "../api/types";
import { MEDIA_STATUS_VALUES, REPLAY_STATUS_VALUES } from "./event-catalog.gen";
import { type FeedEvent, isFiltered } from "./frames";
import { applyInteractionEvent, isInteractionEvent } from "./interactions-reducer";
import { knownEvent } from "./known-event";
import { applyRecordingEvent, isRecordingEvent } from "./recording-reducer";
import { applyStudioEvent, isStudioEvent } from "./studio-reducer";

/** Session fields `session.scheduled` and `session.updated` may carry. */
const EDITABLE_FIELDS = ["title", "description", "scheduled_start", "scheduled_end"] as const;

const ENDING_REASONS: readonly string[] = ["abandoned", "overtime"];

export function applyEvent(state: SessionState, event: FeedEvent): SessionState {
  if (event.seq <= state.as_of_seq) return state;
  const sessionIsAhead = event.seq <= state.session.last_seq;
  const advanced: SessionState = {
    ...state,
    as_of_seq: event.seq,
    session: sessionIsAhead ? state.session : { ...state.session, last_seq: event.seq },
  };
  if (isFiltered(event)) return advanced;
  if (sessionIsAhead && (event.type.startsWith("session.") || event.type.startsWith("replay."))) return advanced;

  if (isInteractionEvent(event.type)) return applyInteractionEvent(advanced, event);
  if (isStudioEvent(event.type)) return applyStudioEvent(advanced, event);
  if (isRecordingEvent(event.type)) return applyRecordingEvent(advanced, event);

  const known = knownEvent(event);
  if (known === null) return advanced;
  const { type, payload } = known;
  switch (type) {
    case "session.scheduled":
    case "session.updated": {
      const session: Session = { ...advanced.session };
      for (const field of EDITABLE_FIELDS) {
        const value = payload[field];
        if (typeof value === "string") session[field] = value;
      }
      if (typeof payload.recording_enabled === "boolean") session.recording_enabled = payload.recording_enabled;
      if (type === "session.scheduled") session.status = "scheduled";
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
        ending_reason: null,
        ending_at: null,
      });
    case "session.ending_soon": {
      const { reason, ends_at: endsAt } = payload;
      if (typeof reason !== "string" || !ENDING_REASONS.includes(reason) || typeof endsAt !== "string") return advanced;
      return withSession(advanced, { ending_reason: reason, ending_at: endsAt });
    }
    case "session.ending_canceled":
      return withSession(advanced, { ending_reason: null, ending_at: null });
    case "session.canceled":
      return withSession(advanced, { status: "canceled" });
    case "session.media_status": {
      const media = payload.media_status;
      if (!isMediaStatus(media)) return advanced;
      return { ...withSession(advanced, { media_status: media }), media_status: media };
    }
    case "replay.status_changed": {
      const replay = payload.status;
      if (!REPLAY_STATUS_VALUES.includes(replay as ReplayStatus)) return advanced;
      return withSession(advanced, { replay_status: replay as ReplayStatus });
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

/**
 * Takes in what a later `/join` said: its session (as `withNewerSession` does) and its
 * recording — a class that goes live gets a recording that no event announces until the
 * recorder reports, so `/join` is where a page first learns of it. A snapshot older than
 * this one only fills a recording this one does not know yet: any `recording.*` event
 * since would have set it.
 */
export function withJoinedState(state: SessionState, joined: SessionState): SessionState {
  const next = withNewerSession(state, joined.session);
  if (joined.session.id !== state.session.id) return next;
  const known = state.recording ?? null;
  const told = joined.recording ?? null;
  const takeIt = told !== null && (known === null || joined.as_of_seq >= state.as_of_seq);
  return takeIt && told !== known ? { ...next, recording: told } : next;
}

function withSession(state: SessionState, change: Partial<Session>): SessionState {
  return { ...state, session: { ...state.session, ...change } };
}

function isMediaStatus(value: unknown): value is MediaStatus {
  return MEDIA_STATUS_VALUES.includes(value as MediaStatus);
}
