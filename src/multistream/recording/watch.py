"""Classes that are not being recorded are a visible fact, never silence.

A loop started with the api (every `session_watch_interval_seconds`):

- a live class whose participant recording nobody has held for `recorder_claim_timeout_seconds`
  (no recorder was free, or the one recording it stopped renewing its lease and none took
  over) gets `recording.failed` (staff: the studio's health strip shows it) and counts in
  `multistream_recordings_unrecorded_total`, once per such stretch; a recorder that frees up
  later still claims it and records the rest (`recording.started`/`recording.resumed`);
- a class that ended while its recording still waited for a recorder gets its recording
  failed with the reason, so its replay says why there is nothing to watch.

Every api process runs it; rows are taken with `SKIP LOCKED` and reported once.
"""

from __future__ import annotations

import anyio.to_thread
import structlog
from sqlalchemy.orm import Session, sessionmaker

from multistream.db.engine import transaction
from multistream.ops.metrics import RECORDINGS_FAILED, RECORDINGS_UNRECORDED
from multistream.ops.periodic import Periodic
from multistream.recording import service as recordings
from multistream.settings import Settings

log = structlog.get_logger(__name__)

NEVER_RECORDED = "No recorder was free while the class was live, so nothing was recorded."


def check(db: Session, *, settings: Settings) -> list[str]:
    """Report what is unrecorded now; the codes reported."""
    reported = []
    for recording, code in recordings.unrecorded(
        db, claim_timeout_seconds=settings.recorder_claim_timeout_seconds
    ):
        recordings.alert(db, recording=recording, code=code, reason=recordings.REASONS[code])
        RECORDINGS_UNRECORDED.labels(code=code).inc()
        log.warning(
            "class not being recorded",
            session_id=str(recording.session_id),
            recording_id=str(recording.id),
            code=code,
        )
        reported.append(code)
    for recording in recordings.never_recorded(
        db, claim_timeout_seconds=settings.recorder_claim_timeout_seconds
    ):
        recordings.failed(db, recording_id=recording.id, reason=NEVER_RECORDED)
        RECORDINGS_FAILED.labels(stage="never_recorded").inc()
        reported.append("never_recorded")
    return reported


class RecorderWatch:
    def __init__(self, settings: Settings, factory: sessionmaker[Session]) -> None:
        self._settings = settings
        self._factory = factory
        self._loop = Periodic(
            "recorder-watch",
            lambda: anyio.to_thread.run_sync(self.check_once),
            interval=settings.session_watch_interval_seconds,
        )

    def start(self) -> None:
        if self._settings.media_configured:
            self._loop.start()

    async def stop(self) -> None:
        await self._loop.stop()

    def check_once(self) -> list[str]:
        with transaction(self._factory) as db:
            return check(db, settings=self._settings)
