"""`multistream recorder`: the participant recorder process. It claims live classes that
need a recorder (up to `recorder_capacity` at once), holds each with a lease it renews,
and records each as a `recording.job.Job`: it stores each segment as soon as it is made,
and when the class is over puts the segments together into one file and stores it.

```
every recorder_poll_seconds:  renew leases (every lease/3) ── lost one? stop that class
                              claim while below capacity ───► Job(recording) task
```

A recorder that crashes loses at most the segment it was writing: its lease runs out, and
another recorder (or this one, restarted) claims the class within `recorder_lease_seconds`
and records on; `recording.resumed` logs the gap, and the assembly fills it with black and
silence so media time stays wall time from `recording.started`. On SIGTERM a recorder
stores what it has and releases its live classes at once, for another to take over.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import os
import socket
import uuid
from collections.abc import Callable
from typing import Any

import structlog
from sqlalchemy.orm import Session, sessionmaker

from multistream.db.engine import transaction
from multistream.ops.metrics import RECORDER_CAPACITY, RECORDER_CLASSES
from multistream.pipeline import runs as pipeline_runs
from multistream.recording import service as recordings
from multistream.recording.engine import EngineFactory
from multistream.recording.job import Job, sleep_unless
from multistream.settings import Settings
from multistream.storage import ObjectStore

log = structlog.get_logger(__name__)


def recorder_identity() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"


class Runner:
    """The claim-and-renew loop of one recorder process."""

    def __init__(
        self,
        settings: Settings,
        factory: sessionmaker[Session],
        store: ObjectStore,
        *,
        engine: EngineFactory,
        capacity: int | None = None,
        identity: str | None = None,
    ) -> None:
        self.settings = settings
        self.factory = factory
        self.store = store
        self.engine = engine
        self.capacity = capacity or settings.recorder_capacity
        self.identity = identity or recorder_identity()
        self.jobs: dict[uuid.UUID, Job] = {}
        self.uploads = concurrent.futures.ThreadPoolExecutor(
            max_workers=2, thread_name_prefix="recorder-upload"
        )
        self.shutting_down = asyncio.Event()

    async def db(self, work: Callable[[Session], Any]) -> Any:
        def run() -> Any:
            with transaction(self.factory) as db:
                return work(db)

        return await asyncio.to_thread(run)

    async def run(self) -> None:
        log.info("recorder ready", recorder=self.identity, capacity=self.capacity)
        RECORDER_CAPACITY.set(self.capacity)
        renew_every = self.settings.recorder_lease_seconds / 3
        renewed = 0.0
        loop = asyncio.get_running_loop()
        try:
            while not self.shutting_down.is_set():
                if loop.time() - renewed >= renew_every:
                    await self._renew()
                    renewed = loop.time()
                while len(self.jobs) < self.capacity and not self.shutting_down.is_set():
                    if not await self._claim():
                        break
                for recording_id in [r for r, job in self.jobs.items() if job.task.done()]:
                    del self.jobs[recording_id]
                self._count_classes()
                await sleep_unless(self.shutting_down, self.settings.recorder_poll_seconds)
        finally:
            for job in self.jobs.values():
                job.stop.set()
            if self.jobs:
                await asyncio.gather(
                    *(job.task for job in self.jobs.values()), return_exceptions=True
                )
            self.uploads.shutdown(wait=True)
            RECORDER_CLASSES.labels("recording").set(0)
            RECORDER_CLASSES.labels("uploading").set(0)
            log.info("recorder stopped", recorder=self.identity)

    def _count_classes(self) -> None:
        uploading = sum(1 for job in self.jobs.values() if job.finishing)
        RECORDER_CLASSES.labels("recording").set(len(self.jobs) - uploading)
        RECORDER_CLASSES.labels("uploading").set(uploading)

    async def _claim(self) -> bool:
        def claim(db: Session) -> tuple[uuid.UUID, uuid.UUID] | None:
            recording = recordings.claim(
                db,
                recorder_id=self.identity,
                lease_seconds=self.settings.recorder_lease_seconds,
                exclude=list(self.jobs),
            )
            return None if recording is None else (recording.id, recording.session_id)

        claimed = await self.db(claim)
        if claimed is None:
            return False
        recording_id, session_id = claimed
        job = Job(self, recording_id, session_id)
        self.jobs[recording_id] = job
        job.task = asyncio.create_task(job.run(), name=f"record-{recording_id}")
        log.info("recorder claimed a class", recording_id=str(recording_id))
        return True

    async def _renew(self) -> None:
        held = list(self.jobs)
        try:
            kept = await self.db(
                lambda db: recordings.renew(
                    db,
                    recorder_id=self.identity,
                    recording_ids=held,
                    lease_seconds=self.settings.recorder_lease_seconds,
                )
            )
        except Exception as exc:  # the database away for a moment: the lease may still hold
            log.warning("could not renew recorder leases", error=str(exc))
            return
        for recording_id in set(held) - kept:
            job = self.jobs.get(recording_id)
            if job is not None and not job.finishing:
                log.warning("recorder lost its lease", recording_id=str(recording_id))
                job.lost = True
                job.stop.set()


def engine_for(settings: Settings) -> EngineFactory:
    """The capture engine `recording_video` asks for."""
    if settings.recording_video:
        from multistream.recording.capture import program_engine

        return program_engine
    from multistream.recording.participant import AudioEngine

    return AudioEngine


def main(settings: Settings, *, capacity: int | None = None) -> None:
    """Run a recorder process until SIGTERM or SIGINT (then store what it has, release its
    live classes for another recorder, and finish the ones that are over)."""
    import signal

    from redis import Redis as SyncRedis

    import multistream.tables  # noqa: F401 - every table, so foreign keys resolve
    from multistream.db.engine import make_engine, make_sessionmaker
    from multistream.eventlog import publisher
    from multistream.ops.logging import configure_logging
    from multistream.ops.metrics import serve as serve_metrics
    from multistream.storage import make_object_store

    configure_logging(level=settings.log_level, json=settings.log_json)
    serve_metrics(settings.recorder_metrics_port, "recorder")
    capacity = capacity or settings.recorder_capacity
    factory = make_sessionmaker(make_engine(settings, pool_size=capacity * 2 + 2))
    # What the recorder logs reaches live clients after commit; replays it queues are sent.
    publisher.install(
        factory,
        SyncRedis.from_url(settings.redis_url, socket_connect_timeout=1, socket_timeout=2),
    )
    pipeline_runs.install(factory, settings)
    runner = Runner(
        settings,
        factory,
        make_object_store(settings),
        engine=engine_for(settings),
        capacity=capacity,
    )

    async def serve() -> None:
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(signum, runner.shutting_down.set)
        await runner.run()

    asyncio.run(serve())
