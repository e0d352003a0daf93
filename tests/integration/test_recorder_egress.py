"""The `egress` recorder against what runs here: the real LiveKit server (without an egress
service), the api, a worker, MinIO. LiveKit refusing to start an egress fails the
recording with its reason; an egress that LiveKit reports complete (`egress_ended`,
signed as LiveKit signs it, naming the Ogg file it wrote into our bucket) becomes a replay
with nobody doing anything more."""

from __future__ import annotations

import datetime as dt
import io
import time
import uuid
from pathlib import Path
from typing import Any

import av
import numpy as np
import pytest
import sqlalchemy as sa

from multistream.devtools.processes import Worker
from multistream.settings import Settings
from multistream.storage import make_object_store
from tests import pipeline_world as world
from tests.apiclient import ApiClient
from tests.throwaway import LiveServer
from tests.webhooks import deliver

pytestmark = pytest.mark.timeout(300)

NS = 1_000_000_000


def _recording(engine: sa.Engine, session_id: str) -> dict[str, Any]:
    with engine.connect() as connection:
        row = (
            connection.execute(
                sa.text("SELECT * FROM recordings WHERE session_id = :s ORDER BY created_at DESC"),
                {"s": session_id},
            )
            .mappings()
            .first()
        )
    return dict(row) if row is not None else {}


def _ogg_opus(seconds: float) -> bytes:
    """A tone as LiveKit Egress writes audio: Opus in Ogg, 48 kHz."""
    rate = 48_000
    t = np.arange(int(rate * seconds)) / rate
    samples = (0.2 * np.sin(2 * np.pi * 440 * t) * 32767).astype("<i2")
    out = io.BytesIO()
    container = av.open(out, mode="w", format="ogg")
    stream = container.add_stream("libopus", rate=rate, layout="mono")
    for start in range(0, samples.size, 960):
        frame = av.AudioFrame.from_ndarray(
            samples[None, start : start + 960], format="s16", layout="mono"
        )
        frame.sample_rate = rate
        for packet in stream.encode(frame):
            container.mux(packet)
    for packet in stream.encode(None):
        container.mux(packet)
    container.close()
    return out.getvalue()


def test_an_egress_livekit_cannot_start_fails_the_recording_with_its_reason(
    api_settings: Settings, engine: sa.Engine
) -> None:
    if not api_settings.media_configured:
        pytest.skip("LiveKit is not configured")
    settings = api_settings.model_copy(update={"recorder": "egress"})
    with LiveServer(settings) as server:
        api = ApiClient(server.url)
        teacher = api.signup("Teacher")
        course = api.create_course(teacher)
        start = dt.datetime.now(dt.UTC)
        session = api.request(
            "POST",
            f"/api/v1/courses/{course['id']}/sessions",
            teacher,
            json={
                "title": "Recorded by Egress",
                "scheduled_start": start.isoformat(),
                "scheduled_end": (start + dt.timedelta(hours=1)).isoformat(),
                "recording_enabled": True,
            },
        ).json()
        live = api.request("POST", f"/api/v1/sessions/{session['id']}/start", teacher)
        assert live.status_code == 200, live.text
        recording = world.wait_for(
            lambda: (r := _recording(engine, session["id"])) and r["status"] == "failed" and r,
            timeout=30,
            what="the egress recording to fail",
        )
        api.close()
    # This LiveKit has no egress service: it refuses, and the class goes on unrecorded.
    assert recording["provider"] == "egress"
    assert recording["error"].startswith("LiveKit Egress could not start: "), recording
    assert recording["storage_key"] is None


def test_an_egress_reported_complete_becomes_a_replay(
    api: ApiClient, api_settings: Settings, engine: sa.Engine, tmp_path: Path
) -> None:
    host, _, _, sid = world.live_class(api, interactions=False)
    # The row as the api leaves it once LiveKit accepted the egress: its id, and the key
    # of the file the egress will write.
    recording_id, egress_id = str(uuid.uuid4()), f"EG_{uuid.uuid4().hex[:12]}"
    key = f"sessions/{sid}/recordings/{recording_id}.ogg"
    began = dt.datetime.now(dt.UTC).replace(microsecond=0)
    with engine.begin() as connection:
        connection.execute(
            sa.text(
                "INSERT INTO recordings (id, session_id, provider, external_id, status,"
                " storage_key, started_at) VALUES (:id, :s, 'egress', :eg, 'recording', :key,"
                " :at)"
            ),
            {"id": recording_id, "s": sid, "eg": egress_id, "key": key, "at": began},
        )
    settings = world.pipeline_settings(api_settings)
    with Worker(settings, tmp_path / "worker.log", concurrency=2):
        world.end(api, host, sid)
        run = world.wait_for(lambda: world.runs_of(engine, sid), timeout=10, what="a run")[-1]
        # The egress is still finishing its file: the run waits for it, no try spent.
        world.wait_for(
            lambda: (
                "not reached storage"
                in (world.steps_of(engine, run["id"])["extract"]["error"] or "")
            ),
            timeout=30,
            what="extract to wait for the egress",
        )
        audio = _ogg_opus(3.0)
        make_object_store(api_settings).put(key, audio, content_type="audio/ogg")
        egress_started = began + dt.timedelta(milliseconds=250)
        ended = deliver(
            api,
            api_settings,
            {
                "event": "egress_ended",
                "id": f"EV_{uuid.uuid4().hex[:12]}",
                "egressInfo": {
                    "egressId": egress_id,
                    "roomName": f"session-{sid}",
                    "status": "EGRESS_COMPLETE",
                    "startedAt": str(int(egress_started.timestamp() * NS)),
                    "endedAt": str(int(time.time() * NS)),
                    "fileResults": [
                        {"filename": key, "size": str(len(audio)), "duration": str(3 * NS)}
                    ],
                },
                "createdAt": int(time.time()),
            },
        )
        assert ended.json() == {"status": "processed"}, ended.text
        finished = world.finished_run(engine, sid)
    assert finished["status"] == "succeeded", finished
    assert finished["id"] == run["id"]
    recording = _recording(engine, sid)
    assert (recording["status"], recording["mime"], recording["size_bytes"]) == (
        "ready",
        "audio/ogg",
        len(audio),
    )
    assert recording["started_at"] == egress_started  # the egress's own clock
    assert world.steps_of(engine, run["id"])["extract"]["attempts"] == 1
    assert world.replay_status(engine, sid) == "ready"
    replay = api.request("GET", f"/api/v1/sessions/{sid}/replay", host).json()
    assert abs(replay["duration_ms"] - 3_000) <= 100, replay
