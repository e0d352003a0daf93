"""Recorders against the real LiveKit server, PostgreSQL, Redis and MinIO: they claim classes
with a lease, a class no recorder takes is reported, a recorder killed mid-class is replaced
and the replay still plays, and classes nobody teaches end by themselves.

The recorders here are `multistream recorder` processes (`devtools.processes.Recorder`) on
the test api's database; the teacher is the bot of `devtools.publisher` speaking into the
room. Timeouts are short (seconds instead of minutes) so the test sees each rule act.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import json
import os
import signal
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import av
import httpx
import pytest
import sqlalchemy as sa

from multistream.db import migrate
from multistream.devtools.camera import SyntheticCamera
from multistream.devtools.processes import Recorder, Worker
from multistream.devtools.publisher import publish_lecture
from multistream.settings import Settings
from tests import pipeline_world as world
from tests.apiclient import ApiClient, Person
from tests.conftest import create_empty_database, drop_database
from tests.throwaway import LiveServer

pytestmark = pytest.mark.timeout(300)

FAST = {
    "recorder_poll_seconds": 0.3,
    "recorder_lease_seconds": 3.0,
    "recorder_claim_timeout_seconds": 2.0,
    "session_watch_interval_seconds": 0.5,
    "recording_segment_seconds": 2.0,
    "realtime_reauthorize_interval_seconds": 0.5,
}


@pytest.fixture(scope="module")
def recorded_settings(api_settings: Settings, own_database_url: str) -> Settings:
    """On a database of the module's own: the recorders here must only find its classes."""
    return api_settings.model_copy(update={**FAST, "database_url": own_database_url})


@pytest.fixture(scope="module")
def engine(own_database_url: str) -> Iterator[sa.Engine]:
    """This module's database (not the worker's shared one)."""
    engine = sa.create_engine(own_database_url)
    yield engine
    engine.dispose()


@pytest.fixture
def lifetime_settings(
    settings: Settings, recorded_settings: Settings, run_tag: str, request: pytest.FixtureRequest
) -> Iterator[Settings]:
    """On a database of the test's own: the module's other api (`live_api`) watches class
    lifetimes too, with the default rules, and would take back the warnings of these."""
    name = f"multistream_lifetime_{request.node.name[5:20]}_{run_tag}"
    url = create_empty_database(settings, name)
    migrate.upgrade(url)
    yield recorded_settings.model_copy(update={"database_url": url})
    drop_database(settings, name)


@pytest.fixture(scope="module")
def live_api(recorded_settings: Settings) -> Iterator[ApiClient]:
    with LiveServer(recorded_settings) as server:
        client = ApiClient(server.url)
        yield client
        client.close()


def _ok(response: httpx.Response, status: int = 200) -> dict[str, Any]:
    assert response.status_code == status, response.text
    return dict(response.json())


def recorded_class(api: ApiClient, *, title: str = "Recorded") -> tuple[Person, Person, str]:
    host, student = api.signup("Teacher"), api.signup("Student")
    course = api.create_course(host, "Recorded course")
    assert api.join(student, api.invite(host, course["id"])).status_code in (200, 201)
    start = dt.datetime.now(dt.UTC)
    session = _ok(
        api.request(
            "POST",
            f"/api/v1/courses/{course['id']}/sessions",
            host,
            json={
                "title": title,
                "scheduled_start": start.isoformat(),
                "scheduled_end": (start + dt.timedelta(hours=1)).isoformat(),
            },
        ),
        201,
    )
    assert session["recording_enabled"] is True  # the course's default
    _ok(api.request("POST", f"/api/v1/sessions/{session['id']}/start", host))
    return host, student, str(session["id"])


def log_types(api: ApiClient, person: Person, session_id: str) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = api.request(
        "GET", f"/api/v1/sessions/{session_id}/events?after=0&limit=500", person
    ).json()["items"]
    return [item for item in items if item.get("type")]


def wait_for_event(
    api: ApiClient, person: Person, session_id: str, type_: str, *, timeout: float = 30
) -> dict[str, Any]:
    return world.wait_for(
        lambda: next((e for e in log_types(api, person, session_id) if e["type"] == type_), None),
        timeout=timeout,
        what=f"{type_} in the class's log",
        every=0.3,
    )


def metric(api: ApiClient, name: str, labels: str) -> float:
    for line in api.http.get("/metrics").text.splitlines():
        if line.startswith(f"{name}{{{labels}}}"):
            return float(line.rsplit(" ", 1)[1])
    return 0.0


def speak(api: ApiClient, host: Person, session_id: str, seconds: float) -> threading.Thread:
    """The bot teacher speaks `seconds` of the lecture into the room with its synthetic
    camera on, in a thread."""
    joined = _ok(api.request("POST", f"/api/v1/sessions/{session_id}/join", host))
    wav = world.lecture().wav_path

    def run() -> None:
        async def bounded() -> None:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(
                    publish_lecture(
                        joined["livekit_url"],
                        joined["token"],
                        wav,
                        camera=SyntheticCamera(640, 360),
                    ),
                    seconds,
                )

        asyncio.run(bounded())

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread


