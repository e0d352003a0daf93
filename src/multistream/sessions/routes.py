"""Live sessions: scheduling, the lifecycle, the event log and the state snapshot."""

from __future__ import annotations

from typing import Annotated

import anyio.to_thread
import structlog
from fastapi import APIRouter, BackgroundTasks, Depends, Query, Request

from multistream import problems
from multistream.access.dependencies import (
    CourseAccess,
    Join,
    RequireCourse,
    RequireSession,
    SessionAccess,
    SessionCommand,
    ViewCourse,
    command_on,
)
from multistream.access.policy import Permission
from multistream.db.engine import transaction
from multistream.dependencies import AppResources, DbSession, committed
from multistream.eventlog import service as eventlog
from multistream.eventlog.schemas import EventPage
from multistream.idempotency import Idempotent
from multistream.media.errors import InvalidWebhook
from multistream.media.webhooks import verify_webhook
from multistream.ops.metrics import WEBHOOKS
from multistream.problems import Problem
from multistream.ratelimit import LIMITED
from multistream.recording import recorder
from multistream.recording import service as recordings
from multistream.sessions import domain, rooms, state
from multistream.sessions import service as sessions
from multistream.sessions.models import SessionStatus
from multistream.sessions.schemas import (
    JoinResponse,
    SessionCreate,
    SessionList,
    SessionRead,
    SessionState,
    SessionUpdate,
)

log = structlog.get_logger(__name__)
router = APIRouter(prefix="/api/v1", tags=["sessions"])

ScheduleInCourse = Annotated[CourseAccess, Depends(RequireCourse(Permission.session_schedule))]
Schedule = Annotated[SessionAccess, Depends(RequireSession(Permission.session_schedule))]
ScheduleCommand = Annotated[SessionCommand, Depends(command_on(Permission.session_schedule))]
Run = Annotated[SessionAccess, Depends(RequireSession(Permission.session_run))]

problems.refusals(
    {
        domain.ClassClosed: (409, "class-closed", "Class closed"),
    }
)
CLASS_CLOSED = problems.answers({409: "`class-closed`: the class has ended or was canceled"})
"""How an operation that takes questions, votes or reactions documents `class-closed`."""


@router.post("/courses/{course_id}/sessions", status_code=201, summary="Schedule a class")
def schedule_session(
    body: SessionCreate, access: ScheduleInCourse, db: DbSession, idem: Idempotent
) -> SessionRead:
    return idem.run(
        db, sessions.schedule, course=access.course, actor=access.user, data=body, status_code=201
    )


@router.get("/courses/{course_id}/sessions", summary="Classes of a course, latest first")
def list_sessions(access: ViewCourse, db: DbSession) -> SessionList:
    return sessions.list_for_course(db, course=access.course)


@router.get("/sessions/{session_id}", summary="A class")
def get_session(access: Join) -> SessionRead:
    return sessions.read(access.session)


@router.patch("/sessions/{session_id}", summary="Edit a scheduled or live class")
def update_session(body: SessionUpdate, access: Schedule, db: DbSession) -> SessionRead:
    return sessions.update(db, session=access.session, actor=access.user, data=body)


@router.post(
    "/sessions/{session_id}/start",
    summary="Go live (a live class is returned as it is)",
    responses=problems.answers({409: "invalid-transition"}),
)
def start_session(
    access: Run,
    db: DbSession,
    resources: AppResources,
    idem: Idempotent,
    after_response: BackgroundTasks,
) -> SessionRead:
    media = access.session.media_status
    going_live = access.session.status is SessionStatus.scheduled
    if going_live:
        media = rooms.ensure_room(resources.settings, sessions.room_name(access.session))
    started = sessions.start(db, act=access.act(idem.event_key), media=media)
    if going_live:
        recording = recordings.begin(db, session=access.session, settings=resources.settings)
        if recording is not None:
            # The recorder joins once this request has committed the class as live.
            after_response.add_task(
                recorder.start, resources.settings, resources.sessions, recording
            )
    return idem.remember(db, started)


@router.post(
    "/sessions/{session_id}/end",
    summary="End the class (an ended class is returned as it is)",
    responses=problems.answers({409: "invalid-transition"}),
)
def end_session(
    access: Run, db: DbSession, resources: AppResources, idem: Idempotent
) -> SessionRead:
    was_live = access.session.status is SessionStatus.live
    ended = idem.remember(
        db,
        sessions.end(db, session=access.session, actor=access.user, idempotency_key=idem.event_key),
    )
    if was_live:
        rooms.close_room(resources.settings, sessions.room_name(access.session))
    return ended


@router.post(
    "/sessions/{session_id}/join", summary="Join a class: media token and state", responses=LIMITED
)
def join_session(
    access: Join, db: DbSession, resources: AppResources, idem: Idempotent
) -> JoinResponse:
    joined = sessions.join(
        db,
        session=access.session,
        user=access.user,
        role=access.role,
        settings=resources.settings,
        rate_limiter=resources.rate_limiter,
    )
    return committed(db, idem.remember(db, joined))


@router.post(
    "/sessions/{session_id}/cancel",
    summary="Cancel a scheduled class",
    responses=problems.answers({409: "invalid-transition"}),
)
def cancel_session(command: ScheduleCommand) -> SessionRead:
    return command.run(sessions.cancel)


@router.get("/sessions/{session_id}/events", summary="The class's event log after a seq")
def list_events(
    access: Join,
    db: DbSession,
    after: Annotated[int, Query(ge=0)] = 0,
    limit: Annotated[int, Query(ge=1, le=500)] = 200,
) -> EventPage:
    return eventlog.page(
        db, session_id=access.session.id, viewer=access.viewer, after=after, limit=limit
    )


@router.get("/sessions/{session_id}/state", summary="Snapshot of the class, with as_of_seq")
def get_state(access: Join, db: DbSession) -> SessionState:
    return state.state(db, session=access.session, viewer=access.viewer)


webhook_router = APIRouter(prefix="/webhooks", tags=["webhooks"])


@webhook_router.post(
    "/livekit",
    summary="LiveKit room events (signed by the API secret)",
    openapi_extra={"x-permission": "signature"},
)
async def livekit_webhook(request: Request, resources: AppResources) -> dict[str, str]:
    body = await request.body()
    try:
        event = verify_webhook(resources.settings, body, request.headers.get("authorization"))
    except InvalidWebhook as exc:
        log.warning("livekit webhook rejected", reason=str(exc))
        WEBHOOKS.labels("livekit", "rejected").inc()
        raise Problem(
            401, "invalid-signature", "Invalid signature", "The webhook did not verify."
        ) from exc

    def apply() -> str:
        with transaction(resources.sessions) as db:
            return sessions.apply_media_event(db, event=event)

    status = await anyio.to_thread.run_sync(apply)
    WEBHOOKS.labels("livekit", "duplicate" if status == "duplicate" else "accepted").inc()
    return {"status": status}
