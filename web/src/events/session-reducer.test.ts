import { describe, expect, it } from "vitest";
import type { RecordingSnapshot, SessionState } from "../api/types";
import { applyEvent, applyEvents, withJoinedState, withNewerSession } from "./session-reducer";
import { RECORDING_ID, aJoinResponse, aRecording, aSession, aSessionState } from "../api/testing/fixtures";
import { FakeEventLog, anEvent } from "./testing/fake-event-log";

const scheduled = aSessionState({}, { last_seq: 1 });

/** A log whose first event scheduled the class as `aSession` has it. */
function scheduledLog(): FakeEventLog {
  const log = new FakeEventLog();
  log.append("session.scheduled", {
    title: "Photosynthesis — Week 3",
    description: "",
    scheduled_start: "2026-11-25T10:00:00Z",
    scheduled_end: "2026-11-25T11:00:00Z",
    recording_enabled: true,
  });
  return log;
}

describe("applyEvent", () => {
  it("starts a class: live, with its start time", () => {
    const next = applyEvent(scheduled, anEvent(2, "session.started", { started_at: "2026-11-25T10:01:00+00:00" }));
    expect(next.session).toMatchObject({ status: "live", started_at: "2026-11-25T10:01:00+00:00", last_seq: 2 });
    expect(next.as_of_seq).toBe(2);
    expect(scheduled.session.status).toBe("scheduled"); // the old snapshot is untouched
  });

  it("records the media status on the session and at the top of the snapshot", () => {
    const next = applyEvent(scheduled, anEvent(2, "session.media_status", { media_status: "degraded" }));
    expect(next.media_status).toBe("degraded");
    expect(next.session.media_status).toBe("degraded");
  });

  it("ignores a media status it does not know", () => {
    const next = applyEvent(scheduled, anEvent(2, "session.media_status", { media_status: "sparkly" }));
    expect(next.media_status).toBe("unknown");
    expect(next.as_of_seq).toBe(2);
  });

  it("ends a class", () => {
    const live = aSessionState({}, { status: "live", started_at: "2026-11-25T10:01:00Z", last_seq: 3 });
    const next = applyEvent(
      live,
      anEvent(4, "session.ended", { ended_at: "2026-11-25T10:50:00+00:00", reason: "host" }),
    );
    expect(next.session).toMatchObject({ status: "ended", ended_at: "2026-11-25T10:50:00+00:00" });
  });

  it("cancels a class", () => {
    expect(applyEvent(scheduled, anEvent(2, "session.canceled")).session.status).toBe("canceled");
  });

  it("applies the edited fields of session.updated, and only those", () => {
    const next = applyEvent(
      scheduled,
      anEvent(2, "session.updated", {
        title: "Photosynthesis — the Calvin cycle",
        scheduled_end: "2026-11-25T11:30:00+00:00",
        recording_enabled: false,
        status: "ended", // not an editable field: ignored
        description: 42, // malformed: ignored
      }),
    );
    expect(next.session).toMatchObject({
      title: "Photosynthesis — the Calvin cycle",
      scheduled_end: "2026-11-25T11:30:00+00:00",
      scheduled_start: scheduled.session.scheduled_start,
      recording_enabled: false,
      status: "scheduled",
      description: "",
    });
  });

  it("counts people who join", () => {
    const next = applyEvent(
      scheduled,
      anEvent(2, "participant.joined", { user_id: "u1", display_name: "Grace", role: "participant" }),
    );
    expect(next.participant_count).toBe(1);
  });

  it("moves past filtered gaps and event types it does not know", () => {
    const gap = applyEvent(scheduled, { seq: 2, type: "gap.filtered" });
    const unknown = applyEvent(gap, anEvent(3, "poll.tally", { counts: [1, 2] }));
    expect(unknown).toEqual({ ...scheduled, as_of_seq: 3, session: { ...scheduled.session, last_seq: 3 } });
  });

  it("changes nothing for an event already in the snapshot", () => {
    const live = applyEvent(scheduled, anEvent(2, "session.started", { started_at: "2026-11-25T10:01:00Z" }));
    expect(applyEvent(live, anEvent(2, "session.canceled"))).toBe(live);
    expect(applyEvent(live, anEvent(1, "session.scheduled", { title: "Old" }))).toBe(live);
  });

  it("brings a stale snapshot to what a fresh /state would say (every session.* event)", () => {
    const log = scheduledLog();
    const stale: SessionState = aSessionState({}, { last_seq: 1 });
    log.append("session.updated", { title: "Photosynthesis — Week 3 (moved)", scheduled_start: "2026-11-25T10:15:00Z" });
    log.append("participant.joined", { user_id: "u1", display_name: "Grace", role: "participant" });
    log.append("session.started", { started_at: "2026-11-25T10:16:00Z" });
    log.append("session.media_status", { media_status: "ok" });
    log.appendFiltered();
    log.append("session.media_status", { media_status: "degraded" });
    log.append("session.ended", { ended_at: "2026-11-25T11:02:00Z", reason: "host" });

    const fresh: SessionState = {
      as_of_seq: 8,
      media_status: "degraded",
      participant_count: 1,
      questions: [],
      hands: [],
      session: aSession({
        title: "Photosynthesis — Week 3 (moved)",
        scheduled_start: "2026-11-25T10:15:00Z",
        status: "ended",
        started_at: "2026-11-25T10:16:00Z",
        ended_at: "2026-11-25T11:02:00Z",
        media_status: "degraded",
        last_seq: 8,
      }),
    };
    expect(applyEvents(stale, log.page(1).items)).toEqual(fresh);
  });
});

