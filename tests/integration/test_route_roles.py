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
MEMBERS = ("owner", "instructor", "ta", "student")
PATH_VALUES = {"key": "tests/nothing.txt"}
START, END = "2026-12-01T09:00:00+00:00", "2026-12-01T10:00:00+00:00"


@dataclasses.dataclass
class World:
    course_id: str
    invite_code: str
    target_user_id: str
    session_id: str
    scene_id: str
    extra: dict[str, str] = dataclasses.field(default_factory=dict)
    """Path values made for one route in this world (a poll, a question…), shared by the
    callers that use the world."""


@pytest.fixture(scope="module")
def people(api: ApiClient) -> dict[str, Person]:
    names = ["owner", "instructor", "ta", "student", "non_member", "target"]
    return {name: api.signup(name.replace("_", " ").title()) for name in names}


def _operations() -> list[tuple[str, str, str]]:
    """Every operation of the api's OpenAPI document, with its declared permission."""
    from multistream.app import create_app
    from multistream.settings import Settings

    document = create_app(Settings(env="test", log_json=False)).openapi()
    found = []
    for path, methods in document["paths"].items():
        for method, operation in methods.items():
            assert "x-permission" in operation, f"{method.upper()} {path} declares no permission"
            found.append((method.upper(), path, operation["x-permission"]))
    return found


OPERATIONS = _operations()


@pytest.fixture(scope="module")
def operations() -> list[tuple[str, str, str]]:
    return OPERATIONS


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
    with engine.connect() as connection:
        scene_id = connection.execute(
            sa.text("SELECT id FROM scenes WHERE session_id = :s ORDER BY position LIMIT 1"),
            {"s": session.json()["id"]},
        ).scalar_one()
    return World(course["id"], code, people["target"].id, session.json()["id"], str(scene_id))


def _chat_message(api: ApiClient, world: World, author: Person) -> str:
    response = api.request(
        "POST", f"/api/v1/sessions/{world.session_id}/chat", author, json={"body": "Hello"}
    )
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


def _question(api: ApiClient, world: World, author: Person) -> str:
    response = api.request(
        "POST", f"/api/v1/sessions/{world.session_id}/questions", author, json={"body": "Why?"}
    )
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


def _open_poll(api: ApiClient, world: World, host: Person) -> str:
    """An open poll: students may see and vote in it."""
    polls = f"/api/v1/sessions/{world.session_id}/polls"
    poll = {"question": "Which?", "kind": "single", "options": ["A", "B"]}
    created = api.request("POST", polls, host, json=poll)
    assert created.status_code == 201, created.text
    poll_id = str(created.json()["id"])
    opened = api.request("POST", f"{polls}/{poll_id}/open", host)
    assert opened.status_code == 200, opened.text
    return poll_id


def _image_asset(engine: sa.Engine, world: World, owner: Person) -> str:
    """A ready image of the world's course (its object need not exist to presign it)."""
    asset_id = str(uuid.uuid4())
    with engine.begin() as connection:
        connection.execute(
            sa.text(
                "INSERT INTO assets (id, course_id, owner_id, kind, filename, mime, size_bytes,"
                " sha256, storage_key, status) VALUES (:id, :c, :o, 'image', 'walk.png',"
                " 'image/png', 1, :sha, :key, 'ready')"
            ),
            {
                "id": asset_id,
                "c": world.course_id,
                "o": owner.id,
                "sha": uuid.uuid4().hex * 2,
                "key": f"courses/{world.course_id}/assets/{asset_id}/original",
            },
        )
    return asset_id


def _failed_run(engine: sa.Engine, world: World) -> str:
    """A failed pipeline run of the world's class (retrying it is refused: no recording)."""
    run_id = str(uuid.uuid4())
    with engine.begin() as connection:
        connection.execute(
            sa.text(
                "INSERT INTO pipeline_runs (id, session_id, status, trigger, error, finished_at)"
                " VALUES (:id, :s, 'failed', 'manual', 'extract: walk', now())"
            ),
            {"id": run_id, "s": world.session_id},
        )
    return run_id


def _expected(permission: str, caller: str) -> str:
    """'allowed', 'unauthenticated' or 'denied'."""
    if permission == "signature":  # webhooks: nobody's token helps, only a signature does
        return "unauthenticated_or_off"
    if permission == "refresh-cookie":  # refresh and logout: no token helps, the cookie does
        return "cookie_only"
    if permission == "public":
        return "allowed"
    if caller == "anonymous":
        return "unauthenticated"
    if permission == "authenticated":
        return "allowed"
    if caller == "non_member":
        return "denied"
    return "allowed" if allows(CourseRole(caller), Permission(permission)) else "denied"


@pytest.mark.parametrize(
    ("method", "template", "permission"),
    OPERATIONS,
    ids=[f"{method} {path}" for method, path, _ in OPERATIONS],
)
def test_every_route_answers_every_caller_as_the_policy_says(
    api: ApiClient,
    engine: sa.Engine,
    people: dict[str, Person],
    method: str,
    template: str,
    permission: str,
) -> None:
    mismatches: list[str] = []
    walked = 0
    world: World | None = None
    # Least privileged first: refused calls change nothing, so they share a world; after a
    # call that went through, the next caller gets a fresh one.
    for caller in reversed(CALLERS):
        if world is None:
            world = _new_world(api, engine, people)
        values: dict[str, Any] = {
            **PATH_VALUES,
            "course_id": world.course_id,
            "user_id": world.target_user_id,
            "code": world.invite_code,
            "session_id": world.session_id,
            "scene_id": world.scene_id,
        }
        person = None if caller == "anonymous" else people[caller]
        if "{message_id}" in template:
            # The caller's own message (deleting one's own is allowed to everyone).
            author = people[caller] if caller in MEMBERS else people["owner"]
            values["message_id"] = _chat_message(api, world, author)
        values.update(world.extra)
        if "{question_id}" in template and "question_id" not in values:
            values["question_id"] = _question(api, world, people["target"])
        if "{poll_id}" in template and "poll_id" not in values:
            values["poll_id"] = _open_poll(api, world, people["owner"])
        if "{asset_id}" in template and "asset_id" not in values:
            values["asset_id"] = _image_asset(engine, world, people["owner"])
        if "{run_id}" in template and "run_id" not in values:
            values["run_id"] = _failed_run(engine, world)
        world.extra.update(
            (name, values[name])
            for name in ("question_id", "poll_id", "asset_id", "run_id")
            if name in values
        )
        path = template.format(**values)
        kwargs: dict[str, Any] = {} if method in ("GET", "DELETE") else {"json": {}}
        if template == "/internal/artifacts/runs":  # the class is named in the body
            kwargs = {"json": {"session_id": world.session_id}}
        response = api.request(method, path, person, **kwargs)
        expected = _expected(permission, caller)
        status = response.status_code
        ok = {
            "allowed": status not in (401, 403)
            and not (permission not in ("public", "authenticated") and status == 404),
            "unauthenticated": status == 401,
            # 404 when the webhook is not configured (Clerk in a local install)
            "unauthenticated_or_off": status in (401, 404),
            # Nobody here sends the cookie: refresh is refused, logout has nothing to end.
            "cookie_only": status == (204 if template.endswith("/logout") else 401),
            "denied": status in (403, 404),
        }[expected]
        if ok and status >= 400:
            assert response.headers["content-type"] == "application/problem+json"
        if not ok:
            mismatches.append(f"{method} {template} as {caller}: {status}, expected {expected}")
        if status not in (401, 403, 404):
            world = None
        walked += 1
    assert mismatches == []
    assert walked == len(CALLERS)


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
