"""The stage and the hand queue: participants raise hands, staff bring them on stage.

Being on stage is what lets a participant publish media. The log is the truth: a stage
command appends its events (and applies them) in the request's transaction, and only
after the commit does `sync_publish` make the participant's LiveKit permission match
what the log now says. It reads the state again rather than trusting the request, so
two quick stage changes that reach LiveKit out of order still end where the log ends.
When LiveKit is unreachable the stage still changes: a warning is logged, and the next
`/join` token carries the grant the log says (see `sessions.service.join`).
"""

from __future__ import annotations

import datetime as dt
import uuid

import sqlalchemy as sa
import structlog
from sqlalchemy.orm import Session, sessionmaker

from multistream.auth.models import User
from multistream.db.engine import transaction
from multistream.errors import Forbidden, NotFound
from multistream.eventlog import service as eventlog
from multistream.eventlog.domain import Viewer
from multistream.eventlog.models import SessionEvent
from multistream.sessions import rooms
from multistream.sessions.act import Act
from multistream.sessions.models import LiveSession, Participant, ParticipantRole, SessionStatus
from multistream.settings import Settings
from multistream.studio import domain
from multistream.studio.models import StudioState
from multistream.studio.schemas import HandRead, ParticipantList, ParticipantRead

log = structlog.get_logger(__name__)


def _rows(db: Session, session_id: uuid.UUID) -> list[tuple[Participant, str]]:
    query = (
        sa.select(Participant, User.display_name)
        .join(User, User.id == Participant.user_id)
        .where(Participant.session_id == session_id)
    )
    return [(participant, name) for participant, name in db.execute(query)]


def _read(participant: Participant, display_name: str) -> ParticipantRead:
    return ParticipantRead(
        user_id=participant.user_id,
        display_name=display_name,
        role=participant.role.value,
        on_stage=participant.on_stage,
        hand_raised_at=participant.hand_raised_at,
    )


def _stage_order(db: Session, session_id: uuid.UUID) -> list[uuid.UUID]:
    state = db.get(StudioState, session_id)
    return list(state.stage) if state is not None else []


def list_participants(db: Session, *, session: LiveSession) -> ParticipantList:
    stage = {user_id: index for index, user_id in enumerate(_stage_order(db, session.id))}
    far = dt.datetime.max.replace(tzinfo=dt.UTC)

    def key(entry: tuple[Participant, str]) -> tuple[int, dt.datetime, int, str, str]:
        participant, name = entry
        if participant.hand_raised_at is not None:
            return (0, participant.hand_raised_at, 0, "", str(participant.user_id))
        if participant.on_stage:
            return (1, far, stage.get(participant.user_id, len(stage)), "", name)
        return (2, far, 0, name.casefold(), str(participant.user_id))

    rows = sorted(_rows(db, session.id), key=key)
    return ParticipantList(items=[_read(participant, name) for participant, name in rows])


def hands(db: Session, *, session: LiveSession, viewer: Viewer) -> list[HandRead]:
    """Raised hands, first raised first (the state snapshot's `hands`)."""
    query = (
        sa.select(Participant.user_id, User.display_name, Participant.hand_raised_at)
        .join(User, User.id == Participant.user_id)
        .where(Participant.session_id == session.id, Participant.hand_raised_at.is_not(None))
        .order_by(Participant.hand_raised_at, Participant.user_id)
    )
    return [
        HandRead(user_id=user_id, display_name=name, raised_at=raised_at)
        for user_id, name, raised_at in db.execute(query)
        if raised_at is not None
    ]


def _person(db: Session, session: LiveSession, user_id: uuid.UUID) -> tuple[Participant, str]:
    participant = db.get(Participant, (session.id, user_id))
    user = db.get(User, user_id)
    if participant is None or user is None:
        raise NotFound("This person has not joined this class, so they")
    return participant, user.display_name


def _facts(participant: Participant, display_name: str) -> domain.Person:
    return domain.Person(
        user_id=participant.user_id,
        display_name=display_name,
        role=participant.role,
        on_stage=participant.on_stage,
        hand_raised_at=participant.hand_raised_at,
    )


