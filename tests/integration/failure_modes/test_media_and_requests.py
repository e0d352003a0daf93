"""LiveKit stopped under a live api, and what arrives twice: a webhook delivered again and a
command sent again, across a restart of the api that answered the first, or after it was
killed before it could answer."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path

import httpx
import pytest
import sqlalchemy as sa

from multistream.devtools.processes import environment
from multistream.settings import Settings
from tests.apiclient import ApiClient
from tests.integration.failure_modes.scrape import readyz, scrape
from tests.integration.test_idempotency import BODY, events_of, post_with_key
from tests.integration.test_realtime import new_classroom, wait_for
from tests.integration.test_sessions import schedule
from tests.throwaway import LiveServer, connection_overrides, free_port, throwaway_service
from tests.webhooks import signed_webhook


def test_runbook_livekit_unreachable__a_class_starts_and_is_joined_degraded_then_media_returns(
    api_settings: Settings, tmp_path: Path
) -> None:
    """docs/runbook.md#livekit-unreachable: with LiveKit stopped, a class still starts (live,
    `media_status` degraded) and students still join; the api retries the room in the
    background and the class's media is `ok` once LiveKit is back. The operator sees /readyz
    failing livekit (`multistream_readiness_checks_total`, `MultistreamLiveKitUnreachable`)."""
    with throwaway_service("livekit", api_settings, tmp_path) as livekit:
        settings = api_settings.model_copy(
            update={
                **connection_overrides("livekit", livekit.settings),
                "media_retry_interval_seconds": 0.3,
                "readiness_timeout_seconds": 1.5,
            }
        )
        with LiveServer(settings) as server:
            api = ApiClient(server.url)
            teacher, student, session_id = new_classroom(api)
            url = f"/api/v1/sessions/{session_id}"
            assert readyz(server.url).status_code == 200
            before = scrape(server.url)

            livekit.stop()
            started = api.request("POST", f"{url}/start", teacher)
            joined = api.request("POST", f"{url}/join", student)
            not_ready = readyz(server.url)
            during = scrape(server.url)

            livekit.start()

            def media_ok() -> bool:
                return bool(api.request("GET", url, teacher).json()["media_status"] == "ok")

            wait_for(media_ok, "the class's media back", timeout=30)
            back = readyz(server.url)
            log = api.request("GET", f"{url}/events", teacher).json()["items"]
            api.close()

    assert started.status_code == 200, started.text
    assert (started.json()["status"], started.json()["media_status"]) == ("live", "degraded")
    assert joined.status_code == 200, joined.text
    assert joined.json()["role"] == "participant"
    assert joined.json()["state"]["session"]["status"] == "live"
    assert not_ready.status_code == 503
    assert not_ready.json()["failing"] == ["livekit"]
    checks, livekit_down = "multistream_readiness_checks_total", {"dependency": "livekit"}
    assert during(checks, **livekit_down, status="down") == (
        before(checks, **livekit_down, status="down") + 1
    )
    assert back.status_code == 200, back.text
    statuses = [e["payload"]["media_status"] for e in log if e["type"] == "session.media_status"]
    assert statuses == ["degraded", "ok"]


def test_runbook_webhooks_failing__a_delivery_replayed_after_an_api_restart_is_applied_once(
    api_settings: Settings,
) -> None:
    """docs/runbook.md#webhooks-failing: LiveKit delivers `room_finished`, the api that
    applied it restarts, and the delivery comes again (LiveKit retries what it thinks was
    lost): the second answer is `duplicate` and the class ends once. Forged deliveries are
    refused. The operator reads `multistream_webhooks_total{source,outcome}`."""
    event = {"event": "room_finished", "id": f"EV_{uuid.uuid4().hex[:12]}"}
    with LiveServer(api_settings) as first:
        api = ApiClient(first.url)
        teacher = api.signup("Teacher")
        session = schedule(api, teacher, api.create_course(teacher)["id"])
        assert api.request("POST", f"/api/v1/sessions/{session['id']}/start", teacher).is_success
        event.update(room={"name": f"session-{session['id']}"}, createdAt=int(time.time()))
        body, token = signed_webhook(api_settings, event)
        headers = {"Authorization": token, "Content-Type": "application/webhook+json"}
        before = scrape(first.url)
        tampered = body.replace(b"room_finished", b"room_started")
        forged = api.http.post("/webhooks/livekit", content=tampered, headers=headers)
        unsigned = api.http.post("/webhooks/livekit", content=body)
        applied = api.http.post("/webhooks/livekit", content=body, headers=headers)
        api.close()
    # The same address after the restart: tokens name the api's public URL as their issuer.
    with LiveServer(api_settings, port=first.port) as second:
        api = ApiClient(second.url)
        replayed = api.http.post("/webhooks/livekit", content=body, headers=headers)
        after = scrape(second.url)
        ended = api.request("GET", f"/api/v1/sessions/{session['id']}", teacher).json()
        log = api.request("GET", f"/api/v1/sessions/{session['id']}/events", teacher).json()
        api.close()

    assert (forged.status_code, unsigned.status_code) == (401, 401)
    assert applied.json() == {"status": "processed"}
    assert replayed.status_code == 200
    assert replayed.json() == {"status": "duplicate"}
    assert ended["status"] == "ended"
    assert [e["type"] for e in log["items"]].count("session.ended") == 1
    webhooks = "multistream_webhooks_total"
    moved = {
        outcome: after(webhooks, source="livekit", outcome=outcome)
        - before(webhooks, source="livekit", outcome=outcome)
        for outcome in ("accepted", "duplicate", "rejected")
    }
    assert moved == {"accepted": 1, "duplicate": 1, "rejected": 2}


def test_runbook_commands_sent_twice__a_post_retried_with_its_key_after_an_api_restart_acts_once(
    api_settings: Settings, engine: sa.Engine
) -> None:
    """docs/runbook.md#commands-sent-twice: a class scheduled with an `Idempotency-Key`,
    the api restarted, and the same POST sent again with the key (the client never saw the
    first answer): the same 201 comes back from the stored response, marked replayed, and
    there is one class with one `session.scheduled`. The operator reads
    `multistream_idempotency_requests_total{outcome}`."""
    key = str(uuid.uuid4())
    with LiveServer(api_settings) as first:
        api = ApiClient(first.url)
        teacher = api.signup("Teacher")
        path = f"/api/v1/courses/{api.create_course(teacher)['id']}/sessions"
        before = scrape(first.url)
        created = post_with_key(api, teacher, path, key, BODY)
        api.close()
    # The same address after the restart: tokens name the api's public URL as their issuer.
    with LiveServer(api_settings, port=first.port) as second:
        api = ApiClient(second.url)
        again = post_with_key(api, teacher, path, key, BODY)
        after = scrape(second.url)
        listed = api.request("GET", path, teacher).json()["items"]
        api.close()

    assert created.status_code == again.status_code == 201, again.text
    assert again.json() == created.json()
    assert again.headers["idempotent-replayed"] == "true"
    assert "idempotent-replayed" not in created.headers
    assert [s["id"] for s in listed] == [created.json()["id"]]
    assert events_of(engine, created.json()["id"]) == [
        (1, "session.scheduled", f"{teacher.id}:{key}")
    ]
    requests = "multistream_idempotency_requests_total"
    moved = {
        outcome: after(requests, outcome=outcome) - before(requests, outcome=outcome)
        for outcome in ("new", "replayed", "in_progress", "reused")
    }
    assert moved == {"new": 1, "replayed": 1, "in_progress": 0, "reused": 0}


def test_runbook_commands_sent_twice__a_key_held_by_an_api_killed_mid_request_is_taken_over(
    api_settings: Settings, engine: sa.Engine, tmp_path: Path
) -> None:
    """docs/runbook.md#commands-sent-twice: a class's start, sent with a key, hangs (LiveKit
    takes the connection and never answers); the client gives up, and the api process is
    SIGKILLed between claiming the key and answering. The retry with the key gets 409
    `request-in-progress` while the claim is younger than
    `MULTISTREAM_IDEMPOTENCY_CLAIM_TIMEOUT_SECONDS`, then takes the key over: the class
    starts, once. The operator reads `multistream_idempotency_requests_total{outcome}`."""
    port, key = free_port(), str(uuid.uuid4())
    with socket.create_server(("127.0.0.1", 0)) as silent_livekit:
        killed = api_settings.model_copy(
            update={
                "api_port": port,
                "public_url": f"http://127.0.0.1:{port}",
                "livekit_url": f"ws://127.0.0.1:{silent_livekit.getsockname()[1]}",
                "readiness_timeout_seconds": 30.0,  # how long a LiveKit call may take
            }
        )
        with (tmp_path / "api.log").open("wb") as log:
            process = subprocess.Popen(
                [sys.executable, "-m", "multistream", "api"],
                env=environment(killed),
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        try:
            api = ApiClient(killed.public_url)
            up = lambda: process.poll() is not None or _answers(killed.public_url)  # noqa: E731
            wait_for(up, "the api to start", timeout=60)
            assert process.poll() is None, (tmp_path / "api.log").read_text()[-3000:]
            teacher, _, session_id = new_classroom(api)
            start = f"/api/v1/sessions/{session_id}/start"
            with pytest.raises(httpx.ReadTimeout):  # the client gives up; the api goes on
                post_with_key(api, teacher, start, key, timeout=3)
            assert _claim_of(engine, teacher.id, key) == [None]  # claimed, not answered
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)
        finally:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=10)
            api.close()

    settings = api_settings.model_copy(update={"idempotency_claim_timeout_seconds": 12.0})
    with LiveServer(settings, port=port) as restarted:
        api = ApiClient(restarted.url)
        before = scrape(restarted.url)
        early = post_with_key(api, teacher, start, key)
        during = scrape(restarted.url)
        retries = [early]
        deadline = time.monotonic() + 40
        while retries[-1].status_code == 409 and time.monotonic() < deadline:
            time.sleep(1)
            retries.append(post_with_key(api, teacher, start, key))
        again = post_with_key(api, teacher, start, key)
        after = scrape(restarted.url)
        api.close()

    assert early.status_code == 409, early.text
    assert early.json()["type"] == "request-in-progress"
    requests = "multistream_idempotency_requests_total"
    assert during(requests, outcome="in_progress") == before(requests, outcome="in_progress") + 1
    started = retries[-1]
    assert started.status_code == 200, started.text
    assert started.json()["status"] == "live"
    assert again.json() == started.json()
    assert again.headers["idempotent-replayed"] == "true"
    assert after(requests, outcome="taken_over") == before(requests, outcome="taken_over") + 1
    assert [t for _, t, _ in events_of(engine, session_id)].count("session.started") == 1


def _answers(url: str) -> bool:
    try:
        return httpx.get(f"{url}/healthz", timeout=2).status_code == 200
    except httpx.TransportError:
        return False


def _claim_of(engine: sa.Engine, user_id: str, key: str) -> list[int | None]:
    with engine.connect() as connection:
        rows = connection.execute(
            sa.text("SELECT status_code FROM idempotency_records WHERE user_id = :u AND key = :k"),
            {"u": user_id, "k": key},
        )
        return [row.status_code for row in rows]
