"""Publish appended events to Redis after their transaction commits — never before.

`install(sessionmaker, redis)` hooks the session factory (`db.after_commit`): events that
`eventlog.service.record` queued on a SQLAlchemy session are published to the channel
`session:{id}` when that session commits, and dropped when it rolls back. A failed
publish is logged and counted, not raised: the change is durable, and clients recover it
from the log.
"""

from __future__ import annotations

import functools
import uuid
from collections import Counter

import structlog
from redis import Redis, RedisError
from sqlalchemy.orm import Session, sessionmaker

from multistream.db import after_commit
from multistream.eventlog.schemas import EventEnvelope
from multistream.eventlog.service import PENDING_KEY
from multistream.ops.metrics import EVENTS_PUBLISHED, event_type_label

log = structlog.get_logger(__name__)


def channel(session_id: uuid.UUID | str) -> str:
    return f"session:{session_id}"


def publish(redis: Redis, events: list[EventEnvelope]) -> None:
    try:
        with redis.pipeline(transaction=False) as pipe:
            for envelope in events:
                pipe.publish(channel(envelope.session_id), envelope.model_dump_json())
            pipe.execute()
    except RedisError as exc:
        _count(events, "failed")
        log.warning("publish failed; clients recover from the log", error=str(exc))
        return
    _count(events, "published")


def _count(events: list[EventEnvelope], outcome: str) -> None:
    by_type = Counter(event_type_label(envelope.type) for envelope in events)
    for event_type, count in by_type.items():
        EVENTS_PUBLISHED.labels(event_type, outcome).inc(count)


def install(factory: sessionmaker[Session], redis: Redis) -> None:
    after_commit.handle(factory, PENDING_KEY, functools.partial(publish, redis))
