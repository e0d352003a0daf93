"""With Redis stopped, chat and questions still post (the log is in PostgreSQL; the rate
limiter lets them through and says so), and a connected client gets them once Redis is
back."""

from __future__ import annotations

import logging
from pathlib import Path

from prometheus_client import REGISTRY

from multistream.settings import Settings
from tests.apiclient import ApiClient
from tests.integration.test_chat import schedule
from tests.integration.test_realtime import assert_quiet, hub_of, live, receive, wait_for
from tests.throwaway import LiveServer, throwaway_service


class Records(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


def fail_open_count() -> float:
    value = REGISTRY.get_sample_value("multistream_rate_limit_fail_open_total", {"kind": "chat"})
    return value or 0.0


def test_chat_and_questions_post_201_with_redis_stopped_and_arrive_when_it_is_back(
    api_settings: Settings, tmp_path: Path
) -> None:
    with throwaway_service("redis", api_settings, tmp_path) as private_redis:
        settings = api_settings.model_copy(
            update={
                "redis_url": private_redis.settings.redis_url,
                # No periodic reads of the log during the test: only Redis coming back (the
                # hub reads the log when it subscribes again) can bring the message.
                "realtime_poll_interval_seconds": 60.0,
                "realtime_reconcile_interval_seconds": 60.0,
                "realtime_ping_interval_seconds": 0.5,
            }
        )
        with LiveServer(settings) as process:
            api = ApiClient(process.url)
            teacher, student = api.signup("Teacher"), api.signup("Ada")
            course = api.create_course(teacher)
            assert api.join(student, api.invite(teacher, course["id"])).status_code == 200
            session_id = schedule(api, teacher, course["id"])
            chat = f"/api/v1/sessions/{session_id}/chat"
            events = f"/api/v1/sessions/{session_id}/events"
            head = api.request("GET", f"{events}?after=0", teacher).json()["head"]
            hub = hub_of(process)
            limiter_log = Records()
            logging.getLogger("multistream.ratelimit").addHandler(limiter_log)
            try:
                with live(process, session_id, teacher, after=head) as websocket:
                    private_redis.stop()
                    wait_for(lambda: not hub.subscribed, "the hub to notice Redis is down")
                    skipped_before = fail_open_count()

                    response = api.request("POST", chat, student, json={"body": "Anyone?"})
                    assert response.status_code == 201, response.text
                    message = response.json()
                    assert fail_open_count() == skipped_before + 1
                    assert any(
                        "rate limit skipped" in str(record.msg) for record in limiter_log.records
                    )
                    log = api.request("GET", f"{events}?after={head}", teacher).json()["items"]
                    assert [(e["seq"], e["type"]) for e in log] == [
                        (message["seq"], "chat.message_posted")
                    ]
                    assert log[0]["payload"]["message"] == message
                    asked = api.request(
                        "POST",
                        f"/api/v1/sessions/{session_id}/questions",
                        student,
                        json={"body": "Is Redis needed?"},
                    )
                    assert asked.status_code == 201, asked.text
                    question = asked.json()
                    assert_quiet(websocket, 0.5)  # nothing can carry them while Redis is down

                    private_redis.start()
                    wait_for(lambda: hub.subscribed, "the hub to subscribe again")
                    entries = receive(websocket, until=question["seq"], timeout=5)
            finally:
                logging.getLogger("multistream.ratelimit").removeHandler(limiter_log)
                api.close()
    assert [(e["seq"], e["type"]) for e in entries] == [
        (message["seq"], "chat.message_posted"),
        (question["seq"], "qa.question_asked"),
    ]
    assert entries[0]["payload"]["message"] == message
    assert entries[1]["payload"]["question"]["body"] == "Is Redis needed?"
