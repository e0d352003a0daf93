"""Courses, their members and invite links.

A course is created together with its owner's membership (the database checks that every
course has exactly one owner, at commit). Invites carry a role (student or ta), an
optional expiry and an optional number of uses; accepting one is idempotent for someone
who is already a member.
"""

from __future__ import annotations

import datetime as dt
import secrets
import uuid

import sqlalchemy as sa
from sqlalchemy.orm import Session

from multistream.auth.models import User
from multistream.courses.models import Course, CourseInvite, CourseMember, CourseRole, InviteRole
from multistream.courses.schemas import (
    CourseCreate,
    CoursePage,
    CourseRead,
    CourseUpdate,
    InviteAccepted,
    InviteCreate,
    InviteList,
    InvitePreview,
    InviteRead,
    MemberList,
    MemberRead,
)
from multistream.db.base import new_id, utcnow
from multistream.db.rows import as_schema
from multistream.problems import Problem, field_problem, not_found

MAX_PAGE = 100


def read(course: Course, role: CourseRole | None) -> CourseRead:
    return as_schema(CourseRead, course, my_role=role)


def create(db: Session, *, owner: User, data: CourseCreate) -> CourseRead:
    course = Course(id=new_id(), owner_id=owner.id, **data.model_dump())
    db.add(course)
    db.flush()
    db.add(CourseMember(course_id=course.id, user_id=owner.id, role=CourseRole.owner))
    db.flush()
    db.refresh(course)
    return read(course, CourseRole.owner)


def update(
    db: Session, *, course: Course, role: CourseRole | None, data: CourseUpdate
) -> CourseRead:
    """Change the fields given (hosts)."""
    for field, value in data.model_dump(exclude_none=True).items():
        setattr(course, field, value)
    db.flush()
    return read(course, role)


def list_for_user(db: Session, *, user: User, cursor: str | None, limit: int) -> CoursePage:
    """The caller's courses, newest first (ids are time-ordered UUIDs)."""
    limit = max(1, min(limit, MAX_PAGE))
    query = (
        sa.select(Course, CourseMember.role)
        .join(CourseMember, CourseMember.course_id == Course.id)
        .where(CourseMember.user_id == user.id)
        .order_by(Course.id.desc())
        .limit(limit + 1)
    )
    if cursor:
        try:
            query = query.where(Course.id < uuid.UUID(cursor))
        except ValueError as exc:
            raise field_problem(
                "The cursor is not valid; start again without it.",
                field="cursor",
                location="query",
                message="invalid cursor",
            ) from exc
    rows = db.execute(query).all()
    items = [read(course, role) for course, role in rows[:limit]]
    next_cursor = str(items[-1].id) if len(rows) > limit else None
    return CoursePage(items=items, next_cursor=next_cursor)


def archive(db: Session, *, course: Course, role: CourseRole | None) -> CourseRead:
    if course.archived_at is None:
        course.archived_at = utcnow()
        db.flush()
    return read(course, role)


# --- members -----------------------------------------------------------------------------


def _member_read(member: CourseMember, user: User) -> MemberRead:
    return as_schema(MemberRead, member, user)


def list_members(db: Session, *, course: Course) -> MemberList:
    rows = db.execute(
        sa.select(CourseMember, User)
        .join(User, User.id == CourseMember.user_id)
        .where(CourseMember.course_id == course.id)
        .order_by(CourseMember.added_at, User.display_name)
    ).all()
    return MemberList(items=[_member_read(member, user) for member, user in rows])


def _member(db: Session, course: Course, user_id: uuid.UUID) -> tuple[CourseMember, User]:
    row = db.execute(
        sa.select(CourseMember, User)
        .join(User, User.id == CourseMember.user_id)
        .where(CourseMember.course_id == course.id, CourseMember.user_id == user_id)
        .with_for_update(of=CourseMember)
    ).one_or_none()
    if row is None:
        raise not_found("This member")
    return row[0], row[1]


