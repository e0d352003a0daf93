"""LTI 1.3 core launch against an independent platform (`lti1p3platform`, tests/lti_platform.py):
people are signed in and given their course role, an LMS course becomes one course, and
forged, replayed, misaddressed or unknown launches are refused with problem documents."""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator

import pytest
import sqlalchemy as sa

from tests.apiclient import ApiClient
from tests.lti_platform import (
    CLIENT_ID,
    INSTRUCTOR,
    LEARNER,
    TEACHING_ASSISTANT,
    Browser,
    LaunchResult,
    TestLms,
    _pem_pair,
    person,
    registered_lms,
    signed_in,
)


@pytest.fixture(scope="module")
def lms(api: ApiClient, engine: sa.Engine) -> Iterator[TestLms]:
    with registered_lms(api.base_url, engine) as platform:
        yield platform


_person = person


def _browser(api: ApiClient) -> Browser:
    """A new browser (its own cookies) on the api client's connection pool."""
    return Browser(api.http)


def _signed_in(api: ApiClient, launched: LaunchResult) -> dict[str, str]:
    return signed_in(api.base_url, launched)


def _my_role(api: ApiClient, launched: LaunchResult, course_path: str) -> str:
    course_id = course_path.removeprefix("/courses/").split("?")[0]
    response = api.http.get(f"/api/v1/courses/{course_id}", headers=_signed_in(api, launched))
    assert response.status_code == 200, response.text
    return str(response.json()["my_role"])


def _refused(launched: LaunchResult, slug: str = "lti-launch-invalid", status: int = 401) -> None:
    response = launched.response
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["type"] == slug


def test_launches_sign_people_in_with_their_course_roles(
    api: ApiClient, lms: TestLms, engine: sa.Engine
) -> None:
    context = f"course-{uuid.uuid4().hex[:8]}"
    teacher = _person(INSTRUCTOR, "Ada Teacher")
    launched = lms.launch(_browser(api), teacher, context_id=context, context_title="Biology 101")
    assert launched.response.status_code == 303, launched.response.text
    course_path = launched.response.headers["location"]
    assert course_path.startswith("/courses/")
    refresh = next(h for h in launched.browser.set_cookie_headers if "multistream_refresh=" in h)
    attributes = {part.strip().lower() for part in refresh.split(";")}
    assert {"httponly", "secure", "samesite=none", "path=/auth/local"} <= attributes
    assert _my_role(api, launched, course_path) == "owner"  # the first teacher made it

    course_id = course_path.removeprefix("/courses/")
    response = api.http.get(f"/api/v1/courses/{course_id}", headers=_signed_in(api, launched))
    assert response.json()["title"] == "Biology 101"

    cases = [
        (_person(INSTRUCTOR, "Second Teacher"), "instructor"),
        (_person(TEACHING_ASSISTANT, "Tim Assistant"), "ta"),
        (_person(LEARNER, "Lea Learner"), "student"),
    ]
    for someone, role in cases:
        again = lms.launch(_browser(api), someone, context_id=context)
        assert again.response.status_code == 303, again.response.text
        assert again.response.headers["location"] == course_path  # one course per context
        assert _my_role(api, again, course_path) == role

    # The same learner again: the same account, still a student, still one course.
    learner = cases[-1][0]
    again = lms.launch(_browser(api), learner, context_id=context)
    assert again.response.headers["location"] == course_path
    with engine.connect() as connection:
        contexts = connection.execute(
            sa.text("SELECT count(*) FROM lti_contexts WHERE context_id = :c"), {"c": context}
        ).scalar_one()
        accounts = connection.execute(
            sa.text("SELECT count(*) FROM lti_user_links WHERE subject = :s"), {"s": learner.sub}
        ).scalar_one()
    assert (contexts, accounts) == (1, 1)


def test_a_learner_cannot_open_a_course_no_teacher_set_up(api: ApiClient, lms: TestLms) -> None:
    launched = lms.launch(
        _browser(api), _person(LEARNER, "Early Bird"), context_id=f"new-{uuid.uuid4().hex}"
    )
    _refused(launched, "lti-course-not-set-up", 409)


def test_an_id_token_signed_by_another_key_is_refused(api: ApiClient, lms: TestLms) -> None:
    forger_key, _ = _pem_pair()
    launched = lms.launch(
        _browser(api), _person(INSTRUCTOR, "Mallory"), context_id="forged", sign_with=forger_key
    )
    _refused(launched)


def test_a_replayed_id_token_is_refused(api: ApiClient, lms: TestLms) -> None:
    launched = lms.launch(_browser(api), _person(INSTRUCTOR, "Once"), context_id="replay")
    assert launched.response.status_code == 303, launched.response.text
    form = {"id_token": launched.id_token, "state": launched.state}
    # The same browser posting it again, and another browser that caught it.
    again = launched.browser.request("POST", f"{api.base_url}/lti/launch", data=form)
    elsewhere = _browser(api).request("POST", f"{api.base_url}/lti/launch", data=form)
    for response in (again, elsewhere):
        assert response.status_code == 401, response.text
        assert response.json()["type"] == "lti-launch-invalid"
    assert "already used" in again.json()["detail"]


def test_a_launch_posted_from_another_browser_is_refused(api: ApiClient, lms: TestLms) -> None:
    """The state and nonce are bound to the browser that started the login (its flow
    cookies): a launch form caught on its way is refused elsewhere, and still works in
    the browser it was meant for."""
    victim, attacker = _browser(api), _browser(api)
    caught = lms.launch(victim, _person(INSTRUCTOR, "Victim"), context_id="bound", post=False)
    form = {"id_token": caught.id_token, "state": caught.state}
    stolen = attacker.request("POST", f"{api.base_url}/lti/launch", data=form)
    assert stolen.status_code == 401, stolen.text
    assert "multistream_refresh" not in attacker.cookies
    meant = victim.request("POST", f"{api.base_url}/lti/launch", data=form)
    assert meant.status_code == 303, meant.text


@pytest.mark.parametrize(
    "claims",
    [
        {"aud": "another-tool"},
        {"aud": [CLIENT_ID, "another-tool"], "azp": "another-tool"},
        {"iss": "https://lms.attacker.example"},
        {"exp": int(time.time()) - 600},
        {"https://purl.imsglobal.org/spec/lti/claim/roles": ["urn:nobody"]},
    ],
    ids=["audience", "authorized-party", "issuer", "expired", "no-course-role"],
)
def test_misaddressed_or_stale_launches_are_refused(
    api: ApiClient, lms: TestLms, claims: dict[str, object]
) -> None:
    launched = lms.launch(
        _browser(api), _person(INSTRUCTOR, "Wrong"), context_id="wrong", tamper=claims
    )
    _refused(launched)


def test_an_unknown_deployment_is_refused(api: ApiClient, lms: TestLms) -> None:
    launched = lms.launch(
        _browser(api),
        _person(INSTRUCTOR, "Elsewhere"),
        context_id="elsewhere",
        deployment_id="not-registered",
    )
    _refused(launched)


def test_a_login_from_an_unknown_platform_is_refused(api: ApiClient) -> None:
    response = _browser(api).request(
        "GET",
        f"{api.base_url}/lti/login",
        params={"iss": "https://unknown.example", "login_hint": "x", "target_link_uri": "y"},
    )
    assert response.status_code == 400
    assert response.json()["type"] == "lti-login-invalid"


def test_the_tool_publishes_its_keys(api: ApiClient) -> None:
    keys = api.http.get("/lti/jwks").json()["keys"]
    assert keys
    assert all(key["kty"] == "RSA" and key["kid"] and "d" not in key for key in keys)
