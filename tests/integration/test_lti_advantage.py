"""LTI Advantage against an independent platform (`lti1p3platform`, tests/lti_platform.py,
serving its token endpoint and services over real HTTP): the roster synced from Names and
Role Provisioning (a learner removed in the LMS loses the course), quiz scores posted to
the gradebook's line item, and deep linking answered with a response the LMS verifies."""

from __future__ import annotations

import datetime as dt
import html
import re
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
import sqlalchemy as sa

from multistream.settings import Settings
from tests.apiclient import ApiClient
from tests.lti_platform import (
    INSTRUCTOR,
    LEARNER,
    Browser,
    LaunchResult,
    TestLms,
    person,
    registered_lms,
    signed_in,
)

START = dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.UTC)


@pytest.fixture(scope="module")
def api_settings(api_settings: Settings) -> Settings:
    """No roster sync queued by launches here: these tests sync by hand and count what
    changed (test_lti_roster_auto tests the sync a launch queues)."""
    return api_settings.model_copy(update={"lti_roster_sync_interval_seconds": 0})


@pytest.fixture(scope="module")
def lms(api: ApiClient, engine: sa.Engine) -> Iterator[TestLms]:
    with registered_lms(api.base_url, engine) as platform:
        yield platform


def _launch(api: ApiClient, lms: TestLms, who: Any, context: str, **kwargs: Any) -> LaunchResult:
    launched = lms.launch(Browser(api.http), who, context_id=context, **kwargs)
    assert launched.response.status_code == 303, launched.response.text
    return launched


def _course_id(launched: LaunchResult) -> str:
    return launched.response.headers["location"].removeprefix("/courses/")


def _schedule(api: ApiClient, token: dict[str, str], course_id: str, title: str) -> str:
    body = {
        "title": title,
        "scheduled_start": START.isoformat(),
        "scheduled_end": (START + dt.timedelta(hours=1)).isoformat(),
    }
    response = api.http.post(f"/api/v1/courses/{course_id}/sessions", headers=token, json=body)
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


def _nrps_member(who: Any, role: str, status: str = "Active") -> dict[str, Any]:
    return {"user_id": who.sub, "roles": [role], "status": status, "name": who.name}


def test_a_roster_sync_adds_lms_members_and_removes_the_ones_gone(
    api: ApiClient, lms: TestLms
) -> None:
    context = f"roster-{uuid.uuid4().hex[:8]}"
    teacher, stays, leaves, newcomer = (
        person(INSTRUCTOR, "Teacher"),
        person(LEARNER, "Stays"),
        person(LEARNER, "Leaves"),
        person(LEARNER, "Newcomer"),
    )
    taught = _launch(api, lms, teacher, context, services=True)
    course_id = _course_id(taught)
    staying, leaving = (_launch(api, lms, p, context, services=True) for p in (stays, leaves))
    leaving_token = signed_in(api.base_url, leaving)
    assert api.http.get(f"/api/v1/courses/{course_id}", headers=leaving_token).status_code == 200

    lms.members[context] = [
        _nrps_member(teacher, INSTRUCTOR),
        _nrps_member(stays, LEARNER),
        _nrps_member(newcomer, LEARNER),
        _nrps_member(leaves, LEARNER, status="Inactive"),
    ]
    teacher_token = signed_in(api.base_url, taught)
    # What the course page asks before it offers the button.
    link = api.http.get(f"/api/v1/courses/{course_id}/lti/roster-sync", headers=teacher_token)
    assert link.json() == {"linked": True, "platform": lms.issuer}
    synced = api.http.post(f"/api/v1/courses/{course_id}/lti/roster-sync", headers=teacher_token)
    assert synced.status_code == 200, synced.text
    assert synced.json() == {"set_roles": 1, "removed": 1}

    # The learner removed in the LMS has lost the course; the others have it.
    assert api.http.get(f"/api/v1/courses/{course_id}", headers=leaving_token).status_code == 404
    staying_token = signed_in(api.base_url, staying)
    assert api.http.get(f"/api/v1/courses/{course_id}", headers=staying_token).status_code == 200
    members = api.http.get(f"/api/v1/courses/{course_id}/members", headers=teacher_token).json()
    names = {m["display_name"]: m["role"] for m in members["items"]}
    assert names == {"Teacher": "owner", "Stays": "student", "Newcomer": "student"}

    # The newcomer's account is the one their first launch signs into.
    first = _launch(api, lms, newcomer, context)
    assert _course_id(first) == course_id
    # Nothing changed in the LMS: a second sync changes nothing.
    again = api.http.post(f"/api/v1/courses/{course_id}/lti/roster-sync", headers=teacher_token)
    assert again.json() == {"set_roles": 0, "removed": 0}


def test_a_roster_sync_needs_an_lms_course(api: ApiClient) -> None:
    owner = api.signup("Invite Only")
    course = api.create_course(owner)
    link = api.request("GET", f"/api/v1/courses/{course['id']}/lti/roster-sync", owner)
    assert link.json() == {"linked": False, "platform": None}
    response = api.request("POST", f"/api/v1/courses/{course['id']}/lti/roster-sync", owner)
    assert response.status_code == 409
    assert response.json()["type"] == "lti-not-linked"


