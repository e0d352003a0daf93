"""Polls of a live class through the real api: draft, open (one at a time), vote and change
the vote, the throttled `poll.tally`, close (the result freezes), quizzes, results shown or
hidden, anonymous polls, the state snapshot, and the poll tables as a projection of the
log."""

from __future__ import annotations

import dataclasses
import datetime as dt
import itertools
import math
import threading
import time
import uuid
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session

import multistream.tables  # noqa: F401 - every table, so foreign keys resolve
from multistream.auth.models import User
from multistream.eventlog import service as eventlog
from multistream.polls import service as polls
from multistream.sessions.act import Act
from multistream.sessions.models import LiveSession
from tests.apiclient import ApiClient, Person

START = dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.UTC)


@dataclasses.dataclass
class Classroom:
    teacher: Person
    ta: Person
    students: list[Person]
    session_id: str

    @property
    def polls(self) -> str:
        return f"/api/v1/sessions/{self.session_id}/polls"

    @property
    def ada(self) -> Person:
        return self.students[0]

    @property
    def grace(self) -> Person:
        return self.students[1]


def make_room(api: ApiClient, students: int = 2) -> Classroom:
    teacher, ta = api.signup("Teacher"), api.signup("Assistant")
    names = ["Ada", "Grace", *(f"Student {n}" for n in range(students - 2))]
    people = [api.signup(name) for name in names]
    course = api.create_course(teacher)
    for person, role in ((ta, "ta"), *((p, "student") for p in people)):
        assert api.join(person, api.invite(teacher, course["id"], role)).status_code == 200
    body = {
        "title": "Photosynthesis, week 3",
        "scheduled_start": START.isoformat(),
        "scheduled_end": (START + dt.timedelta(hours=1)).isoformat(),
    }
    session = api.request("POST", f"/api/v1/courses/{course['id']}/sessions", teacher, json=body)
    assert session.status_code == 201, session.text
    return Classroom(teacher, ta, people, session.json()["id"])


@pytest.fixture
def room(api: ApiClient) -> Classroom:
    return make_room(api)


def create(api: ApiClient, room: Classroom, **poll: Any) -> Any:
    body = {"question": "Which stage makes glucose?", "kind": "single", **poll}
    body.setdefault("options", ["Calvin cycle", "Light reactions"])
    response = api.request("POST", room.polls, room.teacher, json=body)
    assert response.status_code == 201, response.text
    return response.json()


def act(api: ApiClient, room: Classroom, poll: Any, action: str, **json: Any) -> Any:
    response = api.request(
        "POST",
        f"{room.polls}/{poll['id']}/{action}",
        room.teacher,
        **({"json": json} if json else {}),
    )
    assert response.status_code == 200, response.text
    return response.json()


def vote(api: ApiClient, room: Classroom, person: Person, poll: Any, *options: int) -> Any:
    ids = [poll["options"][n]["id"] for n in options]
    return api.request("PUT", f"{room.polls}/{poll['id']}/vote", person, json={"option_ids": ids})


def get(api: ApiClient, room: Classroom, person: Person, poll: Any) -> Any:
    response = api.request("GET", f"{room.polls}/{poll['id']}", person)
    assert response.status_code == 200, response.text
    return response.json()


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


def of_type(found: list[Any], kind: str) -> list[Any]:
    return [e for e in found if e["type"] == kind]


def wait_for_tally(
    api: ApiClient, room: Classroom, person: Person, counts: dict[str, int]
) -> list[Any]:
    deadline = time.monotonic() + 5
    while True:
        tallies = of_type(events(api, room, person), "poll.tally")
        if tallies and tallies[-1]["payload"]["counts"] == counts:
            return tallies
        assert time.monotonic() < deadline, tallies[-1:] or "no tally"
        time.sleep(0.1)


