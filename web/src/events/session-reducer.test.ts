import { describe, expect, it } from "vitest";
import type { SessionState } from "../api/types";
import { applyEvent, applyEvents, withNewerSession } from "./session-reducer";
import { aSession, aSessionState } from "../api/testing/fixtures";
import { FakeEventLog, anEvent } from "./testing/fake-event-log";

const scheduled = aSessionState({}, { last_seq: 1 });

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
    const log = new FakeEventLog();
    log.append("session.scheduled", {
      title: "Photosynthesis — Week 3",
      description: "",
      scheduled_start: "2026-11-25T10:00:00Z",
      scheduled_end: "2026-11-25T11:00:00Z",
      recording_enabled: true,
    });
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