def test_quiz_scores_reach_the_lms_gradebook(api: ApiClient, lms: TestLms) -> None:
    context = f"grades-{uuid.uuid4().hex[:8]}"
    teacher, right, wrong = (
        person(INSTRUCTOR, "Teacher"),
        person(LEARNER, "Right"),
        person(LEARNER, "Wrong"),
    )
    taught = _launch(api, lms, teacher, context)
    teacher_token = signed_in(api.base_url, taught)
    class_id = _schedule(api, teacher_token, _course_id(taught), "Quiz day")
    grades = f"/api/v1/sessions/{class_id}/lti/scores"
    assert api.http.get(grades, headers=teacher_token).json() == {"linked": False, "platform": None}
    # The graded link the teacher placed for this class; the LMS names its line item.
    link = {"multistream_target": "session", "multistream_id": class_id}
    opened = {
        p.sub: _launch(api, lms, p, context, resource_link_id="graded", custom=link, services=True)
        for p in (teacher, right, wrong)
    }
    assert opened[right.sub].response.headers["location"] == f"/sessions/{class_id}"
    assert api.http.get(grades, headers=teacher_token).json() == {
        "linked": True,
        "platform": lms.issuer,
    }
    learner_token = signed_in(api.base_url, opened[right.sub])
    assert api.http.get(grades, headers=learner_token).status_code == 403

    polls = f"/api/v1/sessions/{class_id}/polls"
    quiz = api.http.post(
        polls,
        headers=teacher_token,
        json={
            "question": "2 + 2?",
            "kind": "quiz",
            "options": ["3", "4"],
            "correct_option_indexes": [1],
        },
    ).json()
    assert api.http.post(f"{polls}/{quiz['id']}/open", headers=teacher_token).status_code == 200
    for who, option in ((right, 1), (wrong, 0)):
        token = signed_in(api.base_url, opened[who.sub])
        voted = api.http.put(
            f"{polls}/{quiz['id']}/vote",
            headers=token,
            json={"option_ids": [quiz["options"][option]["id"]]},
        )
        assert voted.status_code in (200, 204), voted.text
    assert api.http.post(f"{polls}/{quiz['id']}/close", headers=teacher_token).status_code == 200

    posted = api.http.post(f"/api/v1/sessions/{class_id}/lti/scores", headers=teacher_token)
    assert posted.status_code == 200, posted.text
    assert posted.json() == {"posted": 2}
    received = {s["userId"]: s for s in lms.scores if s["lineitem"] == context}
    assert set(received) == {right.sub, wrong.sub}
    assert (received[right.sub]["scoreGiven"], received[right.sub]["scoreMaximum"]) == (1, 1)
    assert received[wrong.sub]["scoreGiven"] == 0
    assert received[right.sub]["activityProgress"] == "Completed"
    assert received[right.sub]["gradingProgress"] == "FullyGraded"


def _form_fields(page: str) -> dict[str, str]:
    return {
        html.unescape(name): html.unescape(value)
        for name, value in re.findall(r'name="([^"]+)" value="([^"]*)"', page)
    }


def test_deep_linking_places_a_class_the_lms_accepts(api: ApiClient, lms: TestLms) -> None:
    context = f"deep-{uuid.uuid4().hex[:8]}"
    teacher = person(INSTRUCTOR, "Teacher")
    taught = _launch(api, lms, teacher, context)
    class_id = _schedule(api, signed_in(api.base_url, taught), _course_id(taught), "Cells")

    picking = _launch(api, lms, teacher, context, deep_linking=True, resource_link_id=None)
    page_url = picking.response.headers["location"]
    assert page_url.startswith("/lti/deep-link?launch_id=")
    page = picking.browser.request("GET", f"{api.base_url}{page_url}")
    assert page.status_code == 200, page.text
    assert f'value="{class_id}"' in page.text
    assert 'value="replays"' in page.text
    launch_id = _form_fields(page.text)["launch_id"]

    answer = picking.browser.request(
        "POST", f"{api.base_url}/lti/deep-link", data={"launch_id": launch_id, "choice": class_id}
    )
    assert answer.status_code == 200, answer.text
    assert f'action="{lms.url}/deep-link-return"' in answer.text
    items = lms.accept_deep_linking_response(_form_fields(answer.text)["JWT"])
    assert len(items) == 1
    assert items[0]["type"] == "ltiResourceLink"
    assert items[0]["title"] == "Cells"
    assert items[0]["custom"] == {"multistream_target": "session", "multistream_id": class_id}

    # "The course's replays" is the other choice: a link to the course page.
    replays = picking.browser.request(
        "POST", f"{api.base_url}/lti/deep-link", data={"launch_id": launch_id, "choice": "replays"}
    )
    [replays_item] = lms.accept_deep_linking_response(_form_fields(replays.text)["JWT"])
    assert replays_item["custom"]["multistream_target"] == "replays"
    opened = _launch(
        api, lms, teacher, context, resource_link_id="replays", custom=replays_item["custom"]
    )
    assert opened.response.headers["location"] == f"/courses/{_course_id(taught)}"

    # The LMS launches the placed link: it opens the class.
    placed = _launch(
        api,
        lms,
        person(LEARNER, "Learner"),
        context,
        resource_link_id="placed",
        custom=items[0]["custom"],
    )
    assert placed.response.headers["location"] == f"/sessions/{class_id}"


def test_only_teachers_place_links(api: ApiClient, lms: TestLms) -> None:
    context = f"deep-{uuid.uuid4().hex[:8]}"
    _launch(api, lms, person(INSTRUCTOR, "Teacher"), context)
    refused = lms.launch(
        Browser(api.http),
        person(LEARNER, "Learner"),
        context_id=context,
        deep_linking=True,
        resource_link_id=None,
    )
    assert refused.response.status_code == 403
    assert refused.response.json()["type"] == "lti-teachers-only"
