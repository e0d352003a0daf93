import { describe, expect, it } from "vitest";
import { aSession } from "../../../api/testing/fixtures";
import { endingAnnouncement, endingOf, endingText, extendedEnd, formatCountdown, plannedEnd } from "./ending";

const endsAt = Date.parse("2026-11-25T11:30:00Z");
const session = aSession({
  status: "live",
  scheduled_start: "2026-11-25T10:00:00Z",
  scheduled_end: "2026-11-25T11:00:00Z",
  started_at: "2026-11-25T10:00:00Z",
  ending_reason: "overtime",
  ending_at: "2026-11-25T11:30:00Z",
});

describe("endingOf", () => {
  it("reads the coming end of a live class", () => {
    expect(endingOf(session)).toEqual({ reason: "overtime", endsAt });
    expect(endingOf({ ...session, ending_reason: "abandoned" })?.reason).toBe("abandoned");
  });

  it("is null when the class is not about to end, is over, or says something it cannot read", () => {
    expect(endingOf({ ...session, ending_reason: null, ending_at: null })).toBeNull();
    expect(endingOf({ ...session, status: "ended" })).toBeNull();
    expect(endingOf({ ...session, ending_reason: "bored" })).toBeNull();
    expect(endingOf({ ...session, ending_at: "soon" })).toBeNull();
  });
});

describe("formatCountdown", () => {
  it("shows minutes and seconds, hours when there are some, rounded up", () => {
    expect(formatCountdown(105_000)).toBe("1:45");
    expect(formatCountdown(104_200)).toBe("1:45");
    expect(formatCountdown(5_000)).toBe("0:05");
    expect(formatCountdown(12 * 60_000)).toBe("12:00");
    expect(formatCountdown(3_723_000)).toBe("1:02:03");
  });

  it("never goes below zero", () => {
    expect(formatCountdown(-3_000)).toBe("0:00");
  });
});

describe("plannedEnd", () => {
  it("is the scheduled end, or the start plus the slot for a class that started late", () => {
    expect(plannedEnd(session)).toBe(Date.parse("2026-11-25T11:00:00Z"));
    expect(plannedEnd({ ...session, started_at: "2026-11-25T10:20:00Z" })).toBe(Date.parse("2026-11-25T11:20:00Z"));
    expect(plannedEnd({ ...session, started_at: null })).toBe(Date.parse("2026-11-25T11:00:00Z"));
  });
});

describe("endingText", () => {
  const now = endsAt - 105_000; // 11:28:15

  it("tells the host why, with the time left", () => {
    expect(endingText({ reason: "abandoned", endsAt }, session, now, "host")).toBe(
      "This class ends by itself in 1:45 — no teacher has been connected.",
    );
    expect(endingText({ reason: "overtime", endsAt }, session, now, "host")).toBe(
      "This class ends by itself in 1:45 — it is 28 minutes past its scheduled end.",
    );
    expect(endingText({ reason: "overtime", endsAt }, session, Date.parse("2026-11-25T11:01:10Z"), "host")).toMatch(
      /it is 1 minute past its scheduled end\.$/,
    );
    expect(endingText({ reason: "overtime", endsAt }, session, Date.parse("2026-11-25T10:59:00Z"), "host")).toMatch(
      /— it is past its scheduled end\.$/,
    );
  });

  it("tells students briefly", () => {
    expect(endingText({ reason: "abandoned", endsAt }, session, now, "student")).toBe(
      "This class ends by itself in 1:45: your teacher isn't connected.",
    );
    expect(endingText({ reason: "overtime", endsAt }, session, now, "student")).toBe(
      "This class ends by itself in 1:45: it is running past its scheduled end.",
    );
  });

  it("announces once, without the ticking time", () => {
    expect(endingAnnouncement({ reason: "overtime", endsAt }, "host")).not.toMatch(/\d/);
    expect(endingAnnouncement({ reason: "abandoned", endsAt }, "student")).toBe("This class will end by itself soon.");
  });
});

describe("extendedEnd", () => {
  it("moves the scheduled end 30 minutes later", () => {
    expect(extendedEnd(session)).toBe("2026-11-25T11:30:00.000Z");
    expect(extendedEnd(session, 15)).toBe("2026-11-25T11:15:00.000Z");
  });
});
