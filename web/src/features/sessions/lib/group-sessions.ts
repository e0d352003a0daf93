/** The course page's three lists of classes: live now, upcoming, past. */
import type { ReplayStatus, Session } from "../../../api/types";

export interface SessionGroups {
  /** Live classes, the longest-running first. */
  live: Session[];
  /** Scheduled classes, the soonest first (one whose time has passed stays until it starts or is canceled). */
  upcoming: Session[];
  /** Ended and canceled classes, the most recent first. */
  past: Session[];
}

export function groupSessions(sessions: readonly Session[]): SessionGroups {
  const by = (key: (session: Session) => string, direction: 1 | -1) => (a: Session, b: Session) =>
    direction * (Date.parse(key(a)) - Date.parse(key(b)));
  const live = sessions.filter((session) => session.status === "live");
  const upcoming = sessions.filter((session) => session.status === "scheduled");
  const past = sessions.filter((session) => session.status === "ended" || session.status === "canceled");
  return {
    live: live.sort(by((session) => session.started_at ?? session.scheduled_start, 1)),
    upcoming: upcoming.sort(by((session) => session.scheduled_start, 1)),
    past: past.sort(by((session) => session.ended_at ?? session.scheduled_start, -1)),
  };
}

/** Planned length in whole minutes. */
export function plannedMinutes(session: Pick<Session, "scheduled_start" | "scheduled_end">): number {
  return Math.max(0, Math.round((Date.parse(session.scheduled_end) - Date.parse(session.scheduled_start)) / 60_000));
}

/** What a past class's replay is doing, in words; null when there is none to speak of. */
export function replayLabel(status: ReplayStatus | (string & {})): string | null {
  switch (status) {
    case "none":
      return null;
    case "pending":
    case "processing":
      return "Replay processing";
    case "partial":
      return "Replay partly ready";
    case "ready":
      return "Replay ready";
    case "failed":
      return "Replay unavailable";
    case "deleted":
      return "Replay deleted";
    default:
      // A status added to the api after this was written.
      return null;
  }
}
