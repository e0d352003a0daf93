/**
 * The schedule-a-class form: what was typed (a local date, time and duration) checked
 * and turned into the api's request, whose times are ISO instants with a time zone.
 */
import type { FormErrors } from "../../../api/problem";
import type { SessionCreate } from "../../../api/types";

export const SESSION_TITLE_MAX_LENGTH = 200;
export const DURATION_CHOICES = [30, 45, 60, 90, 120, 180] as const;
export const DEFAULT_DURATION_MINUTES = 60;
/** A start this far in the past is probably a typo (an impromptu class "now" is fine). */
const PAST_TOLERANCE_MS = 15 * 60_000;

export type ScheduleField = "title" | "date" | "time" | "duration";
export const SCHEDULE_FIELDS: readonly ScheduleField[] = ["title", "date", "time", "duration"];

export interface ScheduleInput {
  title: string;
  /** `YYYY-MM-DD`, as an `<input type="date">` gives it. */
  date: string;
  /** `HH:MM`, as an `<input type="time">` gives it, in the teacher's time zone. */
  time: string;
  durationMinutes: number;
}

/** Today at the next quarter hour, for an hour: the usual impromptu class. */
export function defaultScheduleInput(now: Date): ScheduleInput {
  const start = new Date(now.getTime());
  start.setSeconds(0, 0);
  start.setMinutes(Math.ceil((start.getMinutes() + 1) / 15) * 15);
  return { title: "", date: localDate(start), time: localTime(start), durationMinutes: DEFAULT_DURATION_MINUTES };
}

/** The instant a local date and time name, or null when they name none. */
export function localDateTime(date: string, time: string): Date | null {
  const day = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  const clock = /^(\d{2}):(\d{2})(?::\d{2})?$/.exec(time);
  if (!day || !clock) return null;
  const [year, month, dayOfMonth] = [Number(day[1]), Number(day[2]), Number(day[3])];
  const [hours, minutes] = [Number(clock[1]), Number(clock[2])];
  if (hours > 23 || minutes > 59) return null;
  const moment = new Date(year, month - 1, dayOfMonth, hours, minutes);
  // 2026-02-30 rolls over to March: not a date anyone meant.
  if (moment.getFullYear() !== year || moment.getMonth() !== month - 1 || moment.getDate() !== dayOfMonth) return null;
  return moment;
}

export function validateSchedule(input: ScheduleInput, now: Date): FormErrors<ScheduleField> | null {
  const fields: Partial<Record<ScheduleField, string>> = {};
  const title = input.title.trim();
  if (title === "") fields.title = "Give the class a title.";
  else if (title.length > SESSION_TITLE_MAX_LENGTH) fields.title = `Use at most ${SESSION_TITLE_MAX_LENGTH} characters.`;

  if (!/^\d{4}-\d{2}-\d{2}$/.test(input.date) || localDateTime(input.date, "00:00") === null) {
    fields.date = "Pick the day of the class.";
  } else if (localDateTime(input.date, input.time) === null) {
    fields.time = "Pick the time the class starts.";
  } else if ((localDateTime(input.date, input.time)?.getTime() ?? 0) < now.getTime() - PAST_TOLERANCE_MS) {
    fields.time = "That time has passed. Pick a time from now on.";
  }

  if (!Number.isInteger(input.durationMinutes) || input.durationMinutes < 5 || input.durationMinutes > 12 * 60) {
    fields.duration = "Pick how long the class lasts.";
  }
  return Object.keys(fields).length > 0 ? { fields, form: null } : null;
}

/** The request for a valid input (see `validateSchedule`). */
export function scheduleDraft(input: ScheduleInput): SessionCreate {
  const start = localDateTime(input.date, input.time);
  if (start === null) throw new Error("scheduleDraft needs a valid date and time");
  const end = new Date(start.getTime() + input.durationMinutes * 60_000);
  return {
    title: input.title.trim(),
    description: "",
    scheduled_start: start.toISOString(),
    scheduled_end: end.toISOString(),
    recording_enabled: true,
  };
}

function localDate(moment: Date): string {
  return `${moment.getFullYear()}-${pad(moment.getMonth() + 1)}-${pad(moment.getDate())}`;
}

function localTime(moment: Date): string {
  return `${pad(moment.getHours())}:${pad(moment.getMinutes())}`;
}

function pad(value: number): string {
  return String(value).padStart(2, "0");
}
