import { describe, expect, it } from "vitest";
import { aSession } from "../../../api/testing/fixtures";
import {
  type ScheduleInput,
  defaultScheduleInput,
  durationChoices,
  inputFromSession,
  localDateTime,
  scheduleDraft,
  sessionChanges,
  validateSchedule,
} from "./schedule-draft";

// Local times on purpose: the form works in the teacher's own time zone.
const now = new Date(2026, 10, 25, 9, 7, 30);
const valid: ScheduleInput = {
  title: "  Photosynthesis — Week 3 ",
  date: "2026-11-25",
  time: "10:00",
  durationMinutes: 90,
  record: true,
};

describe("defaultScheduleInput", () => {
  it("suggests today at the next quarter hour, for an hour", () => {
    expect(defaultScheduleInput(now)).toEqual({ title: "", date: "2026-11-25", time: "09:15", durationMinutes: 60, record: true });
    expect(defaultScheduleInput(new Date(2026, 10, 25, 9, 0, 0)).time).toBe("09:15");
    expect(defaultScheduleInput(new Date(2026, 10, 25, 23, 50)).date).toBe("2026-11-26");
    expect(defaultScheduleInput(new Date(2026, 10, 25, 23, 50)).time).toBe("00:00");
  });

  it("records the class as the course does by default", () => {
    expect(defaultScheduleInput(now, true).record).toBe(true);
    expect(defaultScheduleInput(now, false).record).toBe(false);
  });
});

describe("localDateTime", () => {
  it("reads a local date and time", () => {
    expect(localDateTime("2026-11-25", "10:30")?.getTime()).toBe(new Date(2026, 10, 25, 10, 30).getTime());
  });

  it("refuses dates and times that do not exist", () => {
    expect(localDateTime("2026-02-30", "10:00")).toBeNull();
    expect(localDateTime("2026-11-25", "24:00")).toBeNull();
    expect(localDateTime("25/11/2026", "10:00")).toBeNull();
    expect(localDateTime("2026-11-25", "")).toBeNull();
  });
});

describe("validateSchedule", () => {
  it("accepts a complete class", () => {
    expect(validateSchedule(valid, now)).toBeNull();
  });

  it("names each missing or impossible field", () => {
    expect(validateSchedule({ title: " ", date: "", time: "", durationMinutes: 0, record: true }, now)?.fields).toEqual({
      title: "Give the class a title.",
      date: "Pick the day of the class.",
      duration: "Pick how long the class lasts.",
    });
    expect(validateSchedule({ ...valid, time: "" }, now)?.fields).toEqual({ time: "Pick the time the class starts." });
    expect(validateSchedule({ ...valid, title: "x".repeat(201) }, now)?.fields.title).toBe("Use at most 200 characters.");
  });

  it("refuses a start that has clearly passed, but allows a class starting now", () => {
    expect(validateSchedule({ ...valid, date: "2026-11-24" }, now)?.fields.time).toMatch(/passed/);
    expect(validateSchedule({ ...valid, time: "09:00" }, now)).toBeNull();
    expect(validateSchedule({ ...valid, time: "08:45" }, now)?.fields.time).toMatch(/passed/);
  });

  it("lets an edited class keep a start that has passed, but not move to another past time", () => {
    const kept = new Date(2026, 10, 25, 8, 0).getTime();
    expect(validateSchedule({ ...valid, time: "08:00" }, now, kept)).toBeNull();
    expect(validateSchedule({ ...valid, time: "07:30" }, now, kept)?.fields.time).toMatch(/passed/);
  });
});

describe("scheduleDraft", () => {
  it("sends the trimmed title and ISO instants with a time zone", () => {
    const draft = scheduleDraft(valid);
    expect(draft.title).toBe("Photosynthesis — Week 3");
    expect(draft.scheduled_start).toBe(new Date(2026, 10, 25, 10, 0).toISOString());
    expect(draft.scheduled_start).toMatch(/Z$/);
    expect(Date.parse(draft.scheduled_end) - Date.parse(draft.scheduled_start)).toBe(90 * 60_000);
  });

  it("says whether to record the class, as ticked", () => {
    expect(scheduleDraft(valid).recording_enabled).toBe(true);
    expect(scheduleDraft({ ...valid, record: false }).recording_enabled).toBe(false);
  });
});

describe("editing a class", () => {
  const session = aSession({
    title: "Photosynthesis — Week 3",
    scheduled_start: new Date(2026, 10, 25, 10, 0).toISOString(),
    scheduled_end: new Date(2026, 10, 25, 11, 30).toISOString(),
    recording_enabled: true,
  });

  it("starts from the class: local day and time, length, and whether it is recorded", () => {
    expect(inputFromSession(session)).toEqual({ ...valid, title: "Photosynthesis — Week 3" });
    expect(inputFromSession({ ...session, recording_enabled: false }).record).toBe(false);
  });

  it("sends only what changed", () => {
    const input = inputFromSession(session);
    expect(sessionChanges(session, input)).toEqual({});
    expect(sessionChanges(session, { ...input, title: " Week 3, revised " })).toEqual({ title: "Week 3, revised" });
    expect(sessionChanges(session, { ...input, record: false })).toEqual({ recording_enabled: false });
    // A longer class moves only its end; a later start moves both.
    expect(sessionChanges(session, { ...input, durationMinutes: 120 })).toEqual({
      scheduled_end: new Date(2026, 10, 25, 12, 0).toISOString(),
    });
    expect(sessionChanges(session, { ...input, time: "10:30" })).toEqual({
      scheduled_start: new Date(2026, 10, 25, 10, 30).toISOString(),
      scheduled_end: new Date(2026, 10, 25, 12, 0).toISOString(),
    });
  });

  it("offers the class's own length beside the usual ones", () => {
    expect(durationChoices(60)).toEqual([30, 45, 60, 90, 120, 180]);
    expect(durationChoices(75)).toEqual([30, 45, 60, 75, 90, 120, 180]);
  });
});
