"""`Idempotency-Key` on the lifecycle POSTs: one effect, the same answer."""

from __future__ import annotations

import datetime as dt
import threading
import uuid
from typing import Any

import httpx
import sqlalchemy as sa

from tests.apiclient import ApiClient, Person

START = dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.UTC)
BODY = {
    "title": "Idempotent class",
    "scheduled_start": START.isoformat(),
    "scheduled_end": (START + dt.timedelta(hours=1)).isoformat(),
}


def post_with_key(
    api: ApiClient, person: Person, path: str, key: str, body: Any = None, **options: Any
) -> httpx.Response:
    headers = {"Idempotency-Key": key}
    return api.request("POST", path, person, json=body, headers=headers, **options)


def events_of(engine: sa.Engine, session_id: str) -> list[tuple[int, str, str | None]]:
    with engine.connect() as connection:
        rows = connection.execute(
            sa.text(
                "SELECT seq, type, idempotency_key FROM session_events"
                " WHERE session_id = :id ORDER BY seq"
            ),
            {"id": session_id},
        )
        return [(row.seq, row.type, row.idempotency_key) for row in rows]


def test_the_same_key_with_another_body_is_422(api: ApiClient) -> None:
    teacher = api.signup("Teacher")
    course = api.create_course(teacher)
    path = f"/api/v1/courses/{course['id']}/sessions"
    key = str(uuid.uuid4())
    assert post_with_key(api, teacher, path, key, BODY).status_code == 201
    other = post_with_key(api, teacher, path, key, {**BODY, "title": "Another class"})
    assert other.status_code == 422
    assert other.json()["type"] == "idempotency-key-reused"


def test_start_retried_with_its_key_appends_once(api: ApiClient, engine: sa.Engine) -> None:
    teacher = api.signup("Teacher")
    course = api.create_course(teacher)
    session = api.request(
        "POST", f"/api/v1/courses/{course['id']}/sessions", teacher, json=BODY
    ).json()
    path = f"/api/v1/sessions/{session['id']}/start"
    key = str(uuid.uuid4())
    first, second = post_with_key(api, teacher, path, key), post_with_key(api, teacher, path, key)
    assert first.json() == second.json()
    assert [t for _, t, _ in events_of(engine, session["id"])] == [
        "session.scheduled",
        "session.started",
        "session.media_status",
    ]


def test_a_refusal_is_remembered_too(api: ApiClient, engine: sa.Engine) -> None:
    teacher = api.signup("Teacher")
    course = api.create_course(teacher)
    session = api.request(
        "POST", f"/api/v1/courses/{course['id']}/sessions", teacher, json=BODY
    ).json()
    key = str(uuid.uuid4())
    refused = post_with_key(api, teacher, f"/api/v1/sessions/{session['id']}/end", key)
    assert refused.status_code == 409
    again = post_with_key(api, teacher, f"/api/v1/sessions/{session['id']}/end", key)
    assert again.status_code == 409
    assert again.json() == refused.json()
    assert again.headers["content-type"] == "application/problem+json"


def test_keys_belong_to_their_user(api: ApiClient) -> None:
    teacher, colleague = api.signup("Teacher"), api.signup("Colleague")
    course = api.create_course(teacher)
    code = api.invite(teacher, course["id"])
    api.join(colleague, code)
    key = "shared-key-123"
    path = f"/api/v1/courses/{course['id']}/sessions"
    assert post_with_key(api, teacher, path, key, BODY).status_code == 201
    # The same key from someone else is their own key: a student is refused on its merits.
    assert post_with_key(api, colleague, path, key, BODY).status_code == 403


def test_concurrent_duplicates_make_one_effect(api: ApiClient, engine: sa.Engine) -> None:
    teacher = api.signup("Teacher")
    course = api.create_course(teacher)
    path = f"/api/v1/courses/{course['id']}/sessions"
    key = str(uuid.uuid4())
    barrier = threading.Barrier(6)
    statuses: list[int] = []

    def post() -> None:
        with httpx.Client(base_url=api.base_url, headers={"Origin": api.base_url}) as http:
            barrier.wait()
            response = http.post(
                path, json=BODY, headers={**teacher.headers, "Idempotency-Key": key}
            )
            statuses.append(response.status_code)

    threads = [threading.Thread(target=post) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert set(statuses) <= {201, 409}
    assert 201 in statuses
    listed = api.request("GET", path, teacher).json()["items"]
    assert len(listed) == 1


def test_course_and_invite_posts_take_a_key_too(api: ApiClient) -> None:
    teacher = api.signup("Teacher")
    key = str(uuid.uuid4())
    first = post_with_key(api, teacher, "/api/v1/courses", key, {"title": "Once"})
    second = post_with_key(api, teacher, "/api/v1/courses", key, {"title": "Once"})
    assert first.status_code == second.status_code == 201
    assert first.json() == second.json()
    titles = [c["title"] for c in api.request("GET", "/api/v1/courses", teacher).json()["items"]]
    assert titles == ["Once"]

    invites = f"/api/v1/courses/{first.json()['id']}/invites"
    invite_key = str(uuid.uuid4())
    made = [post_with_key(api, teacher, invites, invite_key, {"role": "student"}) for _ in range(2)]
    assert made[0].json() == made[1].json()
    assert len(api.request("GET", invites, teacher).json()["items"]) == 1