def raise_hand(db: Session, *, act: Act) -> ParticipantRead:
    """Raise the actor's own hand."""
    eventlog.lock(db, session_id=act.session.id)
    domain.require_live(act.session.status, "take raised hands")
    participant, name = _person(db, act.session, act.actor.id)
    now = dt.datetime.now(dt.UTC)
    act.record(db, domain.decide_raise_hand(_facts(participant, name), now=now))
    return _read(participant, name)


def lower_hand(db: Session, *, act: Act, user_id: uuid.UUID, may_lower_others: bool) -> None:
    """Lower `user_id`'s hand: one's own always, another's with `hands_lower_others`."""
    session, actor = act.session, act.actor
    eventlog.lock(db, session_id=session.id)
    domain.require_live(session.status, "take raised hands")
    if user_id != actor.id and not may_lower_others:
        raise Forbidden(
            "hands.lower_others",
            "You can lower your own hand; only the host and moderators lower others' hands.",
        )
    participant, name = _person(db, session, user_id)
    act.record(db, domain.decide_lower_hand(_facts(participant, name), by=actor.id))


def invite(db: Session, *, act: Act, user_id: uuid.UUID) -> ParticipantRead:
    eventlog.lock(db, session_id=act.session.id)
    domain.require_live(act.session.status, "bring people on stage")
    participant, name = _person(db, act.session, user_id)
    act.record(db, domain.decide_invite(_facts(participant, name), by=act.actor.id))
    return _read(participant, name)


def remove(db: Session, *, act: Act, user_id: uuid.UUID) -> None:
    eventlog.lock(db, session_id=act.session.id)
    domain.require_live(act.session.status, "change the stage")
    participant, name = _person(db, act.session, user_id)
    act.record(db, domain.decide_remove(_facts(participant, name), by=act.actor.id))


def published(db: Session, *, session: LiveSession, user_id: uuid.UUID) -> bool:
    """LiveKit says `user_id` published a track: if they were brought on stage and have not
    been on air since, log `stage.joined`. Whether the event was logged."""
    participant = db.get(Participant, (session.id, user_id))
    if participant is None or not participant.on_stage:
        return False  # most tracks (the teacher's, every staff member's): no lock, no read
    eventlog.lock(db, session_id=session.id)
    if session.status is not SessionStatus.live:
        return False
    participant, name = _person(db, session, user_id)
    db.refresh(participant, ["on_stage"])  # as the log stands under the lock
    last = db.scalar(
        sa.select(SessionEvent.type)
        .where(
            SessionEvent.session_id == session.id,
            SessionEvent.type.in_(("stage.invited", "stage.joined")),
            SessionEvent.payload["user_id"].astext == str(user_id),
        )
        .order_by(SessionEvent.seq.desc())
        .limit(1)
    )
    events = domain.decide_stage_joined(
        _facts(participant, name), joined_since_invited=last == "stage.joined"
    )
    if not events:
        return False
    eventlog.record(db, session_id=session.id, events=events, actor_id=None)
    return True


def may_publish(participant: Participant) -> bool:
    """What a participant's LiveKit grant should say: staff always, participants on stage."""
    return participant.role is not ParticipantRole.participant or participant.on_stage


def sync_publish(
    sessions: sessionmaker[Session],
    settings: Settings,
    *,
    session_id: uuid.UUID,
    user_id: uuid.UUID,
) -> None:
    """After the commit: set `user_id`'s LiveKit publish permission to what the log says.

    Runs in a worker thread of the api (a background task of the stage request).
    """
    with transaction(sessions) as db:
        session = db.get(LiveSession, session_id)
        participant = db.get(Participant, (session_id, user_id))
        if session is None or participant is None or session.status is not SessionStatus.live:
            return
        room, can_publish = (
            session.livekit_room or f"session-{session.id}",
            may_publish(participant),
        )
    rooms.set_publish(settings, room, str(user_id), can_publish)
