"""Courses, members and invites: thin handlers over `courses.service`."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Response

from multistream import problems
from multistream.access.dependencies import CourseAccess, ManageMembers, RequireCourse, ViewCourse
from multistream.access.policy import Permission
from multistream.auth.dependencies import CurrentUser
from multistream.courses import service as courses
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
    MemberUpdate,
)
from multistream.dependencies import DbSession
from multistream.idempotency import Idempotent

router = APIRouter(prefix="/api/v1", tags=["courses"])


ArchiveCourse = Annotated[CourseAccess, Depends(RequireCourse(Permission.course_archive))]
ViewMembers = Annotated[CourseAccess, Depends(RequireCourse(Permission.members_view))]
ManageInvites = Annotated[CourseAccess, Depends(RequireCourse(Permission.invites_manage))]
EditCourse = Annotated[CourseAccess, Depends(RequireCourse(Permission.course_edit))]


@router.post("/courses", status_code=201, summary="Create a course (you become its owner)")
def create_course(
    body: CourseCreate, user: CurrentUser, db: DbSession, idem: Idempotent
) -> CourseRead:
    return idem.remember(db, courses.create(db, owner=user, data=body), status_code=201)


@router.get("/courses", summary="My courses, newest first")
def list_courses(
    user: CurrentUser,
    db: DbSession,
    cursor: str | None = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 50,
) -> CoursePage:
    return courses.list_for_user(db, user=user, cursor=cursor, limit=limit)


@router.get("/courses/{course_id}", summary="A course I belong to")
def get_course(access: ViewCourse) -> CourseRead:
    return courses.read(access.course, access.role)


@router.patch("/courses/{course_id}", summary="Edit a course (hosts): title, recording default")
def update_course(body: CourseUpdate, access: EditCourse, db: DbSession) -> CourseRead:
    return courses.update(db, course=access.course, role=access.role, data=body)


@router.post("/courses/{course_id}/archive", summary="Archive a course (owner only)")
def archive_course(access: ArchiveCourse, db: DbSession, idem: Idempotent) -> CourseRead:
    return idem.remember(db, courses.archive(db, course=access.course, role=access.role))


@router.get("/courses/{course_id}/members", summary="Members of a course (staff)")
def list_members(access: ViewMembers, db: DbSession) -> MemberList:
    return courses.list_members(db, course=access.course)


@router.patch("/courses/{course_id}/members/{user_id}", summary="Change a member's role")
def change_member_role(
    user_id: uuid.UUID,
    body: MemberUpdate,
    access: ManageMembers,
    db: DbSession,
) -> MemberRead:
    return courses.change_role(db, course=access.course, user_id=user_id, role=body.role)


@router.delete("/courses/{course_id}/members/{user_id}", status_code=204, summary="Remove a member")
def remove_member(
    user_id: uuid.UUID,
    access: ManageMembers,
    db: DbSession,
) -> Response:
    courses.remove_member(db, course=access.course, user_id=user_id)
    return Response(status_code=204)


@router.post("/courses/{course_id}/invites", status_code=201, summary="Create an invite link")
def create_invite(
    body: InviteCreate,
    access: ManageInvites,
    db: DbSession,
    idem: Idempotent,
) -> InviteRead:
    invite = courses.create_invite(db, course=access.course, created_by=access.user, data=body)
    return idem.remember(db, invite, status_code=201)


@router.get("/courses/{course_id}/invites", summary="Invite links of a course")
def list_invites(access: ManageInvites, db: DbSession) -> InviteList:
    return courses.list_invites(db, course=access.course)


@router.get("/invites/{code}", summary="What an invite link leads to")
def preview_invite(code: str, user: CurrentUser, db: DbSession) -> InvitePreview:
    return courses.preview_invite(db, code=code)


@router.post(
    "/invites/{code}/accept",
    summary="Join a course through an invite link",
    responses=problems.answers({410: "invite-expired or invite-used-up"}),
)
def accept_invite(code: str, user: CurrentUser, db: DbSession, idem: Idempotent) -> InviteAccepted:
    return idem.remember(db, courses.accept_invite(db, code=code, user=user))
