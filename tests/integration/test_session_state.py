"""The state snapshot with its shared parts kept per process (`sessions.state`): after every
kind of command, what the api answers each viewer (a host, a moderator, students, muted or
not, who voted or asked anonymously) equals the snapshot read without the cache
(`state.fresh`); a part is read once per class, audience and seq, moves on over joins, and
is kept only once the transaction that read it commits."""

from __future__ import annotations

import time
import uuid
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session

from multistream.db.engine import make_sessionmaker, transaction
from multistream.eventlog.domain import Viewer
from multistream.sessions import state
from multistream.sessions.models import LiveSession
from multistream.sessions.schemas import SessionState
from tests.apiclient import ApiClient, Person
from tests.integration.test_sessions import schedule


class Live:
    """A live class: a teacher, a TA, and students who joined (the last one not yet)."""

    def __init__(self, api: ApiClient, students: int = 4) -> None:
        self.api = api
        self.teacher, self.ta = api.signup("Teacher"), api.signup("Assistant")
        self.students = [api.signup(f"Student {n}") for n in range(students)]
        course = api.create_course(self.teacher)
        api.join(self.ta, api.invite(self.teacher, course["id"], role="ta"))
        code = api.invite(self.teacher, course["id"], max_uses=students)
        for student in self.students:
            assert api.join(student, code).status_code == 200
        self.id = schedule(api, self.teacher, course["id"])["id"]
        self.url = f"/api/v1/sessions/{self.id}"
        self.call("POST", "/start", self.teacher)
        for person in (self.teacher, self.ta, *self.students[:-1]):
            self.call("POST", "/join", person)

    @property
    def everyone(self) -> list[tuple[Person, bool]]:
        return [(self.teacher, True), (self.ta, True), *((s, False) for s in self.students)]

    def call(self, method: str, path: str, person: Person, **kwargs: Any) -> Any:
        response = self.api.request(method, f"{self.url}{path}", person, **kwargs)
        assert response.status_code in (200, 201, 204), (method, path, response.text)
        return response.json() if response.content else None


def _fresh(engine: sa.Engine, session_id: str, person: Person, staff: bool) -> Any:
    with Session(engine) as db, db.begin():
        row = db.get(LiveSession, uuid.UUID(session_id))
        assert row is not None
        viewer = Viewer(user_id=uuid.UUID(person.id), staff=staff)
        return state.fresh(db, session=row, viewer=viewer).model_dump(mode="json")


def _same_for_everyone(live: Live, engine: sa.Engine) -> list[Any]:
    """Each viewer's `/state` twice (the second from the kept parts) and the snapshot read
    without them are equal; the snapshots, for checks of what the step did. The aggregator
    logs tallies by itself after votes and upvotes: a viewer's reads are compared once
    the log did not move while they were read."""
    seen = []
    for person, staff in live.everyone:
        for _ in range(100):
            before = _fresh(engine, live.id, person, staff)
            first = live.call("GET", "/state", person)
            again = live.call("GET", "/state", person)
            if _fresh(engine, live.id, person, staff)["as_of_seq"] == before["as_of_seq"]:
                break
            time.sleep(0.1)  # an announcement was logged meanwhile: read them again
        else:
            pytest.fail("the class's log kept moving")
        assert first == before
        assert again == before
        seen.append(first)
    return seen


