"""Processes of the platform failing on their own: a live socket whose client stops
reading, and a Celery worker killed in the middle of a pipeline step."""

from __future__ import annotations

import itertools
import os
import signal
import socket
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from prometheus_client import REGISTRY
from sqlalchemy.orm import Session, sessionmaker

from multistream.devtools.processes import Worker
from multistream.eventlog.domain import NewEvent
from multistream.settings import Settings
from multistream.storage import ObjectStore, make_object_store
from tests import pipeline_world as world
from tests.apiclient import ApiClient
from tests.integration.failure_modes.scrape import Scrape, scrape
from tests.integration.test_realtime import (
    FAST,
    append,
    drain_until_closed,
    live,
    new_classroom,
    receive,
)
from tests.throwaway import LiveServer, free_port

pytestmark = pytest.mark.timeout(600)


@pytest.fixture(scope="module")
def api_settings(api_settings: Settings, own_database_url: str) -> Settings:
    """A database of this module's own: the api's oldest-unfinished-run gauge then sees only
    the runs of these tests."""
    return api_settings.model_copy(update={"database_url": own_database_url})


@pytest.fixture(scope="module")
def engine(api_settings: Settings) -> Iterator[sa.Engine]:
    engine = sa.create_engine(api_settings.database_url_sync)
    yield engine
    engine.dispose()


