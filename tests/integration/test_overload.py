"""Overload is not an error: when every pooled database connection stays busy for the
pool's timeout, the api answers 503 `overloaded` with `Retry-After`, starts nothing, and
changes nothing; the request that held the connection finishes as if nothing happened."""

from __future__ import annotations

import threading
import time
from typing import Any

import httpx
import sqlalchemy as sa

from multistream.settings import Settings
from tests.apiclient import ApiClient
from tests.integration.test_polls import create, make_room, vote
from tests.throwaway import LiveServer


def _waiting_on_a_lock(engine: sa.Engine) -> int:
    with engine.connect() as connection:
        return int(
            connection.execute(
                sa.text(
                    "SELECT count(*) FROM pg_stat_activity"
                    " WHERE datname = current_database() AND wait_event_type = 'Lock'"
                    " AND application_name = 'multistream'"
                )
            ).scalar_one()
        )


def test_a_saturated_pool_answers_503_overloaded_and_changes_nothing(
    api_settings: Settings, engine: sa.Engine
) -> None:
    settings = api_settings.model_copy(
        update={"db_pool_size": 1, "db_max_overflow": 0, "db_pool_timeout_seconds": 0.5}
    )
    with LiveServer(settings) as server:
        api = ApiClient(server.url)
        room = make_room(api)
        poll = create(api, room)
        opened = api.request("POST", f"{room.polls}/{poll['id']}/open", room.teacher)
        assert opened.status_code == 200, opened.text

        held: dict[str, Any] = {}
        with engine.connect() as outside:
            # The class's log is locked from outside: Ada's vote takes the api's only
            # connection and waits for the lock with it.
            lock = outside.begin()
            outside.execute(
                sa.text("SELECT 1 FROM sessions WHERE id = :id FOR UPDATE"),
                {"id": room.session_id},
            )

            def ada_votes() -> None:
                held["response"] = vote(api, room, room.ada, poll, 0)

            voting = threading.Thread(target=ada_votes)
            voting.start()
            deadline = time.monotonic() + 30
            while _waiting_on_a_lock(engine) == 0:
                assert time.monotonic() < deadline, "Ada's vote never reached the lock"
                time.sleep(0.05)

            refused = vote(api, room, room.grace, poll, 1)
            courses = api.request("GET", "/api/v1/courses", room.grace)
            lock.rollback()
        voting.join(timeout=30)

        after = vote(api, room, room.grace, poll, 1)
        api.close()

    for response in (refused, courses):
        assert response.status_code == 503, response.text
        assert response.headers["content-type"] == "application/problem+json"
        assert response.headers["retry-after"] == "1"
        assert response.json()["type"] == "overloaded"
    ada: httpx.Response = held["response"]
    assert ada.status_code == 200, ada.text

    # Nothing of Grace's refused vote: one vote each, Ada's first, Grace's from the retry.
    assert after.status_code == 200, after.text
    with engine.connect() as connection:
        log = connection.execute(
            sa.text(
                "SELECT seq, type, payload FROM session_events WHERE session_id = :s ORDER BY seq"
            ),
            {"s": room.session_id},
        ).all()
        cast = [row.payload["user_id"] for row in log if row.type == "poll.vote_cast"]
        assert cast == [room.ada.id, room.grace.id]
        assert [row.seq for row in log] == list(range(1, len(log) + 1))
        voters = connection.execute(
            sa.text("SELECT user_id::text FROM poll_votes WHERE poll_id = :p ORDER BY created_at"),
            {"p": poll["id"]},
        ).scalars()
        assert list(voters) == [room.ada.id, room.grace.id]
