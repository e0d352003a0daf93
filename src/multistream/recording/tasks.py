"""`multistream.recording.record_session`: the participant recorder as a worker task.

The task runs for as long as the class: it joins the room hidden, writes the audio to a
temporary WAV file on a wall-clock timeline, and stops when the class is no longer live
(it looks every `recorder_poll_seconds`) or the room closes. Then it uploads the file and
marks the recording stored, which queues the artifact pipeline.

Unlike the pipeline's steps, this task is acknowledged when it starts: a redelivery an hour
later (the broker's visibility timeout) would start a second recorder in a class that may
long be over. A recorder whose worker dies loses the class's audio from that point; the
recording is marked failed by the next run of `recover_stale` (at worker start).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import tempfile
import threading
import uuid
from pathlib import Path

import structlog

from multistream.db.engine import transaction
from multistream.media.models import Recording, RecordingStatus
from multistream.pipeline import runs as pipeline_runs
from multistream.pipeline.celery_app import celery_app
from multistream.pipeline.worker import worker_resources
from multistream.recording import service as recordings
from multistream.recording.participant import RoomRecording, record_room, recorder_token
from multistream.sessions.models import LiveSession, SessionStatus

log = structlog.get_logger(__name__)

TASK_NAME = "multistream.recording.record_session"


@celery_app.task(name=TASK_NAME, acks_late=False, ignore_result=True)
def record_session(recording_id: str) -> str:
    """Record the class of `recording_id` until it ends; returns the recording's status."""
    return record(uuid.UUID(recording_id))


def record(recording_id: uuid.UUID) -> str:
    resources = worker_resources()
    settings = resources.settings
    with transaction(resources.sessions) as db:
        recording = db.get(Recording, recording_id)
        if recording is None or recording.status is not RecordingStatus.starting:
            return recording.status.value if recording else "missing"
        session = db.get(LiveSession, recording.session_id)
        assert session is not None
        if session.status is not SessionStatus.live:
            recordings.failed(
                db,
                recording_id=recording_id,
                reason="The class was over before a recorder was free to record it.",
            )
            return RecordingStatus.failed.value
        session_id, room = session.id, session.livekit_room or f"session-{session.id}"

    stop = asyncio.Event()
    loop_box: list[asyncio.AbstractEventLoop] = []
    finished = threading.Event()

    def watch() -> None:
        """Stop the recorder once the class is not live any more."""
        while not finished.wait(settings.recorder_poll_seconds):
            with transaction(resources.sessions) as db:
                status = db.get(LiveSession, session_id)
                live = status is not None and status.status is SessionStatus.live
            if not live and loop_box:
                loop_box[0].call_soon_threadsafe(stop.set)
                return

    def on_started(at: dt.datetime) -> None:
        with transaction(resources.sessions) as db:
            recordings.started(db, recording_id=recording_id, at=at)

    async def run(path: Path) -> RoomRecording:
        loop_box.append(asyncio.get_running_loop())
        return await record_room(
            url=settings.livekit_url,
            token=recorder_token(settings, room=room, recording_id=str(recording_id)),
            path=path,
            stop=stop,
            on_started=on_started,
        )

    watcher = threading.Thread(target=watch, name="recorder-watch", daemon=True)
    with tempfile.TemporaryDirectory(prefix="multistream-recording-") as folder:
        path = Path(folder) / "class.wav"
        watcher.start()
        try:
            result = asyncio.run(run(path))
        except Exception as exc:
            log.exception("recording failed", recording_id=str(recording_id))
            with transaction(resources.sessions) as db:
                recordings.failed(
                    db,
                    recording_id=recording_id,
                    reason=f"The recorder could not record the class: {exc}",
                )
            return RecordingStatus.failed.value
        finally:
            finished.set()
        with transaction(resources.sessions) as db:
            recording = db.get(Recording, recording_id)
            assert recording is not None
            key = recordings.recording_key(recording)
        with path.open("rb") as data:
            info = resources.store.put(key, data, content_type="audio/wav")
        with transaction(resources.sessions) as db:
            recordings.stored(
                db,
                recording_id=recording_id,
                storage_key=key,
                mime="audio/wav",
                duration_ms=result.duration_ms,
                size_bytes=info.size,
                ended_at=result.started_at + dt.timedelta(milliseconds=result.duration_ms),
            )
            session = db.get(LiveSession, session_id)
            if session is not None:
                # The file is in: make the replay (a no-op when the class's end already did).
                pipeline_runs.ensure_queued(db, session=session)
    log.info("recording stored", recording_id=str(recording_id), duration_ms=result.duration_ms)
    return RecordingStatus.ready.value
