"""The artifact pipeline end to end: real PostgreSQL, Redis, MinIO and Celery workers
(subprocesses from `multistream.devtools.processes`), the lecture transcribed by the
real Whisper engine.

The workers here are started per test (not the shared `worker` fixture) because the tests
split their queues and need a second one after the first is gone. A worker killed mid-step
is in the failure-mode suite (`failure_modes/test_sockets_and_workers.py`).
"""

from __future__ import annotations

import datetime as dt
import random
import time
import uuid
from pathlib import Path
from typing import Any

import httpx
import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session

from multistream.devtools.processes import Worker
from multistream.sessions import projection
from multistream.settings import Settings
from multistream.storage import ObjectStore, make_object_store
from tests import pipeline_world as world
from tests.apiclient import ApiClient
from tests.webhooks import deliver

pytestmark = pytest.mark.timeout(900)


@pytest.fixture(scope="module")
def store(api_settings: Settings) -> ObjectStore:
    return make_object_store(api_settings)


@pytest.fixture(scope="module")
def worker_settings(api_settings: Settings) -> Settings:
    return world.pipeline_settings(api_settings)


@pytest.fixture(scope="module")
def logs(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("workers")


def start_worker(settings: Settings, logs: Path, name: str, *, concurrency: int = 2) -> Worker:
    return Worker(settings, logs / f"{name}-{uuid.uuid4().hex[:6]}.log", concurrency=concurrency)


@pytest.fixture(scope="module")
def processed(
    api: ApiClient, engine: sa.Engine, store: ObjectStore, worker_settings: Settings, logs: Path
) -> tuple[world.RecordedClass, dict[str, Any]]:
    """A class ended with its recording, processed once without interruption; its rows."""
    recorded = world.recorded_class(api, engine, store)
    with start_worker(worker_settings, logs, "first"):
        ended = world.end(api, recorded.host, recorded.session_id)
        assert ended["replay_status"] == "pending"
        run = world.finished_run(engine, recorded.session_id)
    assert run["status"] == "succeeded", run
    return recorded, world.snapshot(engine, store, recorded.session_id)


def _replay_events(engine: sa.Engine, session_id: str) -> list[tuple[str, str]]:
    with engine.connect() as connection:
        rows = connection.execute(
            sa.text(
                "SELECT payload FROM session_events"
                " WHERE session_id = :s AND type = 'replay.status_changed' ORDER BY seq"
            ),
            {"s": session_id},
        ).scalars()
        return [(p["previous"], p["status"]) for p in rows]


def test_ending_a_recorded_class_makes_its_replay(
    processed: tuple[world.RecordedClass, dict[str, Any]], engine: sa.Engine
) -> None:
    recorded, rows = processed
    runs = world.runs_of(engine, recorded.session_id)
    assert [(r["trigger"], r["status"], r["attempt"]) for r in runs] == [
        ("session_ended", "succeeded", 1)
    ]
    steps = world.steps_of(engine, runs[0]["id"])
    assert {name: s["status"] for name, s in steps.items()} == dict.fromkeys(
        ("extract", "transcribe", "align", "derive"), "succeeded"
    )
    assert all(s["attempts"] == 1 and s["finished_at"] >= s["started_at"] for s in steps.values())
    probe = steps["extract"]["output"]["probe"]
    assert (probe["sample_rate"], probe["channels"]) == (48_000, 2)
    assert abs(probe["duration_ms"] - world.lecture().duration_ms) <= 20
    assert len(steps["transcribe"]["output"]["chunks"]) >= 2  # transcribed in parallel pieces
    assert steps["align"]["output"]["clock"] == "recording.started_at"
    assert world.replay_status(engine, recorded.session_id) == "ready"
    assert _replay_events(engine, recorded.session_id) == [
        ("none", "pending"),
        ("pending", "processing"),
        ("processing", "partial"),
        ("partial", "ready"),
    ]

    # What was said, in order, with word timings.
    text = " ".join(s["text"] for s in rows["transcript_segments"]).lower()
    for word in ("chlorophyll", "carbon dioxide", "oxygen"):
        assert word in text
    assert all(s["words"] and 0 <= s["confidence"] <= 1 for s in rows["transcript_segments"])
    # Chapters at the slide changes, titled by the slides.
    changes = [ms for _, ms in world.lecture().slide_changes]
    chapters = rows["chapters"]
    assert [c["title"] for c in chapters] == [title for title, _ in world.SLIDES]
    assert all(abs(c["start_ms"] - ms) <= 2_000 for c, ms in zip(chapters, changes, strict=True))
    assert chapters[-1]["end_ms"] == probe["duration_ms"]
    # The upvoted question and the poll.
    kinds = {h["kind"]: h for h in rows["highlights"]}
    assert set(kinds) == {"question", "poll"}
    assert kinds["question"]["title"] == "Why green?"
    assert abs(kinds["question"]["start_ms"] - world.QUESTION_AT_MS) <= 50
    assert kinds["poll"]["title"].startswith("Poll: Which gas? — Oxygen 100%")
    assert set(rows["objects"]) == {"audio", "captions_vtt", "transcript_json", "summary"}


def test_the_status_log_rebuilds_to_the_live_status(
    processed: tuple[world.RecordedClass, dict[str, Any]], engine: sa.Engine
) -> None:
    recorded, _ = processed
    with Session(engine) as db:
        row = projection.rebuild(db, session_id=uuid.UUID(recorded.session_id))
        assert row.replay_status.value == "ready"
        db.rollback()


def test_running_the_pipeline_again_leaves_identical_rows(
    api: ApiClient,
    engine: sa.Engine,
    store: ObjectStore,
    worker_settings: Settings,
    logs: Path,
    processed: tuple[world.RecordedClass, dict[str, Any]],
) -> None:
    recorded, before = processed
    with start_worker(worker_settings, logs, "again"):
        run = world.start_run(api, recorded)
        assert (run["trigger"], run["status"]) == ("manual", "queued")
        finished = world.finished_run(engine, recorded.session_id)
    assert finished["status"] == "succeeded"
    assert world.snapshot(engine, store, recorded.session_id) == before
    # A ready replay stays ready (and watchable) while it is made again.
    assert world.replay_status(engine, recorded.session_id) == "ready"


def test_the_replay_plays_while_transcription_is_still_running(
    api: ApiClient, engine: sa.Engine, store: ObjectStore, worker_settings: Settings, logs: Path
) -> None:
    """With chunk tasks on a queue no worker takes yet, transcription waits (no sleeps
    anywhere): the replay is already partial and its recording plays."""
    asr_queue = f"{worker_settings.celery_queue}-asr"
    main = worker_settings.model_copy(update={"celery_asr_queue": asr_queue})
    recognisers = worker_settings.model_copy(
        update={"celery_queue": asr_queue, "celery_asr_queue": asr_queue}
    )
    recorded = world.recorded_class(api, engine, store)
    with start_worker(main, logs, "main"):
        world.end(api, recorded.host, recorded.session_id)
        world.wait_for(
            lambda: world.replay_status(engine, recorded.session_id) == "partial",
            timeout=120,
            what="the replay to become partial",
        )
        run = world.runs_of(engine, recorded.session_id)[-1]
        assert world.steps_of(engine, run["id"])["extract"]["status"] == "succeeded"

        def waiting_for_chunks() -> bool:
            step = world.steps_of(engine, run["id"])["transcribe"]
            return step["status"] == "running" and bool((step["output"] or {}).get("chunks"))

        world.wait_for(waiting_for_chunks, timeout=60, what="the chunks to be queued")
        replay = api.request("GET", recorded.replay, recorded.student).json()
        assert replay["status"] == "partial"
        assert replay["chapters"] == []
        media = replay["media"]
        assert media["mime"] == "audio/wav"
        played = httpx.get(media["url"], timeout=10)
        assert played.status_code == 200
        assert played.content == world.recording_bytes()
        transcript = api.request("GET", f"{recorded.replay}/transcript", recorded.student)
        assert transcript.json()["items"] == []
        chunks = len(world.steps_of(engine, run["id"])["transcribe"]["output"]["chunks"])
        # Students see which step the replay is at, and how far the transcription got.
        progress = replay["progress"]
        assert (progress["run_id"], progress["status"], progress["step"]) == (
            str(run["id"]),
            "running",
            "transcribe",
        )
        assert [(s["name"], s["status"]) for s in progress["steps"]] == [
            ("extract", "succeeded"),
            ("transcribe", "running"),
            ("align", "pending"),
            ("derive", "pending"),
        ]
        assert (progress["chunks_total"], progress["chunks_done"]) == (chunks, 0)
        # The slides are on the media timeline while the transcript waits.
        assert [s["page_no"] for s in replay["slides"]] == [1, 2, 3]
        # One process more than there are chunks waiting: one is free to answer the ping.
        with start_worker(recognisers, logs, "asr", concurrency=chunks + 1):
            finished = world.finished_run(engine, recorded.session_id)
    assert finished["status"] == "succeeded"
    assert world.replay_status(engine, recorded.session_id) == "ready"


def test_a_corrupt_recording_fails_with_a_reason_and_a_retry_after_replacing_it_works(
    api: ApiClient, engine: sa.Engine, store: ObjectStore, worker_settings: Settings, logs: Path
) -> None:
    recorded = world.recorded_class(api, engine, store, audio=b"")
    with start_worker(worker_settings, logs, "corrupt"):
        world.end(api, recorded.host, recorded.session_id)
        empty = world.finished_run(engine, recorded.session_id, timeout=120)
        assert empty["status"] == "failed"
        assert (
            empty["error"] == "extract: The recording is empty (0 bytes): there is nothing to play."
        )
        assert world.replay_status(engine, recorded.session_id) == "failed"
        replay = api.request("GET", recorded.replay, recorded.student).json()
        assert (replay["status"], replay["media"]) == ("failed", None)
        assert "empty" in replay["reason"]
        assert (replay["progress"]["status"], replay["progress"]["step"]) == ("failed", "extract")
        assert replay["progress"]["run_id"] == str(empty["id"])
        steps = world.steps_of(engine, empty["id"])
        assert steps["extract"]["status"] == "failed"
        assert steps["extract"]["attempts"] == 1  # a permanent failure is not retried
        assert {steps[n]["status"] for n in ("transcribe", "align", "derive")} == {"pending"}

        # Bytes no demuxer takes (random ones are taken for a text format now and then).
        garbage_bytes = random.Random(20261206).randbytes(4096)
        store.put(recorded.recording_key, garbage_bytes, content_type="audio/wav")
        retry = api.request("POST", f"/internal/artifacts/runs/{empty['id']}/retry", recorded.host)
        assert retry.status_code == 201, retry.text
        assert (retry.json()["trigger"], retry.json()["attempt"]) == ("retry", 2)
        garbage = world.finished_run(engine, recorded.session_id, timeout=120)
        assert garbage["status"] == "failed"
        assert "not a media file we can read" in garbage["error"]

        store.put(recorded.recording_key, world.recording_bytes(), content_type="audio/wav")
        again = api.request(
            "POST", f"/internal/artifacts/runs/{garbage['id']}/retry", recorded.host
        )
        assert again.status_code == 201, again.text
        fixed = world.finished_run(engine, recorded.session_id)
    assert fixed["status"] == "succeeded", fixed
    assert world.replay_status(engine, recorded.session_id) == "ready"
    assert _replay_events(engine, recorded.session_id) == [
        ("none", "pending"),
        ("pending", "processing"),
        ("processing", "failed"),
        ("failed", "processing"),
        ("processing", "failed"),
        ("failed", "processing"),
        ("processing", "partial"),
        ("partial", "ready"),
    ]
    # Failed runs stay in the history with their reasons.
    history = api.request(
        "GET", f"/internal/artifacts/sessions/{recorded.session_id}/runs", recorded.host
    ).json()["items"]
    assert [r["status"] for r in history] == ["succeeded", "failed", "failed"]


def test_a_recording_still_uploading_is_waited_for(
    api: ApiClient, engine: sa.Engine, store: ObjectStore, worker_settings: Settings, logs: Path
) -> None:
    host, _, _, sid = world.live_class(api, interactions=False)
    started = dt_now()
    recording_id, key = world.add_recording(
        engine, store, sid, None, started_at=started, status="stopped"
    )
    # Waiting is not failing: far more polls than retries allowed, and no try counted.
    patient = worker_settings.model_copy(update={"pipeline_max_retries": 1})
    with start_worker(patient, logs, "waiting"):
        world.end(api, host, sid)
        run = world.runs_of(engine, sid)[-1]

        def waiting() -> bool:
            step = world.steps_of(engine, run["id"])["extract"]
            return "not reached storage" in (step["error"] or "")

        world.wait_for(waiting, timeout=60, what="extract to wait for the recording")
        time.sleep(3.5)  # several polls, a second apart
        extract = world.steps_of(engine, run["id"])["extract"]
        assert (extract["status"], extract["attempts"]) == ("pending", 0)
        assert world.replay_status(engine, sid) == "pending"
        store.put(key, world.spoken_wav(), content_type="audio/wav")
        with engine.begin() as connection:
            connection.execute(
                sa.text("UPDATE recordings SET status = 'ready', storage_key = :k WHERE id = :r"),
                {"k": key, "r": recording_id},
            )
        finished = world.finished_run(engine, sid)
    assert finished["status"] == "succeeded", finished
    extract = world.steps_of(engine, run["id"])["extract"]
    assert (extract["error"], extract["attempts"]) == (None, 1)


def test_a_recording_that_never_arrives_fails_the_run_with_the_reason(
    api: ApiClient, engine: sa.Engine, store: ObjectStore, worker_settings: Settings, logs: Path
) -> None:
    host, _, _, sid = world.live_class(api, interactions=False)
    world.add_recording(engine, store, sid, None, started_at=dt_now(), status="stopped")
    impatient = worker_settings.model_copy(update={"pipeline_recording_wait_seconds": 2})
    with start_worker(impatient, logs, "never"):
        world.end(api, host, sid)
        finished = world.finished_run(engine, sid)
    assert finished["status"] == "failed"
    assert "did not reach storage within" in finished["error"], finished
    assert world.replay_status(engine, sid) == "failed"


def _room_finished(api: ApiClient, settings: Settings, session_id: str) -> None:
    """LiveKit's room_finished webhook, signed as LiveKit signs it."""
    event = {
        "event": "room_finished",
        "id": f"EV_{uuid.uuid4().hex[:12]}",
        "room": {"name": f"session-{session_id}"},
        "createdAt": int(time.time()),
    }
    response = deliver(api, settings, event)
    assert response.json() == {"status": "processed"}, response.text


def test_a_room_closing_by_itself_queues_the_replay_too(
    api: ApiClient, engine: sa.Engine, store: ObjectStore, worker_settings: Settings, logs: Path
) -> None:
    """The class ends because LiveKit closed its room; a tone without words is recorded."""
    _, _, _, sid = world.live_class(api, interactions=False)
    world.add_recording(engine, store, sid, world.spoken_wav(3.0), started_at=dt_now())
    with start_worker(worker_settings, logs, "webhook"):
        _room_finished(api, worker_settings, sid)
        finished = world.finished_run(engine, sid)
    assert (finished["trigger"], finished["status"]) == ("session_ended", "succeeded")
    assert world.replay_status(engine, sid) == "ready"
    chapters = world.snapshot(engine, store, sid)["chapters"]
    assert [(c["start_ms"], c["end_ms"], c["title"]) for c in chapters] == [
        (0, 3_000, "Photosynthesis, week 3")
    ]


def test_a_class_without_a_recording_gets_no_run(api: ApiClient, engine: sa.Engine) -> None:
    host, _, _, sid = world.live_class(api, interactions=False)
    ended = world.end(api, host, sid)
    assert ended["replay_status"] == "none"
    assert world.runs_of(engine, sid) == []
    refused = api.request("POST", "/internal/artifacts/runs", host, json={"session_id": sid})
    assert refused.status_code == 409
    assert refused.json()["type"] == "no-recording"


def test_runs_are_refused_while_one_is_unfinished_or_the_class_is_live(
    api: ApiClient, engine: sa.Engine, store: ObjectStore
) -> None:
    """No worker here: the queued run stays queued."""
    host, student, _, sid = world.live_class(api, interactions=False)
    world.add_recording(engine, store, sid, world.spoken_wav(), started_at=dt_now())
    live = api.request("POST", "/internal/artifacts/runs", host, json={"session_id": sid})
    assert (live.status_code, live.json()["type"]) == (409, "session-not-ended")
    world.end(api, host, sid)
    queued = world.runs_of(engine, sid)[-1]
    assert queued["status"] == "queued"
    again = api.request("POST", "/internal/artifacts/runs", host, json={"session_id": sid})
    assert again.status_code == 409
    assert again.json()["type"] == "run-in-progress"
    assert again.json()["run_id"] == str(queued["id"])
    read = api.request("GET", f"/internal/artifacts/runs/{queued['id']}", host).json()
    assert [s["name"] for s in read["steps"]] == ["extract", "transcribe", "align", "derive"]
    not_failed = api.request("POST", f"/internal/artifacts/runs/{queued['id']}/retry", host)
    assert (not_failed.status_code, not_failed.json()["type"]) == (409, "run-not-failed")
    # Students watch replays; they do not run the pipeline.
    assert (
        api.request("GET", f"/internal/artifacts/runs/{queued['id']}", student).status_code == 403
    )
    outsider = api.signup("Outsider")
    assert (
        api.request("GET", f"/internal/artifacts/runs/{queued['id']}", outsider).status_code == 404
    )


def dt_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)
