"""Chat of a live class through the real api: post, reply, delete, pin, mute, slow mode,
history, the state snapshot, and the chat tables as a projection of the log."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
import uuid
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session

import multistream.tables  # noqa: F401 - every table, so foreign keys resolve
from multistream.chat.projection import HANDLERS
from multistream.eventlog import service as eventlog
from tests.apiclient import ApiClient, Person

START = dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.UTC)


@dataclasses.dataclass
class Classroom:
    teacher: Person
    ta: Person
    student: Person
    other_student: Person
    course_id: str
    session_id: str

    @property
    def chat(self) -> str:
        return f"/api/v1/sessions/{self.session_id}/chat"

    @property
    def mutes(self) -> str:
        return f"/api/v1/sessions/{self.session_id}/mutes"


def schedule(api: ApiClient, host: Person, course_id: str) -> str:
    body = {
        "title": "Photosynthesis, week 3",
        "scheduled_start": START.isoformat(),
        "scheduled_end": (START + dt.timedelta(hours=1)).isoformat(),
    }
    response = api.request("POST", f"/api/v1/courses/{course_id}/sessions", host, json=body)
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


@pytest.fixture
def room(api: ApiClient) -> Classroom:
    teacher, ta = api.signup("Teacher"), api.signup("Assistant")
    student, other = api.signup("Ada"), api.signup("Grace")
    course = api.create_course(teacher)
    for person, role in ((ta, "ta"), (student, "student"), (other, "student")):
        assert api.join(person, api.invite(teacher, course["id"], role)).status_code == 200
    session_id = schedule(api, teacher, course["id"])
    return Classroom(teacher, ta, student, other, course["id"], session_id)


def post(api: ApiClient, room: Classroom, person: Person, body: str, **extra: Any) -> Any:
    response = api.request("POST", room.chat, person, json={"body": body, **extra})
    assert response.status_code == 201, response.text
    return response.json()


def events(api: ApiClient, room: Classroom, person: Person, after: int = 0) -> list[Any]:
    response = api.request(
        "GET", f"/api/v1/sessions/{room.session_id}/events?after={after}", person
    )
    assert response.status_code == 200, response.text
    return list(response.json()["items"])


def chat_events(api: ApiClient, room: Classroom) -> list[Any]:
    return [e for e in events(api, room, room.teacher) if e["type"].startswith("chat.")]


def state_chat(api: ApiClient, room: Classroom, person: Person) -> Any:
    response = api.request("GET", f"/api/v1/sessions/{room.session_id}/state", person)
    assert response.status_code == 200, response.text
    return response.json()["chat"]


def field_errors(response: Any) -> set[str]:
    return {error["field"] for error in response.json()["errors"]}


# --- posting ---------------------------------------------------------------------------------


def test_a_message_is_logged_and_everyone_reads_it(api: ApiClient, room: Classroom) -> None:
    message = post(api, room, room.student, "  <b>Why</b> is the leaf green?\n")
    assert message["body"] == "<b>Why</b> is the leaf green?"  # trimmed, never interpreted
    assert message["author_id"] == room.student.id
    assert message["author_name"] == "Ada"
    assert (message["deleted"], message["pinned"], message["reply_to_id"]) == (False, False, None)

    posted = chat_events(api, room)
    assert [e["type"] for e in posted] == ["chat.message_posted"]
    assert posted[0]["seq"] == message["seq"]
    assert posted[0]["actor_id"] == room.student.id
    assert posted[0]["audience"] == "all"
    assert posted[0]["payload"] == {"message": message}

    for reader in (room.teacher, room.other_student):
        history = api.request("GET", room.chat, reader).json()
        assert history == {"items": [message], "next_before": None}


@pytest.mark.parametrize("body", ["", "   \n\t ", "x" * 2001, "nul \x00 byte"])
def test_a_body_out_of_bounds_is_422_on_the_body_field(
    api: ApiClient, room: Classroom, body: str
) -> None:
    response = api.request("POST", room.chat, room.student, json={"body": body})
    assert response.status_code == 422, response.text
    assert response.json()["type"] == "validation"
    assert field_errors(response) == {"body"}
    assert chat_events(api, room) == []


def test_bodies_of_1_and_2000_characters_are_accepted(api: ApiClient, room: Classroom) -> None:
    assert post(api, room, room.student, "?")["body"] == "?"
    assert post(api, room, room.student, " " + "é" * 2000 + " ")["body"] == "é" * 2000


def test_a_reply_names_a_message_of_the_same_class(api: ApiClient, room: Classroom) -> None:
    question = post(api, room, room.student, "Is chlorophyll a protein?")
    reply = post(api, room, room.teacher, "No, a pigment.", reply_to_id=question["id"])
    assert reply["reply_to_id"] == question["id"]

    elsewhere = schedule(api, room.teacher, room.course_id)
    foreign = api.request(
        "POST", f"/api/v1/sessions/{elsewhere}/chat", room.teacher, json={"body": "Hi"}
    ).json()
    for target in (foreign["id"], str(uuid.uuid4())):
        response = api.request(
            "POST", room.chat, room.student, json={"body": "Thanks", "reply_to_id": target}
        )
        assert response.status_code == 422, response.text
        assert field_errors(response) == {"reply_to_id"}


def test_the_same_idempotency_key_posts_once(api: ApiClient, room: Classroom) -> None:
    headers = {"Idempotency-Key": "chat-1"}
    first = api.request("POST", room.chat, room.student, json={"body": "Once"}, headers=headers)
    again = api.request("POST", room.chat, room.student, json={"body": "Once"}, headers=headers)
    assert first.status_code == again.status_code == 201
    assert again.headers["Idempotent-Replayed"] == "true"
    assert again.json() == first.json()
    assert len(chat_events(api, room)) == 1


def test_an_ended_or_canceled_class_takes_no_messages(api: ApiClient, room: Classroom) -> None:
    base = f"/api/v1/sessions/{room.session_id}"
    assert api.request("POST", f"{base}/start", room.teacher).status_code == 200
    post(api, room, room.student, "Live!")
    assert api.request("POST", f"{base}/end", room.teacher).status_code == 200
    ended = api.request("POST", room.chat, room.student, json={"body": "Still there?"})
    assert ended.status_code == 409
    assert ended.json()["type"] == "chat-closed"

    canceled = schedule(api, room.teacher, room.course_id)
    api.request("POST", f"/api/v1/sessions/{canceled}/cancel", room.teacher)
    response = api.request(
        "POST", f"/api/v1/sessions/{canceled}/chat", room.teacher, json={"body": "Hello?"}
    )
    assert response.status_code == 409
    assert response.json()["type"] == "chat-closed"


def test_past_the_rate_limit_is_429_rate_limited(api: ApiClient, room: Classroom) -> None:
    # The default limit: 10 messages per person in 10 s.
    statuses = [
        api.request("POST", room.chat, room.student, json={"body": f"#{n}"}).status_code
        for n in range(11)
    ]
    assert statuses == [201] * 10 + [429]
    refused = api.request("POST", room.chat, room.student, json={"body": "again"})
    assert refused.json()["type"] == "rate-limited"
    assert 1 <= int(refused.headers["Retry-After"]) <= 10
    assert post(api, room, room.other_student, "Someone else may still talk")


# --- deleting and pinning --------------------------------------------------------------------


def test_a_student_deletes_only_their_own_messages(api: ApiClient, room: Classroom) -> None:
    teachers = post(api, room, room.teacher, "Welcome")
    mine = post(api, room, room.student, "Oops, wrong class")

    refused = api.request("DELETE", f"{room.chat}/{teachers['id']}", room.student)
    assert refused.status_code == 403
    assert refused.json()["type"] == "forbidden"
    others = api.request("DELETE", f"{room.chat}/{mine['id']}", room.other_student)
    assert others.status_code == 403

    assert api.request("DELETE", f"{room.chat}/{mine['id']}", room.student).status_code == 204
    deleted = chat_events(api, room)[-1]
    assert deleted["type"] == "chat.message_deleted"
    assert deleted["payload"] == {"message_id": mine["id"], "by": room.student.id}

    items = api.request("GET", room.chat, room.other_student).json()["items"]
    assert items[0] == {**mine, "body": "", "deleted": True}
    assert items[1] == teachers


def test_staff_delete_anyones_message_once(api: ApiClient, room: Classroom) -> None:
    message = post(api, room, room.student, "spam spam spam")
    url = f"{room.chat}/{message['id']}"
    assert api.request("DELETE", url, room.ta).status_code == 204
    assert api.request("DELETE", url, room.teacher).status_code == 204  # already gone: no event
    types = [e["type"] for e in chat_events(api, room)]
    assert types == ["chat.message_posted", "chat.message_deleted"]
    assert chat_events(api, room)[-1]["payload"]["by"] == room.ta.id
    missing = api.request("DELETE", f"{room.chat}/{uuid.uuid4()}", room.teacher)
    assert missing.status_code == 404


def test_staff_pin_and_unpin(api: ApiClient, room: Classroom) -> None:
    message = post(api, room, room.teacher, "Homework: page 42")
    pin_url = f"{room.chat}/{message['id']}/pin"

    pinned = api.request("POST", pin_url, room.ta, json={"pinned": True})
    assert pinned.status_code == 200, pinned.text
    assert pinned.json() == {**message, "pinned": True}
    assert api.request("POST", pin_url, room.ta, json={"pinned": True}).status_code == 200
    assert state_chat(api, room, room.student)["pinned"] == [{**message, "pinned": True}]

    unpinned = api.request("POST", pin_url, room.teacher, json={"pinned": False})
    assert unpinned.json()["pinned"] is False
    assert state_chat(api, room, room.student)["pinned"] == []
    pins = [e["payload"] for e in chat_events(api, room) if e["type"] == "chat.message_pinned"]
    assert pins == [
        {"message_id": message["id"], "pinned": True},
        {"message_id": message["id"], "pinned": False},
    ]

    api.request("DELETE", f"{room.chat}/{message['id']}", room.teacher)
    refused = api.request("POST", pin_url, room.teacher, json={"pinned": True})
    assert refused.status_code == 409
    assert refused.json()["type"] == "message-deleted"


def test_a_student_cannot_moderate(api: ApiClient, room: Classroom) -> None:
    message = post(api, room, room.other_student, "hello")
    attempts = [
        ("POST", f"{room.chat}/{message['id']}/pin", {"pinned": True}),
        ("POST", room.mutes, {"user_id": room.other_student.id, "minutes": 5}),
        ("DELETE", f"{room.mutes}/{room.other_student.id}", None),
        ("POST", f"{room.chat}/slow-mode", {"seconds": 30}),
    ]
    for method, url, body in attempts:
        response = api.request(method, url, room.student, json=body)
        assert response.status_code == 403, (method, url, response.text)
        assert response.json()["permission"] == "chat.moderate"
    assert [e["type"] for e in chat_events(api, room)] == ["chat.message_posted"]


# --- muting ------------------------------------------------------------------------------------


def test_a_muted_student_cannot_post_until_unmuted(api: ApiClient, room: Classroom) -> None:
    muted = api.request(
        "POST", room.mutes, room.ta, json={"user_id": room.student.id, "minutes": 10}
    )
    assert muted.status_code == 200, muted.text
    until = dt.datetime.fromisoformat(muted.json()["until"])
    assert muted.json()["user_id"] == room.student.id
    assert dt.timedelta(minutes=9) < until - dt.datetime.now(dt.UTC) <= dt.timedelta(minutes=10)

    refused = api.request("POST", room.chat, room.student, json={"body": "let me talk"})
    assert refused.status_code == 403
    assert refused.json()["type"] == "muted"
    assert f"until {until:%H:%M} UTC" in refused.json()["detail"]
    assert state_chat(api, room, room.student)["muted"] is True
    assert dt.datetime.fromisoformat(state_chat(api, room, room.student)["muted_until"]) == until
    assert state_chat(api, room, room.other_student)["muted"] is False
    assert post(api, room, room.other_student, "I can still talk")

    assert api.request("DELETE", f"{room.mutes}/{room.student.id}", room.ta).status_code == 204
    assert state_chat(api, room, room.student) | {"latest": []} == {
        "latest": [],
        "pinned": [],
        "slow_mode_seconds": 0,
        "muted": False,
        "muted_until": None,
    }
    assert post(api, room, room.student, "thank you")
    mutes = [e for e in chat_events(api, room) if e["type"].startswith("chat.user_")]
    assert [(e["type"], e["payload"]) for e in mutes] == [
        ("chat.user_muted", {"user_id": room.student.id, "until": muted.json()["until"]}),
        ("chat.user_unmuted", {"user_id": room.student.id}),
    ]
    # Lifting a mute nobody has changes nothing.
    assert api.request("DELETE", f"{room.mutes}/{room.student.id}", room.ta).status_code == 204
    assert len(chat_events(api, room)) == len(mutes) + 2


def test_a_mute_for_the_rest_of_the_class(api: ApiClient, room: Classroom) -> None:
    muted = api.request(
        "POST", room.mutes, room.teacher, json={"user_id": room.student.id, "minutes": None}
    )
    assert muted.json() == {"user_id": room.student.id, "until": None}
    refused = api.request("POST", room.chat, room.student, json={"body": "hello?"})
    assert refused.status_code == 403
    assert "for the rest of this class" in refused.json()["detail"]
    assert state_chat(api, room, room.student)["muted"] is True
    assert state_chat(api, room, room.student)["muted_until"] is None


def test_an_expired_mute_lets_the_student_post(
    api: ApiClient, engine: sa.Engine, room: Classroom
) -> None:
    api.request("POST", room.mutes, room.ta, json={"user_id": room.student.id, "minutes": 1})
    with engine.begin() as connection:  # a minute later
        connection.execute(
            sa.text("UPDATE chat_mutes SET until = now() - interval '1 second' WHERE user_id = :u"),
            {"u": room.student.id},
        )
    assert post(api, room, room.student, "back again")
    assert state_chat(api, room, room.student)["muted"] is False


def test_staff_and_strangers_cannot_be_muted(api: ApiClient, room: Classroom) -> None:
    for person in (room.ta, room.teacher):
        response = api.request(
            "POST", room.mutes, room.teacher, json={"user_id": person.id, "minutes": 5}
        )
        assert response.status_code == 409, response.text
        assert response.json()["type"] == "cannot-mute-staff"
    stranger = api.signup("Stranger")
    for user_id in (stranger.id, str(uuid.uuid4())):
        response = api.request(
            "POST", room.mutes, room.teacher, json={"user_id": user_id, "minutes": 5}
        )
        assert response.status_code == 422, response.text
        assert field_errors(response) == {"user_id"}
    for minutes in (0, 1441):
        response = api.request(
            "POST", room.mutes, room.teacher, json={"user_id": room.student.id, "minutes": minutes}
        )
        assert response.status_code == 422
        assert field_errors(response) == {"minutes"}
    assert chat_events(api, room) == []


# --- slow mode ---------------------------------------------------------------------------------


def test_slow_mode_holds_back_participants_only(api: ApiClient, room: Classroom) -> None:
    url = f"{room.chat}/slow-mode"
    response = api.request("POST", url, room.ta, json={"seconds": 30})
    assert response.status_code == 200, response.text
    assert response.json() == {"seconds": 30}
    assert state_chat(api, room, room.student)["slow_mode_seconds"] == 30

    post(api, room, room.student, "first")
    refused = api.request("POST", room.chat, room.student, json={"body": "second"})
    assert refused.status_code == 429
    assert refused.json()["type"] == "slow-mode"
    assert 28 <= int(refused.headers["Retry-After"]) <= 30
    assert post(api, room, room.other_student, "another student may post")
    for n in range(3):
        post(api, room, room.teacher, f"staff are not slowed down #{n}")

    assert api.request("POST", url, room.teacher, json={"seconds": 0}).json() == {"seconds": 0}
    assert post(api, room, room.student, "second, now")
    slow = [e["payload"] for e in chat_events(api, room) if e["type"] == "chat.slow_mode_set"]
    assert slow == [{"seconds": 30}, {"seconds": 0}]
    for seconds in (-1, 3601):
        assert api.request("POST", url, room.teacher, json={"seconds": seconds}).status_code == 422


# --- reading ---------------------------------------------------------------------------------


def test_history_pages_newest_first(api: ApiClient, room: Classroom) -> None:
    posted = [post(api, room, (room.student, room.teacher)[n % 2], f"#{n}") for n in range(7)]
    pages, before = [], None
    while True:
        query = f"?limit=3&before={before}" if before else "?limit=3"
        page = api.request("GET", room.chat + query, room.other_student).json()
        pages.append(page["items"])
        before = page["next_before"]
        if before is None:
            break
        assert before == page["items"][-1]["seq"]
    assert [len(page) for page in pages] == [3, 3, 1]
    assert [m for page in pages for m in page] == posted[::-1]
    too_many = api.request("GET", room.chat + "?limit=101", room.student)
    assert too_many.status_code == 422


def test_the_state_has_the_latest_messages_oldest_first(api: ApiClient, room: Classroom) -> None:
    people = (room.teacher, room.ta)  # staff: many messages, no slow mode, two rate limits
    posted = [post(api, room, people[n % 2], f"#{n}") for n in range(16)]
    chat = state_chat(api, room, room.student)
    assert chat["latest"] == posted
    assert chat["slow_mode_seconds"] == 0


# --- the projection --------------------------------------------------------------------------


def chat_tables(engine: sa.Engine, session_id: str) -> dict[str, Any]:
    with engine.connect() as connection:
        return {
            "chat_messages": connection.execute(
                sa.text("SELECT * FROM chat_messages WHERE session_id = :s ORDER BY seq"),
                {"s": session_id},
            ).all(),
            "chat_mutes": connection.execute(
                sa.text("SELECT * FROM chat_mutes WHERE session_id = :s ORDER BY user_id"),
                {"s": session_id},
            ).all(),
            "slow_mode": connection.execute(
                sa.text("SELECT chat_slow_mode_seconds FROM sessions WHERE id = :s"),
                {"s": session_id},
            ).scalar_one(),
        }


def test_each_chat_event_applied_live_equals_a_rebuild_from_the_log(
    api: ApiClient, engine: sa.Engine, room: Classroom
) -> None:
    """After every chat command, the tables the live path left equal a rebuild from the log
    (Zulip's verify_action: each event applied to the stale projection)."""
    created: dict[str, Any] = {}

    def posted(name: str, person: Person, body: str, **extra: Any) -> None:
        created[name] = post(api, room, person, body, **extra)

    steps = [
        lambda: posted("question", room.student, "Why green?"),
        lambda: posted("answer", room.teacher, "Green", reply_to_id=created["question"]["id"]),
        lambda: api.request(
            "POST", f"{room.chat}/{created['answer']['id']}/pin", room.ta, json={"pinned": True}
        ),
        lambda: api.request(
            "POST", room.mutes, room.ta, json={"user_id": room.other_student.id, "minutes": 5}
        ),
        lambda: api.request(
            "POST", room.mutes, room.ta, json={"user_id": room.student.id, "minutes": None}
        ),
        lambda: api.request("DELETE", f"{room.mutes}/{room.other_student.id}", room.teacher),
        lambda: api.request("POST", f"{room.chat}/slow-mode", room.ta, json={"seconds": 15}),
        lambda: posted("late", room.other_student, "Sorry I'm late"),
        lambda: api.request("DELETE", f"{room.chat}/{created['answer']['id']}", room.teacher),
        lambda: api.request("DELETE", f"{room.chat}/{created['late']['id']}", room.other_student),
        lambda: api.request(
            "POST", f"{room.chat}/{created['question']['id']}/pin", room.ta, json={"pinned": True}
        ),
        lambda: api.request(
            "POST", f"{room.chat}/{created['question']['id']}/pin", room.ta, json={"pinned": False}
        ),
    ]
    seen: set[str] = set()
    for number, step in enumerate(steps):
        response = step()
        if response is not None:
            assert response.status_code < 300, response.text
        seen.add(chat_events(api, room)[-1]["type"])
        live = chat_tables(engine, room.session_id)
        with Session(engine) as db, db.begin():
            eventlog.rebuild(db, session_id=uuid.UUID(room.session_id))
        assert chat_tables(engine, room.session_id) == live, f"after step {number}"
    assert seen == set(HANDLERS)
    final = chat_tables(engine, room.session_id)
    assert [m.deleted_at is not None for m in final["chat_messages"]] == [False, True, True]
    assert [m.pinned_at is not None for m in final["chat_messages"]] == [False, False, False]
    assert [(m.user_id, m.until) for m in final["chat_mutes"]] == [
        (uuid.UUID(room.student.id), None)
    ]
    assert final["slow_mode"] == 15


def test_the_mute_detail_names_a_time(api: ApiClient, room: Classroom) -> None:
    api.request("POST", room.mutes, room.teacher, json={"user_id": room.student.id, "minutes": 3})
    detail = api.request("POST", room.chat, room.student, json={"body": "hi"}).json()["detail"]
    when = r"until \d\d:\d\d UTC( on \d{4}-\d\d-\d\d)?"  # the date when it is not today
    assert re.fullmatch(rf"You are muted in this class {when}\. .+", detail)
