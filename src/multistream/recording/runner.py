"""`multistream recorder`: the participant recorder process. It claims live classes that
need a recorder (up to `recorder_capacity` at once), holds each with a lease it renews,
records it through a capture engine, stores each segment as soon as it is made, and when
the class is over puts the segments together into one file and stores it.

```
every recorder_poll_seconds:  renew leases (every lease/3) ── lost one? stop that class
                              claim while below capacity ───► _Job(recording) task
_Job:   ┌─► stint: engine.run(room) ── on_started ─► recording.started / .resumed {gap}
        │            │ program feed: scene, slide, stage from the log ─► engine.set_*
        │            └ on_segment ─► upload thread ─► storage + recording_segments row
        └── engine error while the class is live: a new stint after a pause
        class over ─► recording.uploading ─► assemble segments ─► storage ─► recording.stopped
                      (ready) ─► the pipeline is queued ─► lease released
```

A recorder that crashes loses at most the segment it was writing: its lease runs out, and
another recorder (or this one, restarted) claims the class within `recorder_lease_seconds`
and records on; `recording.resumed` logs the gap, and the assembly fills it with black and
silence so media time stays wall time from `recording.started`. On SIGTERM a recorder
stores what it has and releases its live classes at once, for another to take over.

The receive path never waits on the database or storage: engines call `on_segment` from
their own threads, uploads run on a small thread pool, and database calls run in threads.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import datetime as dt
import os
import socket
import tempfile
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import sqlalchemy as sa
import structlog
from sqlalchemy.orm import Session, sessionmaker

from multistream.auth.models import User
from multistream.db.engine import transaction
from multistream.eventlog.models import SessionEvent
from multistream.ops.metrics import RECORDINGS_FAILED
from multistream.pipeline import runs as pipeline_runs
from multistream.recording import finalize
from multistream.recording import service as recordings
from multistream.recording.engine import (
    CaptureEngine,
    EngineCallbacks,
    EngineFactory,
    SegmentFile,
    StagePerson,
)
from multistream.recording.models import Recording, RecordingStatus
from multistream.recording.participant import recorder_token
from multistream.sessions.models import LiveSession, SessionStatus
from multistream.settings import Settings
from multistream.storage import ObjectStore
from multistream.studio.models import Scene, SlidePage, StudioState

log = structlog.get_logger(__name__)

PROGRAM_TYPES = (
    "studio.scene_activated",
    "studio.deck_attached",
    "studio.slide_changed",
    "stage.invited",
    "stage.left",
)
RETRY_PAUSE_SECONDS = 3.0


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
        self.jobs: dict[uuid.UUID, _Job] = {}
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
                await _sleep_unless(self.shutting_down, self.settings.recorder_poll_seconds)
        finally:
            for job in self.jobs.values():
                job.stop.set()
            if self.jobs:
                await asyncio.gather(
                    *(job.task for job in self.jobs.values()), return_exceptions=True
                )
            self.uploads.shutdown(wait=True)
            log.info("recorder stopped", recorder=self.identity)

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
        job = _Job(self, recording_id, session_id)
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


async def _sleep_unless(event: asyncio.Event, seconds: float) -> None:
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(event.wait(), seconds)


class _Job:
    """One class recorded by this process: its stints, its uploads, its assembly."""

    def __init__(self, runner: Runner, recording_id: uuid.UUID, session_id: uuid.UUID) -> None:
        self.runner = runner
        self.recording_id = recording_id
        self.session_id = session_id
        self.stop = asyncio.Event()
        self.lost = False
        self.finishing = False
        self.pending: list[concurrent.futures.Future[None]] = []
        self.task: asyncio.Task[None]
        self.workdir = Path(tempfile.mkdtemp(prefix=f"multistream-recording-{recording_id}-"))

    async def run(self) -> None:
        try:
            await self._record()
            if self.lost:
                return
            if self.runner.shutting_down.is_set() and await self._class_live():
                # Shutting down mid-class: what is recorded is stored; another recorder
                # takes the class over as soon as the lease is released.
                await self._drain()
                await self.runner.db(
                    lambda db: recordings.release(
                        db, recording_id=self.recording_id, recorder_id=self.runner.identity
                    )
                )
                return
            self.finishing = True
            await self._drain()
            await self._finish()
        except Exception as exc:
            log.exception("recorder job failed", recording_id=str(self.recording_id))
            RECORDINGS_FAILED.labels(stage="recorder").inc()
            reason = f"The recorder could not store the class's recording: {exc}"

            def fail(db: Session) -> None:
                recordings.failed(db, recording_id=self.recording_id, reason=reason)

            await self.runner.db(fail)
        finally:
            for leftover in self.workdir.glob("*"):
                leftover.unlink(missing_ok=True)
            self.workdir.rmdir()

    # --- recording ---------------------------------------------------------------------------

    async def _class_live(self) -> bool:
        def live(db: Session) -> bool:
            row = db.get(LiveSession, self.session_id)
            return row is not None and row.status is SessionStatus.live

        return bool(await self.runner.db(live))

    async def _record(self) -> None:
        """Stints of recording while the class is live and the lease is ours."""
        settings = self.runner.settings
        while not (self.stop.is_set() or self.lost):
            status = await self.runner.db(self._status)
            if status is None or not status[0]:
                return  # the class is over (or gone): assemble what there is
            room = status[1]
            engine = self.runner.engine(
                settings,
                EngineCallbacks(
                    on_started=self._on_started,
                    on_segment=self._on_segment,
                    load_slide=self._load_slide,
                    workdir=self.workdir,
                ),
            )
            stint_stop = asyncio.Event()
            feed = asyncio.create_task(self._program(engine, stint_stop))
            token = recorder_token(settings, room=room, recording_id=str(self.recording_id))
            try:
                await engine.run(settings.livekit_url, token, stint_stop)
            except Exception as exc:
                log.warning(
                    "recording stint failed; trying again",
                    recording_id=str(self.recording_id),
                    error=str(exc),
                )
                stint_stop.set()
                await _sleep_unless(self.stop, RETRY_PAUSE_SECONDS)
                continue
            finally:
                stint_stop.set()
                await asyncio.gather(feed, return_exceptions=True)
            return

    def _status(self, db: Session) -> tuple[bool, str] | None:
        row = db.get(LiveSession, self.session_id)
        recording = db.get(Recording, self.recording_id)
        if row is None or recording is None:
            return None
        live = row.status is SessionStatus.live and recording.status in (
            RecordingStatus.starting,
            RecordingStatus.recording,
        )
        return live, row.livekit_room or f"session-{row.id}"

    async def _program(self, engine: CaptureEngine, stint_stop: asyncio.Event) -> None:
        """Tell the engine what the class shows, from the studio's state and then from the
        log, each change at its moment; stop the stint when the class is over or the job
        must stop."""
        after, people = await self.runner.db(lambda db: self._snapshot(db, engine))
        poll = self.runner.settings.recorder_poll_seconds
        while not stint_stop.is_set():
            await _sleep_unless(stint_stop, poll)
            if self.stop.is_set():
                stint_stop.set()
                return

            def follow(db: Session, after: int = after) -> tuple[int, bool]:
                return self._follow(db, engine, after, people)

            try:
                after, live = await self.runner.db(follow)
            except Exception as exc:  # the database away for a moment: keep recording
                log.warning("recorder could not read the class", error=str(exc))
                continue
            if not live:
                stint_stop.set()

    def _snapshot(self, db: Session, engine: CaptureEngine) -> tuple[int, dict[str, str]]:
        """What the class shows now, as the state the stint starts from (it holds from
        before the stint's first frame); the log's seq it is as of, and who is on stage."""
        row = db.get(LiveSession, self.session_id)
        assert row is not None
        studio = db.get(StudioState, self.session_id)
        since = row.started_at or dt.datetime.now(dt.UTC)
        people: dict[str, str] = {}
        if studio is not None:
            layout = None
            if studio.active_scene_id is not None:
                scene = db.get(Scene, studio.active_scene_id)
                layout = scene.layout.value if scene is not None else None
            engine.set_scene(since, layout)
            engine.set_slide(
                since, str(studio.deck_asset_id) if studio.deck_asset_id else None, studio.page_no
            )
            if studio.stage:
                names = dict(
                    db.execute(
                        sa.select(User.id, User.display_name).where(User.id.in_(studio.stage))
                    ).all()
                )
                people = {str(user_id): names.get(user_id, "") for user_id in studio.stage}
                engine.set_stage(since, [StagePerson(k, v) for k, v in people.items()])
        return row.last_seq, people

    def _follow(
        self, db: Session, engine: CaptureEngine, after: int, people: dict[str, str]
    ) -> tuple[int, bool]:
        row = db.get(LiveSession, self.session_id)
        if row is None:
            return after, False
        events = db.scalars(
            sa.select(SessionEvent)
            .where(
                SessionEvent.session_id == self.session_id,
                SessionEvent.seq > after,
                SessionEvent.type.in_(PROGRAM_TYPES),
            )
            .order_by(SessionEvent.seq)
        ).all()
        for event in events:
            payload, at = event.payload, event.occurred_at
            if event.type == "studio.scene_activated":
                layout = payload.get("layout")
                engine.set_scene(at, str(layout) if layout else None)
            elif event.type in ("studio.deck_attached", "studio.slide_changed"):
                engine.set_slide(at, str(payload["asset_id"]), int(payload["page_no"]))
            elif event.type == "stage.invited":
                people[str(payload["user_id"])] = str(payload.get("display_name") or "")
                engine.set_stage(at, [StagePerson(k, v) for k, v in people.items()])
            elif event.type == "stage.left":
                people.pop(str(payload["user_id"]), None)
                engine.set_stage(at, [StagePerson(k, v) for k, v in people.items()])
        return max(row.last_seq, after), row.status is SessionStatus.live

    def _load_slide(self, asset_id: str, page_no: int) -> bytes | None:
        """The deck page's image (called by the engine, off its receive path)."""
        try:
            with transaction(self.runner.factory) as db:
                page = db.get(SlidePage, (uuid.UUID(asset_id), page_no))
                key = page.image_key if page is not None else None
            return self.runner.store.get(key) if key else None
        except Exception as exc:  # a missing slide shows as a blank, never stops recording
            log.warning("slide image not loaded", asset_id=asset_id, page=page_no, error=str(exc))
            return None

    # --- callbacks from the engine's threads -------------------------------------------------

    def _on_started(self, at: dt.datetime) -> None:
        with transaction(self.runner.factory) as db:
            recordings.started(db, recording_id=self.recording_id, at=at)

    def _on_segment(self, segment: SegmentFile) -> None:
        self.pending.append(self.runner.uploads.submit(self._store_segment, segment))

    def _store_segment(self, segment: SegmentFile) -> None:
        key = recordings.segment_key(
            self.recording_id, self.session_id, _segment_number(segment), segment.extension
        )
        with segment.path.open("rb") as body:
            info = self.runner.store.put(key, body, content_type=segment.content_type)
        with transaction(self.runner.factory) as db:
            recordings.segment_stored(
                db,
                recording_id=self.recording_id,
                recorder_id=self.runner.identity,
                started_at=segment.started_at,
                duration_ms=segment.duration_ms,
                storage_key=key,
                size_bytes=info.size,
            )
        segment.path.unlink(missing_ok=True)

    async def _drain(self) -> None:
        """Wait for every segment handed over to be stored."""
        pending, self.pending = self.pending, []
        for future in pending:
            await asyncio.wrap_future(future)

    # --- the end ------------------------------------------------------------------------------

    async def _finish(self) -> None:
        await self.runner.db(lambda db: recordings.uploading(db, recording_id=self.recording_id))
        stored = await asyncio.to_thread(
            finalize.store_recording,
            self.runner.settings,
            self.runner.factory,
            self.runner.store,
            self.recording_id,
            self.workdir,
        )

        def done(db: Session) -> None:
            if stored is None:
                recordings.failed(
                    db,
                    recording_id=self.recording_id,
                    reason="Nothing was recorded: no recorder stored any part of the class.",
                )
                RECORDINGS_FAILED.labels(stage="assembly").inc()
                return
            recordings.stored(
                db,
                recording_id=self.recording_id,
                storage_key=stored.storage_key,
                mime=stored.mime,
                duration_ms=stored.duration_ms,
                size_bytes=stored.size_bytes,
                ended_at=stored.ended_at,
            )
            session = db.get(LiveSession, self.session_id)
            if session is not None:
                # The file is in: make the replay (a no-op when the class's end already did).
                pipeline_runs.ensure_queued(db, session=session)

        await self.runner.db(done)
        if stored is not None:
            try:
                await asyncio.to_thread(
                    finalize.delete_segments,
                    self.runner.factory,
                    self.runner.store,
                    self.recording_id,
                )
            except Exception as exc:  # leftovers cost storage, not correctness
                log.warning("recording segments not cleaned up", error=str(exc))
        log.info("recording stored", recording_id=str(self.recording_id))


def _segment_number(segment: SegmentFile) -> int:
    """A key-safe number for a segment file: its start in ms since the epoch (unique per
    recording, sortable), so two recorders never write the same key."""
    return int(segment.started_at.timestamp() * 1000)


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

    import multistream.db.models  # noqa: F401 - every table, so foreign keys resolve
    from multistream.db.engine import make_engine, make_sessionmaker
    from multistream.eventlog import publisher
    from multistream.ops.logging import configure_logging
    from multistream.storage import make_object_store

    configure_logging(level=settings.log_level, json=settings.log_json)
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
