/**
 * A live class about to end by itself (`session.ending_soon`): nobody has taught it for a
 * while (`abandoned`), or it runs far past its scheduled end (`overtime`). The words the
 * studio and the classroom show, with the time left; and the new end "Extend" asks for.
 * Pure: the clock is an argument.
 */
import type { Session } from "../../../api/types";

export type EndingReason = "abandoned" | "overtime";

export interface Ending {
  reason: EndingReason;
  /** When the class ends by itself (ms since the epoch). */
  endsAt: number;
}

/** How much longer the host's "Extend" keeps a class that runs over. */
export const EXTEND_MINUTES = 30;

type EndingFacts = Pick<Session, "status" | "ending_reason" | "ending_at">;
type PlanFacts = Pick<Session, "scheduled_start" | "scheduled_end" | "started_at">;

/** The class's coming end by itself; null when it is not live or not about to end. */
export function endingOf(session: EndingFacts): Ending | null {
  if (session.status !== "live") return null;
  const reason = session.ending_reason;
  if (reason !== "abandoned" && reason !== "overtime") return null;
  const endsAt = session.ending_at ? Date.parse(session.ending_at) : Number.NaN;
  return Number.isNaN(endsAt) ? null : { reason, endsAt };
}

/** `1:45`, `0:05`, `12:00`, `1:02:03`: the time left, rounded up to the second (never negative). */
export function formatCountdown(ms: number): string {
  const total = Math.max(0, Math.ceil(ms / 1000));
  const hours = Math.floor(total / 3600);
  const minutes = Math.floor((total % 3600) / 60);
  const seconds = String(total % 60).padStart(2, "0");
  return hours > 0 ? `${hours}:${String(minutes).padStart(2, "0")}:${seconds}` : `${minutes}:${seconds}`;
}

/**
 * When the class was meant to end (ms): its scheduled end, or, for a class that started
 * late, its start plus its scheduled length (the api's rule: a late start gets the whole slot).
 */
export function plannedEnd(session: PlanFacts): number {
  const scheduledEnd = Date.parse(session.scheduled_end);
  if (session.started_at === null) return scheduledEnd;
  const length = scheduledEnd - Date.parse(session.scheduled_start);
  return Math.max(scheduledEnd, Date.parse(session.started_at) + length);
}

/**
 * The banner's sentence, with the time left. The host learns why ("no teacher has been
 * connected", "it is 28 minutes past its scheduled end"); students get it short.
 */
export function endingText(ending: Ending, session: PlanFacts, now: number, audience: "host" | "student"): string {
  const left = formatCountdown(ending.endsAt - now);
  if (audience === "student") {
    return ending.reason === "abandoned"
      ? `This class ends by itself in ${left}: your teacher isn't connected.`
      : `This class ends by itself in ${left}: it is running past its scheduled end.`;
  }
  if (ending.reason === "abandoned") return `This class ends by itself in ${left} — no teacher has been connected.`;
  const minutesPast = Math.floor((now - plannedEnd(session)) / 60_000);
  const past =
    minutesPast >= 1
      ? `it is ${minutesPast} minute${minutesPast === 1 ? "" : "s"} past its scheduled end`
      : "it is past its scheduled end";
  return `This class ends by itself in ${left} — ${past}.`;
}

/**
 * What a screen reader is told once when the warning appears (the ticking time is not
 * read out every second).
 */
export function endingAnnouncement(ending: Ending, audience: "host" | "student"): string {
  if (audience === "student") return "This class will end by itself soon.";
  return ending.reason === "abandoned"
    ? "This class will end by itself soon: no teacher has been connected."
    : "This class will end by itself soon: it is running past its scheduled end. You can extend it.";
}

/** The `scheduled_end` that gives the class `minutes` more (ISO instant). */
export function extendedEnd(session: Pick<Session, "scheduled_end">, minutes = EXTEND_MINUTES): string {
  return new Date(Date.parse(session.scheduled_end) + minutes * 60_000).toISOString();
}
