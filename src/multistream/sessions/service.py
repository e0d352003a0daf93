"""Live sessions: schedule, edit, cancel, start and end, each logged before it is told.

Every change follows one path: load the facts, let `sessions.domain` decide the events,
append them to the log and apply them to the `sessions` row in the same transaction. The
request commits; `eventlog.publisher` publishes after the commit.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.orm import Session

from multistream.access.policy import SESSION_ROLE, SessionRole
from multistream.auth.models import User
from multistream.chat import service as chat
from multistream.courses.models import Course, CourseRole
from multistream.db.base import new_id
from multistream.eventlog import service as eventlog
from multistream.eventlog.domain import NewEvent, Viewer
from multistream.media.schemas import WebhookEvent
from multistream.media.tokens import mint_join_token
from multistream.media.webhooks import record_receipt
from multistream.pipeline import runs as pipeline_runs
from multistream.polls import service as polls
from multistream.problems import Problem
from multistream.qa import service as questions
from multistream.recording.schemas import RecordingSnapshot
from multistream.sessions import domain
from multistream.sessions.models import (
    AttendanceInterval,
    AttendanceSource,
    LiveSession,
    MediaStatus,
    Participant,
    ParticipantRole,
    SessionStatus,
)
from multistream.sessions.schemas import (
    JoinResponse,
    SessionCreate,
    SessionList,
    SessionRead,
    SessionState,
    SessionUpdate,
)
from multistream.settings import Settings
from multistream.studio import service as studio
from multistream.studio import stage


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _facts(row: LiveSession) -> domain.SessionFacts:
    return domain.SessionFacts(status=row.status, started_at=row.started_at)


def invalid_transition(error: domain.InvalidTransition) -> Problem:
    return Problem(
        409,
        "invalid-transition",
        "Not possible now",
        f"This class is {error.status.value}, so it cannot be {error.command}.",
        status_now=error.status.value,
    )


def record_system(db: Session, *, row: LiveSession, events: Sequence[NewEvent]) -> None:
    """Log events the platform itself decided (no actor): a class about to end by itself."""
    _record(db, row, events, actor=None)


def _record(
    db: Session,
    row: LiveSession,
    events: Sequence[NewEvent],
    *,
    actor: User | None,
    idempotency_key: str | None = None,
) -> None:
    eventlog.record(
        db,
        session_id=row.id,
        events=events,
        actor_id=actor.id if actor else None,
        idempotency_key=idempotency_key,
    )


def read(row: LiveSession) -> SessionRead:
    return SessionRead.model_validate(row)


def schedule(
    db: Session,
    *,
    course: Course,
    actor: User,
    data: SessionCreate,
    idempotency_key: str | None = None,
) -> SessionRead:
    row = LiveSession(
        id=new_id(),
        course_id=course.id,
        title=data.title,
        description=data.description,
        scheduled_start=data.scheduled_start,
        scheduled_end=data.scheduled_end,
        recording_enabled=course.record_by_default
        if data.recording_enabled is None
        else data.recording_enabled,
        livekit_room=None,
        created_by=actor.id,
    )
    row.livekit_room = f"session-{row.id}"
    db.add(row)
    db.flush()
    payload = data.model_dump(mode="json") | {"recording_enabled": row.recording_enabled}
    _record(
        db,
        row,
        [NewEvent("session.scheduled", payload)],
        actor=actor,
        idempotency_key=idempotency_key,
    )
    return read(row)


def list_for_course(db: Session, *, course: Course) -> SessionList:
    rows = db.scalars(
        sa.select(LiveSession)
        .where(LiveSession.course_id == course.id)
        .order_by(LiveSession.scheduled_start.desc(), LiveSession.id.desc())
    ).all()
    return SessionList(items=[read(row) for row in rows])


def update(db: Session, *, row: LiveSession, actor: User, data: SessionUpdate) -> SessionRead:
    changes: dict[str, Any] = {
        key: value
        for key, value in data.model_dump(mode="json", exclude_unset=True).items()
        if value is not None and value != _current(row, key)
    }
    start = data.scheduled_start or row.scheduled_start
    end = data.scheduled_end or row.scheduled_end
    if end <= start:
        raise Problem(
            422,
            "validation",
            "Invalid request",
            "The class must end after it starts.",
            errors=[{"field": "scheduled_end", "location": "body", "message": "before start"}],
        )
    try:
        events = domain.decide_update(_facts(row), changes)
    except domain.InvalidTransition as error:
        raise invalid_transition(error) from error
    _record(db, row, events, actor=actor)
    return read(row)


def _current(row: LiveSession, key: str) -> Any:
    value = getattr(row, key)
    return value.isoformat() if isinstance(value, dt.datetime) else value


def start(
    db: Session,
    *,
    row: LiveSession,
    actor: User,
    media: MediaStatus,
    idempotency_key: str | None = None,
) -> SessionRead:
    try:
        events = domain.decide_start(_facts(row), now=_now(), media=media)
    except domain.InvalidTransition as error:
        raise invalid_transition(error) from error
    _record(db, row, events, actor=actor, idempotency_key=idempotency_key)
    return read(row)


def end(
    db: Session,
    *,
    row: LiveSession,
    actor: User | None,
    reason: str = "ended_by_host",
    detail: str | None = None,
    idempotency_key: str | None = None,
) -> SessionRead:
    try:
        events = domain.decide_end(_facts(row), now=_now(), reason=reason, detail=detail)
    except domain.InvalidTransition as error:
        raise invalid_transition(error) from error
    _record(db, row, events, actor=actor, idempotency_key=idempotency_key)
    if events:
        # A recorded class gets its replay made: the run is sent once this commits.
        pipeline_runs.ensure_queued(db, session=row)
    return read(row)


def cancel(
    db: Session, *, row: LiveSession, actor: User, idempotency_key: str | None = None
) -> SessionRead:
    try:
        events = domain.decide_cancel(_facts(row))
    except domain.InvalidTransition as error:
        raise invalid_transition(error) from error
    _record(db, row, events, actor=actor, idempotency_key=idempotency_key)
    return read(row)


def set_media_status(db: Session, *, row: LiveSession, media: MediaStatus) -> None:
    _record(db, row, domain.decide_media_status(row.media_status, media), actor=None)


def state(db: Session, *, row: LiveSession, viewer: Viewer) -> SessionState:
    """The snapshot and the seq it is as of, read in one transaction, as `viewer` may see
    it (each area adds its part: studio, stage and hands, chat, questions, the open poll)."""
    db.refresh(row)
    participants = db.scalar(
        sa.select(sa.func.count()).select_from(Participant).where(Participant.session_id == row.id)
    )
    return SessionState(
        as_of_seq=row.last_seq,
        session=read(row),
        media_status=row.media_status,
        participant_count=int(participants or 0),
        recording=_recording(db, session_id=row.id, viewer=viewer),
        studio=studio.snapshot(db, session_id=row.id),
        hands=stage.hands(db, session_id=row.id),
        chat=chat.snapshot(db, session=row, viewer=viewer),
        questions=questions.for_state(db, session=row, viewer=viewer),
        poll=polls.for_state(db, session=row, viewer=viewer),
    )


def _recording(db: Session, *, session_id: uuid.UUID, viewer: Viewer) -> RecordingSnapshot | None:
    from multistream.recording import service as recordings
    from multistream.recording import watch

    latest = recordings.latest(db, session_id=session_id)
    if latest is None:
        return None
    reason = None
    if viewer.staff and latest.alerted_at is not None:
        reason = watch.REASONS[
            recordings.NO_RECORDER if latest.started_at is None else recordings.RECORDER_LOST
        ]
    return RecordingSnapshot.of(latest, reason=reason)


def room_name(row: LiveSession) -> str:
    return row.livekit_room or f"session-{row.id}"


def join(
    db: Session, *, row: LiveSession, user: User, role: CourseRole | None, settings: Settings
) -> JoinResponse:
    """Record the participant (and log the first join), and hand out media credentials
    while the class is live."""
    session_role = SESSION_ROLE[role] if role is not None else SessionRole.host
    inserted, on_stage = db.execute(
        pg_insert(Participant)
        .values(session_id=row.id, user_id=user.id, role=ParticipantRole(session_role.value))
        .on_conflict_do_update(
            index_elements=[Participant.session_id, Participant.user_id],
            set_={"last_seen_at": sa.func.now(), "role": ParticipantRole(session_role.value)},
        )
        .returning(sa.literal_column("xmax = 0", sa.Boolean), Participant.on_stage)
    ).one()
    if inserted:
        event = NewEvent(
            "participant.joined",
            {"user_id": str(user.id), "display_name": user.display_name, "role": session_role},
        )
        _record(db, row, [event], actor=user)
    token = None
    if row.status is SessionStatus.live and settings.media_configured:
        token = mint_join_token(
            settings,
            room=room_name(row),
            user_id=user.id,
            display_name=user.display_name,
            role=session_role.value,
            # A participant the host brought on stage may publish (`studio.stage`).
            can_publish=True if on_stage else None,
        )
    return JoinResponse(
        livekit_url=settings.livekit_url if token else None,
        token=token,
        role=session_role.value,
        identity=str(user.id),
        state=state(
            db,
            row=row,
            viewer=Viewer(user_id=user.id, staff=session_role is not SessionRole.participant),
        ),
    )


def get(db: Session, *, session_id: uuid.UUID) -> LiveSession | None:
    return db.get(LiveSession, session_id)


def is_live(row: LiveSession) -> bool:
    return row.status is SessionStatus.live


# --- LiveKit webhooks ------------------------------------------------------------------------


def apply_media_event(db: Session, *, event: WebhookEvent) -> str:
    """Apply a verified LiveKit event once: the room closing ends a live class, people
    entering and leaving the room become attendance intervals, a participant brought on
    stage who publishes is on air (`stage.joined`)."""
    if not record_receipt(db, event.id):
        return "duplicate"
    row = (
        db.scalars(
            sa.select(LiveSession).where(LiveSession.livekit_room == event.room_name)
        ).one_or_none()
        if event.room_name
        else None
    )
    if row is None:
        return "ignored"
    if event.event == "room_finished" and row.status is SessionStatus.live:
        end(db, row=row, actor=None, reason="room_finished")
        return "processed"
    if event.event == "egress_ended" and event.egress is not None:
        from multistream.recording import service as recordings

        recording = recordings.egress_ended(db, egress=event.egress)
        if recording is not None:
            pipeline_runs.ensure_queued(db, session=row)
        return "processed" if recording is not None else "ignored"
    user_id = _identity(event.participant_identity)
    if user_id is None or db.get(Participant, (row.id, user_id)) is None:
        return "ignored"
    if event.event == "participant_joined":
        db.add(
            AttendanceInterval(
                session_id=row.id,
                user_id=user_id,
                joined_at=event.created_at,
                source=AttendanceSource.livekit,
            )
        )
    elif event.event == "participant_left":
        open_interval = db.scalars(
            sa.select(AttendanceInterval)
            .where(
                AttendanceInterval.session_id == row.id,
                AttendanceInterval.user_id == user_id,
                AttendanceInterval.source == AttendanceSource.livekit,
                AttendanceInterval.left_at.is_(None),
            )
            .order_by(AttendanceInterval.joined_at.desc())
            .limit(1)
        ).one_or_none()
        if open_interval is not None:
            open_interval.left_at = max(event.created_at, open_interval.joined_at)
    elif event.event == "track_published":
        from multistream.studio import stage

        return "processed" if stage.published(db, row=row, user_id=user_id) else "ignored"
    else:
        return "ignored"
    db.flush()
    return "processed"


def _identity(identity: str | None) -> uuid.UUID | None:
    try:
        return uuid.UUID(identity) if identity else None
    except ValueError:
        return None
