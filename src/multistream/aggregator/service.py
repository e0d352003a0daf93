"""The aggregator of an api process: its loop, and how it announces tallies, upvote counts
and reaction bursts (see the package's docstring for the picture)."""

from __future__ import annotations

import asyncio
import collections
import concurrent.futures
import contextlib
import datetime as dt
import math
import secrets
import threading
import time
import uuid
from collections.abc import Callable, Iterable

import structlog
from redis import Redis
from redis.exceptions import RedisError, ResponseError
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from multistream.aggregator.domain import (
    BURST_GRACE_SECONDS,
    BURST_SECONDS,
    Key,
    Kind,
    ReactionBuckets,
    Schedule,
)
from multistream.aggregator.marks import DIRTY_KEY
from multistream.db import after_commit
from multistream.db.engine import make_engine, make_sessionmaker, transaction
from multistream.eventlog import publisher
from multistream.polls import service as polls
from multistream.qa import service as questions
from multistream.reactions import service as reactions
from multistream.settings import Settings

log = structlog.get_logger(__name__)

CLAIM_MS = 10_000
"""How long a process may hold the right to emit while it does so (it crashed otherwise)."""
REDIS_BUCKET_TTL_SECONDS = 600
REDIS_WAIT_SECONDS = 60.0
"""How long a bucket counted in Redis waits for Redis to answer before it is given up."""
GIVE_UP_SECONDS = 300.0
"""Buckets older than this are dropped (the database has been failing that long)."""
KNOWN_UPVOTES = 10_000
"""Upvote counts remembered to announce only the ones that changed."""
WARN_EVERY_SECONDS = 30.0


