/**
 * What a replay's manifest means for the person looking at it: can it play, is it being
 * made (and how far along), did it fail, was the class never recorded. Pure.
 *
 * Statuses are read as plain strings: the api may add some, and one the app does not know
 * reads as "not available", never as a crash.
 */
import type { Replay, ReplayProgress } from "../../../api/types";

export type ReplayView =
  /** There is something to play; `partial` while the transcript, chapters and captions are made. */
  | { kind: "playable"; partial: boolean }
  /** The pipeline is making it: nothing to play yet. */
  | { kind: "processing" }
  /** The recording is still being written and stored. */
  | { kind: "saving" }
  | { kind: "failed"; reason: string }
  | { kind: "recording-failed"; reason: string }
  | { kind: "not-recorded" }
  /** A host deleted the recording and what was made from it. */
  | { kind: "deleted" }
  /** A status the app does not know, or a replay whose file is missing. */
  | { kind: "unavailable" };

type ManifestStatus = Pick<Replay, "status" | "media" | "recording_status" | "recording_error" | "reason" | "progress">;

/** Recording states after which a file is on its way (the pipeline starts once it is stored). */
const RECORDING_UNDER_WAY = new Set(["starting", "recording", "stopped", "uploading", "ready"]);

export function replayView(replay: ManifestStatus): ReplayView {
  const status: string = replay.status;
  if (status === "deleted" || replay.recording_status === "deleted") return { kind: "deleted" };
  if (replay.media !== null) return { kind: "playable", partial: status !== "ready" };
  if (replay.recording_status === "failed") {
    return { kind: "recording-failed", reason: replay.recording_error ?? "The recorder could not record this class." };
  }
  switch (status) {
    case "failed":
      return { kind: "failed", reason: failureReason(replay) };
    case "pending":
    case "processing":
      return { kind: "processing" };
    case "none":
      if (replay.recording_status === null) return { kind: "not-recorded" };
      return RECORDING_UNDER_WAY.has(replay.recording_status) ? { kind: "saving" } : { kind: "unavailable" };
    default:
      return { kind: "unavailable" };
  }
}

export function failureReason(replay: Pick<Replay, "reason" | "progress">): string {
  return replay.reason ?? replay.progress?.error ?? "Making the replay failed.";
}

/** Whether the manifest will change by itself: the pipeline or the recorder is at work. */
export function replayInProgress(replay: Pick<Replay, "status" | "recording_status">): boolean {
  const status: string = replay.status;
  if (status === "pending" || status === "processing" || status === "partial") return true;
  return status === "none" && replay.recording_status !== null && RECORDING_UNDER_WAY.has(replay.recording_status);
}

/** Partial or ready: there is a recording to watch. */
export function isPlayableStatus(status: string): boolean {
  return status === "partial" || status === "ready";
}

const STEP_LABELS: Record<string, string> = {
  extract: "Preparing the recording",
  transcribe: "Transcribing",
  align: "Lining up the class with the recording",
  derive: "Making chapters, captions and search",
};

export function stepLabel(name: string): string {
  return STEP_LABELS[name] ?? "Processing";
}

/** `Transcribing 3/10`, `Making chapters, captions and search`, `Waiting for a worker`; null without a run. */
export function progressLabel(progress: ReplayProgress | null): string | null {
  if (progress === null) return null;
  if (progress.status === "queued") return "Waiting for a worker";
  const step = progress.step;
  if (step === null) return progress.status === "failed" ? "Failed" : "Processing";
  if (step === "transcribe" && progress.chunks_total !== null && progress.chunks_total > 0) {
    return `Transcribing ${progress.chunks_done ?? 0}/${progress.chunks_total}`;
  }
  return stepLabel(step);
}

const STEP_COUNT = 4;

/** How far the run has got, 0–1: finished steps, plus the share of chunks transcribed. */
export function progressFraction(progress: ReplayProgress | null): number {
  if (progress === null) return 0;
  let done = progress.steps.filter((step) => step.status === "succeeded" || step.status === "skipped").length;
  const transcribing = progress.steps.find((step) => step.name === "transcribe" && step.status === "running");
  if (transcribing && progress.chunks_total) done += (progress.chunks_done ?? 0) / progress.chunks_total;
  return Math.min(1, done / Math.max(STEP_COUNT, progress.steps.length));
}

/**
 * Whether a host may delete the class's recording: there is one, it is not deleted yet, and
 * the class is over (the api refuses while it is live).
 */
export function canDeleteRecording(
  replay: Pick<Replay, "status" | "recording_status">,
  sessionStatus: string | null,
): boolean {
  const status: string = replay.status;
  if (sessionStatus === "live" || sessionStatus === "scheduled") return false;
  return replay.recording_status !== null && replay.recording_status !== "deleted" && status !== "deleted";
}

/** The run a host may start again ("Run again"): the latest run, when it failed. */
export function retryableRunId(replay: Pick<Replay, "status" | "progress">): string | null {
  const status: string = replay.status;
  if (replay.progress === null) return null;
  return status === "failed" || replay.progress.status === "failed" ? replay.progress.run_id : null;
}
