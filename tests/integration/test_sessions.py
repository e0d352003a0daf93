"""Live sessions through the real api: lifecycle, the event log, the state snapshot."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
import threading
import uuid
from collections.abc import Callable
from typing import Any

import pytest
import redis
import sqlalchemy as sa
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from multistream.eventlog import service as eventlog
from multistream.eventlog.domain import NewEvent
from multistream.eventlog.models import EventAudience
from multistream.sessions import projection
from multistream.sessions.models import LiveSession
from multistream.settings import Settings
from tests.apiclient import ApiClient, Person

START = dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.UTC)


def schedule(api: ApiClient, host: Person, course_id: str, **changes: Any) -> dict[str, Any]:
    body = {
        "title": "Photosynthesis, week 3",
        "scheduled_start": START.isoformat(),
        "scheduled_end": (START + dt.timedelta(hours=1)).isoformat(),
        **changes,
    }
    response = api.request("POST", f"/api/v1/courses/{course_id}/sessions", host, json=body)
    assert response.status_code == 201, response.text
    return dict(response.json())


@pytest.fixture
def classroom(api: ApiClient) -> tuple[Person, Person, str]:
    teacher, student = api.signup("Teacher"), api.signup("Student")
    course = api.create_course(teacher)
    api.join(student, api.invite(teacher, course["id"]))
    return teacher, student, course["id"]


def events(api: ApiClient, person: Person, session_id: str, after: int = 0) -> dict[str, Any]:
    response = api.request("GET", f"/api/v1/sessions/{session_id}/events?after={after}", person)
    assert response.status_code == 200, response.text
    return dict(response.json())


def test_lifecycle_is_logged_in_order(
    api: ApiClient, classroom: tuple[Person, Person, str]
) -> None:
    teacher, student, course_id = classroom
    session = schedule(api, teacher, course_id)
    assert session["status"] == "scheduled"
    url = f"/api/v1/sessions/{session['id']}"

    live = api.request("POST", f"{url}/start", teacher).json()
    assert live["status"] == "live"
    assert live["started_at"] is not None
    assert live["media_status"] == "ok"  # the real LiveKit server answered
    again = api.request("POST", f"{url}/start", teacher)
    assert again.status_code == 200
    assert again.json()["last_seq"] == live["last_seq"]  # a retry appends nothing

    ended = api.request("POST", f"{url}/end", teacher).json()
    assert ended["status"] == "ended"
    assert api.request("POST", f"{url}/end", teacher).json() == ended

    log = events(api, student, session["id"])
    assert [e["seq"] for e in log["items"]] == [1, 2, 3, 4]
    assert [e["type"] for e in log["items"]] == [
        "session.scheduled",
        "session.started",
        "session.media_status",
        "session.ended",
    ]
    assert log["head"] == 4
    assert log["next_after"] is None
    assert events(api, student, session["id"], after=2)["items"][0]["seq"] == 3


@pytest.mark.parametrize(
    ("first", "then", "status_now"),
    [("cancel", "start", "canceled"), ("cancel", "end", "canceled"), (None, "end", "scheduled")],
)
def test_out_of_order_transitions_are_409(
    api: ApiClient,
    classroom: tuple[Person, Person, str],
    first: str | None,
    then: str,
    status_now: str,
) -> None:
    teacher, _, course_id = classroom
    session = schedule(api, teacher, course_id)
    url = f"/api/v1/sessions/{session['id']}"
    if first:
        assert api.request("POST", f"{url}/{first}", teacher).status_code == 200
    response = api.request("POST", f"{url}/{then}", teacher)
    assert response.status_code == 409
    assert response.json()["type"] == "invalid-transition"
    assert response.json()["status_now"] == status_now


def test_students_cannot_run_a_class(api: ApiClient, classroom: tuple[Person, Person, str]) -> None:
    teacher, student, course_id = classroom
    session = schedule(api, teacher, course_id)
    for action in ("start", "end", "cancel"):
        response = api.request("POST", f"/api/v1/sessions/{session['id']}/{action}", student)
        assert response.status_code == 403, action
    assert events(api, teacher, session["id"])["head"] == 1


def test_schedule_validation(api: ApiClient, classroom: tuple[Person, Person, str]) -> None:
    teacher, _, course_id = classroom
    response = api.request(
        "POST",
        f"/api/v1/courses/{course_id}/sessions",
        teacher,
        json={
            "title": "Backwards",
            "scheduled_start": START.isoformat(),
            "scheduled_end": (START - dt.timedelta(hours=1)).isoformat(),
        },
    )
    assert response.status_code == 422
    assert response.json()["type"] == "validation"


def test_edit_is_an_event(api: ApiClient, classroom: tuple[Person, Person, str]) -> None:
    teacher, student, course_id = classroom
    session = schedule(api, teacher, course_id)
    response = api.request(
        "PATCH", f"/api/v1/sessions/{session['id']}", teacher, json={"title": "Week 3 (moved)"}
    )
    assert response.json()["title"] == "Week 3 (moved)"
    last = events(api, student, session["id"])["items"][-1]
    assert last["type"] == "session.updated"
    assert last["payload"] == {"title": "Week 3 (moved)"}


def test_state_snapshot_has_as_of_seq(
    api: ApiClient, classroom: tuple[Person, Person, str]
) -> None:
    teacher, student, course_id = classroom
    session = schedule(api, teacher, course_id)
    api.request("POST", f"/api/v1/sessions/{session['id']}/start", teacher)
    state = api.request("GET", f"/api/v1/sessions/{session['id']}/state", student).json()
    assert state["as_of_seq"] == 3
    assert state["session"]["status"] == "live"
    assert state["media_status"] == "ok"


# --- the event log itself ------------------------------------------------------------------


@pytest.fixture
def session_row(api: ApiClient, engine: sa.Engine) -> uuid.UUID:
    teacher = api.signup("Teacher")
    course = api.create_course(teacher)
    return uuid.UUID(schedule(api, teacher, course["id"])["id"])


def at_once(count: int, work: Callable[[int], None]) -> list[BaseException]:
    """Run `work(0)` … `work(count - 1)` in threads released together; what they raised."""
    barrier = threading.Barrier(count)
    errors: list[BaseException] = []

    def run(n: int) -> None:
        try:
            barrier.wait()
            work(n)
        except BaseException as exc:  # collected for the test to assert
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(n,)) for n in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return errors


def test_fifty_concurrent_appends_get_seq_without_gaps(
    engine: sa.Engine, session_row: uuid.UUID
) -> None:

    def append_one(n: int) -> None:
        with Session(engine) as db, db.begin():
            eventlog.record(
                db, session_id=session_row, events=[NewEvent("test.appended", {"n": n})],
                actor_id=None,
            )  # fmt: skip

    assert at_once(50, append_one) == []
    with Session(engine) as db:
        seqs = list(
            db.scalars(
                sa.text("SELECT seq FROM session_events WHERE session_id = :s ORDER BY seq"),
                {"s": session_row},
            )
        )
        numbers = sorted(
            e.payload["n"] for e in eventlog.read_after(db, session_id=session_row, after=1)
        )
        last_seq = db.get(LiveSession, session_row).last_seq  # type: ignore[union-attr]
    assert seqs == list(range(1, 52))  # session.scheduled, then 50 appends
    assert numbers == list(range(50))
    assert last_seq == 51


def test_single_and_batched_appends_interleave_without_gaps(
    engine: sa.Engine, session_row: uuid.UUID
) -> None:
    """A single event is appended in one statement, several after a lock of their own, and
    a command that locked first hands its lock over (`locked=`): all three at once on one
    class still number the log without a gap, each batch's events next to each other."""

    def append(n: int) -> None:
        with Session(engine) as db, db.begin():
            event = NewEvent("test.appended", {"n": n})
            if n % 3 == 0:
                eventlog.record(db, session_id=session_row, events=[event], actor_id=None)
            elif n % 3 == 1:
                second = NewEvent("test.appended", {"n": n, "second": True})
                eventlog.record(db, session_id=session_row, events=[event, second], actor_id=None)
            else:
                locked = eventlog.lock(db, session_id=session_row)
                eventlog.record(
                    db, session_id=session_row, events=[event], actor_id=None, locked=locked
                )

    assert at_once(30, append) == []
    with Session(engine) as db:
        events = eventlog.read_after(db, session_id=session_row, after=1)
        head = eventlog.head(db, session_id=session_row)
    assert [e.seq for e in events] == list(range(2, 42))  # 10 + 2 * 10 + 10 events
    assert head == 41
    for event in events:
        if event.payload.get("second"):
            [first] = [e for e in events if e.seq == event.seq - 1]
            assert first.payload == {"n": event.payload["n"]}


