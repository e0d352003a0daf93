"""Keep retrying the room of every live class whose media is degraded.

A class that went live while the media server did not answer runs without video; this
loop, started with the api, tries its room again every `media_retry_interval_seconds`
and, once the media server answers, logs `session.media_status: ok`, which tells every
client to connect its video.
"""

from __future__ import annotations

import uuid

import anyio.to_thread
import sqlalchemy as sa
import structlog
from sqlalchemy.orm import Session, sessionmaker

from multistream.db.engine import transaction
from multistream.eventlog import service as eventlog
from multistream.media.errors import MediaError
from multistream.media.rooms import MediaRooms
from multistream.ops.periodic import Periodic
from multistream.sessions import service as sessions
from multistream.sessions.models import LiveSession, MediaStatus, SessionStatus
from multistream.sessions.rooms import EMPTY_ROOM_TIMEOUT_SECONDS
from multistream.settings import Settings

log = structlog.get_logger(__name__)


class MediaWatch:
    def __init__(self, settings: Settings, factory: sessionmaker[Session]) -> None:
        self._settings = settings
        self._factory = factory
        self._loop = Periodic(
            "media-watch", self.check_once, interval=settings.media_retry_interval_seconds
        )

    def start(self) -> None:
        if self._settings.media_configured:
            self._loop.start()

    async def stop(self) -> None:
        await self._loop.stop()

    async def check_once(self) -> int:
        """Retry every degraded live class once; return how many recovered."""
        degraded = await anyio.to_thread.run_sync(self._degraded)
        if not degraded:
            return 0
        recovered = 0
        async with MediaRooms(self._settings) as rooms:
            for session_id, room in degraded:
                try:
                    await rooms.ensure_room(room, empty_timeout=EMPTY_ROOM_TIMEOUT_SECONDS)
                except MediaError:
                    continue
                await anyio.to_thread.run_sync(self._mark_ok, session_id)
                recovered += 1
        if recovered:
            log.info("media recovered", sessions=recovered)
        return recovered

    def _degraded(self) -> list[tuple[uuid.UUID, str]]:
        with transaction(self._factory) as db:
            rows = db.scalars(
                sa.select(LiveSession).where(
                    LiveSession.status == SessionStatus.live,
                    LiveSession.media_status == MediaStatus.degraded,
                )
            ).all()
            return [(row.id, sessions.room_name(row)) for row in rows]

    def _mark_ok(self, session_id: uuid.UUID) -> None:
        with transaction(self._factory) as db:
            row = eventlog.lock(db, session_id=session_id)
            if row is not None and row.status is SessionStatus.live:
                sessions.set_media_status(db, session=row, media=MediaStatus.ok)
