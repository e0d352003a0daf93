import type { SessionStatus } from "../../../api/types";

const ANNOUNCEMENTS: Record<SessionStatus, string> = {
  scheduled: "Waiting for the class to start.",
  live: "The class is live.",
  ended: "This class has ended.",
  canceled: "This class was canceled.",
};

/**
 * Tells screen-reader users when the class starts or ends. The region is always in the
 * page, so the change of text is announced (a region that appears with its text is not).
 */
export function ClassStatusAnnouncer({ status }: { status: SessionStatus }) {
  return (
    <p className="visually-hidden" role="status">
      {ANNOUNCEMENTS[status]}
    </p>
  );
}
