"""The pure rules of LTI launches (`lti.domain`) and the framing part of the page's CSP."""

from __future__ import annotations

from typing import Any

import pytest

from multistream.courses.models import CourseRole
from multistream.lti import domain
from multistream.ops.security_headers import Framing, content_security_policy
from multistream.settings import Settings

MEMBERSHIP = "http://purl.imsglobal.org/vocab/lis/v2/membership#"


@pytest.mark.parametrize(
    ("roles", "expected"),
    [
        ([MEMBERSHIP + "Instructor"], CourseRole.instructor),
        (["Instructor"], CourseRole.instructor),
        ([MEMBERSHIP + "Administrator"], CourseRole.instructor),
        (
            ["http://purl.imsglobal.org/vocab/lis/v2/membership/Instructor#TeachingAssistant"],
            CourseRole.ta,
        ),
        ([MEMBERSHIP + "TeachingAssistant"], CourseRole.ta),
        ([MEMBERSHIP + "Learner"], CourseRole.student),
        ([MEMBERSHIP + "Learner", MEMBERSHIP + "Instructor"], CourseRole.instructor),
        (["http://purl.imsglobal.org/vocab/lis/v2/institution/person#Student"], CourseRole.student),
        (["http://purl.imsglobal.org/vocab/lis/v2/system/person#User"], None),
        ([], None),
    ],
)
def test_lti_roles_map_to_course_roles(roles: list[str], expected: CourseRole | None) -> None:
    assert domain.course_role(roles) is expected


def _claims(**changes: Any) -> dict[str, Any]:
    claims = {
        "iss": "https://lms.example",
        "aud": "tool",
        "sub": "u1",
        "nonce": "n1",
        "exp": 2_000_000_000,
        "name": "Ada Lovelace",
        domain.MESSAGE_TYPE: domain.RESOURCE_LAUNCH,
        domain.DEPLOYMENT_ID: "d1",
        domain.ROLES: [MEMBERSHIP + "Learner"],
        domain.CONTEXT: {"id": "c1", "title": "Biology"},
        domain.RESOURCE_LINK: {"id": "r1"},
    }
    claims.update(changes)
    return claims


def test_a_launch_reads_as_the_person_in_the_course() -> None:
    launch = domain.read_launch(_claims(), client_id="tool")
    assert (launch.subject, launch.role, launch.context_id) == ("u1", CourseRole.student, "c1")
    assert (launch.display_name, launch.context_title) == ("Ada Lovelace", "Biology")


@pytest.mark.parametrize(
    "changes",
    [
        {"aud": "other"},
        {"aud": ["tool", "other"]},  # several audiences and no azp naming us
        {"aud": ["tool", "other"], "azp": "other"},
        {domain.MESSAGE_TYPE: "LtiSubmissionReviewRequest"},
        {domain.CONTEXT: None},
        {domain.ROLES: []},
        {"nonce": ""},
        {domain.MESSAGE_TYPE: domain.DEEP_LINKING_REQUEST},  # without its settings
    ],
)
def test_launches_we_cannot_act_on_are_refused(changes: dict[str, Any]) -> None:
    with pytest.raises(domain.LaunchRefused):
        domain.read_launch(_claims(**changes), client_id="tool")


def test_several_audiences_are_fine_when_we_are_the_authorized_party() -> None:
    claims = _claims(aud=["tool", "other"], azp="tool")
    assert domain.read_launch(claims, client_id="tool").client_id == "tool"


def test_a_roster_sync_adds_changes_and_removes_but_keeps_the_owner() -> None:
    lms = {"a": CourseRole.student, "b": CourseRole.ta, "new": CourseRole.student}
    current = {
        "a": CourseRole.student,
        "b": CourseRole.student,
        "gone": CourseRole.student,
        "owner": CourseRole.owner,
    }
    to_set, to_remove = domain.roster_changes(lms, current)
    assert to_set == {"b": CourseRole.ta, "new": CourseRole.student}
    assert to_remove == {"gone"}
    assert domain.roster_changes({"owner": CourseRole.student}, {"owner": CourseRole.owner}) == (
        {},
        set(),
    )


def test_a_quiz_score_counts_exactly_right_answers() -> None:
    correct = {"q1": frozenset({"a"}), "q2": frozenset({"b", "c"})}
    assert domain.quiz_score(correct, {"q1": frozenset({"a"}), "q2": frozenset({"b"})}) == 1
    assert domain.quiz_score(correct, {"q1": frozenset({"a"}), "q2": frozenset({"c", "b"})}) == 2
    assert domain.quiz_score(correct, {}) == 0


def test_registered_platforms_may_frame_the_pages_and_nothing_else() -> None:
    settings = Settings(public_url="https://class.school.example")
    closed = content_security_policy(settings)
    assert "frame-ancestors 'none'" in closed
    framing = Framing()
    framing.update(["https://moodle.school.example", "https://x.example; script-src *", "nope"])
    assert framing.origins == ("https://moodle.school.example",)
    opened = content_security_policy(settings, framing.origins)
    assert "frame-ancestors 'self' https://moodle.school.example" in opened
    assert "form-action 'self' https://moodle.school.example" in opened


def test_lti_launches_need_the_local_sign_in() -> None:
    """Under Clerk the api cannot issue the session a launch must start: refused before
    anything is read (no database, Redis or key is touched)."""
    from multistream.lti import service

    clerk = Settings(auth_provider="clerk", clerk_issuer="https://school.clerk.accounts.dev")
    with pytest.raises(domain.Unavailable):
        service.accept_launch(
            None,  # type: ignore[arg-type]
            service.FlowRequest.of({}, {}, redis=None, key=None, settings=clerk),  # type: ignore[arg-type]
            keys=None,  # type: ignore[arg-type]
        )


def test_names_titles_and_emails_from_the_lms_fit_our_columns() -> None:
    launch = domain.read_launch(
        _claims(
            name="  Ada\x00\u2028 Lovelace\t",
            email="not an email@x",
            **{domain.CONTEXT: {"id": "c1", "title": "   "}},
        ),
        client_id="tool",
    )
    assert launch.display_name == "Ada Lovelace"
    assert launch.email is None
    assert launch.context_title == "LMS course"
    assert domain.clean_text("x" * 500, most=200, default="-") == "x" * 200
    assert domain.clean_email("ada@school.example") == "ada@school.example"
    with pytest.raises(domain.LaunchRefused):
        domain.read_launch(_claims(sub="u\x001"), client_id="tool")
