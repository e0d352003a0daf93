"""Q&A of a live class through the real api: ask (anonymously too), upvote once, remove a
vote, answer, dismiss, reopen, the order, the throttled `qa.votes_changed`, the state
snapshot, and the question tables as a projection of the log."""

from __future__ import annotations

import dataclasses
import datetime as dt
import itertools
import time
import uuid
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session

import multistream.tables  # noqa: F401 - every table, so foreign keys resolve
from multistream.eventlog import service as eventlog
from tests.apiclient import ApiClient, Person

START = dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.UTC)


@dataclasses.dataclass
class Classroom:
    teacher: Person
    ta: Person
    ada: Person
    grace: Person
    session_id: str

    @property
    def questions(self) -> str:
        return f"/api/v1/sessions/{self.session_id}/questions"

    @property
    def students(self) -> tuple[Person, Person]:
        return self.ada, self.grace


@pytest.fixture
def room(api: ApiClient) -> Classroom:
    teacher, ta = api.signup("Teacher"), api.signup("Assistant")
    ada, grace = api.signup("Ada"), api.signup("Grace")
    course = api.create_course(teacher)
    for person, role in ((ta, "ta"), (ada, "student"), (grace, "student")):
        assert api.join(person, api.invite(teacher, course["id"], role)).status_code == 200
    body = {
        "title": "Photosynthesis, week 3",
        "scheduled_start": START.isoformat(),
        "scheduled_end": (START + dt.timedelta(hours=1)).isoformat(),
    }
    session = api.request("POST", f"/api/v1/courses/{course['id']}/sessions", teacher, json=body)
    assert session.status_code == 201, session.text
    return Classroom(teacher, ta, ada, grace, session.json()["id"])


def ask(api: ApiClient, room: Classroom, person: Person, body: str, **extra: Any) -> Any:
    response = api.request("POST", room.questions, person, json={"body": body, **extra})
    assert response.status_code == 201, response.text
    return response.json()


def listed(api: ApiClient, room: Classroom, person: Person) -> list[Any]:
    response = api.request("GET", room.questions, person)
    assert response.status_code == 200, response.text
    return list(response.json()["items"])


def events(api: ApiClient, room: Classroom, person: Person) -> list[Any]:
    found: list[Any] = []
    after: int | None = 0
    while after is not None:
        response = api.request(
            "GET", f"/api/v1/sessions/{room.session_id}/events?after={after}&limit=500", person
        )
        assert response.status_code == 200, response.text
        page = response.json()
        found += page["items"]
        after = page["next_after"]
    return found


def test_an_upvote_counts_once_and_the_teacher_marks_it_answered(
    api: ApiClient, room: Classroom
) -> None:
    question = ask(api, room, room.ada, "  Why is the leaf green?  ")
    assert question["body"] == "Why is the leaf green?"
    assert question["status"] == "open"
    assert question["upvotes"] == 0
    assert question["author_id"] == room.ada.id
    assert question["author_name"] == "Ada"
    vote = f"{room.questions}/{question['id']}/vote"

    first = api.request("POST", vote, room.grace)
    assert first.status_code == 200, first.text
    assert (first.json()["upvotes"], first.json()["voted"]) == (1, True)
    again = api.request("POST", vote, room.grace)
    assert again.status_code == 200
    assert again.json()["upvotes"] == 1
    [seen_by_ada] = listed(api, room, room.ada)
    assert (seen_by_ada["upvotes"], seen_by_ada["voted"]) == (1, False)

    answered = api.request(
        "POST",
        f"{room.questions}/{question['id']}/answer",
        room.teacher,
        json={"text": "Chlorophyll."},
    )
    assert answered.status_code == 200, answered.text
    assert answered.json()["status"] == "answered"
    assert answered.json()["answer_text"] == "Chlorophyll."
    assert answered.json()["answered_at"] is not None
    assert answered.json()["upvotes"] == 1

    cast = [e for e in events(api, room, room.teacher) if e.get("type") == "qa.vote_cast"]
    assert cast == []  # one vote, logged for its voter only: staff see a gap
    mine = [e for e in events(api, room, room.grace) if e.get("type") == "qa.vote_cast"]
    assert len(mine) == 1
    assert mine[0]["audience"] == "actor"
    assert mine[0]["payload"] == {"question_id": question["id"], "user_id": room.grace.id}


