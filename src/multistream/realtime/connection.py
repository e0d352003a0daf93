"""How uvicorn serves the api's sockets: `UVICORN_OPTIONS`, used by `multistream api`,
the tests' server and the benchmarks alike.

A live socket is held for hours, mostly idle, by the thousand: what uvicorn keeps per
connection counts. `LiveConnection` is uvicorn's own websockets-sansio connection (the
one `subscriber.DirectLink` writes to) with one change: its inbox of ASGI messages is an
`Inbox` instead of an `asyncio.Queue`, which holds four deques and an `Event` (about 3 KB
per socket, `bench/fanout/memory.py`) to serve one reader that the connection never
bounds.
"""

from __future__ import annotations

import asyncio
from typing import Any, Generic, TypeVar

from uvicorn.protocols.websockets.websockets_sansio_impl import WebSocketsSansIOProtocol

T = TypeVar("T")


class Inbox(Generic[T]):
    """A FIFO for one reader that never blocks its writers: what uvicorn's connection
    asks of its queue (`put_nowait`, `get`, `empty`)."""

    __slots__ = ("_items", "_waiter")

    def __init__(self) -> None:
        self._items: list[T] = []
        self._waiter: asyncio.Future[None] | None = None

    def put_nowait(self, item: T) -> None:
        self._items.append(item)
        waiter = self._waiter
        if waiter is not None and not waiter.done():
            waiter.set_result(None)

    async def get(self) -> T:
        while not self._items:
            if self._waiter is not None:
                raise RuntimeError("an Inbox has one reader")
            self._waiter = asyncio.get_running_loop().create_future()
            try:
                await self._waiter
            finally:
                self._waiter = None
        return self._items.pop(0)  # a handful at most: the reader keeps up

    def empty(self) -> bool:
        return not self._items

    def qsize(self) -> int:
        return len(self._items)


class LiveConnection(WebSocketsSansIOProtocol):
    """uvicorn's websockets-sansio connection with an `Inbox` for a queue."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.queue = Inbox()  # type: ignore[assignment]

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        # The HTTP connection this one upgrades (still the transport's protocol here) and
        # its parser refer to each other: a reference cycle per socket, which only the
        # garbage collector's passes would free, and a class joining makes a thousand a
        # second. Its parser has done its work (it raised the upgrade): dropped, the old
        # connection goes by reference counting once uvicorn switches protocols.
        upgraded = transport.get_protocol()
        super().connection_made(transport)
        if upgraded is not self and getattr(upgraded, "parser", None) is not None:
            setattr(upgraded, "parser", None)  # noqa: B010 - uvicorn's, not typed


UVICORN_OPTIONS: dict[str, Any] = {
    "ws": LiveConnection,
    # Frames are written once per event for every socket (`subscriber.DirectLink`): no
    # per-connection compression.
    "ws_per_message_deflate": False,
}
"""Keyword arguments for `uvicorn.run` / `uvicorn.Config` wherever the api is served."""
