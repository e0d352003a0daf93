"""One class recorded by a recorder process (`recording.runner`): its stints, its uploads
and, once the class is over, its assembly.

```
┌─► stint: engine.run(room) ── on_started ─► recording.started / .resumed {gap}
│            │ program feed: scene, slide, stage from the log ─► engine.set_*
│            └ on_segment ─► upload thread ─► storage + recording_segments row
└── engine error while the class is live: a new stint after a pause
class over ─► recording.uploading ─► assemble segments ─► storage ─► recording.stopped
              (ready) ─► the pipeline is queued ─► lease released
```

The engine calls `on_started` and `on_segment` from its own threads; segments are stored
on the runner's upload threads, and database calls run in threads, so the receive path
never waits on them.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import datetime as dt
import tempfile
import uuid
from pathlib import Path
from typing import TYPE_CHECKING

import structlog
from sqlalchemy.orm import Session

from multistream.db.engine import transaction
from multistream.ops.metrics import RECORDINGS_FAILED
from multistream.pipeline import runs as pipeline_runs
from multistream.recording import finalize, program_feed
from multistream.recording import service as recordings
from multistream.recording.engine import CaptureEngine, EngineCallbacks, SegmentFile
from multistream.recording.models import Recording, RecordingStatus
from multistream.recording.participant import recorder_token
from multistream.sessions.models import LiveSession, SessionStatus
from multistream.studio.models import SlidePage

if TYPE_CHECKING:
    from multistream.recording.runner import Runner

log = structlog.get_logger(__name__)

RETRY_PAUSE_SECONDS = 3.0


async def sleep_unless(event: asyncio.Event, seconds: float) -> None:
    """Sleep `seconds`, or less if `event` is set meanwhile."""
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(event.wait(), seconds)


class Job:
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
                await sleep_unless(self.stop, RETRY_PAUSE_SECONDS)
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
        """Tell the engine what the class shows (`recording.program_feed`), from the
        studio's state and then from the log, each change at its moment; stop the stint
        when the class is over or the job must stop."""
        after, people = await self.runner.db(
            lambda db: program_feed.snapshot(db, session_id=self.session_id, engine=engine)
        )
        poll = self.runner.settings.recorder_poll_seconds
        while not stint_stop.is_set():
            await sleep_unless(stint_stop, poll)
            if self.stop.is_set():
                stint_stop.set()
                return

            def follow(db: Session, after: int = after) -> tuple[int, bool]:
                return program_feed.follow(
                    db, session_id=self.session_id, engine=engine, after=after, people=people
                )

            try:
                after, live = await self.runner.db(follow)
            except Exception as exc:  # the database away for a moment: keep recording
                log.warning("recorder could not read the class", error=str(exc))
                continue
            if not live:
                stint_stop.set()

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
            recordings.stored(db, recording_id=self.recording_id, file=stored)
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
