"""What the gateway reads from the database: who may watch a session (at the hello, and
again while the socket is open), and session heads.

Plain synchronous functions on a SQLAlchemy session; the gateway calls them in worker
threads (`anyio.to_thread`) so the event loop never waits on the database.
"""

from __future__ import annotations

import dataclasses
import uuid
from collections.abc import Collection, Sequence

import sqlalchemy as sa
import structlog
from sqlalchemy.orm import Session

from multistream.access import service as access
from multistream.access.policy import SESSION_ROLE, Permission, SessionRole, allows
from multistream.auth import service as auth
from multistream.auth.models import RefreshToken, User
from multistream.auth.tokens import InvalidToken, TokenVerifier, VerifiedToken
from multistream.courses.models import Course, CourseMember
from multistream.errors import DomainError
from multistream.eventlog.domain import Viewer
from multistream.realtime.protocol import CloseCode
from multistream.sessions.models import LiveSession
from multistream.settings import Settings

log = structlog.get_logger(__name__)


@dataclasses.dataclass(frozen=True)
class Admission:
    """A caller let into a session's live feed."""

    session_id: uuid.UUID
    viewer: Viewer
    role: SessionRole
    head: int
    token_expires_at: float
    """Unix time the hello's token expires (`exp`); the socket closes then (4401) unless
    the client sends a fresh one (`renew`)."""


class Refused(Exception):
    """The caller may not watch: the socket closes with `code`."""

    def __init__(self, code: CloseCode, reason: str) -> None:
        super().__init__(reason)
        self.code = code
        self.reason = reason


def admit(
    db: Session, *, settings: Settings, verifier: TokenVerifier, token: str, session_id: str
) -> Admission:
    """Check the hello's token and the caller's right to join, exactly as REST does."""
    try:
        verified = verifier.verify(token)
    except InvalidToken as exc:
        log.info("live socket token rejected", reason=str(exc))
        raise Refused(CloseCode.unauthenticated, "invalid or expired token") from exc
    outcome = _admit_verified(db, settings=settings, verified=verified, session_id=session_id)
    if isinstance(outcome, Refused):
        raise outcome
    return outcome


def _admission(joined: access.SessionAccess, verified: VerifiedToken) -> Admission:
    return Admission(
        session_id=joined.session.id,
        viewer=joined.viewer,
        # A platform admin who is not a member may do everything: a host.
        role=SESSION_ROLE[joined.role] if joined.role is not None else SessionRole.host,
        head=joined.session.last_seq,
        token_expires_at=float(verified.claims["exp"]),
    )


def _uuid(value: str | None) -> uuid.UUID | None:
    try:
        return uuid.UUID(value or "")
    except ValueError:
        return None