def test_students_may_not_moderate(api: ApiClient, room: Classroom) -> None:
    question = ask(api, room, room.ada, "Is this on the exam?")
    for action in ("answer", "dismiss", "reopen"):
        response = api.request("POST", f"{room.questions}/{question['id']}/{action}", room.grace)
        assert response.status_code == 403, action
        assert response.json()["permission"] == "qa.moderate"
    ta = api.request("POST", f"{room.questions}/{question['id']}/answer", room.ta)
    assert ta.status_code == 200  # a moderator may, without a written answer
    assert ta.json()["answer_text"] is None


def test_removing_a_vote_and_the_order_by_votes_then_age(api: ApiClient, room: Classroom) -> None:
    older = ask(api, room, room.ada, "First question")
    newer = ask(api, room, room.grace, "Second question")
    most = ask(api, room, room.grace, "Third question")
    for person in (room.ada, room.teacher):
        api.request("POST", f"{room.questions}/{most['id']}/vote", person)
    api.request("POST", f"{room.questions}/{newer['id']}/vote", room.ada)
    order = [q["id"] for q in listed(api, room, room.grace)]
    assert order == [most["id"], newer["id"], older["id"]]

    removed = api.request("DELETE", f"{room.questions}/{newer['id']}/vote", room.ada)
    assert removed.status_code == 200
    assert (removed.json()["upvotes"], removed.json()["voted"]) == (0, False)
    again = api.request("DELETE", f"{room.questions}/{newer['id']}/vote", room.ada)
    assert again.json()["upvotes"] == 0
    order = [q["id"] for q in listed(api, room, room.grace)]
    assert order == [most["id"], older["id"], newer["id"]]  # ties: oldest first


def test_anonymous_questions_hide_the_author_from_students_only(
    api: ApiClient, room: Classroom
) -> None:
    question = ask(api, room, room.ada, "I am lost, can you repeat?", anonymous=True)
    assert question["anonymous"] is True
    assert question["author_name"] == "Ada"  # the author sees their own name

    [to_grace] = listed(api, room, room.grace)
    assert (to_grace["author_id"], to_grace["author_name"]) == (None, None)
    [to_teacher] = listed(api, room, room.teacher)
    assert (to_teacher["author_id"], to_teacher["author_name"]) == (room.ada.id, "Ada")
    [to_ta] = listed(api, room, room.ta)
    assert to_ta["author_name"] == "Ada"

    seen_by_grace = events(api, room, room.grace)
    asked = next(e for e in seen_by_grace if e.get("type") == "qa.question_asked")
    assert asked["actor_id"] is None
    assert asked["payload"]["question"]["author_id"] is None
    assert asked["payload"]["question"]["author_name"] is None
    assert asked["payload"]["question"]["seq"] == asked["seq"]
    assert "Ada" not in str(seen_by_grace)
    assert seen_by_grace[seen_by_grace.index(asked) + 1] == {
        "seq": asked["seq"] + 1,
        "type": "gap.filtered",
    }
    author = next(e for e in events(api, room, room.teacher) if e["type"] == "qa.question_author")
    assert author["audience"] == "staff"
    assert author["payload"]["author_id"] == room.ada.id


