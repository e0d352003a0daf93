"""Every route of the api, called by every kind of caller, answers as the policy says.

Routes and their required permission come from the api's own OpenAPI document
(`x-permission`), so a new route is walked automatically; expectations come from
`access.policy.allows`, the one policy table.
"""

from __future__ import annotations

import dataclasses
import uuid
from typing import Any

import pytest
import sqlalchemy as sa

from multistream.access.policy import Permission, allows
from multistream.courses.models import CourseRole
from tests.apiclient import ApiClient, Person

CALLERS = ["owner", "instructor", "ta", "student", "non_member", "anonymous"]
PATH_VALUES = {"key": "tests/nothing.txt"}
START, END = "2026-12-01T09:00:00+00:00", "2026-12-01T10:00:00+00:00"


@dataclasses.dataclass
class World:
    course_id: str
    invite_code: str
    target_user_id: str
    session_id: str


@pytest.fixture(scope="module")
def people(api: ApiClient) -> dict[str, Person]:
    names = ["owner", "instructor", "ta", "student", "non_member", "target"]
    return {name: api.signup(name.replace("_", " ").title()) for name in names}


@pytest.fixture(scope="module")
def operations(api: ApiClient) -> list[tuple[str, str, str]]:
    document = api.http.get("/openapi.json").json()
    found = []
    for path, methods in document["paths"].items():
        for method, operation in methods.items():
            assert "x-permission" in operation, f"{method.upper()} {path} declares no permission"
            found.append((method.upper(), path, operation["x-permission"]))
    return found


def _new_world(api: ApiClient, engine: sa.Engine, people: dict[str, Person]) -> World:
    course = api.create_course(people["owner"], "Route walk")
    members = {"instructor": "instructor", "ta": "ta", "student": "student", "target": "student"}
    with engine.begin() as connection:
        for name, role in members.items():
            connection.execute(
                sa.text(
                    "INSERT INTO course_members (course_id, user_id, role) VALUES (:c, :u, :r)"
                ),
                {"c": course["id"], "u": people[name].id, "r": role},
            )
    code = api.invite(people["owner"], course["id"])
    session = api.request(
        "POST",
        f"/api/v1/courses/{course['id']}/sessions",
        people["owner"],
        json={"title": "Walk", "scheduled_start": START, "scheduled_end": END},
    )
    assert session.status_code == 201, session.text
    return World(course["id"], code, people["target"].id, session.json()["id"])


def _expected(permission: str, caller: str) -> str:
    """'allowed', 'unauthenticated' or 'denied'."""
    if permission == "signature":  # webhooks: nobody's token helps, only a signature does
        return "unauthenticated_or_off"
    if permission == "public":
        return "allowed"
    if caller == "anonymous":
        return "unauthenticated"
    if permission == "authenticated":
        return "allowed"
    if caller == "non_member":
        return "denied"
    return "allowed" if allows(CourseRole(caller), Permission(permission)) else "denied"


def test_every_route_answers_every_caller_as_the_policy_says(
    api: ApiClient,
    engine: sa.Engine,
    people: dict[str, Person],
    operations: list[tuple[str, str, str]],
) -> None:
    mismatches: list[str] = []
    walked = 0
    for method, template, permission in operations:
        for caller in CALLERS:
            world = _new_world(api, engine, people)
            values: dict[str, Any] = {
                **PATH_VALUES,
                "course_id": world.course_id,
                "user_id": world.target_user_id,
                "code": world.invite_code,
                "session_id": world.session_id,
            }
            path = template.format(**values)
            person = None if caller == "anonymous" else people[caller]
            kwargs: dict[str, Any] = {} if method in ("GET", "DELETE") else {"json": {}}
            response = api.request(method, path, person, **kwargs)
            expected = _expected(permission, caller)
            status = response.status_code
            ok = {
                "allowed": status not in (401, 403)
                and not (permission not in ("public", "authenticated") and status == 404),
                "unauthenticated": status == 401,
                # 404 when the webhook is not configured (Clerk in a local install)
                "unauthenticated_or_off": status in (401, 404),
                "denied": status in (403, 404),
            }[expected]
            if ok and status >= 400:
                assert response.headers["content-type"] == "application/problem+json"
            if not ok:
                mismatches.append(f"{method} {template} as {caller}: {status}, expected {expected}")
            walked += 1
    assert mismatches == []
    assert walked == len(operations) * len(CALLERS)


def test_every_api_route_is_walked(operations: list[tuple[str, str, str]]) -> None:
    """The walk covers the course routes of this issue (a guard against an empty document)."""
    walked = {(method, path) for method, path, _ in operations}
    assert ("GET", "/api/v1/courses/{course_id}/members") in walked
    assert ("POST", "/api/v1/invites/{code}/accept") in walked
    assert ("POST", "/api/v1/sessions/{session_id}/start") in walked
    assert all(permission for _, _, permission in operations)


def test_a_student_calling_an_instructor_endpoint_gets_403(
    api: ApiClient, engine: sa.Engine, people: dict[str, Person]
) -> None:
    world = _new_world(api, engine, people)
    response = api.request(
        "POST",
        f"/api/v1/courses/{world.course_id}/invites",
        people["student"],
        json={"role": "student"},
    )
    assert response.status_code == 403
    assert response.json()["type"] == "forbidden"
    assert response.json()["permission"] == "course.invites.manage"


def test_non_members_cannot_see_that_a_course_exists(
    api: ApiClient, engine: sa.Engine, people: dict[str, Person]
) -> None:
    world = _new_world(api, engine, people)
    hidden = api.request("GET", f"/api/v1/courses/{world.course_id}", people["non_member"])
    missing = api.request("GET", f"/api/v1/courses/{uuid.uuid4()}", people["non_member"])
    assert hidden.status_code == missing.status_code == 404
    assert hidden.json()["detail"] == missing.json()["detail"]