def admit_many(
    db: Session,
    *,
    settings: Settings,
    verifier: TokenVerifier,
    hellos: Sequence[tuple[str, str]],
) -> list[Admission | Refused]:
    """`admit` for many (token, session id) hellos at once, each answered exactly as
    `admit` answers it, in five queries whatever their number (the local provider's
    tokens; Clerk's go through `admit` one by one, as a first sight creates the user).

    The rules are `auth.user_for_token` (a local user whose sign-in was not ended and who
    is not deleted) and `access.session_access` with `session_join`, read in bulk."""
    verified: list[VerifiedToken | Refused] = []
    for token, _ in hellos:
        try:
            verified.append(verifier.verify(token))
        except InvalidToken as exc:
            log.info("live socket token rejected", reason=str(exc))
            verified.append(Refused(CloseCode.unauthenticated, "invalid or expired token"))
    if settings.auth_provider != "local":
        return [
            outcome
            if isinstance(outcome, Refused)
            else _admit_verified(db, settings=settings, verified=outcome, session_id=session_id)
            for outcome, (_, session_id) in zip(verified, hellos, strict=True)
        ]
    tokens = [outcome for outcome in verified if not isinstance(outcome, Refused)]
    families = {f for t in tokens if (f := _uuid(t.session_id)) is not None}
    user_ids = {u for t in tokens if (u := _uuid(t.subject)) is not None}
    session_ids = {s for _, session_id in hellos if (s := _uuid(session_id)) is not None}
    revoked = (
        set(
            db.scalars(
                sa.select(RefreshToken.family_id)
                .where(RefreshToken.family_id.in_(families), RefreshToken.revoked_at.is_not(None))
                .distinct()
            )
        )
        if families
        else set()
    )
    users = {
        user.id: user
        for user in (db.scalars(sa.select(User).where(User.id.in_(user_ids))) if user_ids else [])
    }
    sessions = {
        session.id: session
        for session in (
            db.scalars(sa.select(LiveSession).where(LiveSession.id.in_(session_ids)))
            if session_ids
            else []
        )
    }
    course_ids = {session.course_id for session in sessions.values()}
    courses = {
        course.id: course
        for course in (
            db.scalars(sa.select(Course).where(Course.id.in_(course_ids))) if course_ids else []
        )
    }
    roles = {
        (course_id, user_id): role
        for course_id, user_id, role in (
            db.execute(
                sa.select(CourseMember.course_id, CourseMember.user_id, CourseMember.role).where(
                    CourseMember.course_id.in_(course_ids), CourseMember.user_id.in_(user_ids)
                )
            )
            if course_ids and user_ids
            else []
        )
    }
    outcomes: list[Admission | Refused] = []
    for outcome, (_, session_id) in zip(verified, hellos, strict=True):
        if isinstance(outcome, Refused):
            outcomes.append(outcome)
            continue
        user_id, family = _uuid(outcome.subject), _uuid(outcome.session_id)
        user = users.get(user_id) if user_id is not None and family not in revoked else None
        if user is None or user.deleted_at is not None:
            outcomes.append(Refused(CloseCode.unauthenticated, "unknown user"))
            continue
        session = sessions.get(_uuid(session_id))  # type: ignore[arg-type]
        course = courses.get(session.course_id) if session is not None else None
        role = roles.get((course.id, user.id)) if course is not None else None
        if (
            session is None
            or course is None
            or (role is None and not user.is_platform_admin)
            or (not user.is_platform_admin and not allows(role, Permission.session_join))  # type: ignore[arg-type]
        ):
            # Unknown session and "not yours" look the same, as the REST 404 does.
            outcomes.append(Refused(CloseCode.forbidden, "no such class, or not allowed"))
            continue
        joined = access.SessionAccess(session=session, course=course, user=user, role=role)
        outcomes.append(_admission(joined, outcome))
    return outcomes


def _admit_verified(
    db: Session, *, settings: Settings, verified: VerifiedToken, session_id: str
) -> Admission | Refused:
    user = auth.user_for_token(db, settings=settings, token=verified)
    if user is None:
        return Refused(CloseCode.unauthenticated, "unknown user")
    try:
        joined = access.session_access(
            db, session_id=uuid.UUID(session_id), user=user, permission=Permission.session_join
        )
    except (ValueError, DomainError):
        return Refused(CloseCode.forbidden, "no such class, or not allowed")
    return _admission(joined, verified)


def renew(
    db: Session, *, settings: Settings, verifier: TokenVerifier, token: str, user_id: uuid.UUID
) -> float:
    """Check a `token` frame: a valid token of the socket's own user. Its expiry, or
    `Refused` (4401). Membership is not checked here: the hub re-checks it on its own."""
    try:
        verified = verifier.verify(token)
    except InvalidToken as exc:
        log.info("live socket fresh token rejected", reason=str(exc))
        raise Refused(CloseCode.unauthenticated, "invalid or expired token") from exc
    user = auth.user_for_token(db, settings=settings, token=verified)
    if user is None or user.id != user_id:
        raise Refused(CloseCode.unauthenticated, "not the socket's user")
    return float(verified.claims["exp"])


def heads(db: Session, *, session_ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, int]:
    """The latest seq of each session, in one query."""
    rows = db.execute(
        sa.select(LiveSession.id, LiveSession.last_seq).where(LiveSession.id.in_(session_ids))
    )
    return {session_id: int(last_seq) for session_id, last_seq in rows}


def still_admitted(
    db: Session, *, watching: Collection[tuple[uuid.UUID, uuid.UUID]]
) -> set[tuple[uuid.UUID, uuid.UUID]]:
    """Which of the (session, user) pairs may still join: the user is still a member of
    the session's course, or a platform admin. Two queries, whatever the number of pairs."""
    if not watching:
        return set()
    session_ids = {session_id for session_id, _ in watching}
    user_ids = {user_id for _, user_id in watching}
    members = db.execute(
        sa.select(LiveSession.id, CourseMember.user_id)
        .join(CourseMember, CourseMember.course_id == LiveSession.course_id)
        .where(LiveSession.id.in_(session_ids), CourseMember.user_id.in_(user_ids))
    )
    allowed = {(session_id, user_id) for session_id, user_id in members}
    admins = set(
        db.scalars(sa.select(User.id).where(User.id.in_(user_ids), User.is_platform_admin))
    )
    allowed |= {(session_id, user_id) for session_id, user_id in watching if user_id in admins}
    return allowed & set(watching)