/**
 * Every event of issue #15 on a stale snapshot gives what a fresh `/state` says after it
 * (`verify_action`-style): the stale snapshot, the event, and the fresh snapshot the api
 * returns once it is in the log, written out by hand from the api's projection.
 */
describe("recording and ending events, stale snapshot → fresh snapshot", () => {
  const liveSession = { status: "live", started_at: "2026-11-25T10:00:00Z", media_status: "ok" } as const;
  const at = (seq: number, recording: RecordingSnapshot | null, session: Parameters<typeof aSession>[0] = {}) =>
    aSessionState({ as_of_seq: seq, media_status: "ok", recording }, { ...liveSession, last_seq: seq, ...session });
  const starting = aRecording({ status: "starting", started_at: null });
  const recording = aRecording();
  const noRecorder = "No recorder was free to record this class.";
  const lost = "The recorder stopped answering and no other recorder took over.";

  const cases: [string, SessionState, ReturnType<typeof anEvent>, SessionState][] = [
    [
      "recording.started: the recorder's first sample; REC counts from it",
      at(4, starting),
      anEvent(5, "recording.started", { recording_id: RECORDING_ID, started_at: "2026-11-25T10:00:05Z", provider: "participant" }),
      at(5, recording),
    ],
    [
      "recording.started on a snapshot taken before the class had a recording",
      at(4, null),
      anEvent(5, "recording.started", { recording_id: RECORDING_ID, started_at: "2026-11-25T10:00:05Z", provider: "participant" }),
      at(5, recording),
    ],
    [
      "recording.failed (staff): no recorder free; the status stays, `unrecorded` says why",
      at(4, starting),
      anEvent(5, "recording.failed", { recording_id: RECORDING_ID, code: "no_recorder", reason: noRecorder }),
      at(5, { ...starting, unrecorded: noRecorder }),
    ],
    [
      "recording.failed on a snapshot taken before the class had a recording",
      at(4, null),
      anEvent(5, "recording.failed", { recording_id: RECORDING_ID, code: "no_recorder", reason: noRecorder }),
      at(5, { ...starting, unrecorded: noRecorder }),
    ],
    [
      "recording.failed (staff): the recorder was lost while recording",
      at(4, recording),
      anEvent(5, "recording.failed", { recording_id: RECORDING_ID, code: "recorder_lost", reason: lost }),
      at(5, { ...recording, unrecorded: lost }),
    ],
    [
      "recording.started once a recorder frees up: recording, no longer unrecorded",
      at(4, { ...starting, unrecorded: noRecorder }),
      anEvent(5, "recording.started", { recording_id: RECORDING_ID, started_at: "2026-11-25T10:03:00Z", provider: "participant" }),
      at(5, aRecording({ started_at: "2026-11-25T10:03:00Z" })),
    ],
    [
      "recording.resumed: another recorder took over after a gap",
      at(4, { ...recording, unrecorded: lost }),
      anEvent(5, "recording.resumed", {
        recording_id: RECORDING_ID,
        resumed_at: "2026-11-25T10:20:00Z",
        gap_from: "2026-11-25T10:18:30Z",
        gap_ms: 90_000,
      }),
      at(5, recording),
    ],
    [
      "recording.uploading: the class is over, the file is being stored",
      at(4, recording, { status: "ended", ended_at: "2026-11-25T10:50:00Z" }),
      anEvent(5, "recording.uploading", { recording_id: RECORDING_ID }),
      at(5, { ...recording, status: "uploading" }, { status: "ended", ended_at: "2026-11-25T10:50:00Z" }),
    ],
    [
      "recording.stopped, ready",
      at(5, { ...recording, status: "uploading" }, { status: "ended", ended_at: "2026-11-25T10:50:00Z" }),
      anEvent(6, "recording.stopped", { recording_id: RECORDING_ID, status: "ready", duration_ms: 2_995_000 }),
      at(6, { ...recording, status: "ready" }, { status: "ended", ended_at: "2026-11-25T10:50:00Z" }),
    ],
    [
      "recording.stopped, failed, with the reason",
      at(5, { ...starting, unrecorded: noRecorder }, { status: "ended", ended_at: "2026-11-25T10:50:00Z" }),
      anEvent(6, "recording.stopped", {
        recording_id: RECORDING_ID,
        status: "failed",
        error: "No recorder was free while the class was live, so nothing was recorded.",
      }),
      at(
        6,
        {
          ...starting,
          status: "failed",
          error: "No recorder was free while the class was live, so nothing was recorded.",
          unrecorded: noRecorder,
        },
        { status: "ended", ended_at: "2026-11-25T10:50:00Z" },
      ),
    ],
    [
      "recording.deleted: a host deleted it",
      at(7, { ...recording, status: "ready" }, { status: "ended", ended_at: "2026-11-25T10:50:00Z", replay_status: "ready" }),
      anEvent(8, "recording.deleted", { recording_id: RECORDING_ID, by: "user-ada" }),
      at(8, { ...recording, status: "deleted" }, { status: "ended", ended_at: "2026-11-25T10:50:00Z", replay_status: "ready" }),
    ],
    [
      "replay.status_changed: the replay moved on (deleted with its recording)",
      at(8, { ...recording, status: "deleted" }, { status: "ended", ended_at: "2026-11-25T10:50:00Z", replay_status: "ready" }),
      anEvent(9, "replay.status_changed", { status: "deleted", previous: "ready" }),
      at(9, { ...recording, status: "deleted" }, { status: "ended", ended_at: "2026-11-25T10:50:00Z", replay_status: "deleted" }),
    ],
    [
      "session.ending_soon: the class will end by itself, and when",
      at(4, recording),
      anEvent(5, "session.ending_soon", {
        reason: "overtime",
        ends_at: "2026-11-25T11:30:00+00:00",
        detail: "The class is 28 minutes past its scheduled end.",
      }),
      at(5, recording, { ending_reason: "overtime", ending_at: "2026-11-25T11:30:00+00:00" }),
    ],
    [
      "session.ending_canceled: a host came back, or the class was extended",
      at(5, recording, { ending_reason: "abandoned", ending_at: "2026-11-25T11:30:00+00:00" }),
      anEvent(6, "session.ending_canceled", { reason: "abandoned" }),
      at(6, recording),
    ],
    [
      "session.ended by itself (abandoned): ended, no longer ending",
      at(5, recording, { ending_reason: "abandoned", ending_at: "2026-11-25T10:40:00+00:00" }),
      anEvent(6, "session.ended", {
        ended_at: "2026-11-25T10:40:00+00:00",
        reason: "abandoned",
        detail: "No teacher was connected for 15 minutes.",
      }),
      at(6, recording, { status: "ended", ended_at: "2026-11-25T10:40:00+00:00" }),
    ],
  ];

  it.each(cases)("%s", (_name, stale, event, fresh) => {
    expect(applyEvent(stale, event)).toEqual(fresh);
  });

  it("replays a whole recorded class, with a lost recorder, from a stale snapshot", () => {
    const log = scheduledLog();
    log.append("session.started", { started_at: "2026-11-25T10:00:00Z" });
    log.append("session.media_status", { media_status: "ok" });
    // Taken here: live, its recording starting (the api made it when the class went live).
    const stale = at(3, starting);
    log.append("recording.started", { recording_id: RECORDING_ID, started_at: "2026-11-25T10:00:05Z", provider: "participant" });
    log.append("recording.failed", { recording_id: RECORDING_ID, code: "recorder_lost", reason: lost });
    log.append("recording.resumed", {
      recording_id: RECORDING_ID,
      resumed_at: "2026-11-25T10:20:00Z",
      gap_from: "2026-11-25T10:18:30Z",
      gap_ms: 90_000,
    });
    log.append("session.ending_soon", { reason: "overtime", ends_at: "2026-11-25T11:30:00Z", detail: "…" });
    log.append("session.updated", { scheduled_end: "2026-11-25T11:30:00Z" });
    log.append("session.ending_canceled", { reason: "overtime" });
    log.append("session.ended", { ended_at: "2026-11-25T11:10:00Z", reason: "ended_by_host" });
    log.append("recording.uploading", { recording_id: RECORDING_ID });
    log.append("recording.stopped", { recording_id: RECORDING_ID, status: "ready", duration_ms: 4_195_000 });
    log.append("replay.status_changed", { status: "pending", previous: "none" });

    const fresh = at(13, { ...recording, status: "ready" }, {
      status: "ended",
      ended_at: "2026-11-25T11:10:00Z",
      scheduled_end: "2026-11-25T11:30:00Z",
      replay_status: "pending",
    });
    expect(applyEvents(stale, log.page(3).items)).toEqual(fresh);
  });

  it("ignores malformed ending and replay events (but moves past them)", () => {
    const stale = at(4, recording);
    expect(applyEvent(stale, anEvent(5, "session.ending_soon", { reason: "bored", ends_at: "2026-11-25T11:30:00Z" })).session.ending_reason).toBeNull();
    expect(applyEvent(stale, anEvent(5, "session.ending_soon", { reason: "overtime" })).session.ending_at).toBeNull();
    expect(applyEvent(stale, anEvent(5, "replay.status_changed", { status: "sparkly" })).session.replay_status).toBe("none");
    expect(applyEvent(stale, anEvent(5, "recording.stopped", { recording_id: RECORDING_ID, status: "paused" }))).toEqual(at(5, recording));
  });
});

