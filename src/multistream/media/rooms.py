"""LiveKit rooms of live sessions, through LiveKit's server API.

`MediaRooms` wraps `livekit.api.LiveKitAPI` with the few operations a session needs:
make sure its room exists, list who is in it, bring a participant on or off stage, and
close it. Every failure comes out as a `MediaError` (see `media.errors`): a caller that
gets `MediaUnavailable` carries on without live media.

When live media is disabled in the settings, every method raises `MediaDisabled` (a
`MediaUnavailable`) before touching the network, so callers need one code path: the one
that degrades. Ours is raising rather than a silent no-op variant because a no-op would
answer "no participants" and "room ready" for a room that does not exist.

One instance holds one HTTP client session, bound to the event loop that first used it:
create one per loop and `aclose` it (or use it as an async context manager).
"""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import Awaitable
from typing import TypeVar

import aiohttp
from livekit import api as livekit_api

from multistream.media.errors import (
    MediaDisabled,
    MediaNotFound,
    MediaRequestFailed,
    MediaUnavailable,
)
from multistream.media.schemas import MediaParticipant, MediaRoom
from multistream.settings import Settings

T = TypeVar("T")


def _http_url(livekit_url: str) -> str:
    """LiveKit's server API listens on the same address as its WebSocket, over HTTP."""
    if livekit_url.startswith("ws://"):
        return "http://" + livekit_url.removeprefix("ws://")
    if livekit_url.startswith("wss://"):
        return "https://" + livekit_url.removeprefix("wss://")
    return livekit_url


