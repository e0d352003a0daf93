"""The policy table says what the product spec's roles-and-permissions table says."""

from __future__ import annotations

import pytest

from multistream.access.policy import POLICY, Permission, SessionRole, allows
from multistream.courses.models import CourseRole

H, M, P = SessionRole.host, SessionRole.moderator, SessionRole.participant

# Transcribed from ../shared/spec/20-domain-and-schema.md, "Roles and permissions".
SPEC = {
    Permission.session_schedule: {H},
    Permission.session_run: {H},
    Permission.session_join: {H, M, P},
    Permission.studio_edit: {H},
    Permission.studio_control: {H, M},
    Permission.stage_manage: {H, M},
    Permission.chat_send: {H, M, P},
    Permission.chat_moderate: {H, M},
    Permission.qa_ask: {H, M, P},
    Permission.qa_moderate: {H, M},
    Permission.polls_manage: {H, M},
    Permission.polls_vote: {P},
    Permission.hand_raise: {H, M, P},
    Permission.hands_lower_others: {H, M},
    Permission.pipeline_manage: {H},
    Permission.reports_view: {H, M},
}


@pytest.mark.parametrize("permission", sorted(SPEC))
def test_session_permissions_match_the_spec(permission: Permission) -> None:
    assert set(POLICY[permission]) == SPEC[permission]


def test_every_permission_has_a_rule() -> None:
    assert set(POLICY) == set(Permission)


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        (CourseRole.owner, True),
        (CourseRole.instructor, False),
        (CourseRole.ta, False),
        (CourseRole.student, False),
    ],
)
def test_only_the_owner_archives(role: CourseRole, expected: bool) -> None:
    assert allows(role, Permission.course_archive) is expected


def test_course_staff_and_students() -> None:
    assert allows(CourseRole.instructor, Permission.invites_manage)
    assert allows(CourseRole.ta, Permission.members_view)
    assert not allows(CourseRole.ta, Permission.members_manage)
    assert not allows(CourseRole.student, Permission.members_view)
    assert allows(CourseRole.student, Permission.course_view)
