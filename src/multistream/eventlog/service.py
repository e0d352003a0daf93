"""The one way to change a class: `record` its events. And reading its log back.

```
record(db, session_id, events, actor_id, idempotency_key)
  ├─ lock: the class's row FOR NO KEY UPDATE (commands on one class queue up here)
  ├─ check every event against `eventlog.catalog`
  ├─ insert them as the next seqs of `session_events`
  ├─ fold them into every projection that reads them (`eventlog.projections`)
  └─ queue them to be published once the transaction commits (`eventlog.publisher`)
```

Everything happens in the caller's transaction: a refused or rolled-back command leaves
no event, no projected row and nothing published. The database refuses a gap or a
duplicate seq anyway (`ck_session_events_seq_contiguous`). `rebuild` replays the whole
log through the projections.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value
from sqlalchemy.orm.util import identity_key

from multistream.db import after_commit
from multistream.db.base import table_of
from multistream.eventlog import catalog, projections
from multistream.eventlog.domain import NewEvent, Viewer, visible_to
from multistream.eventlog.models import EventAudience, SessionEvent
from multistream.eventlog.schemas import EventEnvelope, EventPage, FilteredEvent
from multistream.ops.metrics import EVENTS_APPENDED, event_type_label
from multistream.sessions.models import LiveSession

PENDING_KEY = "multistream.pending_events"
"""What `record` queues for `eventlog.publisher` to publish after the commit."""
MAX_PAGE = 500

# The log's statements, built once (the busiest path of a class: every command). The
# append's are Core statements on the tables: nothing of them is kept as a mapped object.
_SESSIONS = table_of(LiveSession)
_LOCK_HEAD = (
    sa.select(_SESSIONS.c.last_seq)
    .where(_SESSIONS.c.id == sa.bindparam("session_id"))
    .with_for_update(key_share=True)
)
_INSERT_EVENTS = sa.insert(table_of(SessionEvent))
_APPEND_ONE = sa.text(
    "INSERT INTO session_events"
    " (session_id, seq, type, actor_id, audience, payload, occurred_at, idempotency_key)"
    " SELECT s.id, s.last_seq + 1, :type, :actor_id, :audience, :payload, :occurred_at,"
    " :idempotency_key FROM sessions AS s WHERE s.id = :session_id FOR NO KEY UPDATE"
    " RETURNING seq"
).bindparams(
    sa.bindparam("session_id", type_=sa.Uuid()),
    sa.bindparam("actor_id", type_=sa.Uuid()),
    sa.bindparam("payload", type_=JSONB()),
    sa.bindparam("occurred_at", type_=sa.DateTime(timezone=True)),
)
"""One event appended in one round trip: the lock, the head and the insert (what most
commands append). The class's row is locked as `lock` locks it, and read under that lock."""
_LOCK = (
    sa.select(LiveSession)
    .where(LiveSession.id == sa.bindparam("session_id"))
    .with_for_update(key_share=True)
    .execution_options(populate_existing=True)
)


def lock(db: Session, *, session_id: uuid.UUID) -> LiveSession | None:
    """Lock the class's log and return its row as it stands under the lock (None when the
    class is gone). A check made after this sees every earlier change of the class, and
    nothing changes it before this transaction ends: take it before deciding.

    `FOR NO KEY UPDATE`, not `FOR UPDATE`: appends still queue behind each other, but not
    behind the `FOR KEY SHARE` lock that inserting a row referring to the class (a
    participant, an event) takes. With `FOR UPDATE`, two commands that had each inserted
    such a row before locking (two first joins) waited for each other: a deadlock."""
    return db.execute(_LOCK, {"session_id": session_id}).scalar_one_or_none()


def lock_head(db: Session, *, session_id: uuid.UUID) -> int | None:
    """Lock the class's log as `lock` does and return its head, as a plain number (None
    when the class is gone): no `LiveSession` is kept in the session, so nothing holds a
    head that a rolled-back savepoint undid (`eventlog.appender`)."""
    head_seq: int | None = db.execute(_LOCK_HEAD, {"session_id": session_id}).scalar_one_or_none()
    return head_seq


def record(
    db: Session,
    *,
    session_id: uuid.UUID,
    events: Sequence[NewEvent],
    actor_id: uuid.UUID | None,
    idempotency_key: str | None = None,
    locked: LiveSession | None = None,
) -> list[EventEnvelope]:
    """Append `events` to the class's log in order, apply them to every projection and
    publish them after the commit; the idempotency key is written to the first of them.

    `locked`: the class as `lock` returned it in this transaction, when the caller took
    the lock to decide (the append then does not lock and read the head again). A head
    that is not the log's is refused by the database (`ck_session_events_seq_contiguous`).

    Every event is first checked against `eventlog.catalog`: an unknown type, or an
    audience or payload its entry does not allow, raises `ValueError` before anything is
    written. Types under `test.` and `bench.` are exempt (tests and benchmarks log their
    own events).
    """
    for event in events:
        catalog.check(event)
    if not events:
        return []
    now = dt.datetime.now(dt.UTC)
    rows: list[dict[str, Any]] = [
        {
            "session_id": session_id,
            "type": event.type,
            "actor_id": actor_id,
            "audience": event.audience,
            "payload": event.payload,
            "occurred_at": now,
            "idempotency_key": idempotency_key if offset == 1 else None,
        }
        for offset, event in enumerate(events, start=1)
    ]
    # The lock as `lock` takes it and the head read under it: by the caller (`locked`), in
    # the one statement that appends a single event, or before inserting several. Plain
    # rows, no ORM objects to track; a class the request holds as an object is told its
    # new head below rather than read again. (The session autoflushes before each
    # statement, Core ones included: what the request changed is written first.)
    last_seq: int | None
    if locked is not None and locked.id == session_id:
        last_seq = locked.last_seq
    elif len(rows) == 1:
        appended = db.execute(_APPEND_ONE, rows[0]).scalar_one_or_none()
        last_seq = None if appended is None else appended - 1
        rows = []  # appended
    else:
        last_seq = db.execute(_LOCK_HEAD, {"session_id": session_id}).scalar_one_or_none()
    if last_seq is None:
        raise LookupError(f"no class {session_id}")
    if rows:
        for offset, row in enumerate(rows, start=1):
            row["seq"] = last_seq + offset
        db.execute(_INSERT_EVENTS, rows)
    # The trigger advanced sessions.last_seq to the last of them, under this lock: a class
    # the request holds as an object is told so rather than reading it back.
    loaded = db.identity_map.get(identity_key(LiveSession, session_id))
    if loaded is not None:
        set_committed_value(loaded, "last_seq", last_seq + len(events))
    recorded = [
        EventEnvelope.model_construct(
            session_id=session_id,
            seq=last_seq + offset,
            type=event.type,
            occurred_at=now,
            actor_id=actor_id,
            audience=EventAudience(event.audience),
            payload=event.payload,
        )
        for offset, event in enumerate(events, start=1)
    ]
    after_commit.later(db, PENDING_KEY, *recorded)
    projections.apply_all(db, recorded)
    db.flush()
    for event in events:
        EVENTS_APPENDED.labels(event_type_label(event.type)).inc()
    return recorded


def rebuild(db: Session, *, session_id: uuid.UUID) -> int:
    """Recompute every projection of a class from its log; returns the last seq read."""
    registered = projections.registered()
    for projection in registered:
        projection.reset(db, session_id)
    after = 0
    while batch := read_after(db, session_id=session_id, after=after):
        projections.apply_all(db, batch)
        after = batch[-1].seq
    db.flush()
    return after


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
