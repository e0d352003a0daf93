"""Tables of courses: the course, its members with their roles, and invites.

Every course has exactly one owner member, and it is the user in `courses.owner_id`: a
partial unique index allows at most one owner per course, and deferred constraint triggers
(in the migration) check at commit that the owner member exists. Create a course and its
owner member in the same transaction; transfer ownership by demoting the old owner,
promoting the new one and updating `courses.owner_id`, in that order, in one transaction.
"""

from __future__ import annotations

import datetime as dt
import enum
import uuid

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from multistream.db import columns
from multistream.db.base import Base

CourseRole = enum.StrEnum("CourseRole", "owner instructor ta student")

InviteRole = enum.StrEnum("InviteRole", "student ta")
InviteRole.__doc__ = "The roles an invite can grant; owners and instructors are added by hand."


class Course(Base):
    __tablename__ = "courses"

    id: Mapped[columns.Id]
    title: Mapped[str] = columns.text(200, nonblank=True)
    description: Mapped[str] = columns.text(10000, default="")
    owner_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("users.id"), index=True)
    created_at: Mapped[columns.CreatedAt]
    archived_at: Mapped[dt.datetime | None]
    record_by_default: Mapped[bool] = mapped_column(server_default=sa.true(), default=True)
    """Whether a class scheduled in the course is recorded unless its teacher says not."""


class CourseMember(Base):
    __tablename__ = "course_members"
    __table_args__ = (
        columns.unique_where("uq_course_members_one_owner", "course_id", where="role = 'owner'"),
    )

    course_id: Mapped[uuid.UUID] = columns.parent_key("courses")
    user_id: Mapped[columns.UserKey] = mapped_column(index=True)
    role: Mapped[CourseRole] = columns.state(CourseRole)
    added_at: Mapped[columns.CreatedAt]


class CourseInvite(Base):
    __tablename__ = "course_invites"
    __table_args__ = (
        sa.CheckConstraint("code ~ '^[A-Za-z0-9_-]{6,64}$'", name="code_format"),
        sa.CheckConstraint("uses <= max_uses", name="uses_within_max"),
        sa.UniqueConstraint("code"),
    )

    id: Mapped[columns.Id]
    course_id: Mapped[columns.CourseRef] = mapped_column(index=True)
    code: Mapped[columns.Text]
    role: Mapped[InviteRole] = columns.state(InviteRole)
    expires_at: Mapped[dt.datetime | None]
    max_uses: Mapped[int | None] = columns.positive()
    """Unlimited when null."""
    uses: Mapped[columns.Count] = columns.nonnegative()
    created_by: Mapped[columns.UserRefOrNull]
    created_at: Mapped[columns.CreatedAt]
