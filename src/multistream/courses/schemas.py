"""Request and response bodies of courses, members and invites."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from multistream.courses.models import CourseRole, InviteRole

Title = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
Description = Annotated[str, StringConstraints(strip_whitespace=True, max_length=5000)]


class CourseCreate(BaseModel):
    title: Title
    description: Description = ""
    record_by_default: bool = True
    """Whether its classes are recorded unless their teacher says not."""


class CourseUpdate(BaseModel):
    """Only the fields given change."""

    title: Title | None = None
    description: Description | None = None
    record_by_default: bool | None = None


class CourseRead(BaseModel):
    id: uuid.UUID
    title: str
    description: str
    owner_id: uuid.UUID
    created_at: dt.datetime
    archived_at: dt.datetime | None
    record_by_default: bool
    my_role: CourseRole | None
    """The caller's role; null for a platform admin who is not a member."""


class CoursePage(BaseModel):
    items: list[CourseRead]
    next_cursor: str | None


class MemberRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    user_id: uuid.UUID
    display_name: str
    email: str | None
    role: CourseRole
    added_at: dt.datetime


class MemberList(BaseModel):
    items: list[MemberRead]


class MemberUpdate(BaseModel):
    role: Literal["instructor", "ta", "student"]


class InviteCreate(BaseModel):
    role: InviteRole = InviteRole.student
    expires_in_hours: Annotated[int | None, Field(ge=1, le=24 * 365)] = 24 * 7
    """Null: the link never expires."""
    max_uses: Annotated[int | None, Field(ge=1, le=100_000)] = None
    """Null: unlimited."""


class InviteRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    code: str
    role: InviteRole
    expires_at: dt.datetime | None
    max_uses: int | None
    uses: int
    created_at: dt.datetime


class InviteList(BaseModel):
    items: list[InviteRead]


class InvitePreview(BaseModel):
    code: str
    course_id: uuid.UUID
    course_title: str
    role: InviteRole
    expires_at: dt.datetime | None
    valid: bool
    reason: str | None


class InviteAccepted(BaseModel):
    course: CourseRead
    role: CourseRole
