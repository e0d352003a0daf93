"""Append to and read from a session's event log. The only writer of `session_events`.

Appending takes the session row's lock, so concurrent appends to one session queue up
and get consecutive sequence numbers (the database refuses a gap or a duplicate anyway,
see `ck_session_events_seq_contiguous`). Appended events ride on the SQLAlchemy session
until it commits; `eventlog.publisher` publishes them then, and only then.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence

import sqlalchemy as sa
from sqlalchemy.orm import Session

from multistream.eventlog import catalog
from multistream.eventlog.domain import NewEvent, Viewer, visible_to
from multistream.eventlog.models import SessionEvent
from multistream.eventlog.schemas import EventEnvelope, EventPage, FilteredEvent
from multistream.sessions.models import LiveSession

PENDING_KEY = "multistream.pending_events"
MAX_PAGE = 500


def append(
    db: Session,
    *,
    session_id: uuid.UUID,
    events: Sequence[NewEvent],
    actor_id: uuid.UUID | None,
    idempotency_key: str | None = None,
) -> list[EventEnvelope]:
    """Append `events` in order; the idempotency key is written to the first of them.

    Every event is first checked against `eventlog.catalog`: an unknown type, or an
    audience or payload its entry does not allow, raises `ValueError` before anything is
    written. Types under `test.` and `bench.` are exempt (tests and benchmarks log their
    own events).
    """
    for event in events:
        catalog.check(event)
    if not events:
        return []
    last_seq = db.execute(
        sa.select(LiveSession.last_seq).where(LiveSession.id == session_id).with_for_update()
    ).scalar_one()
    rows = [
        SessionEvent(
            session_id=session_id,
            seq=last_seq + offset,
            type=event.type,
            actor_id=actor_id,
            audience=event.audience,
            payload=event.payload,
            occurred_at=dt.datetime.now(dt.UTC),
            idempotency_key=idempotency_key if offset == 1 else None,
        )
        for offset, event in enumerate(events, start=1)
    ]
    db.add_all(rows)
    db.flush()
    # The trigger advanced sessions.last_seq; let the ORM see the new value.
    session_row = db.get(LiveSession, session_id)
    if session_row is not None:
        db.refresh(session_row, ["last_seq"])
    appended = [EventEnvelope.model_validate(row) for row in rows]
    db.info.setdefault(PENDING_KEY, []).extend(appended)
    return appended


def head(db: Session, *, session_id: uuid.UUID) -> int:
    return int(
        db.execute(sa.select(LiveSession.last_seq).where(LiveSession.id == session_id)).scalar_one()
    )


def read_after(
    db: Session, *, session_id: uuid.UUID, after: int, limit: int = MAX_PAGE
) -> list[EventEnvelope]:
    """Events with seq > after, in order: one indexed range query."""
    rows = db.scalars(
        sa.select(SessionEvent)
        .where(SessionEvent.session_id == session_id, SessionEvent.seq > after)
        .order_by(SessionEvent.seq)
        .limit(max(1, min(limit, MAX_PAGE)))
    ).all()
    return [EventEnvelope.model_validate(row) for row in rows]


def for_viewer(
    events: Sequence[EventEnvelope], viewer: Viewer
) -> list[EventEnvelope | FilteredEvent]:
    """Each event as the viewer may see it: itself, or a `gap.filtered` placeholder."""
    return [
        event
        if visible_to(event.audience, event.actor_id, viewer)
        else FilteredEvent(seq=event.seq)
        for event in events
    ]


def page(
    db: Session, *, session_id: uuid.UUID, viewer: Viewer, after: int, limit: int
) -> EventPage:
    current_head = head(db, session_id=session_id)
    events = read_after(db, session_id=session_id, after=after, limit=limit)
    last = events[-1].seq if events else after
    return EventPage(
        items=for_viewer(events, viewer),
        head=current_head,
        next_after=last if last < current_head else None,
    )


def find_by_idempotency_key(
    db: Session, *, session_id: uuid.UUID, key: str
) -> EventEnvelope | None:
    row = db.scalars(
        sa.select(SessionEvent).where(
            SessionEvent.session_id == session_id, SessionEvent.idempotency_key == key
        )
    ).one_or_none()
    return EventEnvelope.model_validate(row) if row is not None else None
