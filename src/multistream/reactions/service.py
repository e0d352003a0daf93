"""Emoji reactions of a live class: counted, never logged one by one.

A tap is counted by the aggregator (Redis `HINCRBY` per class and second, an in-process
count when Redis does not answer), and once a second is over the aggregator appends one
`reactions.burst {second, counts}` for it; `reactions.projection` adds the burst to
`reaction_buckets`. So a class gets at most one burst per second of reactions, and
rebuilding `reaction_buckets` from the bursts gives what the live path wrote.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Mapping
from typing import Protocol

from sqlalchemy.orm import Session

from multistream.auth.models import User
from multistream.eventlog import service as eventlog
from multistream.eventlog.domain import NewEvent
from multistream.ratelimit import RateKind, RateLimiter
from multistream.reactions.schemas import Emoji, ReactionAccepted, ReactionsBurst
from multistream.sessions import domain as sessions
from multistream.sessions.models import LiveSession


class ReactionCounter(Protocol):
    """Counts taps until their second is over (`aggregator.service.Aggregator`)."""

    def add_reaction(self, session_id: uuid.UUID, emoji: str) -> None: ...


def react(
    *,
    session: LiveSession,
    user: User,
    emoji: Emoji,
    rate_limiter: RateLimiter,
    counter: ReactionCounter,
) -> ReactionAccepted:
    sessions.require_class_open(session.status)
    rate_limiter.hit(RateKind.reactions, session_id=session.id, user_id=user.id)
    counter.add_reaction(session.id, emoji)
    return ReactionAccepted()


def publish_burst(
    db: Session, *, session_id: uuid.UUID, second: dt.datetime, counts: Mapping[str, int]
) -> bool:
    """Append the `reactions.burst` of one second; False when the class is gone."""
    if eventlog.lock(db, session_id=session_id) is None:
        return False
    burst = ReactionsBurst(second=second, counts=dict(sorted(counts.items())))
    eventlog.record(
        db, session_id=session_id, events=[NewEvent.of("reactions.burst", burst)], actor_id=None
    )
    return True
