"""MediaRooms and join tokens against a real LiveKit server, with real WebRTC clients.

The clients are the `livekit` real-time SDK (`rtc.Room`), connecting over loopback to
the local server. What the server reports (`list_participants`) is the truth these tests
assert on; the client's own view is checked only where it is what a person would see.
"""

from __future__ import annotations

import asyncio
import socket
import time
import uuid
from collections.abc import Awaitable, Callable, Iterator
from pathlib import Path

import pytest
from livekit import rtc

from multistream.media.errors import MediaNotFound, MediaUnavailable
from multistream.media.rooms import MediaRooms
from multistream.media.schemas import MediaParticipant
from multistream.media.tokens import MediaRole, mint_join_token
from multistream.settings import Settings
from tests.throwaway import connection_overrides, throwaway_service

# A denied publish gets no answer from the server (it logs "no permission to publish
# track" and drops the request); the SDK gives up only after its own 10 s. Waiting this
# long for a publication that never comes is enough to tell, alongside the server's list.
DENIED_PUBLISH_WAIT_SECONDS = 2.0


@pytest.fixture
def room_name(settings: Settings) -> Iterator[str]:
    """A fresh room name; the room is closed after the test, whatever it did."""
    name = f"test-media-{uuid.uuid4().hex[:12]}"
    yield name

    async def close() -> None:
        async with MediaRooms(settings) as rooms:
            await rooms.close_room(name)

    asyncio.run(close())


async def _join(settings: Settings, room: str, role: MediaRole) -> tuple[str, rtc.Room]:
    """A new user joining `room` with `role`'s token: their identity and connected room."""
    identity = str(uuid.uuid4())
    token = mint_join_token(
        settings, room=room, user_id=identity, display_name=f"{role} {identity[:4]}", role=role
    )
    client = rtc.Room()
    await client.connect(settings.livekit_url, token)
    return identity, client


async def _publish_audio(client: rtc.Room) -> rtc.LocalTrackPublication:
    source = rtc.AudioSource(48000, 1)
    track = rtc.LocalAudioTrack.create_audio_track("microphone", source)
    options = rtc.TrackPublishOptions(source=rtc.TrackSource.SOURCE_MICROPHONE)
    return await client.local_participant.publish_track(track, options)


async def _participant(rooms: MediaRooms, room: str, identity: str) -> MediaParticipant:
    (participant,) = [p for p in await rooms.list_participants(room) if p.identity == identity]
    return participant


async def _eventually(check: Callable[[], Awaitable[bool]], *, timeout: float = 3.0) -> None:
    deadline = time.monotonic() + timeout
    while not await check():
        if time.monotonic() > deadline:
            raise AssertionError(f"not true within {timeout}s")
        await asyncio.sleep(0.05)


def test_ensure_room_and_close_room_are_idempotent(settings: Settings, room_name: str) -> None:
    async def scenario() -> None:
        async with MediaRooms(settings) as rooms:
            created = await rooms.ensure_room(room_name, empty_timeout=30, max_participants=10)
            assert created.name == room_name
            assert created.sid.startswith("RM_")
            assert (created.empty_timeout, created.max_participants) == (30, 10)
            assert created.num_participants == 0

            # Create-or-get: the existing room comes back unchanged.
            again = await rooms.ensure_room(room_name, empty_timeout=120)
            assert (again.sid, again.empty_timeout, again.max_participants) == (
                created.sid,
                30,
                10,
            )

            assert await rooms.close_room(room_name) is True
            assert await rooms.close_room(room_name) is False
            assert await rooms.list_participants(room_name) == []

            reopened = await rooms.ensure_room(room_name, empty_timeout=30)
            assert reopened.sid != created.sid
            assert reopened.max_participants is None

    asyncio.run(scenario())


def test_a_join_token_connects_and_the_server_lists_the_role(
    settings: Settings, room_name: str
) -> None:
    async def scenario() -> None:
        async with MediaRooms(settings) as rooms:
            await rooms.ensure_room(room_name, empty_timeout=30)
            host_identity, host = await _join(settings, room_name, "host")
            identity, client = await _join(settings, room_name, "participant")
            try:
                assert client.isconnected()
                assert client.name == room_name
                listed = {p.identity: p for p in await rooms.list_participants(room_name)}
                assert set(listed) == {host_identity, identity}
                participant = listed[identity]
                assert participant.role == "participant"
                assert participant.name == f"participant {identity[:4]}"
                assert participant.sid.startswith("PA_")
                assert participant.state in {"joined", "active"}
                assert participant.can_publish is False
                assert participant.joined_at is not None
                assert listed[host_identity].role == "host"
                assert listed[host_identity].can_publish is True
                # Data-channel publishing is off for everyone, hosts included.
                assert not client.local_participant.permissions.can_publish_data
                assert not host.local_participant.permissions.can_publish_data
            finally:
                await client.disconnect()
                await host.disconnect()

    asyncio.run(scenario())


