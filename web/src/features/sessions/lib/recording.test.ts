import { describe, expect, it } from "vitest";
import { aRecording, aSessionState } from "../../../api/testing/fixtures";
import type { RecordingSnapshot, Session } from "../../../api/types";
import { formatElapsed } from "../../../shared/lib/format-duration";
import { FAILED_REASON, MEDIA_OFF_REASON, recordingElapsedMs, recordingIndicator, recordingNotice } from "./recording";

const live = (recording: RecordingSnapshot | null, session: Partial<Session> = {}, media: "ok" | "disabled" = "ok") =>
  aSessionState({ recording, media_status: media }, { status: "live", started_at: "2026-11-25T10:00:00Z", media_status: media, ...session });

describe("recordingIndicator", () => {
  it("says REC, counted from the recorder's first sample", () => {
    expect(recordingIndicator(live(aRecording()))).toEqual({ kind: "recording", startedAt: Date.parse("2026-11-25T10:00:05Z") });
    expect(recordingIndicator(live(aRecording({ started_at: null })))).toEqual({ kind: "recording", startedAt: null });
  });

  it("says what the recording is doing: starting, being stored, stored, deleted", () => {
    expect(recordingIndicator(live(aRecording({ status: "starting", started_at: null }))).kind).toBe("starting");
    expect(recordingIndicator(live(aRecording({ status: "uploading" }), { status: "ended" })).kind).toBe("storing");
    expect(recordingIndicator(live(aRecording({ status: "stopped" }), { status: "ended" })).kind).toBe("storing");
    expect(recordingIndicator(live(aRecording({ status: "ready" }), { status: "ended" })).kind).toBe("stored");
    expect(recordingIndicator(live(aRecording({ status: "deleted" }), { status: "ended" })).kind).toBe("deleted");
  });

  it("reads a class that just went live, with no recording yet, as starting", () => {
    expect(recordingIndicator(live(null)).kind).toBe("starting");
  });

  it("is loud when the class is not being recorded right now, with the api's reason", () => {
    const reason = "No recorder was free to record this class.";
    expect(recordingIndicator(live(aRecording({ status: "starting", unrecorded: reason })))).toEqual({ kind: "not-recording", reason });
    expect(recordingIndicator(live(aRecording({ unrecorded: reason })))).toEqual({ kind: "not-recording", reason });
    // Live media turned off: nothing can record a class that should be.
    expect(recordingIndicator(live(null, {}, "disabled"))).toEqual({ kind: "not-recording", reason: MEDIA_OFF_REASON });
  });

  it("gives a failed recording's reason, or a general one", () => {
    expect(recordingIndicator(live(aRecording({ status: "failed", error: "Disk full." })))).toEqual({ kind: "failed", reason: "Disk full." });
    expect(recordingIndicator(live(aRecording({ status: "failed", error: null })))).toEqual({ kind: "failed", reason: FAILED_REASON });
  });

  it("says when a class records nothing, and when one will be recorded", () => {
    expect(recordingIndicator(live(null, { recording_enabled: false })).kind).toBe("off");
    expect(recordingIndicator(aSessionState({}, { recording_enabled: true })).kind).toBe("planned");
    expect(recordingIndicator(aSessionState({}, { recording_enabled: false })).kind).toBe("off");
  });
});

describe("recordingElapsedMs", () => {
  const start = Date.parse("2026-11-25T10:00:05Z");

  it("is the time since the recording started, shown as a running clock", () => {
    const elapsed = recordingElapsedMs({ kind: "recording", startedAt: start }, start + 42 * 60_000 + 10_500);
    expect(elapsed).toBe(42 * 60_000 + 10_500);
    expect(formatElapsed(elapsed ?? 0)).toBe("00:42:10");
  });

  it("never counts backwards (a clock slightly behind the recorder's), and is null without a start", () => {
    expect(recordingElapsedMs({ kind: "recording", startedAt: start }, start - 800)).toBe(0);
    expect(recordingElapsedMs({ kind: "recording", startedAt: null }, start)).toBeNull();
    expect(recordingElapsedMs({ kind: "starting" }, start)).toBeNull();
  });
});

describe("recordingNotice (students)", () => {
  it("tells students a class is recorded while it is, or about to be", () => {
    expect(recordingNotice(live(aRecording()))).toBe("recorded");
    expect(recordingNotice(live(aRecording({ status: "starting", started_at: null })))).toBe("recorded");
    expect(recordingNotice(live(null))).toBe("recorded");
  });

  it("tells them before the start that it will be", () => {
    expect(recordingNotice(aSessionState({}, { recording_enabled: true }))).toBe("will-be-recorded");
    expect(recordingNotice(aSessionState({}, { recording_enabled: false }))).toBeNull();
  });

  it("says nothing when nothing is recorded", () => {
    expect(recordingNotice(live(null, { recording_enabled: false }))).toBeNull();
    expect(recordingNotice(live(null, {}, "disabled"))).toBeNull();
    expect(recordingNotice(live(aRecording({ status: "failed" })))).toBeNull();
    expect(recordingNotice(live(aRecording({ status: "ready" }), { status: "ended" }))).toBeNull();
  });
});
