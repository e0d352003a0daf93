import type { SessionStatus } from "../../../api/types";

const LABELS: Record<SessionStatus, string> = {
  scheduled: "Upcoming",
  live: "Live",
  ended: "Ended",
  canceled: "Canceled",
};

/** The class's status in words (never colour alone); the live one carries a dot. */
export function SessionStatusBadge({ status }: { status: SessionStatus }) {
  return (
    <span className={`badge badge--session badge--${status}`}>
      {status === "live" ? <span className="live-dot" aria-hidden="true" /> : null}
      {LABELS[status]}
    </span>
  );
}
