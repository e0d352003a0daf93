import { describe, expect, it } from "vitest";
import { aSession } from "../../../api/testing/fixtures";
import { groupSessions, plannedMinutes, replayLabel } from "./group-sessions";

describe("groupSessions", () => {
  it("puts live classes first, then upcoming by start time, then past ones newest first", () => {
    const later = aSession({ id: "later", scheduled_start: "2026-12-02T10:00:00Z" });
    const sooner = aSession({ id: "sooner", scheduled_start: "2026-12-01T10:00:00Z" });
    const live = aSession({ id: "live", status: "live", started_at: "2026-11-25T10:00:00Z" });
    const endedLong = aSession({ id: "ended-long", status: "ended", ended_at: "2026-11-01T11:00:00Z" });
    const endedRecent = aSession({ id: "ended-recent", status: "ended", ended_at: "2026-11-20T11:00:00Z" });
    const canceled = aSession({ id: "canceled", status: "canceled", scheduled_start: "2026-11-10T10:00:00Z" });

    const groups = groupSessions([later, endedLong, live, canceled, sooner, endedRecent]);

    expect(groups.live.map((s) => s.id)).toEqual(["live"]);
    expect(groups.upcoming.map((s) => s.id)).toEqual(["sooner", "later"]);
    expect(groups.past.map((s) => s.id)).toEqual(["ended-recent", "canceled", "ended-long"]);
  });

  it("is empty for a course with no classes", () => {
    expect(groupSessions([])).toEqual({ live: [], upcoming: [], past: [] });
  });
});

describe("plannedMinutes", () => {
  it("is the scheduled length in minutes", () => {
    expect(plannedMinutes({ scheduled_start: "2026-11-25T10:00:00Z", scheduled_end: "2026-11-25T11:30:00+00:00" })).toBe(90);
  });
});

describe("replayLabel", () => {
  it("says whether the replay is coming, ready or not", () => {
    expect(replayLabel("none")).toBeNull();
    expect(replayLabel("pending")).toBe("Replay processing");
    expect(replayLabel("processing")).toBe("Replay processing");
    expect(replayLabel("ready")).toBe("Replay ready");
    expect(replayLabel("failed")).toBe("Replay unavailable");
    expect(replayLabel("deleted")).toBe("Replay deleted");
    expect(replayLabel("archived")).toBeNull();
  });
});
