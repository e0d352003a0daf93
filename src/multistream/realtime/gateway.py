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

Access. A socket is admitted at its hello, as REST admits a request, and lives until its
token expires (the hub cuts it off with 4401, `expire`) unless the client sends a fresh
one. While it stays open the hub checks every `realtime_reauthorize_interval_seconds` (one
query for all its sockets) that each user may still join; one removed from the course is
cut off with 4403.

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
import gc
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
from multistream.realtime.protocol import CloseCode
from multistream.realtime.service import Admission, Refused
from multistream.realtime.subscriber import DirectLink, LiveEvent, Subscriber
from multistream.sessions import presence
from multistream.settings import Settings

log = structlog.get_logger(__name__)

T = TypeVar("T")

PATTERN = publisher.channel("*")
_PREFIX = len(publisher.channel(""))
GAP_GRACE_SECONDS = 0.2
"""How long a feed waits for a missing event to come through Redis before reading it."""
_RESUBSCRIBE_MAX_SECONDS = 2.0
_SENT_LIVE = WS_EVENTS_SENT.labels("live")
GC_PAUSE_WARNING_SECONDS = 0.05
FREEZE_INTERVAL_SECONDS = 1.0
THAW_INTERVAL_SECONDS = 300.0
EXPIRY_CHECK_SECONDS = 1.0
"""How often the hub looks for sockets whose token expired (`Hub.expire`)."""
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
        self._verifier = verifier
        self.feeds: dict[str, SessionFeed] = {}
        self.subscribed = False
        self._redis: aioredis.Redis | None = None
        self._poll_now = asyncio.Event()
        self._tasks: set[asyncio.Task[Any]] = set()
        self._hellos: list[tuple[str, str, asyncio.Future[Admission]]] = []
        self._admitting = False
        self._gc_started = (0.0, 0.0)
        self._attached = 0
        self._attached_since_freeze = 0
        self._frozen_sockets = False
        self._last_thaw = time.monotonic()
        self.longest_gc_pause = 0.0
        """Seconds, since start: the longest collection of the garbage collector (CPU time
        of the thread it ran in: on a busy machine the wall time also counts waiting)."""

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
        # What start-up built lives as long as the process: out of the collector's way,
        # so its full passes walk the sockets' objects only (`_watch_gc` reports them).
        gc.freeze()
        gc.callbacks.append(self._watch_gc)
        for loop in (
            self._subscribe_loop,
            self._poll_loop,
            self._ping_loop,
            self._reauthorize_loop,
            self._freeze_loop,
            self._expiry_loop,
        ):
            self._spawn(loop())

    async def stop(self) -> None:
        with contextlib.suppress(ValueError):
            gc.callbacks.remove(self._watch_gc)
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        for feed in self.feeds.values():
            if feed.gap_timer is not None:
                feed.gap_timer.cancel()
        if self._redis is not None:
            await self._redis.aclose()

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

    def _watch_gc(self, phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            self._gc_started = (time.perf_counter(), time.thread_time())
            return
        wall = time.perf_counter() - self._gc_started[0]
        cpu = time.thread_time() - self._gc_started[1]
        self.longest_gc_pause = max(self.longest_gc_pause, cpu)
        if cpu > GC_PAUSE_WARNING_SECONDS:
            log.warning(
                "the garbage collector paused the event loop",
                cpu_milliseconds=round(cpu * 1000, 1),
                wall_milliseconds=round(wall * 1000, 1),
                generation=info.get("generation"),
                collected=info.get("collected"),
            )

    async def admit(self, *, token: str, session_id: str) -> Admission:
        """The caller's admission to the session, or `service.Refused`.

        Hellos are admitted in batches: those that arrive while a batch is being checked
        wait for the next one, checked in one worker-thread job and five queries
        (`service.admit_many`), so a crowd joining at once costs a few database round
        trips per batch, not per socket."""
        future: asyncio.Future[Admission] = asyncio.get_running_loop().create_future()
        self._hellos.append((token, session_id, future))
        if not self._admitting:
            self._admitting = True
            self._spawn(self._admit_batches())
        return await future

    async def _admit_batches(self) -> None:
        try:
            while self._hellos:
                batch, self._hellos = self._hellos, []

                def check(
                    db: Session, batch: list[tuple[str, str, asyncio.Future[Admission]]] = batch
                ) -> list[Admission | Refused]:
                    return service.admit_many(
                        db,
                        settings=self.settings,
                        verifier=self._verifier,
                        hellos=[(token, session_id) for token, session_id, _ in batch],
                    )

                outcomes: list[Admission | Refused] | list[Exception]
                try:
                    outcomes = await self._in_thread(check)
                except Exception as exc:
                    outcomes = [exc] * len(batch)
                for (_, _, future), outcome in zip(batch, outcomes, strict=True):
                    if future.done():
                        continue  # its socket is gone
                    if isinstance(outcome, Exception):
                        future.set_exception(outcome)
                    else:
                        future.set_result(outcome)
        finally:
            self._admitting = False

    async def renew(self, *, token: str, admission: Admission) -> float:
        """The expiry of a fresh token the socket's client sent, or `service.Refused`."""
        return await self._in_thread(
            lambda db: service.renew(
                db,
                settings=self.settings,
                verifier=self._verifier,
                token=token,
                user_id=admission.viewer.user_id,
            )
        )

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
        self._attached_since_freeze += 1
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

    async def _freeze_loop(self) -> None:
        """Keep long-lived socket state out of the collector's full passes.

        A full pass walks every tracked object: with thousands of sockets that is
        hundreds of milliseconds of a paused loop, again each time the heap grew by a
        quarter. So every `FREEZE_INTERVAL_SECONDS`, when sockets were attached, the young
        generations are collected (cheap: they are small) and what survives is frozen
        (`gc.freeze()`, constant time). Reference cycles of sockets closed after that
        are reclaimed when no socket is left on the process: then, at most every
        `THAW_INTERVAL_SECONDS`, everything is unfrozen and collected once, and start-up
        state frozen again."""
        while True:
            await asyncio.sleep(FREEZE_INTERVAL_SECONDS)
            if self._attached_since_freeze:
                self._attached_since_freeze = 0
                gc.collect(1)
                gc.freeze()
                self._frozen_sockets = True
            elif (
                self._frozen_sockets
                and not self.feeds
                and time.monotonic() - self._last_thaw > THAW_INTERVAL_SECONDS
            ):
                self._frozen_sockets = False
                self._last_thaw = time.monotonic()
                gc.unfreeze()
                gc.collect()
                gc.freeze()

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

    async def _expiry_loop(self) -> None:
        while True:
            await asyncio.sleep(EXPIRY_CHECK_SECONDS)
            self.expire(now=time.time())

    def expire(self, *, now: float) -> None:
        """Cut off (4401) every socket whose token expired, with the verifier's leeway,
        and whose client sent no fresh one: one pass a second over the sockets instead of
        a timer per socket (it would hold ~0.6 KB per socket for hours)."""
        deadline = now - self.settings.jwt_leeway_seconds
        for feed in list(self.feeds.values()):
            for subscriber in feed.subscribers:
                if subscriber.expires_at < deadline and subscriber.close_code is None:
                    log.info(
                        "live socket closed: token expired",
                        session_id=subscriber.key,
                        user_id=str(subscriber.viewer.user_id),
                    )
                    subscriber.disconnect(CloseCode.unauthenticated)

    async def _reauthorize_loop(self) -> None:
        while True:
            await asyncio.sleep(self.settings.realtime_reauthorize_interval_seconds)
            await self.reauthorize()

    async def reauthorize(self) -> None:
        """Cut off (4403) every socket whose user may no longer join its session."""
        subscribers = [s for feed in list(self.feeds.values()) for s in feed.subscribers]
        watching = {(s.admission.session_id, s.viewer.user_id) for s in subscribers}
        if not watching:
            return
        # Staff connected now keep their class from ending by itself (`sessions.presence`).
        present = {
            (s.admission.session_id, s.viewer.user_id) for s in subscribers if s.viewer.staff
        }

        def check(db: Session) -> set[tuple[uuid.UUID, uuid.UUID]]:
            presence.mark_seen(db, present=present)
            return service.still_admitted(db, watching=watching)

        try:
            allowed = await self._in_thread(check)
        except Exception as exc:
            # Not knowing is not a reason to cut everyone off: the next check decides.
            log.warning("re-checking live sockets' access failed", error=str(exc))
            return
        for subscriber in subscribers:
            if (subscriber.admission.session_id, subscriber.viewer.user_id) in allowed:
                continue
            if subscriber.close_code is None:
                log.info(
                    "live socket closed: access withdrawn",
                    session_id=subscriber.key,
                    user_id=str(subscriber.viewer.user_id),
                )
                subscriber.disconnect(CloseCode.forbidden)
