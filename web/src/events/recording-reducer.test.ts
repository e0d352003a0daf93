import { describe, expect, it } from "vitest";
import { RECORDING_ID, aRecording } from "../api/testing/fixtures";
import type { RecordingSnapshot } from "../api/types";
import { applyRecordingEvent, isRecordingEvent } from "./recording-reducer";

const OTHER_ID = "2ec0d000-0000-4000-8000-000000000002";
const apply = (recording: RecordingSnapshot | null, type: string, payload: Record<string, unknown>) =>
  applyRecordingEvent({ recording }, { type, payload }).recording;

describe("applyRecordingEvent", () => {
  it("owns recording.* events only", () => {
    expect(isRecordingEvent("recording.started")).toBe(true);
    expect(isRecordingEvent("replay.status_changed")).toBe(false);
  });

  it("changes nothing for a malformed payload (and keeps the same state object)", () => {
    const state = { recording: aRecording() };
    expect(applyRecordingEvent(state, { type: "recording.started", payload: { recording_id: RECORDING_ID } })).toBe(state);
    expect(applyRecordingEvent(state, { type: "recording.failed", payload: { recording_id: RECORDING_ID, reason: 42 } })).toBe(state);
    expect(applyRecordingEvent(state, { type: "recording.uploading", payload: {} })).toBe(state);
    expect(applyRecordingEvent(state, { type: "recording.sparkled", payload: { recording_id: RECORDING_ID } })).toBe(state);
  });

  it("keeps the failure's reason when a failed stop has none", () => {
    const failed = apply(aRecording({ error: "Disk full." }), "recording.stopped", { recording_id: RECORDING_ID, status: "failed" });
    expect(failed).toMatchObject({ status: "failed", error: "Disk full." });
  });

  it("a resumed recording that was still starting is recording; one being stored stays stored", () => {
    expect(apply(aRecording({ status: "starting" }), "recording.resumed", { recording_id: RECORDING_ID })?.status).toBe("recording");
    expect(apply(aRecording({ status: "uploading", unrecorded: "lost" }), "recording.resumed", { recording_id: RECORDING_ID })).toEqual(
      aRecording({ status: "uploading" }),
    );
  });

  it("moves to a newer recording only on news of a live one", () => {
    const old = aRecording({ status: "ready" });
    expect(apply(old, "recording.started", { recording_id: OTHER_ID, started_at: "2026-11-25T11:00:00Z" })).toEqual(
      aRecording({ recording_id: OTHER_ID, started_at: "2026-11-25T11:00:00Z" }),
    );
    expect(apply(old, "recording.failed", { recording_id: OTHER_ID, reason: "No recorder." })).toEqual({
      recording_id: OTHER_ID,
      status: "starting",
      started_at: null,
      error: null,
      unrecorded: "No recorder.",
    });
    // Deleting an older recording does not touch the latest one.
    expect(apply(old, "recording.deleted", { recording_id: OTHER_ID, by: "user-ada" })).toBe(old);
    expect(apply(old, "recording.uploading", { recording_id: OTHER_ID })).toBe(old);
  });
});
