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

import structlog
from prometheus_client import Counter
from redis import Redis, RedisError
from sqlalchemy.orm import Session, sessionmaker

from multistream.db import after_commit
from multistream.eventlog.schemas import EventEnvelope
from multistream.eventlog.service import PENDING_KEY

log = structlog.get_logger(__name__)

PUBLISHED = Counter(
    "multistream_events_published_total", "Events published to Redis, by outcome.", ["outcome"]
)


def channel(session_id: uuid.UUID | str) -> str:
    return f"session:{session_id}"


def publish(redis: Redis, events: list[EventEnvelope]) -> None:
    try:
        with redis.pipeline(transaction=False) as pipe:
            for envelope in events:
                pipe.publish(channel(envelope.session_id), envelope.model_dump_json())
            pipe.execute()
    except RedisError as exc:
        PUBLISHED.labels("failed").inc(len(events))
        log.warning("publish failed; clients recover from the log", error=str(exc))
        return
    PUBLISHED.labels("published").inc(len(events))


def install(factory: sessionmaker[Session], redis: Redis) -> None:
    after_commit.handle(factory, PENDING_KEY, functools.partial(publish, redis))
