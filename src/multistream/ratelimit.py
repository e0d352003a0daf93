"""Rate limits per user, per session and per client address, counted in Redis, failing open.

A limit is "COUNT/SECONDS" (a setting): at most COUNT hits in a fixed window of SECONDS.
Each kind of input in a class (chat, questions, votes, reactions, joins) has a limit per
user in a session and a limit for the whole session. Past either, `hit` raises a 429
`rate-limited` problem with `Retry-After` (seconds until the window ends).

Sign-ups and failed sign-ins are counted per client address (`hit_address`,
`address_wait`, `count_address`), and failed sign-ins also per account *and* address
(`login_wait`, `login_failed`, `login_succeeded`): after `login_max_failures` failures in a
row each further attempt from that address must wait, 1 s, then 2, 4… up to
`login_lockout_seconds`. An attacker elsewhere slows down only their own attempts: the
account's owner, signing in from their own address, is never locked out by them.

When Redis does not answer, the hit is allowed and a warning is logged: a class keeps
working without its limits rather than stopping.
"""

from __future__ import annotations

import enum
import hashlib
import math
import time
import uuid
from dataclasses import dataclass

import structlog
from redis import Redis
from redis.exceptions import RedisError

from multistream import problems
from multistream.ops.metrics import RATE_LIMIT_FAIL_OPEN, RATE_LIMIT_REJECTIONS
from multistream.problems import Problem
from multistream.settings import Settings

log = structlog.get_logger(__name__)

LIMITED = problems.answers({429: "`rate-limited`, with Retry-After"})
"""How a rate-limited operation documents it (`responses=` of its route)."""


class RateKind(enum.StrEnum):
    chat = "chat"
    questions = "questions"
    votes = "votes"
    reactions = "reactions"
    joins = "joins"


class AddressKind(enum.StrEnum):
    """What is counted per client address."""

    signups = "signups"
    login_failures = "login_failures"


@dataclass(frozen=True)
class Limit:
    count: int
    seconds: int

    @classmethod
    def parse(cls, text: str) -> Limit:
        count, _, seconds = text.partition("/")
        return cls(int(count), int(seconds))


_NOUNS = {
    RateKind.chat: "messages",
    RateKind.questions: "questions",
    RateKind.votes: "votes",
    RateKind.reactions: "reactions",
    RateKind.joins: "joins",
}


