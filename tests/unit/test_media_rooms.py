"""MediaRooms without a server: disabled media fails fast, before any request exists."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

import pytest

from multistream.media.errors import MediaDisabled, MediaUnavailable
from multistream.media.rooms import MediaRooms
from multistream.settings import Settings

Call = Callable[[MediaRooms], Awaitable[object]]

CALLS: dict[str, Call] = {
    "ensure_room": lambda rooms: rooms.ensure_room("room", empty_timeout=60),
    "close_room": lambda rooms: rooms.close_room("room"),
    "list_participants": lambda rooms: rooms.list_participants("room"),
    "set_publish": lambda rooms: rooms.set_publish("room", "user", True),
}


@pytest.mark.parametrize("method", sorted(CALLS))
def test_disabled_media_raises_media_disabled(settings: Settings, method: str) -> None:
    disabled = settings.model_copy(update={"media_enabled": False})

    async def scenario() -> None:
        async with MediaRooms(disabled) as rooms:
            assert not rooms.enabled
            with pytest.raises(MediaDisabled, match="disabled") as raised:
                await CALLS[method](rooms)
            assert isinstance(raised.value, MediaUnavailable)  # callers degrade the same way
            assert rooms._client is None  # no HTTP session was opened

    asyncio.run(scenario())


def test_timeout_defaults_to_the_readiness_timeout(settings: Settings) -> None:
    assert MediaRooms(settings).timeout_seconds == settings.readiness_timeout_seconds
    assert MediaRooms(settings, timeout_seconds=0.5).timeout_seconds == 0.5
