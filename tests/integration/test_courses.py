"""Courses, members and invites through the real api."""

from __future__ import annotations

import sqlalchemy as sa

from tests.apiclient import ApiClient


def test_create_list_and_get(api: ApiClient) -> None:
    teacher = api.signup("Teacher")
    created = [api.create_course(teacher, f"Course {n}") for n in range(3)]
    assert created[0]["my_role"] == "owner"

    page = api.request("GET", "/api/v1/courses?limit=2", teacher).json()
    assert [c["title"] for c in page["items"]] == ["Course 2", "Course 1"]
    rest = api.request("GET", f"/api/v1/courses?limit=2&cursor={page['next_cursor']}", teacher)
    assert [c["title"] for c in rest.json()["items"]] == ["Course 0"]
    assert rest.json()["next_cursor"] is None

    course = api.request("GET", f"/api/v1/courses/{created[1]['id']}", teacher).json()
    assert course == created[1]


def test_title_is_validated(api: ApiClient) -> None:
    teacher = api.signup("Teacher")
    for title in ["", "   ", "x" * 201]:
        response = api.request("POST", "/api/v1/courses", teacher, json={"title": title})
        assert response.status_code == 422
        assert [e["field"] for e in response.json()["errors"]] == ["title"]


def test_invite_accept_and_members(api: ApiClient) -> None:
    teacher, student, assistant = api.signup("Teacher"), api.signup("Student"), api.signup("TA")
    course = api.create_course(teacher)
    student_code = api.invite(teacher, course["id"])
    ta_code = api.invite(teacher, course["id"], role="ta")

    preview = api.request("GET", f"/api/v1/invites/{student_code}", student).json()
    assert preview["course_title"] == course["title"]
    assert preview["valid"] is True

    joined = api.join(student, student_code)
    assert joined.status_code == 200
    assert joined.json()["role"] == "student"
    assert joined.json()["course"]["my_role"] == "student"
    assert api.join(student, student_code).json()["role"] == "student"  # idempotent
    assert api.join(assistant, ta_code).json()["role"] == "ta"

    members = api.request("GET", f"/api/v1/courses/{course['id']}/members", assistant).json()
    assert {m["display_name"]: m["role"] for m in members["items"]} == {
        "Teacher": "owner",
        "Student": "student",
        "TA": "ta",
    }
    listed = api.request("GET", "/api/v1/courses", student).json()["items"]
    assert [c["id"] for c in listed] == [course["id"]]

    invites = api.request("GET", f"/api/v1/courses/{course['id']}/invites", teacher).json()
    uses = {invite["code"]: invite["uses"] for invite in invites["items"]}
    assert uses == {student_code: 1, ta_code: 1}


def test_invite_limits(api: ApiClient, engine: sa.Engine) -> None:
    teacher = api.signup("Teacher")
    course = api.create_course(teacher)
    once = api.invite(teacher, course["id"], max_uses=1)
    assert api.join(api.signup("First"), once).status_code == 200
    used_up = api.join(api.signup("Second"), once)
    assert used_up.status_code == 410
    assert used_up.json()["type"] == "invite-used-up"

    expiring = api.invite(teacher, course["id"])
    with engine.begin() as connection:
        connection.execute(
            sa.text(
                "UPDATE course_invites SET expires_at = now() - interval '1 minute'"
                " WHERE code = :code"
            ),
            {"code": expiring},
        )
    late = api.signup("Late")
    preview = api.request("GET", f"/api/v1/invites/{expiring}", late).json()
    assert preview["valid"] is False
    assert "expired" in preview["reason"]
    expired = api.join(late, expiring)
    assert expired.status_code == 410
    assert expired.json()["type"] == "invite-expired"
    assert api.request("GET", f"/api/v1/courses/{course['id']}", late).status_code == 404


def test_unknown_invite(api: ApiClient) -> None:
    response = api.join(api.signup("Lost"), "no-such-code")
    assert response.status_code == 404
    assert response.json()["type"] == "not-found"


def test_roles_change_and_the_owner_stays(api: ApiClient) -> None:
    teacher, student = api.signup("Teacher"), api.signup("Student")
    course = api.create_course(teacher)
    api.join(student, api.invite(teacher, course["id"]))
    members_url = f"/api/v1/courses/{course['id']}/members"

    promoted = api.request("PATCH", f"{members_url}/{student.id}", teacher, json={"role": "ta"})
    assert promoted.json()["role"] == "ta"
    owner_change = api.request(
        "PATCH", f"{members_url}/{teacher.id}", teacher, json={"role": "student"}
    )
    assert owner_change.status_code == 409
    assert owner_change.json()["type"] == "owner-is-fixed"
    assert api.request("DELETE", f"{members_url}/{teacher.id}", teacher).status_code == 409
    bad_role = api.request("PATCH", f"{members_url}/{student.id}", teacher, json={"role": "owner"})
    assert bad_role.status_code == 422

    assert api.request("DELETE", f"{members_url}/{student.id}", teacher).status_code == 204
    gone = api.request("GET", f"/api/v1/courses/{course['id']}", student)
    assert gone.status_code == 404  # a removed student loses access at once


def test_archive(api: ApiClient) -> None:
    teacher = api.signup("Teacher")
    course = api.create_course(teacher)
    archived = api.request("POST", f"/api/v1/courses/{course['id']}/archive", teacher).json()
    assert archived["archived_at"] is not None
    refused = api.request(
        "POST", f"/api/v1/courses/{course['id']}/invites", teacher, json={"role": "student"}
    )
    assert refused.status_code == 409
    assert refused.json()["type"] == "course-archived"
