"""Who may do what in a course or a class: the caller's access, checked against the policy
table (`access.policy`).

A course the caller is not a member of is not found, as if it did not exist; a member
without the permission is forbidden. Plain functions on a database session, raising
domain errors: the route guards (`access.dependencies`) and the live socket's admission
(`realtime.service`) both use them.
"""

from __future__ import annotations

import dataclasses
import uuid

import sqlalchemy as sa
from sqlalchemy.orm import Session

from multistream.access.policy import Permission, allows
from multistream.auth import service as auth
from multistream.auth.models import User
from multistream.auth.tokens import VerifiedToken
from multistream.courses.models import Course, CourseMember, CourseRole
from multistream.errors import Forbidden, NotFound
from multistream.eventlog.domain import Viewer
from multistream.sessions.act import Act
from multistream.sessions.models import LiveSession
from multistream.studio.models import Asset


@dataclasses.dataclass(frozen=True)
class CourseAccess:
    course: Course
    user: User
    role: CourseRole | None
    """The caller's role in the course; None for a platform admin who is not a member."""


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

    def act(self, idempotency_key: str | None = None) -> Act:
        """The caller changing the class (what the services that change it take)."""
        return Act(self.session, self.user, self.staff, idempotency_key)


@dataclasses.dataclass(frozen=True)
class AssetAccess:
    asset: Asset
    course: Course
    user: User
    role: CourseRole | None


def course_access(
    db: Session, *, course_id: uuid.UUID, user: User, permission: Permission
) -> CourseAccess:
    course = db.get(Course, course_id)
    role = db.scalar(
        sa.select(CourseMember.role).where(
            CourseMember.course_id == course_id, CourseMember.user_id == user.id
        )
    )
    if course is None or (role is None and not user.is_platform_admin):
        raise NotFound("This course")
    if not user.is_platform_admin and not allows(role, permission):  # type: ignore[arg-type]
        raise Forbidden(permission.value)
    return CourseAccess(course=course, user=user, role=role)


_SESSION_ACCESS = (
    sa.select(LiveSession, Course, CourseMember.role)
    .join(Course, Course.id == LiveSession.course_id)
    .outerjoin(
        CourseMember,
        (CourseMember.course_id == LiveSession.course_id)
        & (CourseMember.user_id == sa.bindparam("user_id")),
    )
    .where(LiveSession.id == sa.bindparam("session_id"))
)
"""Built once: every command and read of a class runs it."""


def session_access(
    db: Session, *, session_id: uuid.UUID, user: User, permission: Permission
) -> SessionAccess:
    """The class, its course and the caller's role in it, read in one query (every command
    and read of a class starts here)."""
    found = db.execute(
        _SESSION_ACCESS, {"session_id": session_id, "user_id": user.id}
    ).one_or_none()
    if found is None:
        raise NotFound("This class")
    session, course, role = found
    return _session_access(session, course, user, role, permission)


_CALLER_SESSION_ACCESS = (
    sa.select(User, LiveSession, Course, CourseMember.role)
    .select_from(User)
    .where(*auth.LOCAL_USER)
    .outerjoin(LiveSession, LiveSession.id == sa.bindparam("session_id"))
    .outerjoin(Course, Course.id == LiveSession.course_id)
    .outerjoin(
        CourseMember,
        (CourseMember.course_id == LiveSession.course_id) & (CourseMember.user_id == User.id),
    )
)
"""Built once: the caller of a local access token (as `auth.service.user_for_token` finds
them) with the class, its course and their role in it, in one round trip."""


def caller_session_access(
    db: Session, *, session_id: uuid.UUID, token: VerifiedToken, permission: Permission
) -> SessionAccess | None:
    """`session_access` for the user of a local access token, found in the same query;
    None when the token's user is gone or signed out (as `user_for_token`)."""
    parameters = auth.local_user_parameters(token)
    if parameters is None:
        return None
    found = db.execute(
        _CALLER_SESSION_ACCESS, {**parameters, "session_id": session_id}
    ).one_or_none()
    if found is None:
        return None
    user, session, course, role = found
    if session is None:
        raise NotFound("This class")
    return _session_access(session, course, user, role, permission)


def _session_access(
    session: LiveSession,
    course: Course,
    user: User,
    role: CourseRole | None,
    permission: Permission,
) -> SessionAccess:
    if not user.is_platform_admin:
        if role is None:
            raise NotFound("This course")
        if not allows(role, permission):
            raise Forbidden(permission.value)
    return SessionAccess(session=session, course=course, user=user, role=role)


def asset_access(
    db: Session, *, asset_id: uuid.UUID, user: User, permission: Permission
) -> AssetAccess:
    """An asset of a course the caller is not in answers exactly like one that does not
    exist."""
    asset = db.get(Asset, asset_id)
    if asset is None:
        raise NotFound("This asset")
    try:
        access = course_access(db, course_id=asset.course_id, user=user, permission=permission)
    except NotFound:
        raise NotFound("This asset") from None
    return AssetAccess(asset=asset, course=access.course, user=user, role=access.role)
