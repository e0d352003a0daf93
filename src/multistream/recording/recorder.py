"""The `Recorder` boundary: who records a class, chosen by `settings.recorder`.

- `participant` (default): a `multistream recorder` process claims the class's recording
  (a row in `starting`) within `recorder_poll_seconds`, joins the room as a hidden
  participant and stores the program as it records (`recording.runner`); nothing to send.
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
from multistream.media.rooms import MediaRooms
from multistream.recording import service as recordings
from multistream.recording.models import Recording, RecordingProvider
from multistream.settings import Settings

log = structlog.get_logger(__name__)


async def start(settings: Settings, sessions: sessionmaker[Session], recording: Recording) -> None:
    """Start the recording of a class that just went live (after the request committed)."""
    if recording.provider is RecordingProvider.egress:
        await _start_egress(settings, sessions, recording)
    # participant: a recorder process claims the `starting` row by itself.


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
