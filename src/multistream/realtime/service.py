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
from multistream.access.policy import SESSION_ROLE, Permission, SessionRole
from multistream.auth import service as auth
from multistream.auth.models import User
from multistream.auth.tokens import InvalidToken, TokenVerifier
from multistream.courses.models import CourseMember
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
    user = auth.user_for_token(db, settings=settings, token=verified)
    if user is None:
        raise Refused(CloseCode.unauthenticated, "unknown user")
    try:
        joined = access.session_access(
            db, session_id=uuid.UUID(session_id), user=user, permission=Permission.session_join
        )
    except (ValueError, DomainError) as exc:
        # Unknown session and "not yours" look the same, as the REST 404 does.
        raise Refused(CloseCode.forbidden, "no such class, or not allowed") from exc
    return Admission(
        session_id=joined.session.id,
        viewer=joined.viewer,
        # A platform admin who is not a member may do everything: a host.
        role=SESSION_ROLE[joined.role] if joined.role is not None else SessionRole.host,
        head=joined.session.last_seq,
        token_expires_at=float(verified.claims["exp"]),
    )


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