def test_publishing_follows_the_stage(settings: Settings, room_name: str) -> None:
    async def scenario() -> None:
        async with MediaRooms(settings) as rooms:
            await rooms.ensure_room(room_name, empty_timeout=30)
            host_identity, host = await _join(settings, room_name, "host")
            identity, client = await _join(settings, room_name, "participant")
            granted = asyncio.Event()

            @client.on("participant_permissions_changed")
            def on_permissions(participant: rtc.Participant, _permission: object) -> None:
                if participant.permissions.can_publish:
                    granted.set()

            try:
                # A host publishes straight away.
                host_track = await _publish_audio(host)

                async def host_published() -> bool:
                    info = await _participant(rooms, room_name, host_identity)
                    return [(t.sid, t.kind, t.source) for t in info.tracks] == [
                        (host_track.sid, "audio", "microphone")
                    ]

                await _eventually(host_published)

                # A participant's publish gets no answer, and the server lists no track.
                with pytest.raises(TimeoutError):
                    await asyncio.wait_for(_publish_audio(client), DENIED_PUBLISH_WAIT_SECONDS)
                assert (await _participant(rooms, room_name, identity)).tracks == ()

                # On stage: the client is told, and its publish now succeeds.
                on_stage = await rooms.set_publish(room_name, identity, True)
                assert (on_stage.identity, on_stage.can_publish) == (identity, True)
                await asyncio.wait_for(granted.wait(), 3)
                publication = await _publish_audio(client)

                async def published() -> bool:
                    info = await _participant(rooms, room_name, identity)
                    return [t.sid for t in info.tracks] == [publication.sid]

                await _eventually(published)

                # Off stage: the server drops the track at once, and a new publish fails.
                off_stage = await rooms.set_publish(room_name, identity, False)
                assert off_stage.can_publish is False
                assert off_stage.tracks == ()
                info = await _participant(rooms, room_name, identity)
                assert (info.can_publish, info.tracks) == (False, ())
                with pytest.raises(TimeoutError):
                    await asyncio.wait_for(_publish_audio(client), DENIED_PUBLISH_WAIT_SECONDS)
                assert (await _participant(rooms, room_name, identity)).tracks == ()
                # The host's track is untouched.
                host_info = await _participant(rooms, room_name, host_identity)
                assert [t.sid for t in host_info.tracks] == [host_track.sid]
            finally:
                await client.disconnect()
                await host.disconnect()

    asyncio.run(scenario())


def test_set_publish_for_someone_not_in_the_room_is_not_found(
    settings: Settings, room_name: str
) -> None:
    async def scenario() -> None:
        async with MediaRooms(settings) as rooms:
            await rooms.ensure_room(room_name, empty_timeout=30)
            with pytest.raises(MediaNotFound) as raised:
                await rooms.set_publish(room_name, str(uuid.uuid4()), True)
            assert (raised.value.code, raised.value.status) == ("not_found", 404)

    asyncio.run(scenario())


def test_a_stopped_server_is_unavailable_within_the_timeout(
    settings: Settings, tmp_path: Path
) -> None:
    with throwaway_service("livekit", settings, tmp_path) as instance:
        server_settings = settings.model_copy(
            update=connection_overrides("livekit", instance.settings)
        )

        async def before() -> None:
            async with MediaRooms(server_settings) as rooms:
                await rooms.ensure_room("before-the-stop", empty_timeout=10)
                assert await rooms.close_room("before-the-stop") is True

        asyncio.run(before())
        instance.stop()

        async def after() -> float:
            async with MediaRooms(server_settings, timeout_seconds=1.0) as rooms:
                started = time.monotonic()
                with pytest.raises(MediaUnavailable, match="unavailable; could not create room"):
                    await rooms.ensure_room("after-the-stop", empty_timeout=10)
                return time.monotonic() - started

        assert asyncio.run(after()) < 1.0


def test_a_server_that_never_answers_times_out(settings: Settings) -> None:
    # A socket that listens but never reads: connections complete in the kernel's backlog
    # and then hear nothing, like a hung server.
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen(8)
        port = silent.getsockname()[1]
        hung = settings.model_copy(update={"livekit_url": f"ws://127.0.0.1:{port}"})

        async def scenario() -> float:
            async with MediaRooms(hung, timeout_seconds=0.5) as rooms:
                started = time.monotonic()
                with pytest.raises(MediaUnavailable, match=r"no answer within 0\.5s"):
                    await rooms.list_participants("any-room")
                return time.monotonic() - started

        elapsed = asyncio.run(scenario())
    assert 0.5 <= elapsed < 1.5