def test_dismiss_hides_a_question_from_students_and_reopen_brings_it_back(
    api: ApiClient, room: Classroom
) -> None:
    question = ask(api, room, room.ada, "Off topic")
    url = f"{room.questions}/{question['id']}"
    dismissed = api.request("POST", f"{url}/dismiss", room.teacher)
    assert dismissed.json()["status"] == "dismissed"
    assert listed(api, room, room.grace) == []
    assert [q["status"] for q in listed(api, room, room.teacher)] == ["dismissed"]
    assert api.request("POST", f"{url}/vote", room.grace).status_code == 404
    refused = api.request("POST", f"{url}/vote", room.teacher)
    assert (refused.status_code, refused.json()["type"]) == (409, "question-dismissed")

    cannot = api.request("POST", f"{url}/answer", room.teacher)
    assert cannot.status_code == 409
    assert cannot.json()["type"] == "invalid-transition"
    assert cannot.json()["status_now"] == "dismissed"

    reopened = api.request("POST", f"{url}/reopen", room.teacher)
    assert reopened.json()["status"] == "open"
    assert [q["id"] for q in listed(api, room, room.grace)] == [question["id"]]
    again = api.request("POST", f"{url}/reopen", room.teacher)
    assert (again.status_code, again.json()["type"]) == (409, "invalid-transition")

    api.request("POST", f"{url}/answer", room.teacher, json={"text": "Later."})
    reopened = api.request("POST", f"{url}/reopen", room.teacher).json()
    assert (reopened["answer_text"], reopened["answered_at"]) == (None, None)


def test_bad_questions_and_unknown_ones(api: ApiClient, room: Classroom) -> None:
    for body in ("   ", "x" * 1001, "nul\x00"):
        response = api.request("POST", room.questions, room.ada, json={"body": body})
        assert response.status_code == 422, body
        assert response.json()["errors"][0]["field"] == "body"
    long_answer = api.request(
        "POST",
        f"{room.questions}/{ask(api, room, room.ada, 'Q')['id']}/answer",
        room.teacher,
        json={"text": "y" * 2001},
    )
    assert long_answer.status_code == 422
    missing = api.request("POST", f"{room.questions}/{uuid.uuid4()}/vote", room.ada)
    assert (missing.status_code, missing.json()["type"]) == (404, "not-found")
    outsider = api.signup("Outsider")
    assert api.request("GET", room.questions, outsider).status_code == 404


def test_no_questions_once_the_class_is_over(api: ApiClient, room: Classroom) -> None:
    question = ask(api, room, room.ada, "Before the end")
    session = f"/api/v1/sessions/{room.session_id}"
    assert api.request("POST", f"{session}/cancel", room.teacher).status_code == 200
    refused = api.request("POST", room.questions, room.ada, json={"body": "After"})
    assert (refused.status_code, refused.json()["type"]) == (409, "class-closed")
    vote = api.request("POST", f"{room.questions}/{question['id']}/vote", room.grace)
    assert vote.status_code == 409
    # Moderation goes on after the class.
    answered = api.request("POST", f"{room.questions}/{question['id']}/answer", room.teacher)
    assert answered.status_code == 200


def test_the_state_snapshot_has_the_top_questions_as_the_viewer_sees_them(
    api: ApiClient, room: Classroom
) -> None:
    question = ask(api, room, room.ada, "Anonymous one", anonymous=True)
    api.request("POST", f"{room.questions}/{question['id']}/vote", room.grace)
    state = api.request("GET", f"/api/v1/sessions/{room.session_id}/state", room.grace).json()
    [seen] = state["questions"]
    assert (seen["id"], seen["upvotes"], seen["voted"], seen["author_id"]) == (
        question["id"],
        1,
        True,
        None,
    )
    staff_state = api.request(
        "GET", f"/api/v1/sessions/{room.session_id}/state", room.teacher
    ).json()
    assert staff_state["questions"][0]["author_id"] == room.ada.id


