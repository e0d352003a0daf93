"""The stores the platform keeps its state in, stopped under a live api: PostgreSQL (the
log), Redis (fan-out, rate limits, the task queue) and the object store (files)."""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import redis
import sqlalchemy as sa

from multistream.db import migrate
from multistream.eventlog import publisher
from multistream.settings import Settings, StorageBackend
from tests.apiclient import ApiClient
from tests.fixtures.decks import five_page_deck
from tests.integration.failure_modes.scrape import readyz, scrape
from tests.integration.test_realtime import (
    hub_of,
    live,
    new_classroom,
    receive,
    schedule,
    wait_for,
)
from tests.throwaway import LiveServer, connection_overrides, throwaway_service

START_ROUTE = "/api/v1/sessions/{session_id}/start"
ASSETS_ROUTE = "/api/v1/courses/{course_id}/assets"


def _published(pubsub: redis.client.PubSub, seconds: float) -> list[dict[str, Any]]:
    """What the channel carried within `seconds`."""
    messages = []
    deadline = time.monotonic() + seconds
    while (remaining := deadline - time.monotonic()) > 0:
        message = pubsub.get_message(ignore_subscribe_messages=True, timeout=remaining)
        if message is not None:
            messages.append(message)
    return messages


def test_runbook_postgresql_down_or_full__commands_fail_fast_with_503_and_publish_nothing(
    api_settings: Settings, tmp_path: Path
) -> None:
    """docs/runbook.md#postgresql-down-or-full: commands answer 503 `database-unavailable`
    within the pool's 5 s, nothing reaches Redis that the log does not hold, and after the
    restart the log goes on without a gap. The operator sees the 5xx of the route
    (`MultistreamHighErrorRatio`) and `/readyz` failing postgres
    (`multistream_readiness_checks_total`, `MultistreamPostgresUnreachable`)."""
    with throwaway_service("postgres", api_settings, tmp_path) as postgres:
        settings = api_settings.model_copy(
            update={
                **connection_overrides("postgres", postgres.settings),
                "readiness_timeout_seconds": 1.5,
            }
        )
        migrate.upgrade(settings.database_url_sync)
        channel = redis.Redis.from_url(settings.redis_url)
        with LiveServer(settings) as server, channel.pubsub() as pubsub:
            api = ApiClient(server.url)
            teacher = api.signup("Teacher")
            session_id = schedule(api, teacher, api.create_course(teacher)["id"])
            start = f"/api/v1/sessions/{session_id}/start"
            pubsub.subscribe(publisher.channel(session_id))
            assert _published(pubsub, 0.2) == []
            before = scrape(server.url)

            postgres.stop()
            asked = time.monotonic()
            refused = api.request("POST", start, teacher)
            took = time.monotonic() - asked
            not_ready = readyz(server.url)
            during = scrape(server.url)
            unstored = _published(pubsub, 1.0)

            postgres.start()
            wait_for(lambda: readyz(server.url).status_code == 200, "PostgreSQL back", 30)
            started = api.request("POST", start, teacher)
            published = _published(pubsub, 1.0)
            log = api.request("GET", f"/api/v1/sessions/{session_id}/events?after=0", teacher)
            api.close()
        channel.close()

    assert refused.status_code == 503, refused.text
    assert refused.headers["content-type"] == "application/problem+json"
    assert refused.headers["retry-after"] == "2"
    assert refused.json()["type"] == "database-unavailable"
    assert took < 8, took  # the pool gives up within 5 s; a refused connection at once
    assert unstored == []
    assert not_ready.status_code == 503
    assert not_ready.json()["failing"] == ["postgres"]
    errors = {"method": "POST", "route": START_ROUTE, "status": "5xx"}
    count = "multistream_http_request_duration_seconds_count"
    assert during(count, **errors) == before(count, **errors) + 1
    checks = "multistream_readiness_checks_total"
    down = {"dependency": "postgres", "status": "down"}
    assert during(checks, **down) == before(checks, **down) + 1

    assert started.status_code == 200, started.text
    entries = [(entry["seq"], entry["type"]) for entry in log.json()["items"]]
    assert [seq for seq, _ in entries] == list(range(1, len(entries) + 1))  # no gap
    assert entries[:2] == [(1, "session.scheduled"), (2, "session.started")]
    # What was published is exactly what the log holds after the restart.
    assert [json.loads(m["data"])["seq"] for m in published] == [seq for seq, _ in entries[1:]]


