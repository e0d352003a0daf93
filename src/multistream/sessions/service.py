"""Live sessions: schedule, edit, cancel, start and end, each logged before it is told.

Every change follows one path: load the facts, let `sessions.domain` decide the events
(or refuse, with a domain error), and record them (`eventlog.service.record`: appended,
applied to the `sessions` row, published after the commit). The snapshot of a class is
`sessions.state`.
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
from multistream.courses.models import Course, CourseRole
from multistream.db.base import new_id, table_of, utcnow
from multistream.eventlog import service as eventlog
from multistream.eventlog.domain import NewEvent, Viewer
from multistream.media.schemas import WebhookEvent
from multistream.media.tokens import mint_join_token
from multistream.media.webhooks import record_receipt
from multistream.pipeline import runs as pipeline_runs
from multistream.ratelimit import RateKind, RateLimiter
from multistream.recording import service as recordings
from multistream.sessions import domain, state
from multistream.sessions.act import Act
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
    SessionUpdate,
)
from multistream.settings import Settings
from multistream.studio import stage


def _facts(session: LiveSession) -> domain.SessionFacts:
    return domain.SessionFacts(status=session.status, started_at=session.started_at)


def record_system(db: Session, *, session: LiveSession, events: Sequence[NewEvent]) -> None:
    """Log events the platform itself decided (no actor): a class about to end by itself."""
    _record(db, session, events, actor=None)


def _record(
    db: Session,
    session: LiveSession,
    events: Sequence[NewEvent],
    *,
    actor: User | None,
    idempotency_key: str | None = None,
) -> None:
    eventlog.record(
        db,
        session_id=session.id,
        events=events,
        actor_id=actor.id if actor else None,
        idempotency_key=idempotency_key,
    )


def read(session: LiveSession) -> SessionRead:
    return SessionRead.model_validate(session)


def schedule(
    db: Session,
    *,
    course: Course,
    actor: User,
    data: SessionCreate,
    idempotency_key: str | None = None,
) -> SessionRead:
    session = LiveSession(
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
    session.livekit_room = f"session-{session.id}"
    db.add(session)
    db.flush()
    payload = data.model_dump(mode="json") | {"recording_enabled": session.recording_enabled}
    _record(
        db,
        session,
        [NewEvent("session.scheduled", payload)],
        actor=actor,
        idempotency_key=idempotency_key,
    )
    return read(session)


def list_for_course(db: Session, *, course: Course) -> SessionList:
    found = db.scalars(
        sa.select(LiveSession)
        .where(LiveSession.course_id == course.id)
        .order_by(LiveSession.scheduled_start.desc(), LiveSession.id.desc())
    ).all()
    return SessionList(items=[read(session) for session in found])


def update(db: Session, *, session: LiveSession, actor: User, data: SessionUpdate) -> SessionRead:
    changes: dict[str, Any] = {
        key: value
        for key, value in data.model_dump(mode="json", exclude_unset=True).items()
        if value is not None and value != _current(session, key)
    }
    start = data.scheduled_start or session.scheduled_start
    end = data.scheduled_end or session.scheduled_end
    domain.require_ends_after_start(start, end)
    events = domain.decide_update(_facts(session), changes)
    _record(db, session, events, actor=actor)
    return read(session)


def _current(session: LiveSession, key: str) -> Any:
    value = getattr(session, key)
    return value.isoformat() if isinstance(value, dt.datetime) else value


def start(db: Session, *, act: Act, media: MediaStatus) -> SessionRead:
    act.record(db, domain.decide_start(_facts(act.session), now=utcnow(), media=media))
    return read(act.session)


def end(
    db: Session,
    *,
    session: LiveSession,
    actor: User | None,
    reason: str = "ended_by_host",
    detail: str | None = None,
    idempotency_key: str | None = None,
) -> SessionRead:
    events = domain.decide_end(_facts(session), now=utcnow(), reason=reason, detail=detail)
    _record(db, session, events, actor=actor, idempotency_key=idempotency_key)
    if events:
        # A recorded class gets its replay made: the run is sent once this commits.
        pipeline_runs.ensure_queued(db, session=session)
    return read(session)


def cancel(db: Session, *, act: Act) -> SessionRead:
    act.record(db, domain.decide_cancel(_facts(act.session)))
    return read(act.session)


def set_media_status(db: Session, *, session: LiveSession, media: MediaStatus) -> None:
    _record(db, session, domain.decide_media_status(session.media_status, media), actor=None)


def room_name(session: LiveSession) -> str:
    return session.livekit_room or f"session-{session.id}"


_UPSERT = pg_insert(table_of(Participant)).values(
    session_id=sa.bindparam("session_id"),
    user_id=sa.bindparam("user_id"),
    role=sa.bindparam("role"),
)
_JOINED = _UPSERT.on_conflict_do_update(
    index_elements=[Participant.session_id, Participant.user_id],
    set_={"last_seen_at": sa.func.now(), "role": _UPSERT.excluded.role},
).returning(sa.literal_column("xmax = 0", sa.Boolean), Participant.on_stage)
"""Built once (on the table, no mapped objects): record a join; whether it was the first,
and whether the person is on stage."""


def join(
    db: Session,
    *,
    session: LiveSession,
    user: User,
    role: CourseRole | None,
    settings: Settings,
    rate_limiter: RateLimiter,
) -> JoinResponse:
    """Record the participant (and log the first join), and hand out media credentials
    while the class is live. Joins are rate limited per person and per class."""
    rate_limiter.hit(RateKind.joins, session_id=session.id, user_id=user.id)
    session_role = SESSION_ROLE[role] if role is not None else SessionRole.host
    inserted, on_stage = db.execute(
        _JOINED,
        {"session_id": session.id, "user_id": user.id, "role": ParticipantRole(session_role.value)},
    ).one()
    if inserted:
        event = NewEvent(
            "participant.joined",
            {"user_id": str(user.id), "display_name": user.display_name, "role": session_role},
        )
        _record(db, session, [event], actor=user)
    token = None
    if session.status is SessionStatus.live and settings.media_configured:
        token = mint_join_token(
            settings,
            room=room_name(session),
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
        state=state.state(
            db,
            session=session,
            viewer=Viewer(user_id=user.id, staff=session_role is not SessionRole.participant),
        ),
    )


def get(db: Session, *, session_id: uuid.UUID) -> LiveSession | None:
    return db.get(LiveSession, session_id)


def is_live(session: LiveSession) -> bool:
    return session.status is SessionStatus.live


# --- LiveKit webhooks ------------------------------------------------------------------------


def apply_media_event(db: Session, *, event: WebhookEvent) -> str:
    """Apply a verified LiveKit event once: the room closing ends a live class, people
    entering and leaving the room become attendance intervals, a participant brought on
    stage who publishes is on air (`stage.joined`)."""
    if not record_receipt(db, event.id):
        return "duplicate"
    session = (
        db.scalars(
            sa.select(LiveSession).where(LiveSession.livekit_room == event.room_name)
        ).one_or_none()
        if event.room_name
        else None
    )
    if session is None:
        return "ignored"
    if event.event == "room_finished" and session.status is SessionStatus.live:
        end(db, session=session, actor=None, reason="room_finished")
        return "processed"
    if event.event == "egress_ended" and event.egress is not None:
        recording = recordings.egress_ended(db, egress=event.egress)
        if recording is not None:
            pipeline_runs.ensure_queued(db, session=session)
        return "processed" if recording is not None else "ignored"
    user_id = _identity(event.participant_identity)
    if user_id is None or db.get(Participant, (session.id, user_id)) is None:
        return "ignored"
    if event.event == "participant_joined":
        db.add(
            AttendanceInterval(
                session_id=session.id,
                user_id=user_id,
                joined_at=event.created_at,
                source=AttendanceSource.livekit,
            )
        )
    elif event.event == "participant_left":
        open_interval = db.scalars(
            sa.select(AttendanceInterval)
            .where(
                AttendanceInterval.session_id == session.id,
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
        return "processed" if stage.published(db, session=session, user_id=user_id) else "ignored"
    else:
        return "ignored"
    db.flush()
    return "processed"


def _identity(identity: str | None) -> uuid.UUID | None:
    try:
        return uuid.UUID(identity) if identity else None
    except ValueError:
        return None
