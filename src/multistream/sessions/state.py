"""The state snapshot of a class (`GET /sessions/{id}/state`), put together from parts.

```
state(db, session, viewer) ─► SessionState(as_of_seq, session, media_status, participant_count,
                                           **{field: personalise(shared[field], mine)
                                              for each registered part})
        │
        └─ shared = the parts as every viewer of the audience (staff or not) sees them:
           kept per process by (class, audience), for the seq they were read at
```

The class itself (its row, media status, participant count and the seq the snapshot is as
of) is the sessions area's own; every other field is the part of another area, which
registers a function that reads it (`multistream.areas`): the studio, the hands, the
chat, the questions, the poll, the recording. All are read in the caller's transaction,
after the class's head, so the snapshot is as of `as_of_seq`.

Most of a snapshot is the same for every student of a class (and for every host of it) at
a given seq, and every change of a part is an event that moves the seq. So a part is read
once per (class, audience, seq) as the audience sees it (`Viewer(NOBODY, staff)`) and kept
(`_SharedParts`); what differs per person (the caller's mute, upvotes, own anonymous
questions, vote) is read with the class's head, in one statement (`Personal.columns`),
and added to the kept part (`Personal.personalise`). So a request whose parts are kept
costs that one statement. A kept entry of another seq is not used, except one that only
events no part shows (`unseen`: `participant.joined`, `reactions.burst`) separate from
the head. An entry is stored only once the transaction that read it commits (a join
reads its own uncommitted event), and is read again after `FRESH_FOR` seconds (by one
request, the others using it meanwhile): what changes without an event (a person's
display name, a deck's page count, a recorder claiming a recording) shows within that.
`fresh` is the same snapshot without the cache.
"""

from __future__ import annotations

import collections
import dataclasses
import functools
import threading
import time
import uuid
from collections.abc import Sequence
from typing import Any, Protocol

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import Session, sessionmaker

from multistream.db import after_commit
from multistream.eventlog.domain import Viewer
from multistream.eventlog.models import SessionEvent
from multistream.sessions.models import LiveSession, Participant
from multistream.sessions.schemas import SessionRead, SessionState


class Part(Protocol):
    """Reads one field of the snapshot, as `viewer` may see it."""

    def __call__(self, db: Session, *, session: LiveSession, viewer: Viewer) -> Any: ...


class Personalise(Protocol):
    """Turns a part as the viewer's audience sees it (read for `Viewer(NOBODY, staff)`)
    into the part as `viewer` sees it, from the values of its `Personal.columns`."""

    def __call__(self, shared: Any, values: Sequence[Any], *, viewer: Viewer) -> Any: ...


@dataclasses.dataclass(frozen=True)
class Personal:
    """What differs per viewer within an audience: `columns` (scalar subqueries on the bind
    parameters `session_id` and `user_id`, built once) are read with the class's head, in
    its statement; `personalise` adds their values to the audience's part, so that
    `personalise(part(audience), values) == part(viewer)`."""

    columns: Sequence[sa.ColumnElement[Any]]
    personalise: Personalise


@dataclasses.dataclass(frozen=True)
class _Registered:
    part: Part
    personal: Personal | None


NOBODY = uuid.UUID(int=0)
"""The viewer a shared part is read for: nobody's votes, mute or anonymous questions."""
_unseen: set[str] = {"participant.joined"}
"""Events that change no part (a join changes only the participant count, read with the
head); areas add theirs with `unseen`."""
FRESH_FOR = 2.0
"""Seconds a shared part is used for: the bound on what changes without an event."""
ENTRIES = 64
"""Shared parts kept per process: (class, audience) pairs, least recently used dropped."""

_parts: dict[str, _Registered] = {}


def unseen(*event_types: str) -> None:
    """Events of these types change no part of the snapshot (a snapshot read before them
    is still right after them, but for the head)."""
    _unseen.update(event_types)


def register(field: str, part: Part, *, personal: Personal | None = None) -> None:
    """Fill `field` of `SessionState` with what `part` reads; `personal` adds what differs
    per viewer within an audience (none: the part is the same for every staff member, and
    for every student)."""
    assert field in SessionState.model_fields, f"SessionState has no field {field}"
    assert field not in _parts, f"the state's {field} is registered twice"
    _parts[field] = _Registered(part, personal)
    _head_statement.cache_clear()


_PARTICIPANTS = (
    sa.select(sa.func.count())
    .select_from(Participant)
    .where(Participant.session_id == sa.bindparam("session_id"))
    .scalar_subquery()
)


_SEEN = (
    sa.select(sa.func.count())
    .select_from(SessionEvent)
    .where(
        SessionEvent.session_id == sa.bindparam("session_id"),
        SessionEvent.seq > sa.bindparam("after", type_=sa.BigInteger),
        SessionEvent.type != sa.all_(sa.bindparam("unseen", type_=ARRAY(sa.Text))),
    )
    .scalar_subquery()
)
_NEVER = 2**62
"""`after` when no parts are kept: no event is counted."""


@functools.cache
def _head_statement() -> sa.Select[Any]:
    """Built once, after every area registered its part: the seq the class is at, how many
    people joined it, how many events some part shows came after the kept parts' seq
    (`after`), and each part's `Personal.columns` for the viewer."""
    columns = [
        c
        for registered in _parts.values()
        if registered.personal
        for c in registered.personal.columns
    ]
    return sa.select(LiveSession.last_seq, _PARTICIPANTS, _SEEN, *columns).where(
        LiveSession.id == sa.bindparam("session_id")
    )


