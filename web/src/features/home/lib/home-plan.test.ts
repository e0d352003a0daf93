import { describe, expect, it } from "vitest";
import { aCourse, aSession } from "../../../api/testing/fixtures";
import { homePlan, isUnfinished } from "./home-plan";
import { classIcs, icsFilename, icsHref } from "./ics";

const course = aCourse({ id: "c1", title: "Biology" });
const now = Date.parse("2026-12-06T12:00:00Z");
const at = (session: Parameters<typeof aSession>[0]) => ({ course, session: aSession(session) });

describe("homePlan", () => {
  it("sorts live, coming up and watchable replays, and drops what is past or not watchable", () => {
    const plan = homePlan(
      [
        at({ id: "later", status: "scheduled", scheduled_start: "2026-12-08T09:00:00Z", scheduled_end: "2026-12-08T10:00:00Z" }),
        at({ id: "soon", status: "scheduled", scheduled_start: "2026-12-06T15:00:00Z", scheduled_end: "2026-12-06T16:00:00Z" }),
        at({ id: "missed", status: "scheduled", scheduled_start: "2026-12-01T09:00:00Z", scheduled_end: "2026-12-01T10:00:00Z" }),
        at({ id: "live", status: "live", started_at: "2026-12-06T11:30:00Z" }),
        at({ id: "old-replay", status: "ended", ended_at: "2026-12-01T10:00:00Z", replay_status: "ready" }),
        at({ id: "new-replay", status: "ended", ended_at: "2026-12-05T10:00:00Z", replay_status: "partial" }),
        at({ id: "no-replay", status: "ended", ended_at: "2026-12-05T11:00:00Z", replay_status: "none" }),
        at({ id: "canceled", status: "canceled" }),
      ],
      now,
    );
    expect(plan.live.map((item) => item.session.id)).toEqual(["live"]);
    expect(plan.upcoming.map((item) => item.session.id)).toEqual(["soon", "later"]);
    expect(plan.replays.map((item) => item.session.id)).toEqual(["new-replay", "old-replay"]);
  });

  it("calls a replay unfinished once started and before its last seconds", () => {
    expect(isUnfinished(null, 60_000)).toBe(false);
    expect(isUnfinished(2_000, 60_000)).toBe(false);
    expect(isUnfinished(30_000, 60_000)).toBe(true);
    expect(isUnfinished(55_000, 60_000)).toBe(false);
    expect(isUnfinished(30_000, null)).toBe(true);
  });
});

describe("classIcs", () => {
  it("writes one event in UTC, with the title and course escaped and the class's link", () => {
    const session = aSession({
      id: "s1",
      title: "Light, and; dark",
      scheduled_start: "2026-12-08T09:00:00Z",
      scheduled_end: "2026-12-08T10:30:00Z",
    });
    const ics = classIcs(session, "Biology", "https://school.example/sessions/s1", new Date("2026-12-06T12:00:00Z"));
    expect(ics.split("\r\n")).toEqual([
      "BEGIN:VCALENDAR",
      "VERSION:2.0",
      "PRODID:-//Multistream//Classes//EN",
      "CALSCALE:GREGORIAN",
      "BEGIN:VEVENT",
      "UID:s1@multistream",
      "DTSTAMP:20261206T120000Z",
      "DTSTART:20261208T090000Z",
      "DTEND:20261208T103000Z",
      "SUMMARY:Light\\, and\\; dark · Biology",
      "DESCRIPTION:Live class on Multistream: https://school.example/sessions/s1",
      "URL:https://school.example/sessions/s1",
      "END:VEVENT",
      "END:VCALENDAR",
      "",
    ]);
    expect(icsHref(ics).startsWith("data:text/calendar;charset=utf-8,BEGIN%3AVCALENDAR")).toBe(true);
    expect(icsFilename("Light, and; dark!")).toBe("light-and-dark.ics");
  });
});