def _owner_is_fixed(action: str) -> Problem:
    return Problem(
        409,
        "owner-is-fixed",
        "The owner cannot be changed",
        f"The course owner cannot be {action}; every course keeps its owner.",
    )


def change_role(db: Session, *, course: Course, user_id: uuid.UUID, role: str) -> MemberRead:
    member, user = _member(db, course, user_id)
    if member.role is CourseRole.owner:
        raise _owner_is_fixed("given another role")
    member.role = CourseRole(role)
    db.flush()
    return _member_read(member, user)


def remove_member(db: Session, *, course: Course, user_id: uuid.UUID) -> None:
    member, _ = _member(db, course, user_id)
    if member.role is CourseRole.owner:
        raise _owner_is_fixed("removed")
    db.delete(member)
    db.flush()


# --- invites -----------------------------------------------------------------------------


def create_invite(
    db: Session, *, course: Course, created_by: User, data: InviteCreate
) -> InviteRead:
    if course.archived_at is not None:
        raise Problem(
            409, "course-archived", "Course archived", "Archived courses take no new members."
        )
    expires_at = (
        utcnow() + dt.timedelta(hours=data.expires_in_hours) if data.expires_in_hours else None
    )
    invite = CourseInvite(
        id=new_id(),
        course_id=course.id,
        code=secrets.token_urlsafe(12),
        role=data.role,
        expires_at=expires_at,
        max_uses=data.max_uses,
        created_by=created_by.id,
    )
    db.add(invite)
    db.flush()
    db.refresh(invite)
    return InviteRead.model_validate(invite)


def list_invites(db: Session, *, course: Course) -> InviteList:
    invites = db.scalars(
        sa.select(CourseInvite)
        .where(CourseInvite.course_id == course.id)
        .order_by(CourseInvite.created_at.desc())
    ).all()
    return InviteList(items=[InviteRead.model_validate(invite) for invite in invites])


def _invite_problem(invite: CourseInvite, course: Course) -> Problem | None:
    if course.archived_at is not None:
        return Problem(410, "invite-expired", "Invite expired", "This course has been archived.")
    if invite.expires_at is not None and invite.expires_at <= utcnow():
        return Problem(
            410,
            "invite-expired",
            "Invite expired",
            "This invite link has expired. Ask your teacher for a new one.",
        )
    if invite.max_uses is not None and invite.uses >= invite.max_uses:
        return Problem(
            410,
            "invite-used-up",
            "Invite used up",
            "This invite link has been used as often as allowed. Ask your teacher for a new one.",
        )
    return None


def _invite_with_course(
    db: Session, code: str, *, for_update: bool = False
) -> tuple[CourseInvite, Course]:
    query = (
        sa.select(CourseInvite, Course)
        .join(Course, Course.id == CourseInvite.course_id)
        .where(CourseInvite.code == code)
    )
    if for_update:
        query = query.with_for_update(of=CourseInvite)
    row = db.execute(query).one_or_none()
    if row is None:
        raise not_found("This invite link")
    return row[0], row[1]


def preview_invite(db: Session, *, code: str) -> InvitePreview:
    invite, course = _invite_with_course(db, code)
    problem = _invite_problem(invite, course)
    return InvitePreview(
        code=invite.code,
        course_id=course.id,
        course_title=course.title,
        role=invite.role,
        expires_at=invite.expires_at,
        valid=problem is None,
        reason=problem.detail if problem else None,
    )


def accept_invite(db: Session, *, code: str, user: User) -> InviteAccepted:
    invite, course = _invite_with_course(db, code, for_update=True)
    existing = db.get(CourseMember, (course.id, user.id))
    if existing is not None:
        return InviteAccepted(course=read(course, existing.role), role=existing.role)
    problem = _invite_problem(invite, course)
    if problem is not None:
        raise problem
    role = CourseRole.ta if invite.role is InviteRole.ta else CourseRole.student
    db.add(CourseMember(course_id=course.id, user_id=user.id, role=role))
    invite.uses += 1
    db.flush()
    return InviteAccepted(course=read(course, role), role=role)