def test_cached_state_equals_fresh_for_every_viewer_after_each_command(
    api: ApiClient, engine: sa.Engine
) -> None:
    live = Live(api)
    ada, bo, cy, newcomer = live.students
    _same_for_everyone(live, engine)

    posted = live.call("POST", "/chat", ada, json={"body": "Is chlorophyll green?"})
    live.call("POST", "/chat", bo, json={"body": "Yes"})
    live.call("POST", f"/chat/{posted['id']}/pin", live.teacher, json={"pinned": True})
    live.call("POST", "/mutes", live.ta, json={"user_id": bo.id, "minutes": 30})
    after_chat = _same_for_everyone(live, engine)
    assert [s["chat"]["muted"] for s in after_chat] == [False, False, False, True, False, False]

    asked = live.call("POST", "/questions", ada, json={"body": "Lost, again?", "anonymous": True})
    other = live.call("POST", "/questions", bo, json={"body": "Why blue light?"})
    live.call("POST", f"/questions/{other['id']}/vote", ada)
    live.call("POST", f"/questions/{other['id']}/vote", cy)
    after_questions = _same_for_everyone(live, engine)
    by_id = [{q["id"]: q for q in s["questions"]} for s in after_questions]
    assert [q[asked["id"]]["author_id"] for q in by_id] == [
        ada.id,
        ada.id,
        ada.id,
        None,
        None,
        None,
    ]
    assert [q[other["id"]]["voted"] for q in by_id] == [False, False, True, False, True, False]

    options = ["Calvin cycle", "Light reactions", "Glycolysis"]
    poll = live.call(
        "POST",
        "/polls",
        live.teacher,
        json={"question": "Which?", "kind": "single", "options": options},
    )
    live.call("POST", f"/polls/{poll['id']}/open", live.teacher)
    choice = poll["options"][1]["id"]
    live.call("PUT", f"/polls/{poll['id']}/vote", ada, json={"option_ids": [choice]})
    live.call("PUT", f"/polls/{poll['id']}/vote", bo, json={"option_ids": [choice]})
    live.call("POST", "/hands", cy)
    scenes = live.call("GET", "/state", live.teacher)["studio"]["scenes"]
    live.call("POST", "/studio/activate-scene", live.teacher, json={"scene_id": scenes[-1]["id"]})
    live.call("POST", "/studio/banner", live.teacher, json={"text": "Quiz in 5 minutes"})
    after_votes = _same_for_everyone(live, engine)
    assert {s["studio"]["banner"] for s in after_votes} == {"Quiz in 5 minutes"}
    assert [len(s["hands"]) for s in after_votes] == [1] * 6
    assert [s["poll"]["my_vote"] for s in after_votes] == [
        None,
        None,
        [choice],
        [choice],
        None,
        None,
    ]
    assert [s["poll"]["counts"] is None for s in after_votes] == [
        False,
        False,
        True,
        True,
        True,
        True,
    ]

    live.call("POST", f"/polls/{poll['id']}/results", live.teacher, json={"visible": True})
    live.call("POST", f"/polls/{poll['id']}/close", live.teacher)
    live.call("POST", "/join", newcomer)  # the first join: participant.joined
    after_join = _same_for_everyone(live, engine)
    assert {s["participant_count"] for s in after_join} == {6}
    assert {s["poll"]["counts"][choice] for s in after_join} == {2}

    live.call("DELETE", f"/mutes/{bo.id}", live.teacher)
    live.call("POST", f"/questions/{asked['id']}/vote", cy)
    live.call("POST", "/join", ada)  # again: no event
    after_more = _same_for_everyone(live, engine)
    assert not any(s["chat"]["muted"] for s in after_more)


@pytest.fixture
def kept(engine: sa.Engine, monkeypatch: pytest.MonkeyPatch) -> Any:
    """Sessions whose snapshots keep their shared parts, as the api's do, with the parts
    used for as long as the test runs; nothing kept before it."""
    monkeypatch.setattr(state, "FRESH_FOR", 3600.0)
    factory = make_sessionmaker(engine)
    state.install(factory)
    state.forget()
    yield factory
    state.forget()


def _read(factory: Any, live: Live, person: Person, staff: bool) -> SessionState:
    with transaction(factory) as db:
        row = db.get(LiveSession, uuid.UUID(live.id))
        assert row is not None
        return state.state(db, session=row, viewer=Viewer(uuid.UUID(person.id), staff))


def test_parts_are_read_once_per_seq_and_audience_and_move_on_over_joins(
    api: ApiClient, kept: Any
) -> None:
    live = Live(api)
    ada, bo, _, newcomer = live.students
    live.call("POST", "/chat", ada, json={"body": "Hello"})
    state.forget()  # what the joins kept
    first = _read(kept, live, ada, staff=False)
    assert first.chat is not None
    for person in (ada, bo):
        again = _read(kept, live, person, staff=False)
        assert again.chat is not None
        assert again.chat.latest is first.chat.latest
    staff = _read(kept, live, live.teacher, staff=True)
    assert staff.chat is not None
    assert staff.chat.latest is not first.chat.latest

    live.call("POST", "/join", newcomer)  # participant.joined: no part changes
    joined = _read(kept, live, bo, staff=False)
    assert joined.as_of_seq == first.as_of_seq + 1
    assert joined.participant_count == first.participant_count + 1
    assert joined.chat is not None
    assert joined.chat.latest is first.chat.latest

    live.call("POST", "/chat", bo, json={"body": "Hi"})
    after = _read(kept, live, ada, staff=False)
    assert after.chat is not None
    assert after.chat.latest is not first.chat.latest
    assert [m.body for m in after.chat.latest][-2:] == ["Hello", "Hi"]


def test_parts_read_by_a_rolled_back_transaction_are_not_kept(api: ApiClient, kept: Any) -> None:
    live = Live(api)
    ada = live.students[0]
    state.forget()  # what the joins kept
    rolled_back = _read_and_roll_back(kept, live, ada)
    first = _read(kept, live, ada, staff=False)
    again = _read(kept, live, ada, staff=False)
    assert first.chat is not None
    assert rolled_back.chat is not None
    assert again.chat is not None
    assert first.chat.latest is not rolled_back.chat.latest
    assert again.chat.latest is first.chat.latest


class _RolledBack(Exception):
    pass


def _read_and_roll_back(factory: Any, live: Live, person: Person) -> SessionState:
    read: list[SessionState] = []
    try:
        with transaction(factory) as db:
            row = db.get(LiveSession, uuid.UUID(live.id))
            assert row is not None
            read.append(state.state(db, session=row, viewer=Viewer(uuid.UUID(person.id), False)))
            raise _RolledBack
    except _RolledBack:
        pass
    return read[0]
