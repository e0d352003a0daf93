"""One live socket's side of the fan-out: its frames, its queue and its sender task.

The hub hands each `LiveEvent` to every `Subscriber` of the session (`offer`, which never
waits). A subscriber's own task sends the welcome, the catch-up read from the log, then
what the hub offered, in order, skipping what the catch-up already sent. A subscriber
whose queue reaches its bound is cut off (4008): its socket is stuck behind a full TCP
buffer and it will resume from its seq.
"""

from __future__ import annotations

import asyncio
import dataclasses
import time
import uuid
from collections import deque
from collections.abc import Awaitable, Callable

import structlog
from starlette.websockets import WebSocket, WebSocketDisconnect

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
    ) -> None:
        self.websocket = websocket
        self.admission = admission
        self.viewer = admission.viewer
        self.last_seq = after
        self.queue_limit = queue_limit
        self._read_log = read_log
        self.queue: deque[LiveEvent] = deque()
        self._waiter: asyncio.Future[None] | None = None
        self.ping_due = False
        self.close_code: CloseCode | None = None
        self.task: asyncio.Task[None] = asyncio.create_task(self._run())

    @property
    def key(self) -> str:
        return str(self.admission.session_id)

    def offer(self, event: LiveEvent) -> None:
        if self.close_code is not None:
            return
        if len(self.queue) >= self.queue_limit:
            self.disconnect(CloseCode.slow_client)
            WS_SLOW_CLIENT_DISCONNECTS.inc()
            log.info(
                "slow live socket disconnected",
                session_id=self.key,
                user_id=str(self.viewer.user_id),
                last_seq=self.last_seq,
            )
            return
        self.queue.append(event)
        self._wake()

    def ping(self) -> None:
        self.ping_due = True
        self._wake()

    def _wake(self) -> None:
        waiter, self._waiter = self._waiter, None
        if waiter is not None and not waiter.done():
            waiter.set_result(None)

    def disconnect(self, code: CloseCode) -> None:
        """Stop sending (even mid-write); the route closes the socket with `code`."""
        self.close_code = code
        self.queue.clear()
        self.task.cancel()

    async def _run(self) -> None:
        try:
            await self._send_welcome()
            await self._catch_up()
            await self._stream()
        except WebSocketDisconnect:
            pass  # the client left; the route cleans up
        except Exception:
            log.exception("live socket failed", session_id=self.key)
            self.close_code = CloseCode.internal_error

    async def _send_welcome(self) -> None:
        welcome = Welcome(
            session_id=self.admission.session_id,
            head=self.admission.head,
            role=self.admission.role,
        )
        await self.websocket.send_text(welcome.model_dump_json())

    async def _catch_up(self) -> None:
        """Send the log after `last_seq` up to its head: one indexed range read a page."""
        while True:
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
                event = self.queue.popleft()
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
