"""Rate limits per user and per session, counted in Redis, failing open.

A limit is "COUNT/SECONDS" (a setting): at most COUNT hits in a fixed window of SECONDS.
Each kind of input (chat, questions, votes, reactions) has a limit per user in a session
and a limit for the whole session. Past either, `hit` raises a 429 `rate-limited` problem
with `Retry-After` (seconds until the window ends). When Redis does not answer, the hit
is allowed and a warning is logged: a class keeps working without its limits rather than
stopping.
"""

from __future__ import annotations

import enum
import math
import uuid
from dataclasses import dataclass
from typing import Any

import structlog
from redis import Redis
from redis.exceptions import RedisError

from multistream.ops.metrics import RATE_LIMIT_FAIL_OPEN, RATE_LIMIT_REJECTIONS
from multistream.problems import Problem
from multistream.settings import Settings

log = structlog.get_logger(__name__)

LIMITED: dict[int | str, dict[str, Any]] = {
    429: {"description": "`rate-limited`, with Retry-After"}
}
"""How a rate-limited operation documents it (`responses=` of its route)."""


class RateKind(enum.StrEnum):
    chat = "chat"
    questions = "questions"
    votes = "votes"
    reactions = "reactions"


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

    def _reject(self, kind: RateKind, scope: str, ttl_ms: int, limit: Limit) -> None:
        RATE_LIMIT_REJECTIONS.labels(kind.value, scope).inc()
        retry_after = max(1, math.ceil(ttl_ms / 1000)) if ttl_ms > 0 else limit.seconds
        who = "You are sending" if scope == "user" else "This class is receiving"
        raise Problem(
            429,
            "rate-limited",
            "Too many requests",
            f"{who} {_NOUNS[kind]} too fast (at most {limit.count} every {limit.seconds} s)."
            f" Try again in {retry_after} s.",
            headers={"Retry-After": str(retry_after)},
            retry_after=retry_after,
        )
