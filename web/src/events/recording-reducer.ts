/**
 * The recording's part of a session snapshot (`recording`: the class's latest recording),
 * moved forward by `recording.*` events. The client's twin of what the api reads for
 * `/state` (`sessions/service.py` `_recording`, from the rows `recording/service.py` keeps):
 * applying the events after a snapshot gives what a fresh `/state` would say.
 *
 * ```
 * starting ──started──► recording ──uploading──► uploading ──stopped──► ready | failed
 *    │  ▲                  │  ▲                                              │
 *  failed (staff: `unrecorded` = reason)  resumed / started clear it        deleted
 * ```
 *
 * - `recording.failed` (staff only) does not change the status: the class goes on, not
 *   recorded right now; `unrecorded` holds the reason until `recording.started` or
 *   `recording.resumed`. Nothing else clears it (the api keeps saying it after the class).
 * - An event for another recording than the snapshot's starts from that recording only
 *   when it is about a live one (`started`, `failed`): the latest recording is the live one.
 *   Others (a deletion of an older recording, say) change nothing.
 * - The recording a class gets when it goes live has no event of its own until the recorder
 *   reports (an api gap): a screen takes it from `/join` (`withJoinedState`).
 *
 * Payloads are checked, not trusted: an event whose fields are malformed changes nothing
 * (their names are the catalog's, `known-event.ts`).
 * `session-reducer.ts` calls this for `recording.*` (after moving `as_of_seq`).
 */
import type { EventEnvelope, RecordingSnapshot, RecordingStatus } from "../api/types";
import { type KnownEvent, knownEvent } from "./known-event";

/** The slice of `/state` this reducer owns. */
export interface RecordingSlice {
  recording?: RecordingSnapshot | null | undefined;
}

type RecordingEvent = Extract<KnownEvent, { type: `recording.${string}` }>;

export function isRecordingEvent(type: string): boolean {
  return type.startsWith("recording.");
}

function isRecording(event: KnownEvent): event is RecordingEvent {
  return isRecordingEvent(event.type);
}

export function applyRecordingEvent<State extends RecordingSlice>(
  state: State,
  event: Pick<EventEnvelope, "type" | "payload">,
): State {
  const known = knownEvent(event);
  if (known === null || !isRecording(known)) return state;
  const before = state.recording ?? null;
  const recording = nextRecording(before, known);
  if (recording === before) return state;
  return { ...state, recording };
}

function nextRecording(current: RecordingSnapshot | null, { type, payload }: RecordingEvent): RecordingSnapshot | null {
  const recordingId = payload.recording_id;
  if (typeof recordingId !== "string" || recordingId === "") return current;
  const startsAnother = type === "recording.started" || type === "recording.failed";
  if (current !== null && current.recording_id !== recordingId && !startsAnother) return current;
  const recording: RecordingSnapshot =
    current !== null && current.recording_id === recordingId
      ? current
      : { recording_id: recordingId, status: "starting", started_at: null, error: null, unrecorded: null };

  switch (type) {
    case "recording.started": {
      const startedAt = payload.started_at;
      if (typeof startedAt !== "string") return current;
      return { ...recording, status: "recording", started_at: startedAt, unrecorded: null };
    }
    case "recording.resumed":
      // Another recorder took over: recording again, the gap is the replay's business.
      return { ...recording, status: recording.status === "starting" ? "recording" : recording.status, unrecorded: null };
    case "recording.failed": {
      const reason = payload.reason;
      if (typeof reason !== "string" || reason === "") return current;
      return { ...recording, unrecorded: reason };
    }
    case "recording.uploading":
      return withStatus(recording, "uploading");
    case "recording.stopped": {
      if (payload.status === "ready") return withStatus(recording, "ready");
      if (payload.status === "failed") {
        const error = typeof payload.error === "string" ? payload.error : recording.error;
        return { ...recording, status: "failed", error };
      }
      return current;
    }
    case "recording.deleted":
      return withStatus(recording, "deleted");
    default:
      return current;
  }
}

function withStatus(recording: RecordingSnapshot, status: RecordingStatus): RecordingSnapshot {
  return recording.status === status ? recording : { ...recording, status };
}