def test_an_append_to_a_missing_class_or_with_a_stale_head_is_refused(
    engine: sa.Engine, session_row: uuid.UUID
) -> None:
    with Session(engine) as db, db.begin():
        with pytest.raises(LookupError):
            eventlog.record(db, session_id=uuid.uuid4(), events=[NewEvent("test.x")], actor_id=None)
        locked = eventlog.lock(db, session_id=session_row)
        assert locked is not None
        eventlog.record(db, session_id=session_row, events=[NewEvent("test.x")], actor_id=None)
    with Session(engine) as db:
        stale = db.get(LiveSession, session_row)
        assert stale is not None
        # What a caller that read the head outside the lock would hold (not a change to write).
        set_committed_value(stale, "last_seq", stale.last_seq - 1)
        with pytest.raises(sa.exc.IntegrityError) as refused:
            eventlog.record(
                db, session_id=session_row, events=[NewEvent("test.y")], actor_id=None, locked=stale
            )
        diag = getattr(refused.value.orig, "diag", None)
        assert getattr(diag, "constraint_name", None) == "ck_session_events_seq_contiguous"
        db.rollback()
        assert eventlog.head(db, session_id=session_row) == 2


def test_hidden_events_are_delivered_as_gaps(
    api: ApiClient, engine: sa.Engine, classroom: tuple[Person, Person, str]
) -> None:
    teacher, student, course_id = classroom
    session_id = uuid.UUID(schedule(api, teacher, course_id)["id"])
    with Session(engine) as db, db.begin():
        eventlog.record(
            db,
            session_id=session_id,
            events=[
                NewEvent("test.for_staff", audience=EventAudience.staff),
                NewEvent("test.for_nobody", audience=EventAudience.none),
                NewEvent("test.for_actor", audience=EventAudience.actor),
                NewEvent("test.for_all"),
            ],
            actor_id=uuid.UUID(student.id),
        )
    seen_by_student = [
        (e["seq"], e["type"]) for e in events(api, student, str(session_id))["items"]
    ]
    seen_by_teacher = [
        (e["seq"], e["type"]) for e in events(api, teacher, str(session_id))["items"]
    ]
    assert seen_by_student == [
        (1, "session.scheduled"),
        (2, "gap.filtered"),
        (3, "gap.filtered"),
        (4, "test.for_actor"),
        (5, "test.for_all"),
    ]
    assert seen_by_teacher == [
        (1, "session.scheduled"),
        (2, "test.for_staff"),
        (3, "gap.filtered"),
        (4, "gap.filtered"),
        (5, "test.for_all"),
    ]


