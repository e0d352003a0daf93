"""One live socket's side of the fan-out: its frames, its queue and its sender task.

The hub hands each `LiveEvent` to every `Subscriber` of the session (`offer`, which never
waits). A subscriber's own task sends the welcome, the catch-up read from the log, then
what the hub offered, in order, skipping what the catch-up already sent. A subscriber
whose queue reaches its bound is cut off (4008): its socket is stuck behind a full TCP
buffer and it will resume from its seq.

The direct path. Under uvicorn's WebSocket implementation (websockets' sans-I/O protocol,
`DirectLink`) and once its catch-up is sent, a subscriber is *live*: `offer` writes the
event's frame, encoded once per event (server frames are not masked, so the same bytes
suit every socket), straight to the socket's transport, in the hub's one pass over the
session's sockets: no task wakes up, no ASGI `send` runs, no middleware sees it. When
the transport's buffer is full (uvicorn paused writing) the subscriber stops being live:
events queue again and its task waits until the socket drains, then writes everything
queued in one write, and goes live again.
"""

from __future__ import annotations

import asyncio
import dataclasses
import struct
import time
import uuid
from collections.abc import Awaitable, Callable
from typing import Any

import structlog
from starlette.websockets import WebSocket, WebSocketDisconnect
from websockets.protocol import State

from multistream.eventlog import service as eventlog
from multistream.eventlog.domain import Viewer, visible_to
from multistream.eventlog.models import EventAudience
from multistream.eventlog.schemas import EventEnvelope, FilteredEvent
from multistream.ops.metrics import (
    WS_EVENTS_SENT,
    WS_FANOUT_LAG,
    WS_SLOW_CLIENT_DISCONNECTS,
)
from multistream.realtime.protocol import PING_FRAME, CloseCode, Welcome
from multistream.realtime.service import Admission

log = structlog.get_logger(__name__)

ReadLog = Callable[[uuid.UUID, int], Awaitable[list[EventEnvelope]]]
"""Reads a session's log after a seq, one page (off the event loop)."""

_SENT_LIVE = WS_EVENTS_SENT.labels("live")
_SENT_CATCHUP = WS_EVENTS_SENT.labels("catchup")


def text_frame(text: str) -> bytes:
    """`text` as one unmasked, unfragmented WebSocket text frame (RFC 6455 5.2): what a
    server writes, the same bytes for every socket without compression."""
    data = text.encode()
    size = len(data)
    if size < 126:
        return bytes((0x81, size)) + data
    if size < 1 << 16:
        return struct.pack("!BBH", 0x81, 126, size) + data
    return struct.pack("!BBQ", 0x81, 127, size) + data


PING_WIRE = text_frame(PING_FRAME)

try:
    from uvicorn.protocols.websockets.websockets_sansio_impl import (
        WebSocketsSansIOProtocol as _SansIO,
    )
except ImportError:  # pragma: no cover - uvicorn without it: the ASGI path only
    _SansIO = None  # type: ignore[assignment,misc]


_RELIED_ON = ("transport", "conn", "writable", "close_sent", "disconnected")


class DirectLink:
    """The connection under a Starlette `WebSocket` served by uvicorn's websockets-sansio
    implementation (uvicorn's default): frames go to its transport directly.

    Whole frames only, so they interleave safely with the frames uvicorn writes itself
    (its pings, the close); never while compression is negotiated (the api turns it off,
    `ws_per_message_deflate=False`), since a compressed frame is per connection."""

    __slots__ = ("_protocol", "_transport")

    def __init__(self, protocol: Any) -> None:
        self._protocol = protocol
        self._transport = protocol.transport

    @classmethod
    def of(cls, websocket: WebSocket) -> DirectLink | None:
        # The middleware wraps `send`, never `receive`: uvicorn's own bound method.
        protocol = getattr(getattr(websocket, "_receive", None), "__self__", None)
        if _SansIO is None or not isinstance(protocol, _SansIO):
            return None
        # What this class relies on; a uvicorn without it gets the ASGI path.
        if not all(hasattr(protocol, name) for name in _RELIED_ON) or protocol.conn.extensions:
            return None
        return cls(protocol)

    @property
    def open(self) -> bool:
        protocol = self._protocol
        return (
            not protocol.close_sent
            and not protocol.disconnected
            and protocol.conn.state is State.OPEN
            and not self._transport.is_closing()
        )

    @property
    def writable(self) -> bool:
        """False while the transport's buffer is past its high-water mark."""
        return bool(self._protocol.writable.is_set())

    async def drained(self) -> None:
        await self._protocol.writable.wait()

    def write(self, data: bytes) -> None:
        self._transport.write(data)