def slow_socket(port: int) -> socket.socket:
    """A TCP socket with a tiny receive buffer: a client on a very slow link."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    sock.connect(("127.0.0.1", port))
    return sock


def test_runbook_a_class_with_thousands_of_students__a_slow_socket_is_cut_off_and_others_go_on(
    api_settings: Settings, publishing: sessionmaker[Session]
) -> None:
    """docs/runbook.md#a-class-with-thousands-of-students: a client stops reading; once its
    send queue passes `MULTISTREAM_REALTIME_SEND_QUEUE_LIMIT` the gateway closes it with 4008,
    the other socket of the class is not delayed, and the cut-off client resumes from its
    last seq without a gap. The operator reads `multistream_ws_slow_client_disconnects_total`
    (`MultistreamSlowClientsDisconnected`)."""
    disconnects = "multistream_ws_slow_client_disconnects_total"
    blob = "x" * 32_000  # big events fill the slow client's TCP buffers quickly
    delays: list[float] = []
    settings = api_settings.model_copy(update={**FAST, "realtime_send_queue_limit": 8})
    with LiveServer(settings) as process:
        api = ApiClient(process.url)
        teacher, student, session_id = new_classroom(api)
        before = scrape(process.url)
        with live(process, session_id, teacher) as fast:
            receive(fast, until=1)
            slow_context = live(
                process, session_id, student, sock=slow_socket(process.port), max_queue=1
            )
            with slow_context as slow:
                receive(slow, until=1)
                # The slow client stops reading: the kernel's buffers fill (a few MB), then
                # its queue passes 8 and the gateway cuts it off. The fast one must not notice.
                seq = 1
                # (Read in this process while pushing, which is quicker than scraping.)
                while REGISTRY.get_sample_value(disconnects) == before(disconnects):
                    assert seq < 400, "the slow client was never cut off"
                    started = time.monotonic()
                    (seq,) = append(
                        publishing, session_id, NewEvent("test.big", {"n": seq, "blob": blob})
                    )
                    receive(fast, until=seq, timeout=2)
                    delays.append(time.monotonic() - started)
                for _ in range(3):  # the others go on as before
                    (seq,) = append(publishing, session_id, NewEvent("test.after_cut_off"))
                    receive(fast, until=seq, timeout=2)
                # Reading again, it drains what was in flight, then finds the 4008 close.
                got, code = drain_until_closed(slow)
            # It resumes from its last seq and gets exactly the rest.
            with live(process, session_id, student, after=got[-1]) as resumed:
                rest = [entry["seq"] for entry in receive(resumed, until=seq)]
        after = scrape(process.url)
        api.close()

    assert code == 4008
    assert got == list(range(2, 2 + len(got)))  # in order, no gaps, until cut off
    assert got[-1] < seq
    assert rest == list(range(got[-1] + 1, seq + 1))
    assert max(delays) < 1.5, delays  # the fast client never waited for the slow one
    assert after(disconnects) == before(disconnects) + 1


# --- the pipeline's worker ---------------------------------------------------------------


@pytest.fixture(scope="module")
def store(api_settings: Settings) -> ObjectStore:
    return make_object_store(api_settings)


def _worker(settings: Settings, logs: Path, name: str, *, concurrency: int = 2) -> Worker:
    port = free_port()
    return Worker(
        settings.model_copy(update={"worker_metrics_port": port}),
        logs / f"{name}-{uuid.uuid4().hex[:6]}.log",
        concurrency=concurrency,
    )


def _worker_metrics(worker: Worker) -> Scrape:
    return scrape(f"http://127.0.0.1:{worker.settings.worker_metrics_port}")


def test_runbook_a_worker_crash_looping__a_worker_killed_mid_step_its_step_runs_again_once(
    api: ApiClient,
    api_settings: Settings,
    engine: sa.Engine,
    store: ObjectStore,
    tmp_path: Path,
) -> None:
    """docs/runbook.md#a-worker-crash-looping: the worker (and its pool) is killed with
    SIGKILL while it transcribes a class's recording. The run waits — the operator sees it in
    `multistream_pipeline_oldest_unfinished_run_seconds` — until a new worker (a new
    `process_start_time_seconds`, what `MultistreamProcessRestarting` counts) takes the lost
    tasks back: the step runs again, the run succeeds without a duplicate row, and
    `multistream_pipeline_steps_total` counts the step once. (That a second run leaves the
    same rows is `test_pipeline`'s.)"""
    # A short visibility timeout, so the killed worker's tasks come back within the test.
    settings = world.pipeline_settings(api_settings, celery_visibility_timeout_seconds=6)
    recorded = world.recorded_class(api, engine, store)
    first = _worker(settings, tmp_path, "killed")
    first.start()
    try:
        killed_start = _worker_metrics(first)("process_start_time_seconds")
        world.end(api, recorded.host, recorded.session_id)
        (run,) = world.runs_of(engine, recorded.session_id)

        def transcribing() -> bool:
            step = world.steps_of(engine, run["id"])["transcribe"]
            return step["status"] == "running" and (step["output"] or {}).get("chunk_starts", 0) > 0

        world.wait_for(transcribing, timeout=120, what="a chunk to be transcribed")
        assert first.process is not None
        os.killpg(first.process.pid, signal.SIGKILL)  # the worker and its pool, mid-chunk
        first.process.wait(timeout=10)
    finally:
        first.stop()
    assert world.runs_of(engine, recorded.session_id)[-1]["status"] == "running"
    waiting = scrape(api.base_url)("multistream_pipeline_oldest_unfinished_run_seconds")
    time.sleep(7)  # past the visibility timeout: the next worker puts the lost tasks back
    chunks = len(world.steps_of(engine, run["id"])["transcribe"]["output"]["chunks"])
    # Enough processes for every chunk that may be waiting, and one to answer the ping.
    with _worker(settings, tmp_path, "replacement", concurrency=chunks + 1) as replacement:
        finished = world.finished_run(engine, recorded.session_id)
        counted = _worker_metrics(replacement)
    done = scrape(api.base_url)("multistream_pipeline_oldest_unfinished_run_seconds")

    assert finished["id"] == run["id"]
    assert finished["status"] == "succeeded", finished
    steps = world.steps_of(engine, run["id"])
    assert steps["transcribe"]["output"]["chunk_starts"] > chunks  # a chunk ran again
    assert steps["extract"]["attempts"] == 1  # finished before the kill: not run again
    _assert_one_row_each(world.snapshot(engine, store, recorded.session_id))
    assert waiting > 0
    assert done == 0
    assert counted("process_start_time_seconds") > killed_start
    counter = "multistream_pipeline_steps_total"
    assert counted(counter, step="transcribe", outcome="succeeded") == 1
    assert counted(counter, step="extract", outcome="succeeded") == 0
    assert sum(counted(counter, step=name, outcome="failed") for name in steps) == 0


def _assert_one_row_each(rows: dict[str, Any]) -> None:
    """What a chunk transcribed twice, or a step applied twice, would have doubled."""
    segments = rows["transcript_segments"]
    assert segments
    assert [s["idx"] for s in segments] == list(range(len(segments)))
    assert all(a["end_ms"] <= b["start_ms"] for a, b in itertools.pairwise(segments))
    assert len({s["text"] for s in segments}) == len(segments)
    assert [c["title"] for c in rows["chapters"]] == [title for title, _ in world.SLIDES]
    assert sorted(h["kind"] for h in rows["highlights"]) == ["poll", "question"]
    assert sorted(rows["objects"]) == ["audio", "captions_vtt", "summary", "transcript_json"]
