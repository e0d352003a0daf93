"""Group commit (`eventlog.appender`) on a real database: the commands of one class queued
while a batch is written are written together, in one transaction; a refused one loses
only its own events, and each is answered only once its batch is committed."""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Callable, Iterator
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session

from multistream.db import after_commit
from multistream.db.engine import make_sessionmaker
from multistream.eventlog import service as eventlog
from multistream.eventlog.appender import Appender
from multistream.eventlog.domain import NewEvent
from multistream.problems import Problem
from tests.apiclient import ApiClient
from tests.integration.test_sessions import schedule

COMMITTED = "test.appender.committed"


class Refused(Exception):
    pass


@pytest.fixture
def class_id(api: ApiClient) -> uuid.UUID:
    teacher = api.signup("Teacher")
    return uuid.UUID(schedule(api, teacher, api.create_course(teacher)["id"])["id"])


@pytest.fixture
def held_lock(engine: sa.Engine, class_id: uuid.UUID) -> Iterator[Callable[[], None]]:
    """The class's log locked from outside; call the fixture's value to let go."""
    with engine.connect() as outside:
        transaction = outside.begin()
        outside.execute(
            sa.text("SELECT 1 FROM sessions WHERE id = :id FOR UPDATE"), {"id": class_id}
        )
        yield transaction.rollback
        if transaction.is_active:
            transaction.rollback()


def _until(condition: Callable[[], bool], what: str) -> None:
    deadline = time.monotonic() + 30
    while not condition():
        assert time.monotonic() < deadline, what
        time.sleep(0.02)


def _waiting_on_the_lock(engine: sa.Engine) -> bool:
    with engine.connect() as probe:
        return bool(
            probe.execute(
                sa.text(
                    "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
                    " AND wait_event_type = 'Lock' AND query LIKE '%FROM sessions%'"
                )
            ).scalar_one()
        )


@pytest.mark.parametrize("middle", ["refused", "c"])
def test_a_batch_commits_together_and_a_refused_command_loses_only_its_own(
    engine: sa.Engine, class_id: uuid.UUID, held_lock: Callable[[], None], middle: str
) -> None:
    """The second batch has three commands; the one in the middle is refused (its work
    raises after it appended and queued its publication) or accepted like the others."""
    factory = make_sessionmaker(engine)
    committed: list[list[str]] = []
    after_commit.handle(factory, COMMITTED, committed.append)
    appender = Appender(factory)
    with Session(engine) as db:
        start = eventlog.head(db, session_id=class_id)

    def command(name: str) -> Callable[[Session], int]:
        def work(db: Session) -> int:
            eventlog.record(
                db, session_id=class_id, events=[NewEvent(f"test.{name}")], actor_id=None
            )
            after_commit.later(db, COMMITTED, name)
            if name == "refused":  # after it appended and queued its publication
                raise Refused(name)
            return int(db.execute(sa.text("SELECT txid_current()")).scalar_one())

        return work

    answers: dict[str, Any] = {}

    def send(name: str) -> None:
        try:
            answers[name] = appender.run(None, session_id=class_id, work=command(name))
        except Refused as refusal:
            answers[name] = refusal
        # What was committed when this command was answered.
        answers[f"{name} saw"] = [done for batch in committed for done in batch]

    threads = {
        name: threading.Thread(target=send, args=(name,)) for name in ("first", "b", middle, "d")
    }
    threads["first"].start()
    _until(lambda: _waiting_on_the_lock(engine), "the first batch never reached the lock")
    for queued, name in enumerate(("b", middle, "d"), start=1):
        threads[name].start()
        _until(lambda n=queued: appender.waiting(class_id) == n, f"{name} never queued")
    held_lock()
    for thread in threads.values():
        thread.join(timeout=30)

    # Two batches: the first alone, then the three queued behind it in one transaction.
    accepted = ["b", "d"] if middle == "refused" else ["b", "c", "d"]
    assert committed == [["first"], accepted]
    if middle == "refused":
        assert isinstance(answers["refused"], Refused)
    assert {answers[name] for name in accepted} != {answers["first"]}
    assert len({answers[name] for name in accepted}) == 1
    # Each was answered after its batch committed (and its publication went out).
    assert "first" in answers["first saw"]
    for name in ("b", middle, "d"):
        assert answers[f"{name} saw"] == ["first", *accepted]
    # A refused command's event is gone, and the log has no gap where it was.
    with Session(engine) as db:
        logged = eventlog.read_after(db, session_id=class_id, after=start)
    assert [(e.seq, e.type) for e in logged] == [
        (start + n, f"test.{name}") for n, name in enumerate(["first", *accepted], start=1)
    ]
    assert appender.waiting(class_id) == 0


def test_a_full_line_answers_overloaded_and_changes_nothing(
    engine: sa.Engine, class_id: uuid.UUID, held_lock: Callable[[], None]
) -> None:
    appender = Appender(make_sessionmaker(engine), max_waiting=1)
    with Session(engine) as db:
        start = eventlog.head(db, session_id=class_id)

    def append(db: Session) -> None:
        eventlog.record(db, session_id=class_id, events=[NewEvent("test.kept")], actor_id=None)

    threads = [
        threading.Thread(
            target=appender.run, args=(None,), kwargs={"session_id": class_id, "work": append}
        )
        for _ in range(2)
    ]
    threads[0].start()
    _until(lambda: _waiting_on_the_lock(engine), "the first batch never reached the lock")
    threads[1].start()
    _until(lambda: appender.waiting(class_id) == 1, "the second never queued")
    with pytest.raises(Problem) as refused:
        appender.run(None, session_id=class_id, work=append)
    held_lock()
    for thread in threads:
        thread.join(timeout=30)

    assert (refused.value.status, refused.value.type) == (503, "overloaded")
    assert refused.value.headers["Retry-After"] == "1"
    with Session(engine) as db:
        assert eventlog.head(db, session_id=class_id) == start + 2


def test_a_request_waiting_in_line_holds_no_connection(
    engine: sa.Engine, class_id: uuid.UUID, held_lock: Callable[[], None]
) -> None:
    """The first request writes in its own transaction (one connection); the second, which
    finds a batch being written, commits its reads and waits without a connection."""
    own = sa.create_engine(engine.url)
    factory = make_sessionmaker(own)
    appender = Appender(factory)

    def append(db: Session) -> int:
        (event,) = eventlog.record(
            db, session_id=class_id, events=[NewEvent("test.kept")], actor_id=None
        )
        return event.seq

    seqs: list[int] = []

    def request() -> None:
        with factory() as db, db.begin():
            db.execute(sa.text("SELECT 1"))  # the request's reads
            seqs.append(appender.run(db, session_id=class_id, work=append))

    first, second = threading.Thread(target=request), threading.Thread(target=request)
    try:
        first.start()
        _until(lambda: _waiting_on_the_lock(engine), "the first request never reached the lock")
        assert own.pool.checkedout() == 1  # type: ignore[attr-defined]
        second.start()
        _until(lambda: appender.waiting(class_id) == 1, "the second request never queued")
        assert own.pool.checkedout() == 1  # type: ignore[attr-defined]
        held_lock()
        first.join(timeout=30)
        second.join(timeout=30)
        assert sorted(seqs) == [seqs[0], seqs[0] + 1]
        assert own.pool.checkedout() == 0  # type: ignore[attr-defined]
    finally:
        own.dispose()
