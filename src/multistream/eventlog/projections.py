"""Every projection of the event log, and rebuilding all of them from it.

Each area owns a projection module with two functions:

- `reset(db, session_id)`: forget what the area derived for the session (delete its rows,
  or put its row back to the empty state);
- `apply(db, event)`: fold one event into the area's tables. The area's service calls it in
  the append transaction; `rebuild` calls it while replaying the log.

`rebuild` resets every projection and replays the whole log through each, in seq order.
The tests compare what the live path wrote with what a rebuild writes.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from sqlalchemy.orm import Session

from multistream.eventlog import service as eventlog
from multistream.eventlog.domain import NewEvent
from multistream.eventlog.schemas import EventEnvelope


@dataclass(frozen=True)
class Projection:
    name: str
    prefixes: tuple[str, ...]
    """Event types this projection reads, by prefix ("studio.", "stage.")."""
    reset: Callable[[Session, uuid.UUID], None]
    apply: Callable[[Session, EventEnvelope], None]

    def reads(self, event: EventEnvelope) -> bool:
        return event.type.startswith(self.prefixes)


def registered() -> Sequence[Projection]:
    """The projections of every area (imported here so that none is forgotten)."""
    from multistream.interactions import chat_projection as chat
    from multistream.interactions import poll_projection as polls
    from multistream.interactions import qa_projection as questions
    from multistream.sessions import projection as sessions
    from multistream.studio import projection as studio

    return (
        sessions.PROJECTION,
        chat.PROJECTION,
        studio.PROJECTION,
        questions.PROJECTION,
        polls.PROJECTION,
    )


def apply_all(db: Session, events: Sequence[EventEnvelope]) -> None:
    """Fold `events` into every projection that reads them."""
    projections = registered()
    for event in events:
        for projection in projections:
            if projection.reads(event):
                projection.apply(db, event)


def rebuild(db: Session, *, session_id: uuid.UUID) -> int:
    """Recompute every projection of a session from its log; returns the last seq read."""
    projections = registered()
    for projection in projections:
        projection.reset(db, session_id)
    after = 0
    while batch := eventlog.read_after(db, session_id=session_id, after=after):
        for event in batch:
            for projection in projections:
                if projection.reads(event):
                    projection.apply(db, event)
        after = batch[-1].seq
    db.flush()
    return after


def record(
    db: Session,
    *,
    session_id: uuid.UUID,
    events: Sequence[NewEvent],
    actor_id: uuid.UUID | None,
    idempotency_key: str | None = None,
) -> list[EventEnvelope]:
    """Append `events` to the session's log and fold them into every projection, in the
    caller's transaction: the one way a command changes state."""
    appended = eventlog.append(
        db,
        session_id=session_id,
        events=events,
        actor_id=actor_id,
        idempotency_key=idempotency_key,
    )
    apply_all(db, appended)
    db.flush()
    return appended