describe("withJoinedState", () => {
  const scheduledState = aSessionState({ as_of_seq: 1 }, { last_seq: 1 });
  const liveSession = aSession({ status: "live", started_at: "2026-11-25T10:00:00Z", media_status: "ok", last_seq: 3 });
  const starting = aRecording({ status: "starting", started_at: null });

  it("takes the recording a class got when it went live (no event announces it)", () => {
    const joined = aJoinResponse(aSessionState({ as_of_seq: 3, recording: starting }, liveSession)).state;
    const next = withJoinedState(scheduledState, joined);
    expect(next.session).toEqual(liveSession);
    expect(next.recording).toBe(starting);
    expect(next.as_of_seq).toBe(1); // the feed still brings the events in between
  });

  it("keeps a recording the feed has moved further than an older /join", () => {
    const recording = aRecording();
    const ahead = aSessionState({ as_of_seq: 6, recording }, { ...liveSession, last_seq: 6 });
    const older = aSessionState({ as_of_seq: 3, recording: starting }, liveSession);
    expect(withJoinedState(ahead, older)).toBe(ahead);
    // …but an older /join may still tell a page that knew of no recording at all.
    const unknown = aSessionState({ as_of_seq: 6, recording: null }, { ...liveSession, last_seq: 6 });
    expect(withJoinedState(unknown, older).recording).toBe(starting);
  });
});