@dataclasses.dataclass(slots=True, eq=False)
class LiveEvent:
    """An event on its way to sockets, with its frames serialized once for all of them."""

    seq: int
    audience: EventAudience
    actor_id: uuid.UUID | None
    occurred_at: float
    frame: str
    """The envelope as JSON, for viewers who may see the event."""
    _gap_frame: str | None = None
    _wire: bytes | None = None
    _gap_wire: bytes | None = None

    @classmethod
    def from_envelope(cls, envelope: EventEnvelope, frame: str | None = None) -> LiveEvent:
        return cls(
            seq=envelope.seq,
            audience=envelope.audience,
            actor_id=envelope.actor_id,
            occurred_at=envelope.occurred_at.timestamp(),
            frame=envelope.model_dump_json() if frame is None else frame,
        )

    def frame_for(self, viewer: Viewer) -> str:
        if visible_to(self.audience, self.actor_id, viewer):
            return self.frame
        if self._gap_frame is None:
            self._gap_frame = FilteredEvent(seq=self.seq).model_dump_json()
        return self._gap_frame

    def wire_for(self, viewer: Viewer) -> bytes:
        """`frame_for(viewer)` as a WebSocket frame, encoded once per variant."""
        if visible_to(self.audience, self.actor_id, viewer):
            if self._wire is None:
                self._wire = text_frame(self.frame)
            return self._wire
        if self._gap_wire is None:
            self._gap_wire = text_frame(self.frame_for(viewer))
        return self._gap_wire


