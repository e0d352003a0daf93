import { describe, expect, it } from "vitest";
import type { Replay } from "../../../api/types";
import { aProgress, aReplay } from "../testing/fixtures";
import {
  canDeleteRecording,
  isPlayableStatus,
  progressFraction,
  progressLabel,
  replayInProgress,
  replayView,
  retryableRunId,
} from "./replay-state";

const noMedia = { media: null } as const;

describe("replayView", () => {
  it("plays whatever has media: ready, or partial while the transcript is made", () => {
    expect(replayView(aReplay())).toEqual({ kind: "playable", partial: false });
    expect(replayView(aReplay({ status: "partial", progress: aProgress() }))).toEqual({ kind: "playable", partial: true });
  });

  it("says a replay is being made, or its recording still stored", () => {
    expect(replayView(aReplay({ ...noMedia, status: "processing" })).kind).toBe("processing");
    expect(replayView(aReplay({ ...noMedia, status: "pending" })).kind).toBe("processing");
    expect(replayView(aReplay({ ...noMedia, status: "none", recording_status: "uploading" })).kind).toBe("saving");
  });

  it("gives the reason of a failure, from the run when the manifest has none", () => {
    expect(replayView(aReplay({ ...noMedia, status: "failed", reason: "ffmpeg could not read the file" }))).toEqual({
      kind: "failed",
      reason: "ffmpeg could not read the file",
    });
    expect(
      replayView(aReplay({ ...noMedia, status: "failed", reason: null, progress: aProgress({ error: "out of memory" }) })),
    ).toEqual({ kind: "failed", reason: "out of memory" });
  });

  it("tells a class never recorded from one whose recording failed", () => {
    expect(replayView(aReplay({ ...noMedia, status: "none", recording_status: null })).kind).toBe("not-recorded");
    expect(
      replayView(aReplay({ ...noMedia, status: "failed", recording_status: "failed", recording_error: "No recorder was free." })),
    ).toEqual({ kind: "recording-failed", reason: "No recorder was free." });
  });

  it("says when the recording was deleted", () => {
    expect(replayView(aReplay({ ...noMedia, status: "deleted" })).kind).toBe("deleted");
    expect(replayView(aReplay({ status: "ready", recording_status: "deleted" })).kind).toBe("deleted");
    expect(replayInProgress(aReplay({ status: "deleted" }))).toBe(false);
  });

  it("reads a status it does not know as not available", () => {
    const archived = aReplay({ ...noMedia, status: "archived" as Replay["status"] });
    expect(replayView(archived).kind).toBe("unavailable");
    expect(replayInProgress(archived)).toBe(false);
    expect(isPlayableStatus("archived")).toBe(false);
  });
});

describe("canDeleteRecording", () => {
  it("offers a recording of a class that is over, once", () => {
    expect(canDeleteRecording(aReplay(), "ended")).toBe(true);
    expect(canDeleteRecording(aReplay({ ...noMedia, status: "failed", recording_status: "failed" }), "ended")).toBe(true);
    // The class's status not known yet: the api says whether it is live.
    expect(canDeleteRecording(aReplay(), null)).toBe(true);
  });

  it("has nothing to delete when there is no recording, or it is gone already", () => {
    expect(canDeleteRecording(aReplay({ ...noMedia, status: "none", recording_status: null }), "ended")).toBe(false);
    expect(canDeleteRecording(aReplay({ ...noMedia, status: "deleted", recording_status: "deleted" }), "ended")).toBe(false);
    expect(canDeleteRecording(aReplay({ ...noMedia, status: "deleted" }), "ended")).toBe(false);
  });

  it("waits for a live class to end (the api refuses while it is live)", () => {
    expect(canDeleteRecording(aReplay({ ...noMedia, status: "none", recording_status: "recording" }), "live")).toBe(false);
  });
});

describe("replayInProgress", () => {
  it("is true while the pipeline or the recorder works", () => {
    expect(replayInProgress(aReplay({ status: "pending" }))).toBe(true);
    expect(replayInProgress(aReplay({ status: "processing" }))).toBe(true);
    expect(replayInProgress(aReplay({ status: "partial" }))).toBe(true);
    expect(replayInProgress(aReplay({ status: "none", recording_status: "recording" }))).toBe(true);
  });

  it("is false once settled", () => {
    expect(replayInProgress(aReplay({ status: "ready" }))).toBe(false);
    expect(replayInProgress(aReplay({ status: "failed" }))).toBe(false);
    expect(replayInProgress(aReplay({ status: "none", recording_status: null }))).toBe(false);
    expect(replayInProgress(aReplay({ status: "none", recording_status: "failed" }))).toBe(false);
  });
});

describe("progress", () => {
  it("says which step, with the chunks transcribed", () => {
    expect(progressLabel(aProgress())).toBe("Transcribing 3/10");
    expect(progressLabel(aProgress({ step: "transcribe", chunks_total: null, chunks_done: null }))).toBe("Transcribing");
    expect(progressLabel(aProgress({ step: "derive" }))).toBe("Making chapters, captions and search");
    expect(progressLabel(aProgress({ status: "queued", step: "extract" }))).toBe("Waiting for a worker");
    expect(progressLabel(aProgress({ step: "reticulate" as never }))).toBe("Processing");
    expect(progressLabel(null)).toBeNull();
  });

  it("measures how far the run has got", () => {
    // extract done (1) + transcribe 3/10 of (1), of 4 steps.
    expect(progressFraction(aProgress())).toBeCloseTo(1.3 / 4);
    expect(progressFraction(null)).toBe(0);
  });

  it("offers the failed run to run again, and nothing otherwise", () => {
    const failed = aProgress({ status: "failed", step: "transcribe" });
    expect(retryableRunId(aReplay({ status: "failed", progress: failed }))).toBe(failed.run_id);
    expect(retryableRunId(aReplay({ status: "processing", progress: aProgress() }))).toBeNull();
    expect(retryableRunId(aReplay({ status: "failed", progress: null }))).toBeNull();
  });
});
