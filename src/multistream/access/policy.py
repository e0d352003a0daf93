"""The permission policy: one table, read by every route and by the route-by-role test.

Course roles map onto the roles of a live session: owner and instructor act as **host**,
ta as **moderator**, student as **participant**. Platform admins may do everything.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping

from multistream.courses.models import CourseRole


class SessionRole(enum.StrEnum):
    host = "host"
    moderator = "moderator"
    participant = "participant"


SESSION_ROLE: Mapping[CourseRole, SessionRole] = {
    CourseRole.owner: SessionRole.host,
    CourseRole.instructor: SessionRole.host,
    CourseRole.ta: SessionRole.moderator,
    CourseRole.student: SessionRole.participant,
}


class Permission(enum.StrEnum):
    # courses
    course_view = "course.view"
    course_edit = "course.edit"
    course_archive = "course.archive"
    members_view = "course.members.view"
    members_manage = "course.members.manage"
    invites_manage = "course.invites.manage"
    # live sessions (spec: 20-domain-and-schema.md, roles and permissions)
    session_schedule = "session.schedule"
    session_run = "session.run"
    session_join = "session.join"
    studio_edit = "studio.edit"
    studio_control = "studio.control"
    stage_manage = "stage.manage"
    chat_send = "chat.send"
    chat_moderate = "chat.moderate"
    qa_ask = "qa.ask"
    qa_moderate = "qa.moderate"
    polls_manage = "polls.manage"
    polls_vote = "polls.vote"
    hand_raise = "hand.raise"
    hands_lower_others = "hands.lower_others"
    pipeline_manage = "pipeline.manage"
    reports_view = "reports.view"


_HOST = frozenset({SessionRole.host})
_STAFF = frozenset({SessionRole.host, SessionRole.moderator})
_EVERYONE = frozenset(SessionRole)

POLICY: Mapping[Permission, frozenset[SessionRole]] = {
    Permission.course_view: _EVERYONE,
    Permission.course_edit: _HOST,
    Permission.course_archive: _HOST,  # and only the owner: see OWNER_ONLY
    Permission.members_view: _STAFF,
    Permission.members_manage: _HOST,
    Permission.invites_manage: _HOST,
    Permission.session_schedule: _HOST,
    Permission.session_run: _HOST,
    Permission.session_join: _EVERYONE,
    Permission.studio_edit: _HOST,
    Permission.studio_control: _STAFF,
    Permission.stage_manage: _STAFF,
    Permission.chat_send: _EVERYONE,
    Permission.chat_moderate: _STAFF,
    Permission.qa_ask: _EVERYONE,
    Permission.qa_moderate: _STAFF,
    Permission.polls_manage: _STAFF,
    Permission.polls_vote: frozenset({SessionRole.participant}),
    Permission.hand_raise: _EVERYONE,
    Permission.hands_lower_others: _STAFF,
    Permission.pipeline_manage: _HOST,
    Permission.reports_view: _STAFF,
}

OWNER_ONLY = frozenset({Permission.course_archive})


def allows(role: CourseRole, permission: Permission) -> bool:
    """Whether a course member with `role` has `permission` (platform admins: always)."""
    if permission in OWNER_ONLY and role is not CourseRole.owner:
        return False
    return SESSION_ROLE[role] in POLICY[permission]


def permissions_of(role: CourseRole) -> list[Permission]:
    return [permission for permission in Permission if allows(role, permission)]