def test_two_votes_show_in_the_tally_a_second_replaces_the_first_and_close_freezes(
    api: ApiClient, room: Classroom
) -> None:
    poll = create(api, room)
    assert poll["status"] == "draft"
    hidden = api.request("GET", f"{room.polls}/{poll['id']}", room.ada)
    assert hidden.status_code == 404  # drafts are for staff
    assert api.request("GET", room.polls, room.ada).json()["items"] == []
    refused = vote(api, room, room.ada, poll, 0)
    assert refused.status_code == 404

    opened = act(api, room, poll, "open")
    assert opened["status"] == "open"
    assert opened["opened_at"] is not None
    calvin, light = (option["id"] for option in poll["options"])
    first = vote(api, room, room.ada, poll, 0)
    assert first.status_code == 200, first.text
    assert first.json()["my_vote"] == [calvin]
    assert first.json()["counts"] is None  # results are not shown to students
    assert vote(api, room, room.grace, poll, 0).status_code == 200

    seen = get(api, room, room.teacher, poll)
    assert seen["counts"] == {calvin: 2, light: 0}
    assert seen["total_votes"] == 2
    wait_for_tally(api, room, room.teacher, {calvin: 2, light: 0})

    changed = vote(api, room, room.grace, poll, 1)
    assert changed.json()["my_vote"] == [light]
    seen = get(api, room, room.teacher, poll)
    assert (seen["counts"], seen["total_votes"]) == ({calvin: 1, light: 1}, 2)
    wait_for_tally(api, room, room.teacher, {calvin: 1, light: 1})

    closed = act(api, room, poll, "close")
    assert closed["status"] == "closed"
    assert closed["closed_at"] is not None
    late = vote(api, room, room.ada, poll, 1)
    assert (late.status_code, late.json()["type"]) == (409, "poll-not-open")
    frozen = get(api, room, room.teacher, poll)
    assert (frozen["counts"], frozen["total_votes"]) == ({calvin: 1, light: 1}, 2)
    assert get(api, room, room.ada, poll)["my_vote"] == [calvin]
    again = api.request("POST", f"{room.polls}/{poll['id']}/close", room.teacher)
    assert (again.status_code, again.json()["type"]) == (409, "invalid-transition")
    reopen = api.request("POST", f"{room.polls}/{poll['id']}/open", room.teacher)
    assert (reopen.status_code, reopen.json()["type"]) == (409, "invalid-transition")

    # Results hidden: the close tells students no counts; staff get them in a last tally.
    staff_events = events(api, room, room.teacher)
    [closed_event] = of_type(staff_events, "poll.closed")
    assert closed_event["audience"] == "all"
    assert closed_event["payload"]["counts"] is None
    final = of_type(staff_events, "poll.tally")[-1]
    assert final["payload"] == {
        "poll_id": poll["id"],
        "counts": {calvin: 1, light: 1},
        "total_votes": 2,
    }
    assert of_type(events(api, room, room.ada), "poll.tally") == []


def test_a_vote_must_name_options_of_this_poll(api: ApiClient, room: Classroom) -> None:
    poll, other = create(api, room), create(api, room, question="Another?")
    act(api, room, poll, "open")
    url = f"{room.polls}/{poll['id']}/vote"
    foreign = api.request("PUT", url, room.ada, json={"option_ids": [other["options"][0]["id"]]})
    assert foreign.status_code == 422
    assert foreign.json()["type"] == "validation"
    assert foreign.json()["errors"][0]["field"] == "option_ids"
    two = vote(api, room, room.ada, poll, 0, 1)
    assert two.status_code == 422  # single choice
    assert "exactly one" in two.json()["detail"]
    empty = api.request("PUT", url, room.ada, json={"option_ids": []})
    assert empty.status_code == 422
    assert get(api, room, room.teacher, poll)["total_votes"] == 0