def end(api: ApiClient, host: Person, session_id: str) -> None:
    _ok(api.request("POST", f"/api/v1/sessions/{session_id}/end", host))


def recording_row(engine: Any, session_id: str) -> dict[str, Any]:
    with engine.connect() as connection:
        return dict(
            connection.execute(
                sa.text(
                    "SELECT * FROM recordings WHERE session_id = :s ORDER BY created_at DESC"
                    " LIMIT 1"
                ),
                {"s": session_id},
            )
            .mappings()
            .one()
        )


def until(check: Callable[[], Any], *, timeout: float, what: str) -> Any:
    return world.wait_for(check, timeout=timeout, what=what, every=0.3)


# --- the tests ---------------------------------------------------------------------------------


def test_a_class_no_recorder_takes_is_reported_and_recorded_once_one_is_free(
    live_api: ApiClient, recorded_settings: Settings, engine: Any, tmp_path: Path
) -> None:
    settings = recorded_settings.model_copy(update={"recording_video": False})
    with Recorder(settings, tmp_path / "recorder.log", concurrency=1):
        host_a, _, class_a = recorded_class(live_api, title="Takes the only recorder")
        wait_for_event(live_api, host_a, class_a, "recording.started")
        before = metric(live_api, "multistream_recordings_unrecorded_total", 'code="no_recorder"')
        host_b, student_b, class_b = recorded_class(live_api, title="Finds none free")
        failed = wait_for_event(live_api, host_b, class_b, "recording.failed", timeout=20)
        assert failed["audience"] == "staff"
        assert failed["payload"]["code"] == "no_recorder"
        assert "No recorder was free" in failed["payload"]["reason"]
        assert (
            metric(live_api, "multistream_recordings_unrecorded_total", 'code="no_recorder"')
            == before + 1
        )
        # The studio's snapshot says so to staff; students are not told.
        staff_state = _ok(live_api.request("GET", f"/api/v1/sessions/{class_b}/state", host_b))
        assert staff_state["recording"]["status"] == "starting"
        assert "No recorder was free" in staff_state["recording"]["unrecorded"]
        student_state = _ok(live_api.request("GET", f"/api/v1/sessions/{class_b}/state", student_b))
        assert student_state["recording"]["unrecorded"] is None
        assert "recording.failed" not in {
            e["type"] for e in log_types(live_api, student_b, class_b)
        }
        # Reported once, not at every look.
        time.sleep(2)
        reports = [
            e for e in log_types(live_api, host_b, class_b) if e["type"] == "recording.failed"
        ]
        assert len(reports) == 1
        # Class A ends: its recorder stores it and takes class B.
        end(live_api, host_a, class_a)
        until(
            lambda: recording_row(engine, class_a)["status"] == "ready",
            timeout=30,
            what="class A's recording to be stored",
        )
        wait_for_event(live_api, host_b, class_b, "recording.started", timeout=20)
        state = _ok(live_api.request("GET", f"/api/v1/sessions/{class_b}/state", host_b))
        assert (state["recording"]["status"], state["recording"]["unrecorded"]) == (
            "recording",
            None,
        )
        end(live_api, host_b, class_b)
        until(
            lambda: recording_row(engine, class_b)["status"] == "ready",
            timeout=30,
            what="class B's recording to be stored",
        )
    row = recording_row(engine, class_b)
    assert (row["mime"], row["recorder_id"], row["lease_expires_at"]) == ("audio/wav", None, None)
    types = [e["type"] for e in log_types(live_api, host_b, class_b)]
    assert types.index("recording.failed") < types.index("recording.started")
    assert types.index("recording.uploading") < types.index("recording.stopped")


