"""Route guards: `RequireCourse(permission)` resolves the course in the path and checks
the caller's role in it against the policy table.

A course the caller is not a member of answers 404, as if it did not exist; a member
without the permission gets 403.
"""

from __future__ import annotations

import dataclasses
import uuid

import sqlalchemy as sa
from fastapi.dependencies.models import Dependant

from multistream.access.policy import Permission, allows
from multistream.auth.dependencies import CurrentUser, current_user
from multistream.auth.models import User
from multistream.courses.models import Course, CourseMember, CourseRole
from multistream.dependencies import DbSession
from multistream.eventlog.domain import Viewer
from multistream.problems import Problem, not_found
from multistream.sessions.models import LiveSession
from multistream.studio.models import Asset


@dataclasses.dataclass(frozen=True)
class CourseAccess:
    course: Course
    user: User
    role: CourseRole | None
    """The caller's role in the course; None for a platform admin who is not a member."""


def forbidden(permission: Permission) -> Problem:
    return Problem(
        403,
        "forbidden",
        "Not allowed",
        f"Your role in this course does not allow this ({permission.value}).",
        permission=permission.value,
    )


class RequireCourse:
    """Dependency: the course named by the `course_id` path parameter, if the caller may
    do `permission` in it."""

    def __init__(self, permission: Permission) -> None:
        self.permission = permission

    def __call__(self, course_id: uuid.UUID, user: CurrentUser, db: DbSession) -> CourseAccess:
        course = db.get(Course, course_id)
        role = db.scalar(
            sa.select(CourseMember.role).where(
                CourseMember.course_id == course_id, CourseMember.user_id == user.id
            )
        )
        if course is None or (role is None and not user.is_platform_admin):
            raise not_found("This course")
        if not user.is_platform_admin and not allows(role, self.permission):  # type: ignore[arg-type]
            raise forbidden(self.permission)
        return CourseAccess(course=course, user=user, role=role)


@dataclasses.dataclass(frozen=True)
class SessionAccess:
    session: LiveSession
    course: Course
    user: User
    role: CourseRole | None

    @property
    def staff(self) -> bool:
        """Host or moderator (platform admins count as staff)."""
        return self.role is None or allows(self.role, Permission.chat_moderate)

    @property
    def viewer(self) -> Viewer:
        """The caller as the log's readers are told apart."""
        return Viewer(user_id=self.user.id, staff=self.staff)


class RequireSession:
    """Dependency: the live session named by the `session_id` path parameter, if the caller
    may do `permission` in its course."""

    def __init__(self, permission: Permission) -> None:
        self.permission = permission

    def __call__(self, session_id: uuid.UUID, user: CurrentUser, db: DbSession) -> SessionAccess:
        row = db.get(LiveSession, session_id)
        if row is None:
            raise not_found("This class")
        access = RequireCourse(self.permission)(row.course_id, user, db)
        return SessionAccess(session=row, course=access.course, user=user, role=access.role)


@dataclasses.dataclass(frozen=True)
class AssetAccess:
    asset: Asset
    course: Course
    user: User
    role: CourseRole | None


class RequireAsset:
    """Dependency: the asset named by the `asset_id` path parameter, if the caller may do
    `permission` in its course. An asset of a course the caller is not in answers exactly
    like one that does not exist."""

    def __init__(self, permission: Permission) -> None:
        self.permission = permission

    def __call__(self, asset_id: uuid.UUID, user: CurrentUser, db: DbSession) -> AssetAccess:
        row = db.get(Asset, asset_id)
        if row is None:
            raise not_found("This asset")
        try:
            access = RequireCourse(self.permission)(row.course_id, user, db)
        except Problem as problem:
            if problem.status == 404:
                raise not_found("This asset") from None
            raise
        return AssetAccess(asset=row, course=access.course, user=user, role=access.role)


def route_permission(dependant: Dependant) -> str:
    """What a route requires, read from its dependencies: a permission value,
    `authenticated` (any signed-in user) or `public`."""
    found: list[str] = []

    def walk(node: Dependant) -> None:
        if isinstance(node.call, RequireCourse | RequireSession | RequireAsset):
            found.append(node.call.permission.value)
        elif node.call is current_user:
            found.append("authenticated")
        for child in node.dependencies:
            walk(child)

    walk(dependant)
    permissions = [p for p in found if p != "authenticated"]
    if permissions:
        return permissions[0]
    return "authenticated" if found else "public"