class Subscriber:
    """One socket: what it may see, what it was sent, and what waits to be sent."""

    def __init__(
        self,
        websocket: WebSocket,
        admission: Admission,
        *,
        after: int,
        queue_limit: int,
        read_log: ReadLog,
        link: DirectLink | None = None,
        caught_up: bool = False,
        on_cut_off: Callable[[], None] | None = None,
    ) -> None:
        self.websocket = websocket
        self.admission = admission
        self.viewer = admission.viewer
        self.last_seq = after
        self.expires_at = admission.token_expires_at
        """When its token expires (Unix time): the hub cuts it off then (`Gatekeeper.expire`)
        unless the client sent a fresh one."""
        self.queue_limit = queue_limit
        self._read_log = read_log
        self.link = link
        self._caught_up = caught_up
        self._on_cut_off = on_cut_off
        self.live = False
        """Writing each event to the socket as it is offered (`link`, see the module)."""
        self.queue: list[LiveEvent] = []
        """In order; a list, not a deque: it is empty for most sockets most of the time,
        and an empty deque takes 0.7 KB (a list 56 bytes)."""
        self._waiter: asyncio.Future[None] | None = None
        self.ping_due = False
        self.ping_slot = 0
        """Which slice of the hub's sockets it is pinged with (`Hub._ping_loop`)."""
        self.close_code: CloseCode | None = None
        self.task: asyncio.Task[None] = asyncio.create_task(self._run())

    @property
    def key(self) -> str:
        return str(self.admission.session_id)

    def offer(self, event: LiveEvent) -> bool:
        """Take an event; True when it was written to the socket right away."""
        if self.live:
            if event.seq <= self.last_seq:
                return False
            link = self.link
            assert link is not None
            if link.writable:
                if not link.open:
                    return False  # the client is leaving: the route cleans up
                link.write(event.wire_for(self.viewer))
                self.last_seq = event.seq
                return True
            self.live = False  # its buffer is full: queue, the task drains it
        if self.close_code is not None:
            return False
        if len(self.queue) >= self.queue_limit:
            self.disconnect(CloseCode.slow_client)
            WS_SLOW_CLIENT_DISCONNECTS.inc()
            log.info(
                "slow live socket disconnected",
                session_id=self.key,
                user_id=str(self.viewer.user_id),
                last_seq=self.last_seq,
            )
            return False
        self.queue.append(event)
        self._wake()
        return False

    def ping(self) -> None:
        if self.live:
            link = self.link
            assert link is not None
            if link.writable:
                if link.open:
                    link.write(PING_WIRE)
                return
            self.live = False
        self.ping_due = True
        self._wake()

    def _wake(self) -> None:
        waiter, self._waiter = self._waiter, None
        if waiter is not None and not waiter.done():
            waiter.set_result(None)
        elif self.link is not None and self.task.done() and self.close_code is None:
            # It went live and its task ended: a task again, until it is live again.
            self.task = asyncio.create_task(self._guarded(self._stream_direct(self.link)))

    def disconnect(self, code: CloseCode) -> None:
        """Stop sending (even mid-write); the route closes the socket with `code`."""
        first = self.close_code is None
        self.close_code = code
        self.live = False
        self.queue.clear()
        self.task.cancel()
        if first and self._on_cut_off is not None:
            self._on_cut_off()

    def stop(self) -> None:
        """The route is done with the socket: nothing more is sent."""
        self._on_cut_off = None
        self.live = False
        self.queue.clear()
        self.task.cancel()

    async def _run(self) -> None:
        await self._guarded(self._start())

    async def _start(self) -> None:
        await self._send_welcome()
        await self._catch_up()
        if self.link is not None:
            await self._stream_direct(self.link)
        else:
            await self._stream()

    async def _guarded(self, work: Awaitable[None]) -> None:
        try:
            await work
        except WebSocketDisconnect:
            pass  # the client left; the route cleans up
        except Exception:
            log.exception("live socket failed", session_id=self.key)
            self.disconnect(CloseCode.internal_error)

    async def _send_welcome(self) -> None:
        welcome = Welcome(
            session_id=self.admission.session_id,
            head=self.admission.head,
            role=self.admission.role,
        )
        await self.websocket.send_text(welcome.model_dump_json())

    async def _catch_up(self) -> None:
        """Send the log after `last_seq` up to its head: one indexed range read a page.
        Nothing to read when the feed had passed nothing newer when it was attached."""
        while not self._caught_up:
            page = await self._read_log(self.admission.session_id, self.last_seq)
            for entry in eventlog.for_viewer(page, self.viewer):
                await self.websocket.send_text(entry.model_dump_json())
                self.last_seq = entry.seq
                _SENT_CATCHUP.inc()
            if len(page) < eventlog.MAX_PAGE:
                return

    async def _stream(self) -> None:
        loop = asyncio.get_running_loop()
        send = self.websocket.send_text
        while True:
            sent = 0
            while self.queue:
                event = self.queue.pop(0)  # at most `queue_limit` of them
                if event.seq <= self.last_seq:
                    continue  # already sent by the catch-up
                await send(event.frame_for(self.viewer))
                self.last_seq = event.seq
                sent += 1
                WS_FANOUT_LAG.observe(time.time() - event.occurred_at)
            if sent:
                _SENT_LIVE.inc(sent)
            if self.ping_due:
                self.ping_due = False
                await send(PING_FRAME)
            elif not self.queue:
                # A bare future, cheaper than an Event: the hub wakes thousands at once.
                self._waiter = loop.create_future()
                await self._waiter

    async def _stream_direct(self, link: DirectLink) -> None:
        """Write what queued (while the catch-up ran, or while the socket's buffer was
        full) in one write once the socket drains; then go live, until it is full again."""
        loop = asyncio.get_running_loop()
        while True:
            frames: list[bytes] = []
            oldest = None
            queued, self.queue = self.queue, []
            for event in queued:
                if event.seq <= self.last_seq:
                    continue  # already sent by the catch-up
                frames.append(event.wire_for(self.viewer))
                self.last_seq = event.seq
                if oldest is None:
                    oldest = event.occurred_at
            sent = len(frames)
            if self.ping_due:
                self.ping_due = False
                frames.append(PING_WIRE)
            if frames:
                await link.drained()
                if link.open:
                    link.write(b"".join(frames))
                if sent:
                    _SENT_LIVE.inc(sent)
                    assert oldest is not None
                    WS_FANOUT_LAG.observe(time.time() - oldest)
                continue  # more may have queued meanwhile
            if link.writable and link.open:
                # Live: the hub writes to the socket itself; this task ends, and a new
                # one starts when the socket's buffer is full again (`_wake`).
                self.live = True
                return
            self._waiter = loop.create_future()
            await self._waiter