def test_events_are_published_only_after_commit(
    api_settings: Settings, engine: sa.Engine, session_row: uuid.UUID
) -> None:
    from multistream.db.engine import make_sessionmaker
    from multistream.eventlog import publisher

    client = redis.Redis.from_url(api_settings.redis_url)
    pubsub = client.pubsub(ignore_subscribe_messages=True)
    pubsub.subscribe(publisher.channel(session_row))
    factory = make_sessionmaker(engine)
    publisher.install(factory, client)

    with factory() as db, db.begin():
        eventlog.record(db, session_id=session_row, events=[NewEvent("test.kept")], actor_id=None)
        assert pubsub.get_message(timeout=0.5) is None  # not before the commit
    with factory() as db:
        db.begin()
        eventlog.record(db, session_id=session_row, events=[NewEvent("test.lost")], actor_id=None)
        db.rollback()

    message = pubsub.get_message(timeout=2)
    assert message is not None
    assert json.loads(message["data"])["type"] == "test.kept"
    assert pubsub.get_message(timeout=0.5) is None  # the rolled-back event never went out
    pubsub.close()
    client.close()


def test_a_rolled_back_savepoint_unpublishes_only_its_own_events(
    api_settings: Settings, engine: sa.Engine, session_row: uuid.UUID
) -> None:
    """Group commit's groundwork: commands in one transaction, each in a savepoint; one
    refused (its savepoint rolled back) must not take the others' events off the wire."""
    from multistream.db.engine import make_sessionmaker
    from multistream.eventlog import publisher

    client = redis.Redis.from_url(api_settings.redis_url)
    pubsub = client.pubsub(ignore_subscribe_messages=True)
    pubsub.subscribe(publisher.channel(session_row))
    factory = make_sessionmaker(engine)
    publisher.install(factory, client)

    def append(db: Session, kind: str) -> None:
        eventlog.record(db, session_id=session_row, events=[NewEvent(kind)], actor_id=None)

    with factory() as db, db.begin():
        append(db, "test.first")
        refused = db.begin_nested()
        append(db, "test.refused")
        refused.rollback()
        with db.begin_nested():
            append(db, "test.second")
        with db.begin_nested():
            append(db, "test.third")
        # A released savepoint is not a commit: nothing is on the wire yet.
        assert pubsub.get_message(timeout=0.5) is None  # (reads the subscribe confirmation)
        assert pubsub.get_message(timeout=0.5) is None

    received: list[Any] = []
    for _ in range(20):  # a None is also what the ignored subscribe confirmation reads as
        message = pubsub.get_message(timeout=0.2)
        if message is not None:
            received.append(json.loads(message["data"]))
    assert [(e["seq"], e["type"]) for e in received] == [
        (2, "test.first"),
        (3, "test.second"),
        (4, "test.third"),
    ]
    with Session(engine) as db:
        logged = eventlog.read_after(db, session_id=session_row, after=1)
    assert [(e.seq, e.type) for e in logged] == [(e["seq"], e["type"]) for e in received]
    pubsub.close()
    client.close()


