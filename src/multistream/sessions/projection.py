"""The `sessions` row as a projection of its events: apply one event, or rebuild from all.

`apply` is what the service does inside the append transaction; `rebuild` replays the
whole log onto the row (`multistream eventlog rebuild SESSION`). A test checks that the
two agree.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable

from sqlalchemy.orm import Session

from multistream.eventlog import service as eventlog
from multistream.eventlog.projections import Projection
from multistream.eventlog.schemas import EventEnvelope
from multistream.sessions.models import LiveSession, MediaStatus, ReplayStatus, SessionStatus

EDITABLE = ("title", "description", "scheduled_start", "scheduled_end", "recording_enabled")


def _time(value: str) -> dt.datetime:
    return dt.datetime.fromisoformat(value)


def apply(row: LiveSession, event: EventEnvelope) -> None:
    payload = event.payload
    if event.type in ("session.scheduled", "session.updated"):
        for field in EDITABLE:
            if field in payload:
                value = payload[field]
                setattr(row, field, _time(value) if field.startswith("scheduled_") else value)
        if event.type == "session.scheduled":
            row.status = SessionStatus.scheduled
    elif event.type == "session.started":
        row.status = SessionStatus.live
        row.started_at = _time(payload["started_at"])
    elif event.type == "session.ended":
        row.status = SessionStatus.ended
        row.ended_at = _time(payload["ended_at"])
        row.ending_reason, row.ending_at = None, None
    elif event.type == "session.ending_soon":
        row.ending_reason, row.ending_at = payload["reason"], _time(payload["ends_at"])
    elif event.type == "session.ending_canceled":
        row.ending_reason, row.ending_at = None, None
    elif event.type == "session.canceled":
        row.status = SessionStatus.canceled
    elif event.type == "session.media_status":
        row.media_status = MediaStatus(payload["media_status"])
    elif event.type == "replay.status_changed":
        row.replay_status = ReplayStatus(payload["status"])


def apply_all(row: LiveSession, events: Iterable[EventEnvelope]) -> None:
    for event in events:
        apply(row, event)


def reset(db: Session, session_id: uuid.UUID) -> None:
    """Put the columns the log owns back to their state before the first event."""
    row = eventlog.lock(db, session_id=session_id)
    if row is None:
        raise LookupError(f"no session {session_id}")
    row.status = SessionStatus.scheduled
    row.started_at = None
    row.ended_at = None
    row.media_status = MediaStatus.unknown
    row.replay_status = ReplayStatus.none
    row.ending_reason = None
    row.ending_at = None


def apply_to_db(db: Session, event: EventEnvelope) -> None:
    row = db.get(LiveSession, event.session_id)
    if row is not None:
        apply(row, event)


PROJECTION = Projection(
    name="sessions", prefixes=("session.", "replay."), reset=reset, apply=apply_to_db
)


def rebuild(db: Session, *, session_id: uuid.UUID) -> LiveSession:
    """Recompute every projection of the session from its log (`eventlog.service.rebuild`);
    returns the session row (columns the log does not own are kept)."""
    eventlog.rebuild(db, session_id=session_id)
    row = db.get(LiveSession, session_id)
    assert row is not None
    return row
