"""Reactions of a live class through the real api: counted, summed into one
`reactions.burst` per second, `reaction_buckets` as a projection of the bursts, and
reactions and poll tallies going on with Redis stopped."""

from __future__ import annotations

import collections
import dataclasses
import datetime as dt
import time
import uuid
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session

import multistream.tables  # noqa: F401 - every table, so foreign keys resolve
from multistream.eventlog import service as eventlog
from multistream.settings import Settings
from tests.apiclient import ApiClient, Person
from tests.throwaway import LiveServer, throwaway_service

START = dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.UTC)
EMOJIS = ["👍", "❤️", "😂", "😮", "👏", "❓", "🎉"]


@dataclasses.dataclass
class Classroom:
    teacher: Person
    ada: Person
    grace: Person
    session_id: str

    @property
    def reactions(self) -> str:
        return f"/api/v1/sessions/{self.session_id}/reactions"


def make_room(api: ApiClient) -> Classroom:
    teacher, ada, grace = api.signup("Teacher"), api.signup("Ada"), api.signup("Grace")
    course = api.create_course(teacher)
    for person in (ada, grace):
        assert api.join(person, api.invite(teacher, course["id"])).status_code == 200
    body = {
        "title": "Photosynthesis, week 3",
        "scheduled_start": START.isoformat(),
        "scheduled_end": (START + dt.timedelta(hours=1)).isoformat(),
    }
    session = api.request("POST", f"/api/v1/courses/{course['id']}/sessions", teacher, json=body)
    assert session.status_code == 201, session.text
    return Classroom(teacher, ada, grace, session.json()["id"])


@pytest.fixture
def room(api: ApiClient) -> Classroom:
    return make_room(api)


def react(api: ApiClient, room: Classroom, person: Person, emoji: str) -> None:
    response = api.request("POST", room.reactions, person, json={"emoji": emoji})
    assert response.status_code == 202, response.text
    assert response.json() == {"accepted": True}


def bursts(api: ApiClient, room: Classroom, person: Person) -> list[Any]:
    response = api.request(
        "GET", f"/api/v1/sessions/{room.session_id}/events?after=0&limit=500", person
    )
    assert response.status_code == 200, response.text
    return [e for e in response.json()["items"] if e["type"] == "reactions.burst"]


def wait_for_bursts(
    api: ApiClient, room: Classroom, person: Person, total: collections.Counter[str]
) -> list[Any]:
    deadline = time.monotonic() + 6
    while True:
        found = bursts(api, room, person)
        summed: collections.Counter[str] = collections.Counter()
        for burst in found:
            summed.update(burst["payload"]["counts"])
        if summed == total:
            return found
        assert time.monotonic() < deadline, (summed, total)
        time.sleep(0.2)


def bucket_totals(engine: sa.Engine, session_id: str) -> collections.Counter[str]:
    with engine.connect() as connection:
        rows = connection.execute(
            sa.text(
                "SELECT emoji, sum(count) FROM reaction_buckets WHERE session_id = :s GROUP BY 1"
            ),
            {"s": session_id},
        )
        return collections.Counter({emoji: int(n) for emoji, n in rows})


def test_reactions_are_summed_into_one_burst_per_second(
    api: ApiClient, engine: sa.Engine, room: Classroom
) -> None:
    sent: collections.Counter[str] = collections.Counter()
    touched: set[int] = set()
    while len(touched) < 3:  # taps over three seconds at least, however slow the machine
        for person, emoji in ((room.ada, "👍"), (room.grace, "❤️"), (room.teacher, "🎉")):
            touched.add(int(time.time()))
            react(api, room, person, emoji)
            touched.add(int(time.time()))
            sent[emoji] += 1
        time.sleep(0.1)
    found = wait_for_bursts(api, room, room.grace, sent)
    seconds = [dt.datetime.fromisoformat(b["payload"]["second"]) for b in found]
    assert len(set(seconds)) == len(seconds)  # one burst per second of reactions
    assert all(second.microsecond == 0 for second in seconds)
    assert {int(second.timestamp()) for second in seconds} <= touched
    assert len(found) >= 2
    assert all(b["audience"] == "all" and b["actor_id"] is None for b in found)
    assert bucket_totals(engine, room.session_id) == sent