def state(db: Session, *, session: LiveSession, viewer: Viewer) -> SessionState:
    """The snapshot and the seq it is as of, read in one transaction, as `viewer` may see
    it. `session` is the class's row as loaded in this transaction; it is read again only
    if the log moved on since."""
    key = (session.id, viewer.staff)
    kept = _shared_parts.usable(key, now=time.monotonic())
    head = _head(db, session, viewer, after=kept.seq if kept is not None else _NEVER)
    seq, participants, seen, values = int(head[0]), int(head[1] or 0), int(head[2]), head[3:]
    if kept is not None and kept.seq == seq:
        shared = kept.parts
    elif kept is not None and kept.seq < seq and not seen:
        # Only joins and the like since: the kept parts are those of this seq too.
        shared = kept.parts
        after_commit.later(db, _KEEP, (key, dataclasses.replace(kept, seq=seq)))
    else:
        shared = _read_shared(db, session=session, seq=seq, key=key)
    parts = {}
    for field, registered in _parts.items():
        if registered.personal is None:
            parts[field] = shared[field]
            continue
        mine, values = (
            values[: len(registered.personal.columns)],
            values[len(registered.personal.columns) :],
        )
        parts[field] = registered.personal.personalise(shared[field], mine, viewer=viewer)
    return _snapshot(session, seq, participants, parts)


def fresh(db: Session, *, session: LiveSession, viewer: Viewer) -> SessionState:
    """`state` without the shared parts kept per process: every part read for `viewer`."""
    head = _head(db, session, viewer, after=_NEVER)
    parts = {
        field: registered.part(db, session=session, viewer=viewer)
        for field, registered in _parts.items()
    }
    return _snapshot(session, int(head[0]), int(head[1] or 0), parts)


def _head(db: Session, session: LiveSession, viewer: Viewer, *, after: int) -> Sequence[Any]:
    params = {
        "session_id": session.id,
        "user_id": viewer.user_id,
        "after": after,
        "unseen": sorted(_unseen),
    }
    head = db.execute(_head_statement(), params).one()
    if head[0] != session.last_seq:
        db.refresh(session)
        head = db.execute(_head_statement(), params).one()
    return tuple(head)


def _snapshot(
    session: LiveSession, seq: int, participants: int, parts: dict[str, Any]
) -> SessionState:
    return SessionState(
        as_of_seq=seq,
        session=SessionRead.model_validate(session),
        media_status=session.media_status,
        participant_count=participants,
        **parts,
    )


# --- the shared parts, per process ------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class _Shared:
    seq: int
    parts: dict[str, Any]
    read_at: float
    """`time.monotonic()` when the parts were read (kept when the entry moves on)."""


class _SharedParts:
    """A few (class, audience) entries, least recently used dropped; worker threads share
    it, so every access holds the lock."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._entries: collections.OrderedDict[tuple[uuid.UUID, bool], _Shared] = (
            collections.OrderedDict()
        )
        self._rereading: dict[tuple[uuid.UUID, bool], float] = {}
        """Expired entries one request is reading again, and since when."""
        self._lock = threading.Lock()

    def usable(self, key: tuple[uuid.UUID, bool], *, now: float) -> _Shared | None:
        """The entry kept for `key` unless it is older than `FRESH_FOR`. Of the requests
        that find it expired, the first is told to read the parts again (None) and the
        others keep using it meanwhile (for up to `FRESH_FOR` more, in case that request
        fails), so a class whose parts expire with many requests in flight reads them
        once."""
        with self._lock:
            entry = self._entries.get(key)
            if entry is None:
                return None
            self._entries.move_to_end(key)
            if now - entry.read_at <= FRESH_FOR:
                return entry
            since = self._rereading.get(key)
            if since is not None and now - since <= FRESH_FOR:
                return entry
            self._rereading[key] = now
            return None

    def keep(self, items: list[tuple[tuple[uuid.UUID, bool], _Shared]]) -> None:
        """Store what committed transactions read; an entry never replaces a newer one."""
        with self._lock:
            for key, entry in items:
                current = self._entries.get(key)
                if current is not None and (current.seq, current.read_at) > (
                    entry.seq,
                    entry.read_at,
                ):
                    continue
                self._entries[key] = entry
                self._entries.move_to_end(key)
                if entry.read_at >= self._rereading.get(key, entry.read_at):
                    self._rereading.pop(key, None)
            while len(self._entries) > self.size:
                dropped, _ = self._entries.popitem(last=False)
                self._rereading.pop(dropped, None)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self._rereading.clear()


_shared_parts = _SharedParts(ENTRIES)
_KEEP = "sessions.state"
"""`after_commit` key: shared parts read by a transaction, kept once it commits."""


def install(factory: sessionmaker[Session]) -> None:
    """Keep the shared parts read by sessions of `factory` (the api's); without it every
    snapshot reads every part."""
    after_commit.handle(factory, _KEEP, _shared_parts.keep)


def forget() -> None:
    """Drop every kept part (tests that change rows behind the log's back)."""
    _shared_parts.clear()


def _read_shared(
    db: Session, *, session: LiveSession, seq: int, key: tuple[uuid.UUID, bool]
) -> dict[str, Any]:
    """Every part as the audience sees it, kept once this transaction commits."""
    audience = Viewer(user_id=NOBODY, staff=key[1])
    read_at = time.monotonic()
    parts = {
        field: registered.part(db, session=session, viewer=audience)
        for field, registered in _parts.items()
    }
    after_commit.later(db, _KEEP, (key, _Shared(seq, parts, read_at)))
    return parts
