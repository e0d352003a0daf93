import { useId, useRef, useState } from "react";
import { Link } from "react-router";
import type { Session } from "../../../api/types";
import { formatMinutes } from "../../../shared/lib/format-duration";
import { formatDateTime } from "../../../shared/lib/format-date";
import { SessionReplay } from "../../replay/components/SessionReplay";
import { plannedMinutes, replayLabel } from "../lib/group-sessions";
import { EditSessionForm } from "./EditSessionForm";
import { RecordingBadge } from "./RecordingBadge";
import { SessionStatusBadge } from "./SessionStatusBadge";

interface SessionItemProps {
  session: Session;
  host: boolean;
  /** Hosts may edit a scheduled class (omitted: no editing). */
  onChanged?: (session: Session) => void;
}

/**
 * One class in the course's list: when, how long, whether it is recorded, and where to go
 * for it (the classroom, the studio, or its replay); hosts edit a scheduled one in place.
 */
export function SessionItem({ session, host, onChanged }: SessionItemProps) {
  const titleId = useId();
  const [editing, setEditing] = useState(false);
  const editRef = useRef<HTMLButtonElement | null>(null);
  const path = `/sessions/${encodeURIComponent(session.id)}`;
  const open = session.status === "scheduled" || session.status === "live";
  const canEdit = host && session.status === "scheduled" && onChanged !== undefined;
  const replay = session.status === "ended" ? replayLabel(session.replay_status) : null;

  function closeEditor() {
    setEditing(false);
    // Back to the button that opened the form, so keyboard users keep their place.
    requestAnimationFrame(() => editRef.current?.focus());
  }

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
          {open ? <RecordingBadge recorded={session.recording_enabled} /> : null}
          {replay ? <span className="badge badge--muted">{replay}</span> : null}
        </p>
      </div>
      {session.status === "ended" ? (
        <div className="session-item__actions">
          <SessionReplay session={session} host={host} describedBy={titleId} />
        </div>
      ) : null}
      {open && !editing ? (
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
          {canEdit ? (
            <button
              ref={editRef}
              type="button"
              className="button button--small"
              aria-describedby={titleId}
              onClick={() => setEditing(true)}
            >
              Edit
            </button>
          ) : null}
        </div>
      ) : null}
      {canEdit && editing ? (
        <div className="session-item__editor">
          <EditSessionForm
            session={session}
            onSaved={(saved) => {
              onChanged?.(saved);
              closeEditor();
            }}
            onCancel={closeEditor}
          />
        </div>
      ) : null}
    </li>
  );
}
