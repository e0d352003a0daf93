"""The `Recorder` boundary: who records a class, chosen by `settings.recorder`.

- `participant` (default): the worker task `multistream.recording.record_session` joins
  the room as a hidden participant and uploads a WAV file when the class ends.
- `egress`: LiveKit Egress records the room's audio straight into the bucket; the
  `egress_started`/`egress_ended` webhooks complete the recording row. It needs LiveKit's
  egress service, which a development install does not run.

`start` is called after the request that took the class live has committed.
"""

from __future__ import annotations

import datetime as dt

import anyio
import structlog
from sqlalchemy.orm import Session, sessionmaker

from multistream.db.engine import transaction
from multistream.media.errors import MediaError
from multistream.media.models import Recording, RecordingProvider
from multistream.media.rooms import MediaRooms
from multistream.recording import service as recordings
from multistream.settings import Settings

log = structlog.get_logger(__name__)


async def start(settings: Settings, sessions: sessionmaker[Session], recording: Recording) -> None:
    if recording.provider is RecordingProvider.egress:
        await _start_egress(settings, sessions, recording)
        return
    try:
        await anyio.to_thread.run_sync(send_recorder, settings, recording)
    except Exception as exc:  # the broker is down: the class goes on, unrecorded
        log.warning("recorder not started", recording_id=str(recording.id), error=str(exc))
        await anyio.to_thread.run_sync(
            _fail, sessions, recording, "The recorder could not be started (task queue down)."
        )


def send_recorder(settings: Settings, recording: Recording) -> None:
    """Queue the participant recorder on the broker and recorder queue that `settings`
    name (the api's, not whatever this process was started with)."""
    from multistream.pipeline.celery_app import celery_app
    from multistream.recording.tasks import TASK_NAME

    with celery_app.connection_for_write(settings.redis_url, connect_timeout=3) as connection:
        celery_app.send_task(
            TASK_NAME,
            args=(str(recording.id),),
            queue=settings.recorder_queue,
            connection=connection,
            retry=True,
            retry_policy={"max_retries": 2, "interval_start": 0.2, "interval_step": 0.5},
        )


async def _start_egress(
    settings: Settings, sessions: sessionmaker[Session], recording: Recording
) -> None:
    key = recordings.recording_key(recording, "ogg")
    try:
        async with MediaRooms(settings) as rooms:
            egress_id = await rooms.start_audio_egress(
                f"session-{recording.session_id}", filepath=key
            )
    except MediaError as exc:
        log.warning("egress not started", recording_id=str(recording.id), error=str(exc))
        await anyio.to_thread.run_sync(
            _fail, sessions, recording, f"LiveKit Egress could not start: {exc}"
        )
        return
    await anyio.to_thread.run_sync(_egress_started, sessions, recording, egress_id, key)


def _egress_started(
    sessions: sessionmaker[Session], recording: Recording, egress_id: str, key: str
) -> None:
    with transaction(sessions) as db:
        row = db.get(Recording, recording.id)
        if row is not None:
            row.external_id = egress_id
            row.storage_key = key
        recordings.started(db, recording_id=recording.id, at=dt.datetime.now(dt.UTC))


def _fail(sessions: sessionmaker[Session], recording: Recording, reason: str) -> None:
    with transaction(sessions) as db:
        recordings.failed(db, recording_id=recording.id, reason=reason)