def test_students_may_not_manage_polls_and_staff_do_not_vote(
    api: ApiClient, room: Classroom
) -> None:
    poll = create(api, room)
    body = {"question": "Mine?", "kind": "single", "options": ["a", "b"]}
    denied = api.request("POST", room.polls, room.ada, json=body)
    assert (denied.status_code, denied.json()["permission"]) == (403, "polls.manage")
    for action in ("open", "close", "results"):
        response = api.request(
            "POST", f"{room.polls}/{poll['id']}/{action}", room.ada, json={"visible": True}
        )
        assert response.status_code == 403, action
    act(api, room, poll, "open")
    staff = vote(api, room, room.teacher, poll, 0)
    assert (staff.status_code, staff.json()["permission"]) == (403, "polls.vote")
    by_ta = api.request("POST", f"{room.polls}/{poll['id']}/close", room.ta)
    assert by_ta.status_code == 200  # moderators manage polls


def test_at_most_one_poll_is_open(api: ApiClient, room: Classroom) -> None:
    first, second = create(api, room), create(api, room, question="Second?")
    act(api, room, first, "open")
    refused = api.request("POST", f"{room.polls}/{second['id']}/open", room.teacher)
    assert refused.status_code == 409
    assert refused.json()["type"] == "poll-already-open"
    assert refused.json()["open_poll_id"] == first["id"]
    act(api, room, first, "close")
    assert act(api, room, second, "open")["status"] == "open"
    items = api.request("GET", room.polls, room.ada).json()["items"]
    assert [p["id"] for p in items] == [second["id"], first["id"]]  # newest first


def test_drafting_checks_the_options(api: ApiClient, room: Classroom) -> None:
    def draft(**poll: Any) -> Any:
        body = {"question": "Q?", "kind": "single", "options": ["a", "b"], **poll}
        return api.request("POST", room.polls, room.teacher, json=body)

    cases = {
        "options": [{"options": ["only one"]}, {"options": [str(n) for n in range(11)]}],
        "options.0": [{"options": ["", "b"]}],
        "correct_option_indexes": [
            {"kind": "quiz"},
            {"kind": "quiz", "correct_option_indexes": [2]},
            {"kind": "single", "correct_option_indexes": [0]},
        ],
        "question": [{"question": " "}, {"question": "q" * 301}],
        "kind": [{"kind": "ranking"}],
    }
    for field, bodies in cases.items():
        for body in bodies:
            response = draft(**body)
            assert response.status_code == 422, body
            assert field in {e["field"] for e in response.json()["errors"]}, response.json()
    duplicate = draft(options=["Same", "same"])
    assert duplicate.status_code == 422
    assert draft(options=[str(n) for n in range(10)], kind="multiple").status_code == 201


def test_a_quiz_reveals_its_answer_on_close_and_multiple_choice_takes_several(
    api: ApiClient, room: Classroom
) -> None:
    quiz = create(api, room, kind="quiz", options=["2", "3", "4"], correct_option_indexes=[2])
    answer = quiz["options"][2]["id"]
    assert quiz["correct_option_ids"] == [answer]
    act(api, room, quiz, "open")
    assert get(api, room, room.ada, quiz)["correct_option_ids"] is None
    assert vote(api, room, room.ada, quiz, 0, 2).status_code == 422  # one answer
    assert vote(api, room, room.ada, quiz, 2).status_code == 200
    opened = of_type(events(api, room, room.ada), "poll.opened")[-1]
    assert opened["payload"]["poll"]["correct_option_ids"] is None
    closed = act(api, room, quiz, "close")
    assert get(api, room, room.ada, quiz)["correct_option_ids"] == [answer]
    assert closed["counts"][answer] == 1
    [closed_event] = of_type(events(api, room, room.ada), "poll.closed")
    assert closed_event["payload"]["correct_option_ids"] == [answer]

    several = create(api, room, kind="multiple", options=["Water", "Light", "Sugar"])
    act(api, room, several, "open")
    chosen = vote(api, room, room.ada, several, 2, 0)
    assert chosen.status_code == 200
    ids = [o["id"] for o in several["options"]]
    assert chosen.json()["my_vote"] == [ids[0], ids[2]]  # in the poll's order
    assert vote(api, room, room.grace, several, 0).status_code == 200
    seen = get(api, room, room.teacher, several)
    assert (seen["counts"], seen["total_votes"]) == ({ids[0]: 2, ids[1]: 0, ids[2]: 1}, 2)
    assert get(api, room, room.ada, several)["correct_option_ids"] is None


