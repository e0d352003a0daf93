"""Many students on one class at once, through the real api: votes (and changed votes),
chat messages (one sent twice with its Idempotency-Key), question upvotes (each twice),
joins and state reads, all in flight together. The log has no gap, each vote and upvote
counts once, the tallies are exact, and Redis carried nothing the log does not hold."""

from __future__ import annotations

import collections
import json
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx
import redis
import sqlalchemy as sa

from multistream.eventlog import publisher
from multistream.settings import Settings
from tests.apiclient import ApiClient, Person
from tests.integration.test_polls import create, make_room

STUDENTS = 12


def _drain(pubsub: redis.client.PubSub, quiet: float) -> list[dict[str, Any]]:
    """Every message until the channel has been quiet for `quiet` seconds."""
    messages = []
    while (
        message := pubsub.get_message(ignore_subscribe_messages=True, timeout=quiet)
    ) is not None:
        messages.append(json.loads(message["data"]))
    return messages


def test_concurrent_votes_chat_and_upvotes_on_one_class(
    api: ApiClient, api_settings: Settings, engine: sa.Engine
) -> None:
    room = make_room(api, students=STUDENTS)
    poll = create(api, room, options=["Calvin cycle", "Light reactions", "Glycolysis"])
    base = f"/api/v1/sessions/{room.session_id}"
    opened = api.request("POST", f"{room.polls}/{poll['id']}/open", room.teacher)
    assert opened.status_code == 200, opened.text
    question = api.request("POST", f"{base}/questions", room.ada, json={"body": "Why green?"})
    assert question.status_code == 201, question.text
    question_id = question.json()["id"]
    options = [option["id"] for option in poll["options"]]

    def student(n: int, person: Person) -> dict[str, Any]:
        """One student's commands, in order; the students run side by side."""
        seen: dict[str, Any] = {"statuses": []}
        with httpx.Client(
            base_url=api.base_url, headers={"Origin": api.base_url, **person.headers}, timeout=60
        ) as http:

            def send(method: str, path: str, **kwargs: Any) -> httpx.Response:
                response = http.request(method, path, **kwargs)
                seen["statuses"].append((method, path.rsplit("/", 1)[-1], response.status_code))
                return response

            send("POST", f"{base}/join")
            first, final = options[n % 3], options[(n + 1) % 3]
            send("PUT", f"{room.polls}/{poll['id']}/vote", json={"option_ids": [first]})
            key = {"Idempotency-Key": str(uuid.uuid4())}
            message = {"body": f"Hello from student {n}"}
            sent = send("POST", f"{base}/chat", json=message, headers=key)
            again = send("POST", f"{base}/chat", json=message, headers=key)
            seen["chat"] = (sent.json()["id"], again.json()["id"])
            send("POST", f"{base}/questions/{question_id}/vote")
            send("GET", f"{base}/state")
            send("PUT", f"{room.polls}/{poll['id']}/vote", json={"option_ids": [final]})
            send("POST", f"{base}/questions/{question_id}/vote")  # again: changes nothing
            send("POST", f"{base}/chat", json={"body": f"Bye from student {n}"})
            seen["final"] = final
        return seen

    channel = redis.Redis.from_url(api_settings.redis_url)
    with channel.pubsub() as pubsub:
        pubsub.subscribe(publisher.channel(room.session_id))
        assert pubsub.get_message(timeout=5) is not None  # the subscription is confirmed
        with ThreadPoolExecutor(max_workers=STUDENTS) as pool:
            results = list(pool.map(student, range(STUDENTS), room.students))
        time.sleep(1.2)  # the aggregator's last tallies (at most every 500 ms)
        published = _drain(pubsub, quiet=1.5)
    channel.close()

    for seen in results:
        assert all(status in (200, 201) for *_, status in seen["statuses"]), seen["statuses"]
        first, replayed = seen["chat"]
        assert first == replayed  # the key's second request got the first one's message

    with engine.connect() as connection:
        log = connection.execute(
            sa.text(
                "SELECT seq, type, payload FROM session_events WHERE session_id = :s ORDER BY seq"
            ),
            {"s": room.session_id},
        ).all()
        votes = dict(
            connection.execute(
                sa.text("SELECT user_id::text, option_ids[1] FROM poll_votes WHERE poll_id = :p"),
                {"p": poll["id"]},
            ).all()
        )
        messages = connection.execute(
            sa.text("SELECT count(*) FROM chat_messages WHERE session_id = :s"),
            {"s": room.session_id},
        ).scalar_one()

    # The log: 1..N without a gap or a duplicate.
    assert [row.seq for row in log] == list(range(1, len(log) + 1))
    types = collections.Counter(row.type for row in log)
    assert types["poll.vote_cast"] == 2 * STUDENTS  # every vote a change
    assert types["qa.vote_cast"] == STUDENTS  # the second upvote changed nothing
    assert types["chat.message_posted"] == 2 * STUDENTS  # the keyed message once
    assert types["participant.joined"] == STUDENTS
    assert messages == 2 * STUDENTS

    # Each vote counted once, the final one; the tally is exact.
    expected = {
        person.id: seen["final"] for person, seen in zip(room.students, results, strict=True)
    }
    assert votes == expected
    tally = api.request("GET", f"{room.polls}/{poll['id']}", room.teacher).json()
    assert tally["total_votes"] == STUDENTS
    assert tally["counts"] == {o: list(expected.values()).count(o) for o in options}
    last_tally = [row.payload for row in log if row.type == "poll.tally"][-1]
    assert last_tally["counts"] == tally["counts"]
    questions = api.request("GET", f"{base}/questions", room.teacher).json()["items"]
    assert [q["upvotes"] for q in questions if q["id"] == question_id] == [STUDENTS]

    # Nothing published that the log does not hold, each once. (Not necessarily in the
    # log's order: concurrent commands publish after their own commits, so two may race;
    # the gateway holds an early event back until the ones before it arrive or are read
    # from the log, docs/live-gateway.md.)
    stored = {row.seq: (row.type, row.payload) for row in log}
    seqs = [event["seq"] for event in published]
    assert len(seqs) == len(set(seqs))
    for event in published:
        assert stored.get(event["seq"]) == (event["type"], event["payload"]), event
    # And everything logged during the storm was published.
    assert set(seqs) == {seq for seq in stored if seq >= min(seqs)}


def test_more_commands_on_one_class_than_worker_threads_all_answer(
    api: ApiClient, engine: sa.Engine
) -> None:
    """Sixty chat messages on one class at once, more than the api's forty worker threads
    (and database connections): each command commits in its own thread, so the request that
    holds the class's lock never waits for a thread that a request waiting for that lock
    holds. (Before, each command's commit came after FastAPI's validation of its answer in
    another worker thread, and the api stopped answering: this test timed out.)"""
    room = make_room(api, students=6)
    path = f"/api/v1/sessions/{room.session_id}/chat"
    start = threading.Barrier(60)

    def send(n: int) -> int:
        person = room.students[n % 6]  # ten messages each: the per-person limit
        with httpx.Client(
            base_url=api.base_url, headers={"Origin": api.base_url, **person.headers}, timeout=30
        ) as http:
            start.wait()
            return http.post(path, json={"body": f"Message {n}"}).status_code

    with ThreadPoolExecutor(max_workers=60) as pool:
        statuses = list(pool.map(send, range(60)))
    assert statuses == [201] * 60
    with engine.connect() as connection:
        bodies = connection.execute(
            sa.text("SELECT body FROM chat_messages WHERE session_id = :s"),
            {"s": room.session_id},
        ).scalars()
        assert sorted(bodies) == sorted(f"Message {n}" for n in range(60))