class Records(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


def test_runbook_redis_down__commands_succeed_sockets_poll_the_log_and_converge_when_it_is_back(
    api_settings: Settings, tmp_path: Path
) -> None:
    """docs/runbook.md#redis-down: chat and questions still post (the log is in PostgreSQL;
    rate limits let them through with a warning), the gateway polls the log for its classes
    so both sockets get them, and once Redis is back it subscribes again and events travel
    live. The operator sees `multistream_ws_redis_subscribed` at 0,
    `multistream_events_published_total{outcome="failed"}`, polls of the log and
    `multistream_rate_limit_fail_open_total` growing, and /readyz failing redis."""
    with throwaway_service("redis", api_settings, tmp_path) as private_redis:
        settings = api_settings.model_copy(
            update={
                "redis_url": private_redis.settings.redis_url,
                "realtime_poll_interval_seconds": 0.3,
                # With Redis up, only Redis can bring an event in time.
                "realtime_reconcile_interval_seconds": 60.0,
                "realtime_ping_interval_seconds": 0.5,
                "readiness_timeout_seconds": 1.5,
            }
        )
        limiter_log = Records()
        logging.getLogger("multistream.ratelimit").addHandler(limiter_log)
        with LiveServer(settings) as process:
            api = ApiClient(process.url)
            teacher, student, session_id = new_classroom(api)
            hub = hub_of(process)
            with (
                live(process, session_id, teacher) as teacher_socket,
                live(process, session_id, student) as student_socket,
            ):
                seen = {"teacher": receive(teacher_socket, until=1)}
                seen["student"] = receive(student_socket, until=1)
                before = scrape(process.url)

                private_redis.stop()
                wait_for(lambda: not hub.subscribed, "the hub to notice Redis is down")
                chat = api.request(
                    "POST", f"/api/v1/sessions/{session_id}/chat", student, json={"body": "Hi?"}
                )
                asked = api.request(
                    "POST",
                    f"/api/v1/sessions/{session_id}/questions",
                    student,
                    json={"body": "Is Redis needed?"},
                )
                assert (chat.status_code, asked.status_code) == (201, 201), asked.text
                for name, websocket in (("teacher", teacher_socket), ("student", student_socket)):
                    seen[name] += receive(websocket, until=asked.json()["seq"], timeout=5)
                not_ready = readyz(process.url)
                down = scrape(process.url)

                private_redis.start()
                wait_for(lambda: hub.subscribed, "the hub to subscribe again")
                again = api.request(
                    "POST", f"/api/v1/sessions/{session_id}/chat", student, json={"body": "Back"}
                )
                assert again.status_code == 201, again.text
                for name, websocket in (("teacher", teacher_socket), ("student", student_socket)):
                    seen[name] += receive(websocket, until=again.json()["seq"], timeout=3)
                back = scrape(process.url)
            log = api.request("GET", f"/api/v1/sessions/{session_id}/events?after=0", teacher)
            api.close()
        logging.getLogger("multistream.ratelimit").removeHandler(limiter_log)

    # Both clients converge on the log: every event once, in order.
    expected = [(entry["seq"], entry["type"]) for entry in log.json()["items"]]
    assert expected[1:] == [
        (chat.json()["seq"], "chat.message_posted"),
        (asked.json()["seq"], "qa.question_asked"),
        (again.json()["seq"], "chat.message_posted"),
    ]
    for entries in seen.values():
        assert [(entry["seq"], entry["type"]) for entry in entries] == expected
    assert any("rate limit skipped" in str(record.msg) for record in limiter_log.records)
    assert not_ready.status_code == 503
    assert not_ready.json()["failing"] == ["redis"]

    subscribed = "multistream_ws_redis_subscribed"
    assert (before(subscribed), down(subscribed), back(subscribed)) == (1, 0, 1)
    published = "multistream_events_published_total"
    for kind in ("chat.message_posted", "qa.question_asked"):
        failed = {"type": kind, "outcome": "failed"}
        assert down(published, **failed) == before(published, **failed) + 1
    ok = {"type": "chat.message_posted", "outcome": "published"}
    assert back(published, **ok) == down(published, **ok) + 1
    fail_open = "multistream_rate_limit_fail_open_total"
    for kind in ("chat", "questions"):
        assert down(fail_open, kind=kind) == before(fail_open, kind=kind) + 1
    polls = "multistream_ws_log_reads_total"
    assert down(polls, reason="poll") > before(polls, reason="poll")
    checks, redis_down = "multistream_readiness_checks_total", {"dependency": "redis"}
    assert (
        down(checks, **redis_down, status="down") == before(checks, **redis_down, status="down") + 1
    )


def test_runbook_object_store_unreachable__an_upload_cut_off_from_the_store_is_a_503_and_no_asset(
    api_settings: Settings, engine: sa.Engine, tmp_path: Path
) -> None:
    """docs/runbook.md#object-store-unreachable: the store stops while a deck is being
    uploaded; the upload answers 503 `storage-unavailable` with `Retry-After: 30`, and no
    asset row is left (so none `ready`). Once the store is back the same upload works. The
    operator sees the 503s among the route's 5xx and /readyz failing object_store."""
    with throwaway_service("minio", api_settings, tmp_path) as minio:
        settings = api_settings.model_copy(
            update={
                **connection_overrides("minio", minio.settings),
                "storage_backend": StorageBackend.s3,
                "readiness_timeout_seconds": 1.5,
            }
        )
        deck = five_page_deck()
        boundary = "failure-mode-boundary"

        def upload_that_loses_the_store() -> Iterator[bytes]:
            yield (
                f'--{boundary}\r\nContent-Disposition: form-data; name="file"; '
                f'filename="deck.pdf"\r\nContent-Type: application/pdf\r\n\r\n'
            ).encode()
            yield deck[: len(deck) // 2]
            minio.stop()  # half the file is in the api's hands
            yield deck[len(deck) // 2 :]
            yield f"\r\n--{boundary}--\r\n".encode()

        with LiveServer(settings) as server:
            api = ApiClient(server.url)
            teacher = api.signup("Teacher")
            course_id = api.create_course(teacher)["id"]
            assets = f"/api/v1/courses/{course_id}/assets"
            assert readyz(server.url).status_code == 200
            before = scrape(server.url)
            refused = api.request(
                "POST",
                assets,
                teacher,
                content=upload_that_loses_the_store(),
                headers={"Content-Type": f"multipart/form-data; boundary={boundary}"},
            )
            not_ready = readyz(server.url)
            during = scrape(server.url)
            with engine.connect() as connection:
                rows = connection.execute(
                    sa.text("SELECT status FROM assets WHERE course_id = :c"), {"c": course_id}
                ).all()

            minio.start()
            wait_for(lambda: readyz(server.url).status_code == 200, "the store back", 30)
            stored = api.request(
                "POST", assets, teacher, files={"file": ("deck.pdf", deck, "application/pdf")}
            )
            api.close()

    assert refused.status_code == 503, refused.text
    assert refused.headers["content-type"] == "application/problem+json"
    assert refused.headers["retry-after"] == "30"
    assert refused.json()["type"] == "storage-unavailable"
    assert "Nothing was saved" in refused.json()["detail"]
    assert rows == []
    assert not_ready.status_code == 503
    assert not_ready.json()["failing"] == ["object_store"]
    count, errors = "multistream_http_request_duration_seconds_count", {"status": "5xx"}
    assert during(count, method="POST", route=ASSETS_ROUTE, **errors) == (
        before(count, method="POST", route=ASSETS_ROUTE, **errors) + 1
    )
    checks, store_down = "multistream_readiness_checks_total", {"dependency": "object_store"}
    assert during(checks, **store_down, status="down") == (
        before(checks, **store_down, status="down") + 1
    )
    assert stored.status_code == 201, stored.text
