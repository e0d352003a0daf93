"""A session's LiveKit room, for the synchronous request handlers of the lifecycle.

Each call opens a `media.rooms.MediaRooms` on the api's event loop (handlers run in
worker threads) and turns the media boundary's errors into a `MediaStatus`: a class goes
on without live media rather than failing.
"""

from __future__ import annotations

import anyio.from_thread
import structlog

from multistream.media.errors import MediaDisabled, MediaError, MediaNotFound, MediaUnavailable
from multistream.media.rooms import MediaRooms
from multistream.sessions.models import MediaStatus
from multistream.settings import Settings

log = structlog.get_logger(__name__)

EMPTY_ROOM_TIMEOUT_SECONDS = 600


def ensure_room(settings: Settings, room: str) -> MediaStatus:
    async def create() -> None:
        async with MediaRooms(settings) as rooms:
            await rooms.ensure_room(room, empty_timeout=EMPTY_ROOM_TIMEOUT_SECONDS)

    try:
        anyio.from_thread.run(create)
    except MediaDisabled:
        return MediaStatus.disabled
    except (MediaUnavailable, MediaError) as exc:
        log.warning("media server unavailable; the class runs without it", error=str(exc))
        return MediaStatus.degraded
    return MediaStatus.ok


def close_room(settings: Settings, room: str) -> None:
    """Close the room, best effort: LiveKit also closes an empty room by itself."""

    async def close() -> None:
        async with MediaRooms(settings) as rooms:
            await rooms.close_room(room)

    try:
        anyio.from_thread.run(close)
    except MediaError as exc:
        log.warning("could not close the room", room=room, error=str(exc))


def set_publish(settings: Settings, room: str, identity: str, can_publish: bool) -> bool:
    """Let a participant in `room` publish, or stop them (their tracks are unpublished).

    Best effort: True when LiveKit applied it; False when the participant is not in the
    room (their next join token carries the grant) or LiveKit could not be reached (a
    warning is logged). The event log, not LiveKit, says who is on stage.
    """

    async def update() -> None:
        async with MediaRooms(settings) as rooms:
            await rooms.set_publish(room, identity, can_publish)

    try:
        anyio.from_thread.run(update)
    except (MediaNotFound, MediaDisabled):
        return False
    except MediaError as exc:
        log.warning(
            "could not change a publish permission; the next join token carries it",
            room=room,
            identity=identity,
            can_publish=can_publish,
            error=str(exc),
        )
        return False
    return True
