"""Live sessions: scheduling, the lifecycle, the event log and the state snapshot."""

from __future__ import annotations

import asyncio
from typing import Annotated

import aiohttp
import structlog
from fastapi import APIRouter, Depends, Query
from livekit import api as livekit_api

from multistream.access.dependencies import (
    CourseAccess,
    RequireCourse,
    RequireSession,
    SessionAccess,
)
from multistream.access.policy import Permission
from multistream.dependencies import AppResources, DbSession
from multistream.eventlog import service as eventlog
from multistream.eventlog.domain import Viewer
from multistream.eventlog.schemas import EventPage
from multistream.sessions import service as sessions
from multistream.sessions.models import MediaStatus
from multistream.sessions.schemas import (
    SessionCreate,
    SessionList,
    SessionRead,
    SessionState,
    SessionUpdate,
)
from multistream.settings import Settings

log = structlog.get_logger(__name__)
router = APIRouter(prefix="/api/v1", tags=["sessions"])

ScheduleInCourse = Annotated[CourseAccess, Depends(RequireCourse(Permission.session_schedule))]
ViewCourse = Annotated[CourseAccess, Depends(RequireCourse(Permission.course_view))]
Join = Annotated[SessionAccess, Depends(RequireSession(Permission.session_join))]
Schedule = Annotated[SessionAccess, Depends(RequireSession(Permission.session_schedule))]
Run = Annotated[SessionAccess, Depends(RequireSession(Permission.session_run))]


@router.post("/courses/{course_id}/sessions", status_code=201, summary="Schedule a class")
def schedule_session(body: SessionCreate, access: ScheduleInCourse, db: DbSession) -> SessionRead:
    return sessions.schedule(db, course=access.course, actor=access.user, data=body)


@router.get("/courses/{course_id}/sessions", summary="Classes of a course, latest first")
def list_sessions(access: ViewCourse, db: DbSession) -> SessionList:
    return sessions.list_for_course(db, course=access.course)


@router.get("/sessions/{session_id}", summary="A class")
def get_session(access: Join) -> SessionRead:
    return sessions.read(access.session)


@router.patch("/sessions/{session_id}", summary="Edit a scheduled or live class")
def update_session(body: SessionUpdate, access: Schedule, db: DbSession) -> SessionRead:
    return sessions.update(db, row=access.session, actor=access.user, data=body)


async def _prepare_room(settings: Settings, room: str) -> MediaStatus:
    """Create (or find) the class's LiveKit room; a class goes live without media if the
    media server does not answer."""
    if not settings.media_configured:
        return MediaStatus.disabled
    client = livekit_api.LiveKitAPI(
        settings.livekit_url.replace("ws", "http", 1),
        settings.livekit_api_key,
        settings.livekit_api_secret.get_secret_value(),
        timeout=aiohttp.ClientTimeout(total=3),
        failover=False,
    )
    try:
        await client.room.create_room(livekit_api.CreateRoomRequest(name=room, empty_timeout=600))
    except (aiohttp.ClientError, TimeoutError, livekit_api.TwirpError) as exc:
        log.warning("media server unavailable; class goes live degraded", error=str(exc))
        return MediaStatus.degraded
    finally:
        await client.aclose()
    return MediaStatus.ok


@router.post(
    "/sessions/{session_id}/start",
    summary="Go live (a live class is returned as it is)",
    responses={409: {"description": "invalid-transition"}},
)
def start_session(access: Run, db: DbSession, resources: AppResources) -> SessionRead:
    media = MediaStatus.ok
    if access.session.status.value == "scheduled":
        assert access.session.livekit_room is not None
        media = asyncio.run(_prepare_room(resources.settings, access.session.livekit_room))
    return sessions.start(db, row=access.session, actor=access.user, media=media)


@router.post(
    "/sessions/{session_id}/end",
    summary="End the class (an ended class is returned as it is)",
    responses={409: {"description": "invalid-transition"}},
)
def end_session(access: Run, db: DbSession) -> SessionRead:
    return sessions.end(db, row=access.session, actor=access.user)


@router.post(
    "/sessions/{session_id}/cancel",
    summary="Cancel a scheduled class",
    responses={409: {"description": "invalid-transition"}},
)
def cancel_session(access: Schedule, db: DbSession) -> SessionRead:
    return sessions.cancel(db, row=access.session, actor=access.user)


@router.get("/sessions/{session_id}/events", summary="The class's event log after a seq")
def list_events(
    access: Join,
    db: DbSession,
    after: Annotated[int, Query(ge=0)] = 0,
    limit: Annotated[int, Query(ge=1, le=500)] = 200,
) -> EventPage:
    viewer = Viewer(user_id=access.user.id, staff=access.staff)
    return eventlog.page(db, session_id=access.session.id, viewer=viewer, after=after, limit=limit)


@router.get("/sessions/{session_id}/state", summary="Snapshot of the class, with as_of_seq")
def get_state(access: Join, db: DbSession) -> SessionState:
    return sessions.state(db, row=access.session)