def test_results_reach_students_only_when_shown(api: ApiClient, room: Classroom) -> None:
    poll = create(api, room)
    act(api, room, poll, "open")
    ids = [o["id"] for o in poll["options"]]
    vote(api, room, room.ada, poll, 0)
    wait_for_tally(api, room, room.teacher, {ids[0]: 1, ids[1]: 0})
    assert get(api, room, room.ada, poll)["counts"] is None
    ada_sees = events(api, room, room.ada)
    assert of_type(ada_sees, "poll.tally") == []
    assert of_type(ada_sees, "poll.vote_cast")[0]["audience"] == "actor"
    assert of_type(events(api, room, room.grace), "poll.vote_cast") == []

    shown = act(api, room, poll, "results", visible=True)
    assert shown["results_visible"] is True
    assert get(api, room, room.grace, poll)["counts"] == {ids[0]: 1, ids[1]: 0}
    [shown_event] = of_type(events(api, room, room.grace), "poll.results_shown")
    assert shown_event["payload"]["counts"] == {ids[0]: 1, ids[1]: 0}
    vote(api, room, room.grace, poll, 1)
    tallies = wait_for_tally(api, room, room.grace, {ids[0]: 1, ids[1]: 1})
    assert tallies[-1]["audience"] == "all"
    assert act(api, room, poll, "results", visible=True)["results_visible"] is True  # no-op

    act(api, room, poll, "close")
    [closed] = of_type(events(api, room, room.grace), "poll.closed")
    assert closed["payload"]["counts"] == {ids[0]: 1, ids[1]: 1}
    hidden = act(api, room, poll, "results", visible=False)
    assert hidden["results_visible"] is False
    assert get(api, room, room.ada, poll)["counts"] is None


def test_nobody_learns_who_voted_in_an_anonymous_poll(api: ApiClient, room: Classroom) -> None:
    poll = create(api, room, anonymous=True)
    act(api, room, poll, "open")
    assert vote(api, room, room.ada, poll, 0).json()["my_vote"] == [poll["options"][0]["id"]]
    for person in (room.teacher, room.ada, room.grace):
        assert of_type(events(api, room, person), "poll.vote_cast") == []
    tallies = wait_for_tally(
        api, room, room.teacher, {poll["options"][0]["id"]: 1, poll["options"][1]["id"]: 0}
    )
    assert "user_id" not in tallies[-1]["payload"]
    assert room.ada.id not in str(events(api, room, room.teacher))


def test_the_state_snapshot_shows_the_open_poll_then_the_last_shown_result(
    api: ApiClient, room: Classroom
) -> None:
    state_url = f"/api/v1/sessions/{room.session_id}/state"
    assert api.request("GET", state_url, room.ada).json()["poll"] is None
    poll = create(api, room)
    assert api.request("GET", state_url, room.ada).json()["poll"] is None  # a draft
    act(api, room, poll, "open")
    vote(api, room, room.ada, poll, 1)
    seen = api.request("GET", state_url, room.ada).json()["poll"]
    assert (seen["id"], seen["status"], seen["my_vote"], seen["counts"]) == (
        poll["id"],
        "open",
        [poll["options"][1]["id"]],
        None,
    )
    assert api.request("GET", state_url, room.teacher).json()["poll"]["total_votes"] == 1
    act(api, room, poll, "close")
    assert api.request("GET", state_url, room.ada).json()["poll"] is None  # results hidden
    act(api, room, poll, "results", visible=True)
    assert api.request("GET", state_url, room.ada).json()["poll"]["total_votes"] == 1


def test_no_polls_once_the_class_is_over(api: ApiClient, room: Classroom) -> None:
    poll = create(api, room)
    act(api, room, poll, "open")
    assert (
        api.request("POST", f"/api/v1/sessions/{room.session_id}/cancel", room.teacher).status_code
        == 200
    )
    late = vote(api, room, room.ada, poll, 0)
    assert (late.status_code, late.json()["type"]) == (409, "class-closed")
    assert act(api, room, poll, "close")["status"] == "closed"  # closing is still possible