def test_rebuild_equals_the_live_projection(
    api: ApiClient, engine: sa.Engine, classroom: tuple[Person, Person, str]
) -> None:
    teacher, _, course_id = classroom
    session = schedule(api, teacher, course_id)
    url = f"/api/v1/sessions/{session['id']}"
    api.request("PATCH", url, teacher, json={"title": "Renamed", "description": "Bring a leaf"})
    api.request("POST", f"{url}/start", teacher)
    live = api.request("POST", f"{url}/end", teacher).json()

    columns = (
        "title, description, status, scheduled_start, scheduled_end, started_at, ended_at,"
        " media_status, recording_enabled, last_seq"
    )
    query = sa.text(f"SELECT {columns} FROM sessions WHERE id = :id")
    with engine.connect() as connection:
        before = connection.execute(query, {"id": session["id"]}).one()
    with Session(engine) as db, db.begin():
        projection.rebuild(db, session_id=uuid.UUID(session["id"]))
    with engine.connect() as connection:
        after = connection.execute(query, {"id": session["id"]}).one()
    assert after == before
    assert after.status == "ended"
    assert after.title == "Renamed"
    assert live["last_seq"] == after.last_seq


def test_rebuild_command(
    api: ApiClient, database_url: str, classroom: tuple[Person, Person, str]
) -> None:
    teacher, _, course_id = classroom
    session = schedule(api, teacher, course_id)
    api.request("POST", f"/api/v1/sessions/{session['id']}/start", teacher)
    env = {**os.environ, "DATABASE_URL": database_url}

    def rebuild(session_id: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "multistream", "eventlog", "rebuild", session_id],
            capture_output=True, text=True, check=False, timeout=60, env=env,
        )  # fmt: skip

    done = rebuild(session["id"])
    assert done.returncode == 0, done.stderr
    assert f"session {session['id']}: live as of seq 3" in done.stdout
    missing = rebuild(str(uuid.uuid4()))
    assert missing.returncode == 1
    assert "cannot rebuild" in missing.stderr
