"""The worker's roster sync: `multistream.lti.sync_roster(course_id)`, queued by a teacher's
launch (`lti.roster_queue`).

Idempotent, as every task here must be: a sync makes the course's LMS-linked members match
the LMS's list, so running it twice changes nothing more. An LMS or a database that does
not answer is tried again (MAX_RETRIES times, backing off), then logged; a course that is no
longer linked is skipped.
"""

from __future__ import annotations

import functools
import uuid

import structlog
from celery import Task
from sqlalchemy.exc import OperationalError

from multistream.db.engine import transaction
from multistream.lti import advantage, domain
from multistream.lti.roster_queue import TASK_NAME
from multistream.lti.schemas import RosterSynced
from multistream.lti.tool import ToolKey
from multistream.pipeline.celery_app import celery_app
from multistream.pipeline.worker import worker_resources

log = structlog.get_logger(__name__)

MAX_RETRIES = 3


@functools.cache
def _tool_key() -> ToolKey:
    return ToolKey(worker_resources().settings)


def sync_course_roster(course_id: uuid.UUID) -> RosterSynced | None:
    """Sync the course's roster in one transaction; None when it has no LMS roster."""
    worker = worker_resources()
    try:
        with transaction(worker.sessions) as db:
            synced = advantage.sync_roster(db, key=_tool_key(), course_id=course_id)
    except domain.NotLinked:
        log.info("lti roster sync skipped: not linked", course_id=str(course_id))
        return None
    log.info(
        "lti roster synced",
        course_id=str(course_id),
        set_roles=synced.set_roles,
        removed=synced.removed,
    )
    return synced


@celery_app.task(name=TASK_NAME, bind=True, ignore_result=True, max_retries=MAX_RETRIES)
def sync_roster(self: Task[[str], None], course_id: str) -> None:
    try:
        sync_course_roster(uuid.UUID(course_id))
    except (domain.PlatformFailed, OperationalError) as exc:
        if self.request.retries < MAX_RETRIES:
            log.warning("lti roster sync will be retried", course_id=course_id, error=str(exc))
            raise self.retry(exc=exc, countdown=30 * 2**self.request.retries) from exc
        log.error("lti roster sync failed", course_id=course_id, error=str(exc))
