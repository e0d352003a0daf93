/**
 * The schedule-a-class and edit-a-class forms: what was typed (a local date, time and
 * duration, whether to record) checked and turned into the api's request, whose times are
 * ISO instants with a time zone. Editing uses the same input and rules, and sends only
 * what changed.
 */
import type { FormErrors } from "../../../api/problem";
import type { Session, SessionCreate, SessionUpdate } from "../../../api/types";
import { plannedMinutes } from "./group-sessions";

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
  /** "Record this class": the course's default for a new class. */
  record: boolean;
}

/** Today at the next quarter hour, for an hour, recorded as the course says: the usual impromptu class. */
export function defaultScheduleInput(now: Date, recordByDefault = true): ScheduleInput {
  const start = new Date(now.getTime());
  start.setSeconds(0, 0);
  start.setMinutes(Math.ceil((start.getMinutes() + 1) / 15) * 15);
  return {
    title: "",
    date: localDate(start),
    time: localTime(start),
    durationMinutes: DEFAULT_DURATION_MINUTES,
    record: recordByDefault,
  };
}

/** A scheduled class as the edit form starts from: its title, local day and time, length and recording. */
export function inputFromSession(session: Pick<Session, "title" | "scheduled_start" | "scheduled_end" | "recording_enabled">): ScheduleInput {
  const start = new Date(session.scheduled_start);
  return {
    title: session.title,
    date: localDate(start),
    time: localTime(start),
    durationMinutes: plannedMinutes(session),
    record: session.recording_enabled,
  };
}

/** The lengths the form offers: the usual ones, and the class's own when it is another. */
export function durationChoices(current: number): number[] {
  const choices: number[] = [...DURATION_CHOICES];
  if (Number.isInteger(current) && current > 0 && !choices.includes(current)) choices.push(current);
  return choices.sort((a, b) => a - b);
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

/**
 * What is wrong with the input, field by field; null when it can be sent. `keptStart` (ms)
 * is the start an edited class already has: keeping it is fine even once it has passed.
 */
export function validateSchedule(input: ScheduleInput, now: Date, keptStart?: number): FormErrors<ScheduleField> | null {
  const fields: Partial<Record<ScheduleField, string>> = {};
  const title = input.title.trim();
  if (title === "") fields.title = "Give the class a title.";
  else if (title.length > SESSION_TITLE_MAX_LENGTH) fields.title = `Use at most ${SESSION_TITLE_MAX_LENGTH} characters.`;

  if (!/^\d{4}-\d{2}-\d{2}$/.test(input.date) || localDateTime(input.date, "00:00") === null) {
    fields.date = "Pick the day of the class.";
  } else if (localDateTime(input.date, input.time) === null) {
    fields.time = "Pick the time the class starts.";
  } else if (
    (localDateTime(input.date, input.time)?.getTime() ?? 0) < now.getTime() - PAST_TOLERANCE_MS &&
    localDateTime(input.date, input.time)?.getTime() !== keptStart
  ) {
    fields.time = "That time has passed. Pick a time from now on.";
  }

  if (!Number.isInteger(input.durationMinutes) || input.durationMinutes < 5 || input.durationMinutes > 12 * 60) {
    fields.duration = "Pick how long the class lasts.";
  }
  return Object.keys(fields).length > 0 ? { fields, form: null } : null;
}

/** The request for a valid input (see `validateSchedule`). */
export function scheduleDraft(input: ScheduleInput): SessionCreate {
  const { start, end } = instants(input);
  return {
    title: input.title.trim(),
    description: "",
    scheduled_start: start,
    scheduled_end: end,
    recording_enabled: input.record,
  };
}

/** The edit request for a valid input: only the fields that differ from the class (empty when nothing does). */
export function sessionChanges(
  session: Pick<Session, "title" | "scheduled_start" | "scheduled_end" | "recording_enabled">,
  input: ScheduleInput,
): SessionUpdate {
  const { start, end } = instants(input);
  const changes: SessionUpdate = {};
  const title = input.title.trim();
  if (title !== session.title) changes.title = title;
  if (Date.parse(start) !== Date.parse(session.scheduled_start)) changes.scheduled_start = start;
  if (Date.parse(end) !== Date.parse(session.scheduled_end)) changes.scheduled_end = end;
  if (input.record !== session.recording_enabled) changes.recording_enabled = input.record;
  return changes;
}

function instants(input: ScheduleInput): { start: string; end: string } {
  const start = localDateTime(input.date, input.time);
  if (start === null) throw new Error("a class needs a valid date and time");
  const end = new Date(start.getTime() + input.durationMinutes * 60_000);
  return { start: start.toISOString(), end: end.toISOString() };
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
