"""The roster kept in step without a click: a teacher's launch from an LMS course that
offers Names and Role Provisioning queues a roster sync, which the real Celery worker runs
against the independent platform of tests/lti_platform.py; at most one per course per
`lti_roster_sync_interval_seconds`."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import pytest
import redis
import sqlalchemy as sa

from multistream.devtools.processes import Worker
from multistream.lti.roster_queue import throttle_key
from multistream.settings import Settings
from tests.apiclient import ApiClient
from tests.lti_platform import (
    INSTRUCTOR,
    LEARNER,
    Browser,
    TestLms,
    person,
    registered_lms,
    signed_in,
)
from tests.pipeline_world import wait_for


@pytest.fixture(scope="module")
def api_settings(api_settings: Settings) -> Settings:
    """A queue of this module's own: no other module's launches reach this worker."""
    queue = f"{api_settings.celery_queue}-lti-roster"
    return api_settings.model_copy(update={"celery_queue": queue})


@pytest.fixture(scope="module")
def lms(api: ApiClient, engine: sa.Engine) -> Iterator[TestLms]:
    with registered_lms(api.base_url, engine) as platform:
        yield platform


def _member(who: Any, role: str) -> dict[str, Any]:
    return {"user_id": who.sub, "roles": [role], "status": "Active", "name": who.name}


def test_a_teacher_launch_has_the_worker_sync_the_roster(
    api: ApiClient, api_settings: Settings, lms: TestLms, worker: Worker
) -> None:
    context = f"auto-roster-{uuid.uuid4().hex[:8]}"
    teacher, listed = person(INSTRUCTOR, "Teacher"), person(LEARNER, "Listed")
    lms.members[context] = [_member(teacher, INSTRUCTOR), _member(listed, LEARNER)]

    launched = lms.launch(Browser(api.http), teacher, context_id=context, services=True)
    assert launched.response.status_code == 303, launched.response.text
    course_id = launched.response.headers["location"].removeprefix("/courses/")
    token = signed_in(api.base_url, launched)

    def roster() -> dict[str, str] | None:
        members = api.http.get(f"/api/v1/courses/{course_id}/members", headers=token).json()
        names = {m["display_name"]: m["role"] for m in members["items"]}
        return names if "Listed" in names else None

    # Nobody pressed anything: the learner the LMS lists is in the course.
    assert wait_for(roster, timeout=60, what="the roster synced by the worker") == {
        "Teacher": "owner",
        "Listed": "student",
    }
    # The next sync of this course waits for the interval.
    client = redis.Redis.from_url(api_settings.redis_url)
    try:
        ttl = client.ttl(throttle_key(uuid.UUID(course_id)))
    finally:
        client.close()
    assert 0 < ttl <= api_settings.lti_roster_sync_interval_seconds


def test_a_learner_launch_queues_no_sync(
    api: ApiClient, api_settings: Settings, lms: TestLms
) -> None:
    context = f"learner-first-{uuid.uuid4().hex[:8]}"
    teacher, learner = person(INSTRUCTOR, "Teacher"), person(LEARNER, "Learner")
    taught = lms.launch(Browser(api.http), teacher, context_id=context)  # no NRPS offered
    assert taught.response.status_code == 303
    course_id = uuid.UUID(taught.response.headers["location"].removeprefix("/courses/"))
    learned = lms.launch(Browser(api.http), learner, context_id=context, services=True)
    assert learned.response.status_code == 303
    client = redis.Redis.from_url(api_settings.redis_url)
    try:
        assert client.exists(throttle_key(course_id)) == 0
    finally:
        client.close()