def test_upvote_counts_are_announced_at_most_every_500_ms(api: ApiClient, room: Classroom) -> None:
    voters = [room.ada, room.grace, room.ta, room.teacher]
    asked = [ask(api, room, room.ada, f"Question {n}") for n in range(3)]
    started = time.monotonic()
    for question in asked:
        for person in voters:
            api.request("POST", f"{room.questions}/{question['id']}/vote", person)
    api.request("DELETE", f"{room.questions}/{asked[0]['id']}/vote", room.ta)
    final = {q["id"]: q["upvotes"] for q in listed(api, room, room.teacher)}
    assert final == {asked[0]["id"]: 3, asked[1]["id"]: 4, asked[2]["id"]: 4}

    changes: list[Any] = []
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        changes = [e for e in events(api, room, room.grace) if e["type"] == "qa.votes_changed"]
        announced: dict[str, int] = {}
        for change in changes:
            announced.update({q["id"]: q["upvotes"] for q in change["payload"]["questions"]})
        if announced == final:
            break
        time.sleep(0.2)
    assert announced == final
    duration = time.monotonic() - started
    assert 1 <= len(changes) <= int(duration / 0.5) + 2
    times = [dt.datetime.fromisoformat(e["occurred_at"]) for e in changes]
    gaps = [(b - a).total_seconds() for a, b in itertools.pairwise(times)]
    assert all(gap >= 0.49 for gap in gaps), gaps
    assert all(e["audience"] == "all" and e["actor_id"] is None for e in changes)


TABLES = {
    "questions": "SELECT * FROM questions WHERE session_id = :s ORDER BY id",
    "question_votes": "SELECT v.* FROM question_votes v JOIN questions q ON q.id = v.question_id"
    " WHERE q.session_id = :s ORDER BY v.question_id, v.user_id",
}


def snapshot(engine: sa.Engine, session_id: str) -> dict[str, list[Any]]:
    with engine.connect() as connection:
        return {
            name: [tuple(row) for row in connection.execute(sa.text(query), {"s": session_id})]
            for name, query in TABLES.items()
        }


def assert_rebuild_equals_live(engine: sa.Engine, session_id: str) -> dict[str, list[Any]]:
    live = snapshot(engine, session_id)
    with Session(engine) as db, db.begin():
        eventlog.rebuild(db, session_id=uuid.UUID(session_id))
    rebuilt = snapshot(engine, session_id)
    assert rebuilt == live
    return live


def test_each_qa_event_applied_live_equals_a_rebuild_from_the_log(
    api: ApiClient, engine: sa.Engine, room: Classroom
) -> None:
    """Zulip-style: after each operation (and so each event type), the live tables equal
    the tables rebuilt from the whole log."""
    question = ask(api, room, room.ada, "Named")
    anonymous = ask(api, room, room.grace, "Anonymous", anonymous=True)
    assert_rebuild_equals_live(engine, room.session_id)  # question_asked, question_author
    url = f"{room.questions}/{question['id']}"
    steps = [
        ("POST", f"{url}/vote", room.grace, None),  # vote_cast
        ("POST", f"{room.questions}/{anonymous['id']}/vote", room.ada, None),
        ("DELETE", f"{url}/vote", room.grace, None),  # vote_removed
        ("POST", f"{url}/vote", room.teacher, None),
        ("POST", f"{url}/answer", room.teacher, {"text": "Because."}),  # question_answered
        ("POST", f"{url}/reopen", room.teacher, None),  # question_reopened
        ("POST", f"{url}/dismiss", room.ta, None),  # question_dismissed
    ]
    for method, path, person, body in steps:
        response = api.request(method, path, person, **({"json": body} if body else {}))
        assert response.status_code == 200, response.text
        assert_rebuild_equals_live(engine, room.session_id)
    time.sleep(0.7)  # the aggregator's qa.votes_changed is in the log as well
    assert any(e["type"] == "qa.votes_changed" for e in events(api, room, room.teacher))
    tables = assert_rebuild_equals_live(engine, room.session_id)
    assert len(tables["questions"]) == 2
    assert len(tables["question_votes"]) == 2