def test_reactions_take_known_emoji_from_members_of_a_class_that_is_not_over(
    api: ApiClient, room: Classroom
) -> None:
    for emoji in ("💩", "", "👍👍"):
        response = api.request("POST", room.reactions, room.ada, json={"emoji": emoji})
        assert response.status_code == 422, emoji
        assert response.json()["errors"][0]["field"] == "emoji"
    for emoji in EMOJIS:
        react(api, room, room.ada, emoji)
    outsider = api.signup("Outsider")
    response = api.request("POST", room.reactions, outsider, json={"emoji": "👍"})
    assert response.status_code == 404
    assert (
        api.request("POST", f"/api/v1/sessions/{room.session_id}/cancel", room.teacher).status_code
        == 200
    )
    closed = api.request("POST", room.reactions, room.ada, json={"emoji": "👍"})
    assert (closed.status_code, closed.json()["type"]) == (409, "class-closed")


def test_one_person_cannot_flood_the_class(api: ApiClient, room: Classroom) -> None:
    statuses = [
        api.request("POST", room.reactions, room.grace, json={"emoji": "👏"}).status_code
        for _ in range(31)
    ]
    assert statuses[:30] == [202] * 30  # MULTISTREAM_RATE_LIMIT_REACTIONS=30/10
    assert statuses[30] == 429


def test_reaction_buckets_rebuilt_from_the_bursts_equal_the_live_ones(
    api: ApiClient, engine: sa.Engine, room: Classroom
) -> None:
    sent = collections.Counter({"👍": 3, "😮": 2})
    for emoji, n in sent.items():
        for _ in range(n):
            react(api, room, room.ada, emoji)
    wait_for_bursts(api, room, room.teacher, sent)
    query = sa.text(
        "SELECT second, emoji, count FROM reaction_buckets WHERE session_id = :s ORDER BY 1, 2"
    )
    with engine.connect() as connection:
        live = connection.execute(query, {"s": room.session_id}).all()
    with Session(engine) as db, db.begin():
        eventlog.rebuild(db, session_id=uuid.UUID(room.session_id))
    with engine.connect() as connection:
        assert connection.execute(query, {"s": room.session_id}).all() == live
    assert sum(row.count for row in live) == 5


def burst_totals(api: ApiClient, room: Classroom) -> collections.Counter[str]:
    summed: collections.Counter[str] = collections.Counter()
    for burst in bursts(api, room, room.teacher):
        summed.update(burst["payload"]["counts"])
    return summed


def wait_until(check: Any, what: str, timeout: float = 8) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.2)


def test_reactions_and_tallies_go_on_with_redis_stopped(
    api_settings: Settings, tmp_path: Path
) -> None:
    with throwaway_service("redis", api_settings, tmp_path) as private_redis:
        settings = api_settings.model_copy(update={"redis_url": private_redis.settings.redis_url})
        with LiveServer(settings) as process:
            api = ApiClient(process.url)
            room = make_room(api)
            polls = f"/api/v1/sessions/{room.session_id}/polls"
            poll = api.request(
                "POST",
                polls,
                room.teacher,
                json={"question": "Ready?", "kind": "single", "options": ["yes", "no"]},
            ).json()
            api.request("POST", f"{polls}/{poll['id']}/open", room.teacher)
            yes, no = (option["id"] for option in poll["options"])

            # Redis down: taps are counted in memory, the tally goes out all the same.
            private_redis.stop()
            react(api, room, room.grace, "👍")
            react(api, room, room.grace, "❓")
            voted = api.request(
                "PUT", f"{polls}/{poll['id']}/vote", room.ada, json={"option_ids": [yes]}
            )
            assert voted.status_code == 200, voted.text

            def tallied() -> bool:
                found = api.request(
                    "GET", f"/api/v1/sessions/{room.session_id}/events", room.teacher
                ).json()["items"]
                tallies = [e for e in found if e["type"] == "poll.tally"]
                return bool(tallies) and tallies[-1]["payload"]["counts"] == {yes: 1, no: 0}

            wait_until(tallied, "the tally")
            wait_until(lambda: burst_totals(api, room) == {"👍": 1, "❓": 1}, "the burst")

            # Counts Redis holds when it goes down wait for it, then are announced.
            private_redis.start()
            wait_until(lambda: time.time() % 1 < 0.3, "the start of a second")
            react(api, room, room.ada, "🎉")  # in Redis
            private_redis.stop()
            time.sleep(2)  # its second is over: the aggregator cannot reach its counts
            assert burst_totals(api, room) == {"👍": 1, "❓": 1}
            private_redis.start()
            wait_until(
                lambda: burst_totals(api, room) == {"👍": 1, "❓": 1, "🎉": 1}, "the held tap"
            )
            api.close()
