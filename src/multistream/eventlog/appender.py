"""Group commit: the concurrent commands of one class written in one transaction.

Every event of a class is appended under the class's lock, so commands on one class
queue there one by one, each paying its own lock wait and its own commit (a WAL flush).
An `Appender` (one per session factory, so per process) lets them share both:

```
request thread: reads and decides in its own transaction, then run(db, session_id, work)
  ├─ the class's line is empty: it leads at once, in its own transaction (as without
  │  an appender: no savepoint, no other connection), and commits it
  └─ a batch is being written: it commits its reads (its pooled connection goes back),
     queues its work and waits; commands queued while a batch is written form the next
     one (at most `max_batch`): the first of them leads it, in its worker thread —
     one transaction, the class's lock once, the works in a SAVEPOINT (each in its
     own when one of them is refused), one COMMIT —
     then every request of the batch gets its result or its own refusal, and the
     next in line leads what queued meanwhile
```

No thread of its own, and one connection per class at a time for the writes. A command
that raises rolls back only its savepoint and gets its error; the others go on. Each
request is answered only after the COMMIT: its result is durable, and what it queued on
`db.after_commit` (events to publish, marks for the aggregator) went out with the commit
(a rolled-back savepoint drops only its own). A line longer than `max_waiting` answers
503 `overloaded`.

The work runs in the session it is given (the leader's): it must use that one, not its
own request's; change nothing but the database and `db.after_commit` (it may run twice
in a batch, the first run rolled back); and take the class's lock as `eventlog.service`
does (`record` re-reads the head under it, which is right after a savepoint rolled back;
a `LiveSession` held across savepoints is not).
"""

from __future__ import annotations

import collections
import dataclasses
import threading
import uuid
import weakref
from collections.abc import Callable
from typing import Generic, TypeVar

from sqlalchemy.orm import Session, sessionmaker

from multistream.db.engine import transaction
from multistream.eventlog.service import lock_head
from multistream.problems import Problem

T = TypeVar("T")

MAX_BATCH = 64
"""Commands of one class written in one transaction, at most."""
MAX_WAITING = 256
"""Commands of one class waiting in one process, at most; one more is answered 503."""


def busy() -> Problem:
    return Problem(
        503,
        "overloaded",
        "Too busy",
        "Too many changes to this class are waiting right now; nothing was changed."
        " Try again in a moment.",
        headers={"Retry-After": "1"},
    )


@dataclasses.dataclass(eq=False)
class _Command(Generic[T]):
    work: Callable[[Session], T]
    woken: threading.Event = dataclasses.field(default_factory=threading.Event)
    leads: bool = False
    """Woken to lead the next batch (rather than with its answer)."""
    result: T | None = None
    error: BaseException | None = None


@dataclasses.dataclass(eq=False)
class _Line:
    waiting: collections.deque[_Command[object]] = dataclasses.field(
        default_factory=collections.deque
    )
    led: bool = False
    """A batch is being written; its leader hands over to the head of `waiting`."""


class Appender:
    """The lines of the classes changed through one session factory, in this process."""

    def __init__(
        self,
        sessions: sessionmaker[Session],
        *,
        max_batch: int = MAX_BATCH,
        max_waiting: int = MAX_WAITING,
    ) -> None:
        self._sessions = sessions
        self.max_batch = max_batch
        self.max_waiting = max_waiting
        self._lock = threading.Lock()
        self._lines: dict[uuid.UUID, _Line] = {}
        self.batches = 0
        """Transactions written so far (commands: as many as `run` returned or raised)."""

    def run(self, db: Session | None, *, session_id: uuid.UUID, work: Callable[[Session], T]) -> T:
        """Run `work` in the class's next batch and return what it returned, or raise what
        it raised, once the batch is committed.

        `db`, the request's session, has done its reads and is not used by the caller
        again: a request that finds the class's line empty writes its batch in it and
        commits it; one that must wait commits it first (its connection goes back to the
        pool while it waits) and, if it is handed the lead, writes in a new session."""
        with self._lock:
            line = self._lines.get(session_id)
            busy_now = line is not None and line.led
        if busy_now and db is not None:
            db.commit()
            db = None
        command = _Command(work)
        with self._lock:
            line = self._lines.setdefault(session_id, _Line())
            if len(line.waiting) >= self.max_waiting:
                raise busy()
            line.waiting.append(command)  # type: ignore[arg-type]
            leads = not line.led  # nobody writing: the line was empty
            line.led = True
        if not leads:
            command.woken.wait()
            leads = command.leads
        if leads:
            self._lead(session_id, line, db)
        if command.error is not None:
            raise command.error
        return command.result  # type: ignore[return-value]

    def waiting(self, session_id: uuid.UUID) -> int:
        """Commands of the class queued and not yet taken into a batch."""
        with self._lock:
            line = self._lines.get(session_id)
            return len(line.waiting) if line is not None else 0

    def _lead(self, session_id: uuid.UUID, line: _Line, db: Session | None) -> None:
        with self._lock:
            batch = [line.waiting.popleft() for _ in range(min(len(line.waiting), self.max_batch))]
            self.batches += 1
        try:
            self._write(session_id, batch, db)
        finally:
            with self._lock:
                if line.waiting:
                    following = line.waiting[0]
                    following.leads = True
                    following.woken.set()
                else:
                    line.led = False
                    del self._lines[session_id]
            for command in batch:
                command.woken.set()

    def _write(
        self, session_id: uuid.UUID, batch: list[_Command[object]], db: Session | None
    ) -> None:
        """One transaction for the batch: in the leading request's session `db` (its
        transaction so far only read), or else in one of its own."""
        try:
            if db is None:
                with transaction(self._sessions) as own:
                    self._apply(own, session_id, batch)
            else:
                try:
                    self._apply(db, session_id, batch)
                    db.commit()
                except BaseException:
                    db.rollback()
                    raise
        except BaseException as error:
            # Nothing of the batch is durable: every command gets the failure.
            for command in batch:
                if command.error is None:
                    command.result, command.error = None, error
            if not isinstance(error, Exception):
                raise

    @staticmethod
    def _apply(db: Session, session_id: uuid.UUID, batch: list[_Command[object]]) -> None:
        if len(batch) == 1:  # alone: as without an appender; a refusal rolls it all back
            batch[0].result = batch[0].work(db)
            return
        lock_head(db, session_id=session_id)  # once, for the whole batch
        try:
            # Most commands are accepted: first all in one savepoint (two round trips for
            # the batch rather than two per command) ...
            with db.begin_nested():
                for command in batch:
                    command.result = command.work(db)
            return
        except Exception:
            for command in batch:
                command.result = None
        # ... and when one was refused, again, each in its own savepoint: only the refused
        # one loses its work. (So a work may run twice, the first run rolled back: it
        # changes nothing but the database and what waits on `db.after_commit`.)
        for command in batch:
            try:
                with db.begin_nested():
                    command.result = command.work(db)
            except Exception as error:
                command.error = error


_appenders: weakref.WeakKeyDictionary[sessionmaker[Session], Appender] = weakref.WeakKeyDictionary()
_appenders_lock = threading.Lock()


def of(sessions: sessionmaker[Session]) -> Appender:
    """The process's appender for the sessions of `sessions`."""
    with _appenders_lock:
        appender = _appenders.get(sessions)
        if appender is None:
            appender = _appenders[sessions] = Appender(sessions)
        return appender