class RateLimiter:
    def __init__(self, redis: Redis, settings: Settings) -> None:
        self._redis = redis
        self._limits = {
            kind: (
                Limit.parse(getattr(settings, f"rate_limit_{kind.value}")),
                Limit.parse(getattr(settings, f"rate_limit_{kind.value}_session")),
            )
            for kind in RateKind
        }
        self._address_limits = {
            kind: Limit.parse(getattr(settings, f"rate_limit_{kind.value}_address"))
            for kind in AddressKind
        }
        self._login_free_failures = settings.login_max_failures
        self._login_longest_wait = settings.login_lockout_seconds
        self._login_memory = settings.login_failure_memory_seconds

    def hit(self, kind: RateKind, *, session_id: uuid.UUID, user_id: uuid.UUID) -> None:
        """Count one input; raise a 429 problem when the user or the session is over."""
        per_user, per_session = self._limits[kind]
        user_key = f"rl:{kind.value}:{session_id}:{user_id}"
        session_key = f"rl:{kind.value}:{session_id}"
        try:
            pipe = self._redis.pipeline(transaction=False)
            pipe.set(user_key, 0, ex=per_user.seconds, nx=True)
            pipe.incr(user_key)
            pipe.pttl(user_key)
            pipe.set(session_key, 0, ex=per_session.seconds, nx=True)
            pipe.incr(session_key)
            pipe.pttl(session_key)
            _, user_count, user_ttl, _, session_count, session_ttl = pipe.execute()
        except RedisError as exc:
            RATE_LIMIT_FAIL_OPEN.labels(kind.value).inc()
            log.warning("rate limit skipped: redis unavailable", kind=kind.value, error=str(exc))
            return
        if user_count > per_user.count:
            self._reject(kind, "user", user_ttl, per_user)
        if session_count > per_session.count:
            self._reject(kind, "session", session_ttl, per_session)

    # --- per client address ------------------------------------------------------------

    def hit_address(self, kind: AddressKind, address: str) -> None:
        """Count one request from `address`; raise a 429 problem when it is over."""
        limit = self._address_limits[kind]
        counted = self._count(kind, address)
        if counted is None:
            return
        count, ttl = counted
        if count > limit.count:
            RATE_LIMIT_REJECTIONS.labels(kind.value, "address").inc()
            retry_after = _seconds(ttl, limit.seconds)
            raise _too_many(
                f"Too many {_ADDRESS_NOUNS[kind]} from your network (at most {limit.count}"
                f" every {limit.seconds} s).",
                retry_after,
            )

    def address_wait(self, kind: AddressKind, address: str) -> int:
        """Seconds until `address` may try again (0: now), without counting anything."""
        limit = self._address_limits[kind]
        key = _address_key(kind, limit, address)
        try:
            pipe = self._redis.pipeline(transaction=False)
            pipe.get(key)
            pipe.pttl(key)
            count, ttl = pipe.execute()
        except RedisError as exc:
            self._fail_open(kind.value, exc)
            return 0
        if int(count or 0) < limit.count:
            return 0
        RATE_LIMIT_REJECTIONS.labels(kind.value, "address").inc()
        return _seconds(ttl, limit.seconds)

    def count_address(self, kind: AddressKind, address: str) -> None:
        """Count one request from `address`, refusing nothing (failed sign-ins)."""
        self._count(kind, address)

    def _count(self, kind: AddressKind, address: str) -> tuple[int, int] | None:
        """Count one request from `address` in its window: (count, ms left), or None when
        Redis did not answer (failing open)."""
        limit = self._address_limits[kind]
        key = _address_key(kind, limit, address)
        try:
            pipe = self._redis.pipeline(transaction=False)
            pipe.set(key, 0, ex=limit.seconds, nx=True)
            pipe.incr(key)
            pipe.pttl(key)
            _, count, ttl = pipe.execute()
        except RedisError as exc:
            self._fail_open(kind.value, exc)
            return None
        return int(count), int(ttl)

    # --- failed sign-ins per account and address: a growing wait, never a lock -----------

    @staticmethod
    def _login_key(account: str, address: str) -> str:
        digest = hashlib.sha256(account.lower().encode()).hexdigest()
        return f"rl:login:{digest}:{address}"

    def login_wait(self, *, account: str, address: str) -> int:
        """Seconds before `address` may try `account` again (0: now)."""
        try:
            failures, last_ms = self._redis.hmget(
                self._login_key(account, address), ["failures", "last_ms"]
            )
        except RedisError as exc:
            self._fail_open("logins", exc)
            return 0
        beyond = int(failures or 0) - self._login_free_failures
        if beyond < 0:
            return 0
        wait_ms: int = min(self._login_longest_wait, 2 ** min(beyond, 30)) * 1000
        left_ms = int(last_ms or 0) + wait_ms - int(time.time() * 1000)
        if left_ms <= 0:
            return 0
        RATE_LIMIT_REJECTIONS.labels("logins", "account_address").inc()
        return max(1, math.ceil(left_ms / 1000))

    def login_failed(self, *, account: str, address: str) -> None:
        key = self._login_key(account, address)
        try:
            pipe = self._redis.pipeline(transaction=True)
            pipe.hincrby(key, "failures", 1)
            pipe.hset(key, "last_ms", int(time.time() * 1000))
            pipe.expire(key, self._login_memory)
            pipe.execute()
        except RedisError as exc:
            self._fail_open("logins", exc)

    def login_succeeded(self, *, account: str, address: str) -> None:
        try:
            self._redis.delete(self._login_key(account, address))
        except RedisError as exc:
            self._fail_open("logins", exc)

    @staticmethod
    def _fail_open(kind: str, exc: RedisError) -> None:
        RATE_LIMIT_FAIL_OPEN.labels(kind).inc()
        log.warning("rate limit skipped: redis unavailable", kind=kind, error=str(exc))

    def _reject(self, kind: RateKind, scope: str, ttl_ms: int, limit: Limit) -> None:
        RATE_LIMIT_REJECTIONS.labels(kind.value, scope).inc()
        retry_after = _seconds(ttl_ms, limit.seconds)
        who = "You are sending" if scope == "user" else "This class is receiving"
        raise _too_many(
            f"{who} {_NOUNS[kind]} too fast (at most {limit.count} every {limit.seconds} s).",
            retry_after,
        )


def _too_many(what: str, retry_after: int) -> Problem:
    """The 429 problem: what was over which limit, and when to try again."""
    return Problem(
        429,
        "rate-limited",
        "Too many requests",
        f"{what} Try again in {retry_after} s.",
        retry_after=retry_after,
    )


_ADDRESS_NOUNS = {AddressKind.signups: "sign-ups", AddressKind.login_failures: "failed sign-ins"}


def _address_key(kind: AddressKind, limit: Limit, address: str) -> str:
    # The window is in the key: apis with other windows (tests, a changed setting) on the
    # same Redis keep counters of their own instead of stretching each other's.
    return f"rl:{kind.value}:address:{limit.seconds}:{address}"


def _seconds(ttl_ms: int, window: int) -> int:
    """Whole seconds left in a window (its length when Redis gives no expiry)."""
    return max(1, math.ceil(int(ttl_ms) / 1000)) if int(ttl_ms) > 0 else window