def test_fifty_quick_votes_make_few_tallies_and_the_last_one_is_exact(api: ApiClient) -> None:
    room = make_room(api, students=10)
    poll = create(api, room, kind="multiple", options=["a", "b", "c", "d"])
    act(api, room, poll, "open")
    started = time.monotonic()
    for round_ in range(5):
        for n, student in enumerate(room.students):
            choice = sorted({(n + round_) % 4, (n * round_) % 4})
            response = vote(api, room, student, poll, *choice)
            assert response.status_code == 200, response.text
    final = get(api, room, room.teacher, poll)
    tallies = wait_for_tally(api, room, room.teacher, final["counts"])
    duration = time.monotonic() - started
    assert tallies[-1]["payload"]["total_votes"] == 10
    assert 1 <= len(tallies) <= math.ceil(duration / 0.5) + 1, (len(tallies), duration)
    times = [dt.datetime.fromisoformat(t["occurred_at"]) for t in tallies]
    gaps = [(b - a).total_seconds() for a, b in itertools.pairwise(times)]
    assert all(gap >= 0.49 for gap in gaps), gaps
    assert len(tallies) >= 2, "votes for over a second should give more than one tally"


def test_a_poll_closed_while_a_vote_waits_for_the_log_refuses_the_vote(
    api: ApiClient, engine: sa.Engine, room: Classroom
) -> None:
    """The vote reads the poll open, then waits for the class's log while the poll is
    closed; the `poll_votes` trigger refuses it and the student gets 409, not a 500."""
    poll = create(api, room)
    act(api, room, poll, "open")
    answers: list[Any] = []
    with Session(engine) as db, db.begin():
        eventlog.lock(db, session_id=uuid.UUID(room.session_id))
        voter = threading.Thread(target=lambda: answers.append(vote(api, room, room.ada, poll, 0)))
        voter.start()
        deadline = time.monotonic() + 30
        waiting = sa.text(
            "SELECT count(*) FROM pg_stat_activity"
            " WHERE state = 'active' AND wait_event_type = 'Lock' AND query LIKE '%FROM sessions%'"
        )
        while True:
            with engine.connect() as probe:  # a new transaction: a fresh view of the activity
                if probe.execute(waiting).scalar_one():
                    break
            assert time.monotonic() < deadline, "the vote never waited for the log"
            time.sleep(0.05)
        session = db.get(LiveSession, uuid.UUID(room.session_id))
        teacher = db.get(User, uuid.UUID(room.teacher.id))
        assert session is not None
        assert teacher is not None
        polls.close_poll(db, act=Act(session, teacher, staff=True), poll_id=uuid.UUID(poll["id"]))
    voter.join(timeout=20)
    [answer] = answers
    assert answer.status_code == 409, answer.text
    assert answer.json()["type"] == "poll-not-open"
    assert of_type(events(api, room, room.ada), "poll.vote_cast") == []
    assert get(api, room, room.teacher, poll)["total_votes"] == 0


