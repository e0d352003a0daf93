/**
 * What the screens say about a class's recording: the studio's REC indicator (and its
 * failure state), the students' "this class is recorded" notice. Pure, so every
 * combination is tested; components only render the answer.
 *
 * The snapshot's `recording` is the class's latest recording (`recording-reducer.ts`).
 * A class that has just gone live has none yet (the api creates it without an event):
 * while it records and media is not turned off, that reads as "starting".
 */
import type { RecordingSnapshot, SessionState } from "../../../api/types";

export type RecordingIndicator =
  /** Before the class: it will be recorded. */
  | { kind: "planned" }
  | { kind: "starting" }
  /** REC, with the elapsed time counted from `startedAt` (ms since the epoch; null when unknown). */
  | { kind: "recording"; startedAt: number | null }
  /** The class is over, the recorder stores the file. */
  | { kind: "storing" }
  | { kind: "stored" }
  /** Staff: the class is live and NOT being recorded right now, and why. */
  | { kind: "not-recording"; reason: string }
  | { kind: "failed"; reason: string }
  | { kind: "deleted" }
  /** The class records nothing. */
  | { kind: "off" };

type RecordingFacts = Pick<SessionState, "session" | "recording" | "media_status">;

/** Why nothing records when live media is turned off on the server (the recorder needs it). */
export const MEDIA_OFF_REASON = "Live media is turned off on this server, so nothing can be recorded.";
export const FAILED_REASON = "The recorder could not record this class.";

export function recordingIndicator({ session, recording, media_status: media }: RecordingFacts): RecordingIndicator {
  const latest = recording ?? null;
  if (latest === null) {
    if (!session.recording_enabled) return { kind: "off" };
    switch (session.status) {
      case "scheduled":
        return { kind: "planned" };
      case "live":
        return media === "disabled" ? { kind: "not-recording", reason: MEDIA_OFF_REASON } : { kind: "starting" };
      default:
        return { kind: "off" };
    }
  }
  const status: string = latest.status;
  const unrecorded = latest.unrecorded?.trim();
  if (unrecorded && (status === "starting" || status === "recording")) return { kind: "not-recording", reason: unrecorded };
  switch (status) {
    case "starting":
      return { kind: "starting" };
    case "recording":
      return { kind: "recording", startedAt: startedAt(latest) };
    case "stopped":
    case "uploading":
      return { kind: "storing" };
    case "ready":
      return { kind: "stored" };
    case "failed":
      return { kind: "failed", reason: latest.error?.trim() || FAILED_REASON };
    case "deleted":
      return { kind: "deleted" };
    default:
      // A status added to the api after this was written: say nothing we cannot stand by.
      return { kind: "off" };
  }
}

/** How long it has recorded (ms, never negative); null when its start is not known. */
export function recordingElapsedMs(indicator: RecordingIndicator, now: number): number | null {
  if (indicator.kind !== "recording" || indicator.startedAt === null) return null;
  return Math.max(0, now - indicator.startedAt);
}

/**
 * The students' notice (consent): "recorded" while a live class is being recorded or its
 * recording is starting, "will-be-recorded" before a class that will be; null otherwise.
 */
export function recordingNotice(facts: RecordingFacts): "recorded" | "will-be-recorded" | null {
  const indicator = recordingIndicator(facts);
  if (facts.session.status === "scheduled") return indicator.kind === "planned" ? "will-be-recorded" : null;
  if (facts.session.status !== "live") return null;
  if (indicator.kind === "recording" || indicator.kind === "starting") return "recorded";
  // Staff see why it is not recording right now; the class is still meant to be recorded.
  if (indicator.kind === "not-recording" && facts.recording != null) return "recorded";
  return null;
}

function startedAt(recording: RecordingSnapshot): number | null {
  if (recording.started_at === null) return null;
  const at = Date.parse(recording.started_at);
  return Number.isNaN(at) ? null : at;
}
