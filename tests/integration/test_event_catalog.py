"""`eventlog.service.append` enforces the event catalogue against the real PostgreSQL log."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session

from multistream.eventlog import service as eventlog
from multistream.eventlog.domain import NewEvent
from multistream.eventlog.models import EventAudience
from multistream.eventlog.service import PENDING_KEY
from tests.apiclient import ApiClient

START = dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.UTC)
USER = str(uuid.uuid4())


@pytest.fixture
def session_id(api: ApiClient) -> uuid.UUID:
    teacher = api.signup("Teacher")
    course = api.create_course(teacher)
    body = {
        "title": "Photosynthesis, week 3",
        "scheduled_start": START.isoformat(),
        "scheduled_end": (START + dt.timedelta(hours=1)).isoformat(),
    }
    response = api.request("POST", f"/api/v1/courses/{course['id']}/sessions", teacher, json=body)
    assert response.status_code == 201, response.text
    return uuid.UUID(response.json()["id"])


def logged(engine: sa.Engine, session_id: uuid.UUID) -> tuple[int, list[str]]:
    """The session's last_seq and the types in its log."""
    with Session(engine) as db:
        last_seq = db.execute(
            sa.text("SELECT last_seq FROM sessions WHERE id = :s"), {"s": session_id}
        ).scalar_one()
        types = list(
            db.scalars(
                sa.text("SELECT type FROM session_events WHERE session_id = :s ORDER BY seq"),
                {"s": session_id},
            )
        )
    return int(last_seq), types


@pytest.mark.parametrize(
    ("event", "message"),
    [
        (NewEvent("chat.message_edited", {"message_id": USER}), "unknown event type"),
        (NewEvent("hand.lowered", {"user_id": USER}), "Field required"),
        (
            NewEvent("hand.lowered", {"user_id": USER, "by": USER, "note": "x"}),
            "Extra inputs are not permitted",
        ),
        (
            NewEvent("qa.vote_cast", {"question_id": USER, "user_id": USER}),
            "audience actor, not all",
        ),
    ],
    ids=["unknown-type", "missing-field", "extra-field", "wrong-audience"],
)
def test_append_refuses_an_event_off_the_catalogue_and_writes_nothing(
    engine: sa.Engine, session_id: uuid.UUID, event: NewEvent, message: str
) -> None:
    before = logged(engine, session_id)
    with Session(engine) as db, db.begin():
        with pytest.raises(ValueError, match=message):
            # The good event first: the batch is checked whole before anything is inserted.
            eventlog.record(
                db,
                session_id=session_id,
                events=[NewEvent("test.before_the_bad_one"), event],
                actor_id=None,
            )
        assert db.info.get(PENDING_KEY, []) == []  # nothing waits to be published
    # The transaction committed, and still nothing was written.
    assert logged(engine, session_id) == before


def test_test_and_bench_events_still_append(engine: sa.Engine, session_id: uuid.UUID) -> None:
    last_seq, types = logged(engine, session_id)
    with Session(engine) as db, db.begin():
        appended = eventlog.record(
            db,
            session_id=session_id,
            events=[
                NewEvent("test.anything", {"n": 1, "free": ["form"]}, audience=EventAudience.none),
                NewEvent("bench.tick", {"n": 2}),
            ],
            actor_id=None,
        )
    assert [event.seq for event in appended] == [last_seq + 1, last_seq + 2]
    assert logged(engine, session_id) == (last_seq + 2, [*types, "test.anything", "bench.tick"])


def test_a_catalogued_event_is_stored_as_given(engine: sa.Engine, session_id: uuid.UUID) -> None:
    """The check does not change what is stored: the payload is the emitter's dict."""
    payload = {"user_id": USER, "by": USER}
    with Session(engine) as db, db.begin():
        eventlog.record(
            db, session_id=session_id, events=[NewEvent("hand.lowered", payload)], actor_id=None
        )
    with Session(engine) as db:
        (last,) = eventlog.read_after(
            db, session_id=session_id, after=eventlog.head(db, session_id=session_id) - 1
        )
    assert (last.type, last.payload) == ("hand.lowered", payload)
