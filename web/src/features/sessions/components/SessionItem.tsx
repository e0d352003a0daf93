import { useId } from "react";
import { Link } from "react-router";
import type { Session } from "../../../api/types";
import { formatMinutes } from "../../../shared/lib/format-duration";
import { formatDateTime } from "../../../shared/lib/format-date";
import { SessionReplay } from "../../replay/components/SessionReplay";
import { plannedMinutes, replayLabel } from "../lib/group-sessions";
import { SessionStatusBadge } from "./SessionStatusBadge";

interface SessionItemProps {
  session: Session;
  host: boolean;
}

/** One class in the course's list, with where to go for it (the classroom, the studio, or its replay). */
export function SessionItem({ session, host }: SessionItemProps) {
  const titleId = useId();
  const path = `/sessions/${encodeURIComponent(session.id)}`;
  const open = session.status === "scheduled" || session.status === "live";
  const replay = session.status === "ended" ? replayLabel(session.replay_status) : null;
  return (
    <li className={session.status === "live" ? "session-item session-item--live" : "session-item"}>
      <div className="session-item__summary">
        <p className="session-item__title" id={titleId}>
          {session.title}
        </p>
        <p className="session-item__meta">
          <SessionStatusBadge status={session.status} />
          <span>{formatDateTime(session.started_at ?? session.scheduled_start)}</span>
          <span>{formatMinutes(plannedMinutes(session))}</span>
          {replay ? <span className="badge badge--muted">{replay}</span> : null}
        </p>
      </div>
      {session.status === "ended" ? (
        <div className="session-item__actions">
          <SessionReplay session={session} host={host} describedBy={titleId} />
        </div>
      ) : null}
      {open ? (
        <div className="session-item__actions">
          {host ? (
            <Link className="button button--primary button--small" to={`${path}/studio`} aria-describedby={titleId}>
              Open studio
            </Link>
          ) : null}
          <Link
            className={host ? "button button--small" : "button button--primary button--small"}
            to={path}
            aria-describedby={titleId}
          >
            {session.status === "live" ? "Join class" : "Open classroom"}
          </Link>
        </div>
      ) : null}
    </li>
  );
}
