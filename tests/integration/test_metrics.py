"""The metrics of issue 20 (docs/ops/metrics.md), each driven through its real code path and
read back from the registry (the api runs in this process) or a process's /metrics."""

from __future__ import annotations

import datetime as dt
import json
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from prometheus_client import REGISTRY
from redis import Redis

from multistream.db.engine import make_engine, make_sessionmaker, transaction
from multistream.devtools.processes import Recorder, Worker
from multistream.eventlog import publisher
from multistream.ops.metrics import BacklogCollector
from multistream.pipeline import bookkeeping
from multistream.pipeline.models import (
    PipelineRun,
    PipelineRunStatus,
    PipelineStep,
    PipelineStepName,
    PipelineStepStatus,
    PipelineTrigger,
)
from multistream.pipeline.worker import WorkerResources
from multistream.settings import Settings
from multistream.storage import make_object_store
from tests.apiclient import ApiClient
from tests.throwaway import LiveServer, free_port
from tests.webhooks import deliver

START = dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.UTC)


def sample(name: str, **labels: str) -> float:
    return REGISTRY.get_sample_value(name, labels) or 0.0


def scrape(url: str) -> str:
    response = httpx.get(url, timeout=10)
    assert response.status_code == 200
    return response.text


def new_class(api: ApiClient) -> str:
    host = api.signup("Host")
    course = api.create_course(host)
    body = {
        "title": "Metrics",
        "scheduled_start": START.isoformat(),
        "scheduled_end": (START + dt.timedelta(hours=1)).isoformat(),
    }
    response = api.request("POST", f"/api/v1/courses/{course['id']}/sessions", host, json=body)
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


def test_webhooks_are_counted_by_source_and_outcome(api: ApiClient, api_settings: Settings) -> None:
    def livekit(outcome: str) -> float:
        return sample("multistream_webhooks_total", source="livekit", outcome=outcome)

    before = {outcome: livekit(outcome) for outcome in ("accepted", "duplicate", "rejected")}
    event = {"event": "room_started", "id": f"EV_{uuid.uuid4().hex}", "room": {"name": "none"}}
    assert deliver(api, api_settings, event).status_code == 200
    assert deliver(api, api_settings, event).json()["status"] == "duplicate"
    refused = api.http.post(
        "/webhooks/livekit", content=json.dumps(event), headers={"Authorization": "forged"}
    )
    assert refused.status_code == 401
    assert {outcome: livekit(outcome) - before[outcome] for outcome in before} == {
        "accepted": 1,
        "duplicate": 1,
        "rejected": 1,
    }


@pytest.fixture(scope="module")
def resources(api_settings: Settings) -> Iterator[WorkerResources]:
    engine = make_engine(api_settings, pool_size=2)
    sessions = make_sessionmaker(engine)
    redis = Redis.from_url(api_settings.redis_url, socket_connect_timeout=1, socket_timeout=2)
    publisher.install(sessions, redis)
    yield WorkerResources(api_settings, sessions, make_object_store(api_settings))
    redis.close()
    engine.dispose()


def _pipeline_samples() -> dict[str, float]:
    status_changed = "replay.status_changed"
    return {
        "succeeded": sample(
            "multistream_pipeline_steps_total", step="extract", outcome="succeeded"
        ),
        "failed": sample("multistream_pipeline_steps_total", step="transcribe", outcome="failed"),
        "timed": sample("multistream_pipeline_step_duration_seconds_count", step="extract"),
        "appended": sample("multistream_events_appended_total", type=status_changed),
        "published": sample(
            "multistream_events_published_total", type=status_changed, outcome="published"
        ),
    }


def _succeed_then_roll_back(step: bookkeeping.Step) -> None:
    with step.transaction() as db:
        bookkeeping.succeed(db, step, {})
        raise RuntimeError("rolled back: not counted")


