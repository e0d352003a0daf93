/** What the home page shows, from my courses and their classes. Pure. */
import type { Course, Session } from "../../../api/types";

export interface CourseClass {
  course: Course;
  session: Session;
}

export interface Watching extends CourseClass {
  positionMs: number;
  durationMs: number | null;
}

export interface HomePlan {
  /** Live classes, longest running first. */
  live: CourseClass[];
  /** The next scheduled classes, soonest first. */
  upcoming: CourseClass[];
  /** Ended classes whose replay can be watched, latest first: where "Continue watching" looks. */
  replays: CourseClass[];
}

export const UPCOMING_SHOWN = 5;
/** Replays asked for their saved position (one request each). */
export const REPLAYS_CHECKED = 6;

const WATCHABLE = new Set(["ready", "partial"]);

export function homePlan(classes: readonly CourseClass[], now: number): HomePlan {
  const live = classes
    .filter(({ session }) => session.status === "live")
    .sort((a, b) => Date.parse(a.session.started_at ?? "") - Date.parse(b.session.started_at ?? ""));
  const upcoming = classes
    .filter(({ session }) => session.status === "scheduled" && Date.parse(session.scheduled_end) > now)
    .sort((a, b) => Date.parse(a.session.scheduled_start) - Date.parse(b.session.scheduled_start))
    .slice(0, UPCOMING_SHOWN);
  const replays = classes
    .filter(({ session }) => session.status === "ended" && WATCHABLE.has(session.replay_status))
    .sort((a, b) => Date.parse(b.session.ended_at ?? "") - Date.parse(a.session.ended_at ?? ""))
    .slice(0, REPLAYS_CHECKED);
  return { live, upcoming, replays };
}

/** Started and not finished: at least 5 s in, and more than 10 s left (when the length is known). */
export function isUnfinished(positionMs: number | null | undefined, durationMs: number | null | undefined): boolean {
  if (positionMs == null || positionMs < 5_000) return false;
  return durationMs == null || positionMs < durationMs - 10_000;
}