def test_a_recorder_killed_mid_class_is_replaced_and_the_replay_still_plays(
    live_api: ApiClient, recorded_settings: Settings, engine: Any, tmp_path: Path
) -> None:
    settings = world.pipeline_settings(recorded_settings, recording_width=640, recording_height=360)
    first = Recorder(settings, tmp_path / "first.log", concurrency=2)
    first.start()
    host, student, session_id = recorded_class(live_api, title="Survives its recorder")
    try:
        started = wait_for_event(live_api, host, session_id, "recording.started")
        voice = speak(live_api, host, session_id, seconds=16)
        # Let it store a few segments, then kill it hard (no chance to hand over).
        until(
            lambda: _segments(engine, session_id) >= 2,
            timeout=30,
            what="the first recorder to store segments",
        )
        assert first.process is not None
        os.killpg(first.process.pid, signal.SIGKILL)
        first.process.wait(timeout=10)
        killed_at = dt.datetime.now(dt.UTC)
    finally:
        first.process = None
    with Recorder(settings, tmp_path / "second.log", concurrency=2) as second:
        resumed = wait_for_event(live_api, host, session_id, "recording.resumed", timeout=30)
        taken_over = dt.datetime.fromisoformat(resumed["payload"]["resumed_at"])
        # Within the lease (3 s here) and a poll: never more than 30 s.
        assert (taken_over - killed_at).total_seconds() < 10
        assert resumed["payload"]["gap_ms"] > 0  # the gap is recorded, not hidden
        voice.join(timeout=30)
        end(live_api, host, session_id)
        with Worker(settings, tmp_path / "worker.log", concurrency=1):
            until(
                lambda: recording_row(engine, session_id)["status"] == "ready",
                timeout=60,
                what="the recording to be put together and stored",
            )
            world.wait_for(
                lambda: world.replay_status(engine, session_id) in ("partial", "ready"),
                timeout=120,
                what="the replay to play",
            )
        assert "recording stored" in second.log()
    row = recording_row(engine, session_id)
    replay = _ok(live_api.request("GET", f"/api/v1/sessions/{session_id}/replay", student))
    assert replay["media"] is not None
    media = httpx.get(replay["media"]["url"], timeout=20)
    assert media.status_code == 200
    path = tmp_path / "replay.media"
    path.write_bytes(media.content)
    with av.open(str(path)) as container:
        duration_ms = round(float(container.duration or 0) / 1000)
        assert container.streams.audio
        [video] = container.streams.video  # the program, camera in it
        assert (video.codec_context.width, video.codec_context.height) == (640, 360)
    assert replay["media"]["mime"] == "video/mp4"
    # The file spans the class from the recording's start: the gap is filled, not cut.
    recorded_ms = (row["ended_at"] - row["started_at"]).total_seconds() * 1000
    ended = next(e for e in log_types(live_api, host, session_id) if e["type"] == "session.ended")
    class_ms = (
        dt.datetime.fromisoformat(ended["payload"]["ended_at"])
        - dt.datetime.fromisoformat(started["payload"]["started_at"])
    ).total_seconds() * 1000
    assert abs(duration_ms - recorded_ms) <= 0.02 * recorded_ms + 200
    assert abs(recorded_ms - class_ms) <= 0.02 * class_ms + 1500


def _segments(engine: Any, session_id: str) -> int:
    with engine.connect() as connection:
        return int(
            connection.execute(
                sa.text(
                    "SELECT count(*) FROM recording_segments JOIN recordings"
                    " ON recordings.id = recording_segments.recording_id"
                    " WHERE recordings.session_id = :s"
                ),
                {"s": session_id},
            ).scalar_one()
        )


def test_a_class_nobody_teaches_warns_then_ends_by_itself(lifetime_settings: Settings) -> None:
    settings = lifetime_settings.model_copy(
        update={
            **FAST,
            # The warning stands for 6 s: long enough to read the state while it does, on
            # a busy machine too.
            "session_abandoned_after_seconds": 8.0,
            "session_end_warning_seconds": 6.0,
        }
    )
    with LiveServer(settings) as server:
        api = ApiClient(server.url)
        try:
            host, student, session_id = recorded_class(api, title="Left running")
            warning = wait_for_event(api, student, session_id, "session.ending_soon", timeout=20)
            assert warning["payload"]["reason"] == "abandoned"
            state = _ok(api.request("GET", f"/api/v1/sessions/{session_id}/state", host))
            assert state["session"]["ending_reason"] == "abandoned"
            ended = wait_for_event(api, student, session_id, "session.ended", timeout=20)
            assert ended["payload"]["reason"] == "abandoned"
            assert ended["payload"]["detail"] == "No teacher was connected for 8 seconds."
            assert ended["actor_id"] is None
            session = _ok(api.request("GET", f"/api/v1/sessions/{session_id}", host))
            assert (session["status"], session["ending_reason"]) == ("ended", None)
        finally:
            api.close()


def test_a_connected_teacher_keeps_the_class_and_coming_back_cancels_the_warning(
    lifetime_settings: Settings,
) -> None:
    from websockets.sync.client import connect

    settings = lifetime_settings.model_copy(
        update={
            **FAST,
            "session_abandoned_after_seconds": 4.0,
            "session_end_warning_seconds": 3.0,
        }
    )
    with LiveServer(settings) as server:
        api = ApiClient(server.url)
        try:
            host, student, session_id = recorded_class(api, title="Taught")
            # The studio joins the class as it opens (the teacher's participant row).
            _ok(api.request("POST", f"/api/v1/sessions/{session_id}/join", host))
            wait_for_event(api, student, session_id, "session.ending_soon", timeout=20)
            # The teacher comes back: the studio's live socket.
            url = server.url.replace("http", "ws") + f"/api/v1/sessions/{session_id}/live"
            with connect(url, additional_headers={"Origin": server.url}) as socket:
                socket.send(json.dumps({"type": "hello", "token": host.access_token, "after": 0}))
                wait_for_event(api, student, session_id, "session.ending_canceled", timeout=20)
                time.sleep(6)  # longer than the class may be left alone
                session = _ok(api.request("GET", f"/api/v1/sessions/{session_id}", host))
                assert session["status"] == "live"
                assert session["ending_reason"] is None
        finally:
            api.close()
