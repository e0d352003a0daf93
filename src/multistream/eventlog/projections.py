"""The projections of the event log: the tables each area derives from it.

Each area owns a projection module with two functions, and registers them here
(`multistream.areas` does, for every area):

- `reset(db, session_id)`: forget what the area derived for the class (delete its rows,
  or put its row back to the empty state);
- `apply(db, event)`: fold one event into the area's tables. `eventlog.service.record`
  calls it in the transaction that appends the event; `eventlog.service.rebuild` calls it
  while replaying the log. An area with one handler per event type writes its table of
  handlers and makes its projection with `Projection.handling`: `by_type` dispatches, and
  the table is the one list of the types it reads.

The tests compare what the live path wrote with what a rebuild writes.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

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


Row = TypeVar("Row")


def named_row(db: Session, table: type[Row], row_id: str) -> Row:
    """The row of `table` whose id an event names. The event that made it comes first in
    the log, so a missing row is a log and tables out of step: an error, not a refusal."""
    row = db.get(table, uuid.UUID(row_id))
    if row is None:
        raise LookupError(f"no {table.__name__} {row_id}")
    return row


Reset = Callable[[Session, uuid.UUID], None]
"""Forgets what an area derived for one class."""


def deleting(*tables: type[Any]) -> Reset:
    """A `reset` that deletes the class's rows of `tables` (each has a `session_id`)."""

    def reset(db: Session, session_id: uuid.UUID) -> None:
        for table in tables:
            db.execute(sa.delete(table).where(table.session_id == session_id))

    return reset


@dataclass(frozen=True)
class Projection:
    name: str
    prefixes: tuple[str, ...]
    """Event types this projection reads, by prefix ("studio.", "stage.") or whole."""
    reset: Reset
    apply: Handler

    @classmethod
    def handling(
        cls, name: str, handlers: Mapping[str, Handler], *, reset: Reset, flush: bool = False
    ) -> Projection:
        """The projection of an area with one handler per event type: it reads exactly
        the types of `handlers` (see `by_type` for `flush`)."""
        return cls(name, tuple(handlers), reset, by_type(handlers, flush=flush))

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