class MediaRooms:
    """The rooms of a LiveKit server, as the settings name it."""

    def __init__(self, settings: Settings, *, timeout_seconds: float | None = None) -> None:
        """`timeout_seconds` bounds each request (default: the readiness timeout)."""
        self._settings = settings
        self.timeout_seconds = timeout_seconds or settings.readiness_timeout_seconds
        self._client: livekit_api.LiveKitAPI | None = None

    @property
    def enabled(self) -> bool:
        return self._settings.media_configured

    async def __aenter__(self) -> MediaRooms:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        if self._client is not None:
            client, self._client = self._client, None
            await client.aclose()

    async def ensure_room(
        self, name: str, *, empty_timeout: int, max_participants: int | None = None
    ) -> MediaRoom:
        """Create room `name`, or return it as it is when it exists already.

        LiveKit's CreateRoom is create-or-get: an existing room keeps the
        `empty_timeout` and `max_participants` it was created with.
        """
        request = livekit_api.CreateRoomRequest(
            name=name, empty_timeout=empty_timeout, max_participants=max_participants or 0
        )
        room = await self._call(f"create room {name!r}", self._api().room.create_room(request))
        return MediaRoom.from_proto(room)

    async def close_room(self, name: str) -> bool:
        """Delete room `name`, disconnecting everyone; False when it did not exist."""
        request = livekit_api.DeleteRoomRequest(room=name)
        try:
            await self._call(f"delete room {name!r}", self._api().room.delete_room(request))
        except MediaNotFound:
            return False
        return True

    async def list_participants(self, room: str) -> list[MediaParticipant]:
        """Who is in `room` now, with their tracks; empty when the room does not exist."""
        request = livekit_api.ListParticipantsRequest(room=room)
        response = await self._call(
            f"list the participants of room {room!r}",
            self._api().room.list_participants(request),
        )
        return [MediaParticipant.from_proto(p) for p in response.participants]

    async def set_publish(self, room: str, identity: str, can_publish: bool) -> MediaParticipant:
        """Let participant `identity` publish audio and video in `room`, or stop them.

        This sets the participant's whole permission set to what our join tokens grant,
        with `can_publish` as given. Revoking makes LiveKit unpublish the participant's
        tracks at once (the server removes every track its new permission forbids);
        should a track still be listed afterwards, it is muted from the server so no
        media flows. Raises `MediaNotFound` when the participant is not in the room.
        """
        action = f"set can_publish={can_publish} for {identity!r} in room {room!r}"
        # The grants of `mint_join_token`: subscribe, and nothing on the data channel.
        permission = livekit_api.ParticipantPermission(
            can_publish=can_publish, can_subscribe=True, can_publish_data=False
        )
        request = livekit_api.UpdateParticipantRequest(
            room=room, identity=identity, permission=permission
        )
        info = await self._call(action, self._api().room.update_participant(request))
        participant = MediaParticipant.from_proto(info)
        if not can_publish and participant.tracks:
            for track in participant.tracks:
                mute = livekit_api.MuteRoomTrackRequest(
                    room=room, identity=identity, track_sid=track.sid, muted=True
                )
                await self._call(
                    f"mute track {track.sid} of {identity!r}",
                    self._api().room.mute_published_track(mute),
                )
            participant = dataclasses.replace(
                participant,
                tracks=tuple(dataclasses.replace(t, muted=True) for t in participant.tracks),
            )
        return participant

    async def start_audio_egress(self, room: str, *, filepath: str) -> str:
        """Record `room`'s audio with LiveKit Egress into our bucket at `filepath` (an Ogg
        file); returns the egress id. Needs LiveKit's egress service."""
        settings = self._settings
        upload = livekit_api.S3Upload(
            access_key=settings.s3_access_key_id,
            secret=settings.s3_secret_access_key.get_secret_value(),
            region=settings.s3_region,
            endpoint=settings.s3_endpoint_url,
            bucket=settings.s3_bucket,
            force_path_style=True,
        )
        request = livekit_api.RoomCompositeEgressRequest(
            room_name=room,
            audio_only=True,
            file_outputs=[
                livekit_api.EncodedFileOutput(
                    file_type=livekit_api.EncodedFileType.OGG, filepath=filepath, s3=upload
                )
            ],
        )
        info = await self._call(
            f"start recording room {room!r}",
            self._api().egress.start_room_composite_egress(request),
        )
        return str(info.egress_id)

    def _api(self) -> livekit_api.LiveKitAPI:
        if not self.enabled:
            raise MediaDisabled()
        if self._client is None:
            self._client = livekit_api.LiveKitAPI(
                _http_url(self._settings.livekit_url),
                self._settings.livekit_api_key,
                self._settings.livekit_api_secret.get_secret_value(),
                timeout=aiohttp.ClientTimeout(total=self.timeout_seconds),
                # Failover only concerns LiveKit Cloud; a self-hosted server has one address.
                failover=False,
            )
        return self._client

    async def _call(self, action: str, request: Awaitable[T]) -> T:
        """Await one server API request, turning its failures into `MediaError`s.

        Callers build `request` with `self._api()`, which raises `MediaDisabled` before
        any request exists.
        """
        try:
            # livekit-api 1.2.2 passes `timeout=None` on every request, which aiohttp reads
            # as "no timeout": the session's ClientTimeout is ignored, so bound it here.
            async with asyncio.timeout(self.timeout_seconds):
                return await request
        except (aiohttp.ClientError, TimeoutError) as exc:
            detail = str(exc) or f"no answer within {self.timeout_seconds:g}s"
            raise MediaUnavailable(
                f"LiveKit at {self._settings.livekit_url} is unavailable; could not {action}: "
                f"{type(exc).__name__}: {detail}"
            ) from exc
        except livekit_api.ServerError as exc:
            if exc.status >= 500 or exc.code == livekit_api.ServerErrorCode.UNAVAILABLE:
                raise MediaUnavailable(
                    f"LiveKit at {self._settings.livekit_url} failed to {action}: {exc}"
                ) from exc
            error = MediaNotFound if exc.code == livekit_api.ServerErrorCode.NOT_FOUND else None
            raise (error or MediaRequestFailed)(
                action, code=exc.code, message=exc.message, status=exc.status
            ) from exc
