"""The inbox of a live connection: what uvicorn's connection asks of its queue.

The connection itself (`LiveConnection`) serves every socket of
tests/integration/test_realtime.py, whose server takes `UVICORN_OPTIONS`.
"""

from __future__ import annotations

import asyncio

import pytest

from multistream.realtime.connection import UVICORN_OPTIONS, Inbox, LiveConnection
from multistream.realtime.subscriber import _SansIO


def test_messages_come_out_in_the_order_they_went_in() -> None:
    async def scenario() -> list[int]:
        inbox: Inbox[int] = Inbox()
        for n in range(5):
            inbox.put_nowait(n)
        assert inbox.qsize() == 5
        return [await inbox.get() for _ in range(5)]

    assert asyncio.run(scenario()) == [0, 1, 2, 3, 4]


def test_a_waiting_reader_wakes_on_the_next_message() -> None:
    async def scenario() -> tuple[bool, str, bool]:
        inbox: Inbox[str] = Inbox()
        reader = asyncio.create_task(inbox.get())
        await asyncio.sleep(0)
        waiting = not reader.done() and inbox.empty()
        inbox.put_nowait("first")
        inbox.put_nowait("second")
        got = await reader
        return waiting, got, inbox.qsize() == 1

    assert asyncio.run(scenario()) == (True, "first", True)


def test_a_cancelled_reader_leaves_the_inbox_usable() -> None:
    async def scenario() -> str:
        inbox: Inbox[str] = Inbox()
        reader = asyncio.create_task(inbox.get())
        await asyncio.sleep(0)
        reader.cancel()
        with pytest.raises(asyncio.CancelledError):
            await reader
        inbox.put_nowait("after")
        return await inbox.get()

    assert asyncio.run(scenario()) == "after"


def test_a_second_reader_is_refused() -> None:
    async def scenario() -> None:
        inbox: Inbox[str] = Inbox()
        first = asyncio.create_task(inbox.get())
        await asyncio.sleep(0)
        try:
            with pytest.raises(RuntimeError, match="one reader"):
                await inbox.get()
        finally:
            first.cancel()

    asyncio.run(scenario())


def test_the_api_serves_sockets_with_the_connection_the_direct_path_writes_to() -> None:
    assert UVICORN_OPTIONS["ws"] is LiveConnection
    assert issubclass(LiveConnection, _SansIO)
    assert UVICORN_OPTIONS["ws_per_message_deflate"] is False
