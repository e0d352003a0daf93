"""The fan-out hub: one Redis subscription per api process, many sockets per session.

```
 Redis  PSUBSCRIBE session:*  (one connection        PostgreSQL: the log
    │    per process, whatever the socket count)        │  gap fills, polling, resumes
    ▼                                                   ▼
   Hub ──▶ SessionFeed (one per session watched here): delivered seq, held events
               │  each LiveEvent is serialized once: its envelope frame, and at most
               │  one `gap.filtered` frame for the viewers who may not see it
               ▼
           Subscriber (one per socket) ──▶ its socket's transport, in the feed's one pass
               └─ when the socket is full: bounded queue ──▶ its task, once it drains
```

Ordering. A feed passes events to its subscribers strictly in seq order with no gaps:
an event that arrives ahead of its predecessors (publishes from two api processes race;
a publish can be lost while Redis is down) is held, and if the missing ones do not
arrive within `GAP_GRACE_SECONDS` the feed reads them from the log. While the Redis
subscription is down the hub polls the heads of its sessions (one query) every
`realtime_poll_interval_seconds` and reads what is new; while it is up it still does so
every `realtime_reconcile_interval_seconds`, which catches a lost publish that no later
event would reveal.

Resume without gaps or duplicates (Zulip's register, fetch, apply-queued): a socket is
attached to its feed *before* it reads its catch-up from the log, so everything the feed
passes on after that moment lands in its queue; the catch-up reads the log up to its
head; the sender then skips queued events it already sent (seq ≤ last sent).

Access. A socket is admitted at its hello and cut off when its token expires (4401) or its
user may no longer join (4403): `realtime.gatekeeper`, `Hub.gate`. The garbage collector
is kept out of the sockets' way by `realtime.collector`.

Slow clients. The hub never awaits a socket: it writes the event's frame to the socket's
transport when its buffer has room, and otherwise appends to the subscriber's queue and
wakes its sender (see `subscriber`). A subscriber whose queue reaches
`realtime_send_queue_limit` is cut off with 4008 and resumes later.

The database is only ever read in worker threads.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import time
import uuid
from collections.abc import Callable
from typing import Any, TypeVar

import anyio.to_thread
import pydantic
import redis.asyncio as aioredis
import structlog
from redis.asyncio.retry import Retry
from redis.backoff import NoBackoff
from sqlalchemy.orm import Session, sessionmaker
from starlette.websockets import WebSocket

from multistream.auth.tokens import TokenVerifier
from multistream.eventlog import publisher
from multistream.eventlog import service as eventlog
from multistream.eventlog.schemas import EventEnvelope
from multistream.ops.metrics import (
    WS_CONNECTIONS,
    WS_EVENTS_SENT,
    WS_FANOUT_LAG,
    WS_LOG_READS,
    WS_REDIS_SUBSCRIBED,
)
from multistream.realtime import service
from multistream.realtime.collector import Collector
from multistream.realtime.gatekeeper import Gatekeeper
from multistream.realtime.service import Admission
from multistream.realtime.subscriber import DirectLink, LiveEvent, Subscriber
from multistream.settings import Settings

log = structlog.get_logger(__name__)

T = TypeVar("T")

PATTERN = publisher.channel("*")
_PREFIX = len(publisher.channel(""))
GAP_GRACE_SECONDS = 0.2
"""How long a feed waits for a missing event to come through Redis before reading it."""
_RESUBSCRIBE_MAX_SECONDS = 2.0
_SENT_LIVE = WS_EVENTS_SENT.labels("live")
PING_SLOTS = 20
"""The sockets are pinged in this many slices spread over the ping interval (`_ping_loop`)."""


@dataclasses.dataclass(eq=False)
class SessionFeed:
    """The sockets of one session on this process, and how far the session was fanned out."""

    session_id: uuid.UUID
    delivered: int
    """Every event up to this seq has been passed to every subscriber (in order)."""
    subscribers: set[Subscriber] = dataclasses.field(default_factory=set)
    held: dict[int, LiveEvent] = dataclasses.field(default_factory=dict)
    """Events that arrived ahead of a missing predecessor."""
    gap_timer: asyncio.TimerHandle | None = None
    filling: bool = False
    fill_again: bool = False


class Hub:
    """Every live socket of this api process, fed by one Redis subscription."""

    def __init__(
        self, *, settings: Settings, sessions: sessionmaker[Session], verifier: TokenVerifier
    ) -> None:
        self.settings = settings
        self._sessions = sessions
        self.feeds: dict[str, SessionFeed] = {}
        self.subscribed = False
        self._redis: aioredis.Redis | None = None
        self._poll_now = asyncio.Event()
        self._tasks: set[asyncio.Task[Any]] = set()
        self._attached = 0
        self.collector = Collector()
        self.gate = Gatekeeper(
            settings=settings,
            verifier=verifier,
            in_thread=self._in_thread,
            spawn=self._spawn,
            subscribers=self._subscribers,
        )

    # --- lifecycle ------------------------------------------------------------------------

    async def start(self) -> None:
        # Its own client: no retries inside redis-py, so an outage shows at once and
        # the hub switches to polling; it reconnects by itself.
        self._redis = aioredis.Redis.from_url(
            self.settings.redis_url,
            socket_connect_timeout=1,
            socket_keepalive=True,
            health_check_interval=10,
            retry=Retry(NoBackoff(), 0),
        )
        WS_REDIS_SUBSCRIBED.set(0)
        self.collector.start()
        for loop in (
            self._subscribe_loop,
            self._poll_loop,
            self._ping_loop,
            self.gate.reauthorize_loop,
            self.gate.expiry_loop,
        ):
            self._spawn(loop())
        self._spawn(self.collector.keep_frozen(lambda: bool(self.feeds)))

    async def stop(self) -> None:
        self.collector.stop()
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        for feed in self.feeds.values():
            if feed.gap_timer is not None:
                feed.gap_timer.cancel()
        if self._redis is not None:
            await self._redis.aclose()

    def _subscribers(self) -> list[Subscriber]:
        return [subscriber for feed in self.feeds.values() for subscriber in feed.subscribers]

    def _spawn(self, coroutine: Any) -> None:
        task = asyncio.create_task(coroutine)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _in_thread(self, work: Callable[[Session], T]) -> T:
        def run() -> T:
            with self._sessions() as db, db.begin():
                return work(db)

        return await anyio.to_thread.run_sync(run)

    # --- sockets ----------------------------------------------------------------------

    def attach(
        self,
        websocket: WebSocket,
        admission: Admission,
        *,
        after: int,
        on_cut_off: Callable[[], None] | None = None,
    ) -> Subscriber:
        """Register a socket on its session's feed and start sending to it; `on_cut_off`
        is called when the hub cuts it off (4008, 4401, 4403, 1011: `Subscriber.close_code`)."""
        key = str(admission.session_id)
        feed = self.feeds.get(key)
        if feed is None:
            feed = self.feeds[key] = SessionFeed(admission.session_id, delivered=admission.head)
        subscriber = Subscriber(
            websocket,
            admission,
            after=after,
            queue_limit=self.settings.realtime_send_queue_limit,
            read_log=self._catch_up_page,
            link=DirectLink.of(websocket),
            # Everything after `feed.delivered` will be offered to it: when the client
            # has all before, the log holds nothing for it (no read).
            caught_up=after >= feed.delivered,
            on_cut_off=on_cut_off,
        )
        self._attached += 1
        subscriber.ping_slot = self._attached % PING_SLOTS
        feed.subscribers.add(subscriber)
        self.collector.attached()
        WS_CONNECTIONS.inc()
        return subscriber

    def detach(self, subscriber: Subscriber) -> None:
        key = subscriber.key
        feed = self.feeds.get(key)
        if feed is None or subscriber not in feed.subscribers:
            return
        feed.subscribers.discard(subscriber)
        subscriber.queue.clear()
        WS_CONNECTIONS.dec()
        if feed.subscribers:
            return
        del self.feeds[key]
        if feed.gap_timer is not None:
            feed.gap_timer.cancel()

    async def _catch_up_page(self, session_id: uuid.UUID, after: int) -> list[EventEnvelope]:
        return await self.read_log(session_id, after=after, reason="catchup")

    async def read_log(
        self, session_id: uuid.UUID, *, after: int, reason: str
    ) -> list[EventEnvelope]:
        WS_LOG_READS.labels(reason).inc()
        return await self._in_thread(
            lambda db: eventlog.read_after(db, session_id=session_id, after=after)
        )

    # --- ordering ---------------------------------------------------------------------

    def _ingest(self, feed: SessionFeed, event: LiveEvent) -> None:
        if event.seq <= feed.delivered:
            return  # a duplicate: Redis and the log both brought it
        if event.seq > feed.delivered + 1:
            feed.held[event.seq] = event
            if feed.gap_timer is None:
                feed.gap_timer = asyncio.get_running_loop().call_later(
                    GAP_GRACE_SECONDS, self._fill_gap, feed
                )
            return
        self._fan_out(feed, event)
        while (following := feed.held.pop(feed.delivered + 1, None)) is not None:
            self._fan_out(feed, following)
        if not feed.held and feed.gap_timer is not None:
            feed.gap_timer.cancel()
            feed.gap_timer = None

    def _fan_out(self, feed: SessionFeed, event: LiveEvent) -> None:
        feed.delivered = event.seq
        written = 0
        for subscriber in feed.subscribers:
            if subscriber.offer(event):
                written += 1
        if written:
            # One observation per pass, when the last socket was written to: the lag of
            # the slowest of them (a subscriber that queued observes its own).
            _SENT_LIVE.inc(written)
            WS_FANOUT_LAG.observe(time.time() - event.occurred_at)

    def _fill_gap(self, feed: SessionFeed) -> None:
        feed.gap_timer = None
        self._spawn(self._fill(feed, reason="gap"))

    async def _fill(self, feed: SessionFeed, *, reason: str) -> None:
        """Read what the feed is missing from the log, page by page, and pass it on."""
        if feed.filling:
            feed.fill_again = True
            return
        feed.filling = True
        try:
            while True:
                feed.fill_again = False
                page = await self.read_log(feed.session_id, after=feed.delivered, reason=reason)
                if self.feeds.get(str(feed.session_id)) is not feed:
                    return  # its last socket left meanwhile
                for envelope in page:
                    self._ingest(feed, LiveEvent.from_envelope(envelope))
                if len(page) < eventlog.MAX_PAGE and not feed.fill_again:
                    return
        except Exception as exc:
            # The next poll retries; the sockets wait meanwhile.
            log.warning("reading the log failed", session_id=str(feed.session_id), error=str(exc))
        finally:
            feed.filling = False

    # --- sources: Redis, polling --------------------------------------------------------

    def _on_message(self, channel: bytes, data: bytes) -> None:
        feed = self.feeds.get(channel[_PREFIX:].decode())
        if feed is None:
            return  # a session nobody watches on this process
        try:
            envelope = EventEnvelope.model_validate_json(data)
        except pydantic.ValidationError:
            log.warning("unreadable event on Redis ignored", channel=channel.decode())
            return
        self._ingest(feed, LiveEvent.from_envelope(envelope, frame=data.decode()))

    def _set_subscribed(self, up: bool) -> None:
        if up == self.subscribed:
            return
        self.subscribed = up
        WS_REDIS_SUBSCRIBED.set(1 if up else 0)
        # Either way, read the log now: events published while nobody listened.
        self._poll_now.set()

    async def _subscribe_loop(self) -> None:
        assert self._redis is not None
        failures = 0
        while True:
            pubsub = self._redis.pubsub()
            try:
                await pubsub.psubscribe(PATTERN)
                while True:
                    message = await pubsub.get_message(timeout=1.0)
                    if message is None:
                        continue
                    if message["type"] == "pmessage":
                        self._on_message(message["channel"], message["data"])
                    elif message["type"] == "psubscribe":
                        if not self.subscribed:
                            log.info("live gateway subscribed to Redis", pattern=PATTERN)
                        failures = 0
                        self._set_subscribed(True)
            except (aioredis.RedisError, OSError) as exc:
                if self.subscribed or failures == 0:
                    log.warning(
                        "Redis subscription lost; polling the log meanwhile", error=str(exc)
                    )
                self._set_subscribed(False)
            finally:
                with contextlib.suppress(Exception):
                    await pubsub.aclose()  # type: ignore[no-untyped-call]
            await asyncio.sleep(min(_RESUBSCRIBE_MAX_SECONDS, 0.25 * 2**failures))
            failures += 1

    async def _poll_loop(self) -> None:
        while True:
            interval = (
                self.settings.realtime_reconcile_interval_seconds
                if self.subscribed
                else self.settings.realtime_poll_interval_seconds
            )
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(interval):
                    await self._poll_now.wait()
            self._poll_now.clear()
            await self._poll()

    async def _poll(self) -> None:
        feeds = list(self.feeds.values())
        if not feeds:
            return
        ids = [feed.session_id for feed in feeds]
        try:
            heads = await self._in_thread(lambda db: service.heads(db, session_ids=ids))
        except Exception as exc:
            log.warning("reading session heads failed", error=str(exc))
            return
        for feed in feeds:
            if heads.get(feed.session_id, 0) > feed.delivered and not feed.filling:
                self._spawn(self._fill(feed, reason="poll"))

    async def _ping_loop(self) -> None:
        """Ping every socket once per `realtime_ping_interval_seconds`, a `PING_SLOTS`th of
        them at a time: one pass over 10,000 sockets is ~170 ms of the loop, and an event
        arriving meanwhile would wait that long; a slice of them, ~9 ms."""
        tick = 0
        while True:
            await asyncio.sleep(self.settings.realtime_ping_interval_seconds / PING_SLOTS)
            tick = (tick + 1) % PING_SLOTS
            for feed in list(self.feeds.values()):
                for subscriber in feed.subscribers:
                    if subscriber.ping_slot == tick:
                        subscriber.ping()
