"""The projections of the event log: the tables each area derives from it.

Each area owns a projection module with two functions, and registers them here
(`multistream.areas` does, for every area):

- `reset(db, session_id)`: forget what the area derived for the class (delete its rows,
  or put its row back to the empty state);
- `apply(db, event)`: fold one event into the area's tables. `eventlog.service.record`
  calls it in the transaction that appends the event; `eventlog.service.rebuild` calls it
  while replaying the log. An area with one handler per event type writes its table of
  handlers and lets `by_type` dispatch.

The tests compare what the live path wrote with what a rebuild writes.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from multistream.eventlog.schemas import EventEnvelope

Handler = Callable[[Session, EventEnvelope], None]
"""Folds one event into an area's tables."""


def by_type(handlers: Mapping[str, Handler], *, flush: bool = False) -> Handler:
    """An `apply` that hands each event to the handler of its type and ignores the other
    types; with `flush`, what the handler changed is flushed at once."""

    def apply(db: Session, event: EventEnvelope) -> None:
        handler = handlers.get(event.type)
        if handler is not None:
            handler(db, event)
            if flush:
                db.flush()

    return apply


def deleting(*tables: type[Any]) -> Callable[[Session, uuid.UUID], None]:
    """A `reset` that deletes the class's rows of `tables` (each has a `session_id`)."""

    def reset(db: Session, session_id: uuid.UUID) -> None:
        for table in tables:
            db.execute(sa.delete(table).where(table.session_id == session_id))

    return reset


@dataclass(frozen=True)
class Projection:
    name: str
    prefixes: tuple[str, ...]
    """Event types this projection reads, by prefix ("studio.", "stage.")."""
    reset: Callable[[Session, uuid.UUID], None]
    apply: Handler

    def reads(self, event: EventEnvelope) -> bool:
        return event.type.startswith(self.prefixes)


_registered: list[Projection] = []


def register(*projections: Projection) -> None:
    """Add projections; an event is applied to them in the order they were registered."""
    names = {projection.name for projection in _registered}
    for projection in projections:
        assert projection.name not in names, f"projection {projection.name} registered twice"
        names.add(projection.name)
        _registered.append(projection)


_NONE = "no projection is registered: import multistream.areas first"
"""Appending then would leave every table behind the log, silently."""


def registered() -> Sequence[Projection]:
    if not _registered:
        raise RuntimeError(_NONE)
    return tuple(_registered)


def apply_all(db: Session, events: Sequence[EventEnvelope]) -> None:
    """Fold `events` into every projection that reads them."""
    if not _registered:
        raise RuntimeError(_NONE)
    for event in events:
        for projection in _registered:
            if projection.reads(event):
                projection.apply(db, event)