TABLES = {
    "polls": "SELECT * FROM polls WHERE session_id = :s ORDER BY id",
    "poll_votes": "SELECT v.* FROM poll_votes v JOIN polls p ON p.id = v.poll_id"
    " WHERE p.session_id = :s ORDER BY v.poll_id, v.user_id",
    "poll_option_counts": "SELECT c.* FROM poll_option_counts c JOIN polls p ON p.id = c.poll_id"
    " WHERE p.session_id = :s ORDER BY c.poll_id, c.option_id",
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
    assert snapshot(engine, session_id) == live
    return live


def test_each_poll_event_applied_live_equals_a_rebuild_from_the_log(
    api: ApiClient, engine: sa.Engine, room: Classroom
) -> None:
    """Zulip-style: after each operation (and so each event type), the live tables equal
    the tables rebuilt from the whole log."""
    poll = create(api, room, kind="quiz", options=["x", "y"], correct_option_indexes=[1])
    anonymous = create(api, room, anonymous=True, question="Anonymous?")
    assert_rebuild_equals_live(engine, room.session_id)  # poll.created
    steps = [
        lambda: act(api, room, poll, "open"),  # poll.opened
        lambda: vote(api, room, room.ada, poll, 0),  # poll.vote_cast
        lambda: vote(api, room, room.grace, poll, 1),
        lambda: vote(api, room, room.ada, poll, 1),  # a changed vote
        lambda: act(api, room, poll, "results", visible=True),  # poll.results_shown
        lambda: time.sleep(0.7),  # poll.tally (from the aggregator)
        lambda: act(api, room, poll, "close"),  # poll.closed
        lambda: act(api, room, anonymous, "open"),
        lambda: vote(api, room, room.grace, anonymous, 0),  # anonymous vote_cast
        lambda: act(api, room, anonymous, "close"),
    ]
    for step in steps:
        step()
        assert_rebuild_equals_live(engine, room.session_id)
    staff_events = events(api, room, room.teacher)
    assert of_type(staff_events, "poll.tally")
    tables = assert_rebuild_equals_live(engine, room.session_id)
    assert len(tables["polls"]) == 2
    assert len(tables["poll_votes"]) == 3


KEPT = sa.text(
    "SELECT p.id, p.voters, c.option_id, c.votes FROM polls p"
    " JOIN poll_option_counts c ON c.poll_id = p.id WHERE p.session_id = :s"
)
RECOUNTED = sa.text(
    "SELECT p.id, (SELECT count(*) FROM poll_votes v WHERE v.poll_id = p.id), o.id,"
    " (SELECT count(*) FROM poll_votes v WHERE v.poll_id = p.id AND o.id = ANY (v.option_ids))"
    " FROM polls p, unnest(multistream_poll_option_ids(p.options)) AS o(id)"
    " WHERE p.session_id = :s"
)


def kept_and_recounted(engine: sa.Engine, session_id: str) -> tuple[list[Any], list[Any]]:
    with engine.connect() as connection:
        kept = connection.execute(KEPT, {"s": session_id}).all()
        recounted = connection.execute(RECOUNTED, {"s": session_id}).all()
    return sorted(map(tuple, kept)), sorted(map(tuple, recounted))


def test_the_kept_counts_equal_a_recount_after_concurrent_votes_and_changes(
    api: ApiClient, engine: sa.Engine
) -> None:
    """Eight students vote at once, several times each (first votes, changes, the same
    vote again) in a multiple-choice poll: the counters the projection keeps equal a
    recount of the votes, the api's counts and the last tally say the same, and a rebuild
    from the log gives the same counters."""
    room = make_room(api, students=8)
    poll = create(api, room, kind="multiple", options=["a", "b", "c", "d"])
    act(api, room, poll, "open")
    choices = [[{n % 4}, {(n + 1) % 4, (n + 2) % 4}, {n % 4}, {0, 1, 2, 3}] for n in range(8)]
    answers: list[int] = []

    def student(n: int) -> None:
        for chosen in choices[n][: 2 + n % 3]:
            answers.append(vote(api, room, room.students[n], poll, *sorted(chosen)).status_code)

    threads = [threading.Thread(target=student, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert len(answers) == sum(2 + n % 3 for n in range(8))
    assert set(answers) == {200}, answers

    kept, recounted = kept_and_recounted(engine, room.session_id)
    assert kept == recounted
    final = {n: choices[n][: 2 + n % 3][-1] for n in range(8)}
    expected = {
        option["id"]: sum(i in chosen for chosen in final.values())
        for i, option in enumerate(poll["options"])
    }
    seen = get(api, room, room.teacher, poll)
    assert seen["counts"] == expected
    assert seen["total_votes"] == 8
    assert wait_for_tally(api, room, room.teacher, expected)[-1]["payload"]["total_votes"] == 8

    assert_rebuild_equals_live(engine, room.session_id)
    assert kept_and_recounted(engine, room.session_id) == (kept, recounted)


def test_a_refused_vote_moves_no_count(api: ApiClient, engine: sa.Engine, room: Classroom) -> None:
    """A vote the poll's trigger refuses (the poll closed in between is covered above; here
    a single-choice poll) leaves the counters as they were."""
    poll = create(api, room)
    act(api, room, poll, "open")
    assert vote(api, room, room.ada, poll, 0).status_code == 200
    before = kept_and_recounted(engine, room.session_id)
    assert vote(api, room, room.grace, poll, 0, 1).status_code == 422
    act(api, room, poll, "close")
    assert vote(api, room, room.grace, poll, 1).status_code == 409
    assert kept_and_recounted(engine, room.session_id) == before
    assert before[0] == before[1]


VOTES_OF = sa.text(
    "SELECT payload->'option_ids' FROM session_events WHERE session_id = :s"
    " AND type = 'poll.vote_cast' AND payload->>'user_id' = :u ORDER BY seq"
)


def test_votes_sent_at_once_are_each_logged_once_and_answered_after_they_are_stored(
    api: ApiClient, engine: sa.Engine
) -> None:
    """Sixteen students vote at the same moment, then change their vote: the votes of the
    class are written in batches (`eventlog.appender`), yet each answer comes after its
    own event is in the log, each vote is logged once, the log has no gap and the counters
    are exact."""
    students = 16
    room = make_room(api, students=students)
    poll = create(api, room, options=["a", "b", "c"])
    act(api, room, poll, "open")
    ids = [option["id"] for option in poll["options"]]
    barrier = threading.Barrier(students)
    seen: dict[int, list[list[Any]]] = {}
    statuses: list[int] = []

    def student(n: int) -> None:
        barrier.wait()
        for option in (n % 3, (n + 1) % 3):
            statuses.append(vote(api, room, room.students[n], poll, option).status_code)
            with engine.connect() as connection:  # the log as it stands at the answer
                logged = connection.execute(
                    VOTES_OF, {"s": room.session_id, "u": room.students[n].id}
                ).scalars()
                seen.setdefault(n, []).append(list(logged))

    threads = [threading.Thread(target=student, args=(n,)) for n in range(students)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert statuses == [200] * (2 * students)
    for n in range(students):
        first, final = [ids[n % 3]], [ids[(n + 1) % 3]]
        assert seen[n] == [[first], [first, final]]
    with engine.connect() as connection:
        log = (
            connection.execute(
                sa.text("SELECT seq FROM session_events WHERE session_id = :s ORDER BY seq"),
                {"s": room.session_id},
            )
            .scalars()
            .all()
        )
    assert log == list(range(1, len(log) + 1))
    kept, recounted = kept_and_recounted(engine, room.session_id)
    assert kept == recounted
    expected = {option: sum(ids[(n + 1) % 3] == option for n in range(students)) for option in ids}
    shown = get(api, room, room.teacher, poll)
    assert (shown["counts"], shown["total_votes"]) == (expected, students)


def test_a_vote_sent_again_with_its_idempotency_key_answers_the_same_and_counts_once(
    api: ApiClient, engine: sa.Engine, room: Classroom
) -> None:
    poll = create(api, room)
    act(api, room, poll, "open")
    key = str(uuid.uuid4())
    url = f"{room.polls}/{poll['id']}/vote"
    body = {"option_ids": [poll["options"][1]["id"]]}
    first = api.request("PUT", url, room.ada, json=body, headers={"Idempotency-Key": key})
    again = api.request("PUT", url, room.ada, json=body, headers={"Idempotency-Key": key})
    assert first.status_code == again.status_code == 200, again.text
    assert again.json() == first.json()
    assert again.headers["Idempotent-Replayed"] == "true"
    with engine.connect() as connection:
        logged = connection.execute(
            sa.text(
                "SELECT idempotency_key FROM session_events"
                " WHERE session_id = :s AND type = 'poll.vote_cast'"
            ),
            {"s": room.session_id},
        ).scalars()
        assert list(logged) == [f"{room.ada.id}:{key}"]
    assert get(api, room, room.teacher, poll)["total_votes"] == 1
