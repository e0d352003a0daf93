"""Queuing a course's roster sync on the worker from a teacher's launch.

The launch only notes the course (`later`); after its transaction commits, the api sends
`multistream.lti.sync_roster` by name (the api does not import the worker's task module),
at most once per `lti_roster_sync_interval_seconds` per course: a Redis key set with `NX`
and that expiry is the throttle, shared by every api process. A broker that does not
answer is logged, never raised to the launch (the person is already signed in).
"""

from __future__ import annotations

import uuid

import structlog
from redis import Redis
from sqlalchemy.orm import Session, sessionmaker

from multistream.db import after_commit
from multistream.pipeline.celery_app import celery_app, enqueue
from multistream.settings import Settings

log = structlog.get_logger(__name__)

TASK_NAME = "multistream.lti.sync_roster"
PENDING_KEY = "multistream.pending_roster_syncs"


def throttle_key(course_id: uuid.UUID) -> str:
    return f"lti:roster-sync:{course_id}"


def later(db: Session, course_id: uuid.UUID) -> None:
    """Queue the course's roster sync for when `db` commits (nothing on rollback)."""
    after_commit.later(db, PENDING_KEY, course_id)


def send(settings: Settings, course_id: uuid.UUID) -> None:
    enqueue(
        settings,
        celery_app.signature(TASK_NAME, args=(str(course_id),), queue=settings.celery_queue),
    )


def send_throttled(settings: Settings, redis: Redis, course_id: uuid.UUID) -> bool:
    """Send the course's sync unless one was sent within the interval; whether it was sent."""
    interval = settings.lti_roster_sync_interval_seconds
    if interval <= 0:
        return False
    key = throttle_key(course_id)
    if not redis.set(key, "1", nx=True, ex=interval):
        return False
    try:
        send(settings, course_id)
    except Exception:
        redis.delete(key)  # not sent: the next teacher's launch tries again
        raise
    return True


def install(factory: sessionmaker[Session], settings: Settings, redis: Redis) -> None:
    """Send the roster syncs a transaction queued when it commits."""

    def send_all(course_ids: list[uuid.UUID]) -> None:
        for course_id in dict.fromkeys(course_ids):
            try:
                if send_throttled(settings, redis, course_id):
                    log.info("lti roster sync queued", course_id=str(course_id))
            except Exception as exc:  # the launch already succeeded
                log.error("lti roster sync not queued", course_id=str(course_id), error=str(exc))

    after_commit.handle(factory, PENDING_KEY, send_all)