def test_pipeline_steps_and_the_events_they_log_are_counted(
    api: ApiClient, resources: WorkerResources
) -> None:
    session_id = uuid.UUID(new_class(api))
    run_id = uuid.uuid4()
    with transaction(resources.sessions) as db:
        db.add(
            PipelineRun(
                id=run_id,
                session_id=session_id,
                status=PipelineRunStatus.queued,
                trigger=PipelineTrigger.manual,
            )
        )
        db.flush()
        db.add_all(
            PipelineStep(run_id=run_id, name=name, status=PipelineStepStatus.pending)
            for name in PipelineStepName
        )
    extract, transcribe = PipelineStepName.extract, PipelineStepName.transcribe
    before = _pipeline_samples()

    step = bookkeeping.begin(resources, run_id, extract)
    assert step is not None
    with pytest.raises(RuntimeError):
        _succeed_then_roll_back(step)
    with step.transaction() as db:
        bookkeeping.succeed(db, step, {})
    assert bookkeeping.begin(resources, run_id, transcribe) is not None
    bookkeeping.fail(resources, run_id, transcribe, "no speech")

    after = _pipeline_samples()
    change = {key: after[key] - before[key] for key in before}
    assert (change["succeeded"], change["failed"], change["timed"]) == (1, 1, 1)
    # The replay's status changes (to processing, then failed), appended and published.
    assert change["appended"] == change["published"] >= 2


def test_the_api_reads_queue_lengths_and_the_oldest_run_at_scrape_time(
    api_settings: Settings,
) -> None:
    queue = f"multistream-metrics-{uuid.uuid4().hex[:8]}"
    redis = Redis.from_url(api_settings.redis_url)
    redis.lpush(queue, "a", "b", "c")
    redis.lpush(f"{queue}\x06\x169", "d")  # kombu's list for priority 9
    try:
        with LiveServer(api_settings.model_copy(update={"celery_queue": queue})) as server:
            text = scrape(f"{server.url}/metrics")
    finally:
        redis.delete(queue, f"{queue}\x06\x169")
        redis.close()
    assert f'multistream_celery_queue_length{{queue="{queue}"}} 4.0' in text
    assert "multistream_pipeline_oldest_unfinished_run_seconds " in text
    assert "multistream_ws_connections " in text  # one series, no session label


def test_backlog_metrics_are_left_out_while_their_source_is_down() -> None:
    def down(*_: object) -> int:
        with Redis(port=free_port(), socket_connect_timeout=0.5) as redis:
            return int(redis.llen("celery"))

    collector = BacklogCollector(down, ["celery"], lambda: time.time() - 60)
    families = {family.name: family for family in collector.collect()}
    assert "multistream_celery_queue_length" not in families
    (oldest,) = families["multistream_pipeline_oldest_unfinished_run_seconds"].samples
    assert 59 < oldest.value < 120


def test_the_worker_serves_the_metrics_of_its_pool(api_settings: Settings, tmp_path: Path) -> None:
    port = free_port()
    settings = api_settings.model_copy(update={"worker_metrics_port": port})
    with Worker(settings, tmp_path / "worker.log", concurrency=2):
        text = scrape(f"http://127.0.0.1:{port}/metrics")
    assert "process_start_time_seconds " in text
    # Summed from the processes' files (multiprocess mode), not the serving process's memory.
    assert "multistream_ws_slow_client_disconnects_total 0.0" in text


def test_the_recorder_serves_its_capacity_and_classes(
    api_settings: Settings, own_database_url: str, tmp_path: Path
) -> None:
    port = free_port()
    settings = api_settings.model_copy(
        update={"recorder_metrics_port": port, "database_url": own_database_url}
    )
    with Recorder(settings, tmp_path / "recorder.log", concurrency=3) as recorder:
        deadline = time.monotonic() + 30
        while True:
            try:
                text = scrape(f"http://127.0.0.1:{port}/metrics")
                if 'multistream_recorder_classes{state="recording"}' in text:
                    break
            except httpx.TransportError:
                pass
            assert time.monotonic() < deadline, recorder.log()
            time.sleep(0.2)
    assert "multistream_recorder_capacity 3.0" in text
    assert 'multistream_recorder_classes{state="recording"} 0.0' in text
    assert 'multistream_recorder_classes{state="uploading"} 0.0' in text
    assert "process_start_time_seconds " in text