describe("withNewerSession", () => {
  const live = aSession({ status: "live", started_at: "2026-11-25T10:01:00Z", media_status: "ok", last_seq: 3 });

  it("takes a command's response that is ahead of the feed, keeping as_of_seq", () => {
    const next = withNewerSession(scheduled, live);
    expect(next.session).toBe(live);
    expect(next.media_status).toBe("ok");
    expect(next.as_of_seq).toBe(1);
  });

  it("keeps the snapshot when the response is older, or another session's", () => {
    const ahead = aSessionState({ as_of_seq: 5 }, { status: "ended", last_seq: 5 });
    expect(withNewerSession(ahead, live)).toBe(ahead);
    expect(withNewerSession(scheduled, { ...live, id: "another" })).toBe(scheduled);
  });

  it("lets the feed catch up without turning an ended class back into a live one", () => {
    const ended = aSession({ status: "ended", ended_at: "2026-11-25T10:40:00Z", last_seq: 4 });
    const state = withNewerSession(scheduled, ended);
    const caughtUp = applyEvents(state, [
      anEvent(2, "session.started", { started_at: "2026-11-25T10:01:00Z" }),
      anEvent(3, "participant.joined", { user_id: "u1" }),
      anEvent(4, "session.ended", { ended_at: "2026-11-25T10:40:00Z" }),
    ]);
    expect(caughtUp.session).toBe(ended);
    expect(caughtUp.as_of_seq).toBe(4);
    expect(caughtUp.participant_count).toBe(1);

    const later = applyEvent(caughtUp, anEvent(5, "session.updated", { title: "Renamed" }));
    expect(later.session).toMatchObject({ title: "Renamed", last_seq: 5, status: "ended" });
  });
});