class Aggregator:
    """Started with the api (`start`/`stop`); `watch` hooks the request session factory."""

    def __init__(
        self,
        settings: Settings,
        *,
        factory: sessionmaker[Session],
        redis: Redis,
        engine: Engine | None = None,
        clock: Callable[[], float] = time.monotonic,
        wall_clock: Callable[[], float] = time.time,
    ) -> None:
        self._factory = factory
        self._engine = engine
        self._redis = redis
        self._clock = clock
        self._wall_clock = wall_clock
        self._interval = settings.tally_interval_seconds
        self._tick = settings.aggregator_tick_seconds
        self._lock = threading.Lock()
        self._schedule = Schedule(self._interval)
        self._buckets = ReactionBuckets()
        self._known: collections.OrderedDict[uuid.UUID, int] = collections.OrderedDict()
        self._token = secrets.token_hex(8)
        self._warned: dict[str, float] = {}
        self._task: asyncio.Task[None] | None = None
        self._executor: concurrent.futures.ThreadPoolExecutor | None = None

    @classmethod
    def open(cls, settings: Settings, redis: Redis) -> Aggregator:
        """An aggregator on a connection pool of its own, publishing after commit."""
        engine = make_engine(settings, pool_size=1)
        factory = make_sessionmaker(engine)
        publisher.install(factory, redis)
        return cls(settings, factory=factory, redis=redis, engine=engine)

    def watch(self, factory: sessionmaker[Session]) -> None:
        """Hear of the votes committed by sessions of `factory` (the request factory)."""

        after_commit.handle(factory, DIRTY_KEY, self.mark)

    def mark(self, marks: Iterable[tuple[uuid.UUID, Kind, uuid.UUID]]) -> None:
        with self._lock:
            for session_id, kind, ref in marks:
                self._schedule.mark((session_id, kind), [ref])

    # --- reactions ------------------------------------------------------------------------

    def add_reaction(self, session_id: uuid.UUID, emoji: str) -> None:
        """Count one tap in the current second (Redis, or memory when Redis fails)."""
        second = math.floor(self._wall_clock())
        in_redis = True
        try:
            pipe = self._redis.pipeline(transaction=False)
            pipe.hincrby(_bucket_key(session_id, second), emoji, 1)
            pipe.expire(_bucket_key(session_id, second), REDIS_BUCKET_TTL_SECONDS)
            pipe.execute()
        except RedisError as exc:
            in_redis = False
            self._warn("reactions", "reactions counted in memory: redis unavailable", exc)
        with self._lock:
            self._buckets.add(session_id, second, emoji, in_redis=in_redis, now=self._clock())

    # --- the loop -------------------------------------------------------------------------

    def start(self) -> None:
        if self._task is None:
            self._executor = concurrent.futures.ThreadPoolExecutor(
                max_workers=1, thread_name_prefix="aggregator"
            )
            self._task = asyncio.create_task(self._run(), name="aggregator")

    async def stop(self) -> None:
        """Stop ticking, after announcing what is pending (within the rate, for ~2 s)."""
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
            deadline = self._clock() + self._interval + BURST_SECONDS + BURST_GRACE_SECONDS + 0.5
            while self.pending and self._clock() < deadline:
                await asyncio.sleep(self.next_wait())
                try:
                    await self._tick_in_thread()
                except Exception as exc:
                    log.warning("aggregator tick failed", error=str(exc))
                    break
        if self._executor is not None:
            self._executor.shutdown(wait=True)
            self._executor = None
        if self._engine is not None:
            self._engine.dispose()

    @property
    def pending(self) -> bool:
        with self._lock:
            return self._schedule.pending or self._buckets.pending

    def next_wait(self) -> float:
        """How long the loop may sleep: a tick, or less when a class is due sooner."""
        with self._lock:
            due = self._schedule.next_due(self._clock())
        wait = self._tick if due is None else min(self._tick, due)
        return max(wait, 0.01)

    async def _run(self) -> None:
        while True:
            await asyncio.sleep(self.next_wait())
            try:
                await self._tick_in_thread()
            except Exception as exc:  # the loop must outlive any one failure
                log.warning("aggregator tick failed", error=str(exc))

    async def _tick_in_thread(self) -> int:
        assert self._executor is not None
        return await asyncio.get_running_loop().run_in_executor(self._executor, self.tick)

    def tick(self) -> int:
        """Announce everything due now; return the events appended. Blocking."""
        appended = 0
        with self._lock:
            due = self._schedule.due(self._clock())
        for key in due:
            appended += self._announce(key)
        with self._lock:
            closed = self._buckets.closed(self._wall_clock())
        for session_id, second in closed:
            appended += self._burst(session_id, second)
        return appended

    # --- tallies and upvotes --------------------------------------------------------------

    def _announce(self, key: Key) -> int:
        session_id, kind = key
        with self._lock:
            refs = self._schedule.take(key)
        if not refs:
            return 0
        if not self._claim(key):  # another process announced this class lately
            with self._lock:
                self._schedule.mark(key, refs)
                self._schedule.retry_after(key, self._clock(), self._tick)
            return 0
        try:
            with transaction(self._factory) as db:
                appended = self._publish(db, session_id, kind, refs)
        except Exception as exc:
            self._warn(f"announce:{kind}", "announcement failed; retrying", exc)
            self._release(key, announced=False)
            with self._lock:
                self._schedule.mark(key, refs)
                self._schedule.announced(key, self._clock())  # retry after an interval
            return 0
        # Redis first, then here: both rates start after the commit, so the next event
        # of this class is at least `interval` after this one, in any process.
        self._release(key, announced=True)
        with self._lock:
            self._schedule.announced(key, self._clock())
        return appended

    def _publish(self, db: Session, session_id: uuid.UUID, kind: Kind, refs: set[uuid.UUID]) -> int:
        if kind is Kind.tally:
            return polls.publish_tally(db, session_id=session_id, poll_ids=refs)
        changed = questions.publish_votes(
            db, session_id=session_id, question_ids=refs, known=self._known
        )
        for question_id, upvotes in changed.items():
            self._known[question_id] = upvotes
            self._known.move_to_end(question_id)
        while len(self._known) > KNOWN_UPVOTES:
            self._known.popitem(last=False)
        return 1 if changed else 0

    def _claim(self, key: Key) -> bool:
        session_id, kind = key
        try:
            return bool(
                self._redis.set(_claim_key(session_id, kind), self._token, nx=True, px=CLAIM_MS)
            )
        except RedisError as exc:
            self._warn("claim", "announcing without cross-process rate: redis unavailable", exc)
            return True

    def _release(self, key: Key, *, announced: bool) -> None:
        session_id, kind = key
        name = _claim_key(session_id, kind)
        try:
            if announced:
                self._redis.set(name, self._token, px=max(1, round(self._interval * 1000)))
            else:
                self._redis.delete(name)
        except RedisError:
            pass  # the claim expires by itself

    # --- reactions ------------------------------------------------------------------------

    def _burst(self, session_id: uuid.UUID, second: int) -> int:
        with self._lock:
            started = self._buckets.take(session_id, second)
        if started is None:
            return 0
        in_redis, first_seen = started
        age = self._clock() - first_seen
        taken: collections.Counter[str] = collections.Counter()
        if in_redis:
            try:
                taken = self._take_from_redis(session_id, second)
            except RedisError as exc:
                if age < REDIS_WAIT_SECONDS:
                    with self._lock:
                        self._buckets.redis_failed(session_id, second)
                    self._warn("burst", "reaction counts wait for redis", exc)
                    return 0
                log.warning("reaction counts in redis given up", second=second, error=str(exc))
        with self._lock:
            counts = self._buckets.add_local(session_id, second, taken)
        if not counts:
            with self._lock:
                self._buckets.announced(session_id, second, counts)
            return 0
        try:
            with transaction(self._factory) as db:
                appended = reactions.publish_burst(
                    db,
                    session_id=session_id,
                    second=dt.datetime.fromtimestamp(second, dt.UTC),
                    counts=counts,
                )
        except Exception as exc:
            if age >= GIVE_UP_SECONDS:
                with self._lock:
                    self._buckets.done(session_id, second)
            self._warn("burst", "reaction burst failed; retrying", exc)
            return 0
        with self._lock:
            self._buckets.announced(session_id, second, counts)
        return 1 if appended else 0

    def _take_from_redis(self, session_id: uuid.UUID, second: int) -> collections.Counter[str]:
        """Move the second's counts out of Redis, safe to retry: the bucket is renamed to a
        key of this process first (atomically, so taps counted later start a new bucket),
        then read, then deleted. A reply lost on the way finds the renamed key next time."""
        source = _bucket_key(session_id, second)
        taken = f"{source}:taken:{self._token}"
        pipe = self._redis.pipeline(transaction=False)
        pipe.rename(source, taken)
        pipe.hgetall(taken)
        renamed, stored = pipe.execute(raise_on_error=False)
        for result in (renamed, stored):
            # "no such key" from RENAME is fine: nothing new, or renamed by a lost reply.
            if isinstance(result, RedisError) and not isinstance(result, ResponseError):
                raise result
        if isinstance(stored, RedisError):
            raise stored
        counts = collections.Counter({k.decode(): int(v) for k, v in stored.items()})
        with contextlib.suppress(RedisError):
            self._redis.delete(taken)  # it expires anyway
        return counts

    def _warn(self, topic: str, message: str, exc: Exception) -> None:
        """Log a failure at most every WARN_EVERY_SECONDS per topic (ticks are frequent)."""
        now = self._clock()
        if now - self._warned.get(topic, -math.inf) >= WARN_EVERY_SECONDS:
            self._warned[topic] = now
            log.warning(message, error=str(exc))


def _claim_key(session_id: uuid.UUID, kind: Kind) -> str:
    return f"agg:{kind.value}:{session_id}"


def _bucket_key(session_id: uuid.UUID, second: int) -> str:
    return f"rx:{session_id}:{second}"
