"""When a class's hosts (teachers and TAs) were last known to be connected.

`participants.last_seen_at` of a class's hosts and moderators: joining sets it, the live
gateway refreshes it for every staff socket at each re-authorisation, and the lifetime
watch for staff it finds in the LiveKit room. `sessions.lifetime` ends classes nobody has
taught for too long from it.
"""

from __future__ import annotations

import datetime as dt
import uuid

import sqlalchemy as sa
from sqlalchemy.orm import Session

from multistream.sessions.models import LiveSession, Participant, ParticipantRole

STAFF_ROLES = (ParticipantRole.host, ParticipantRole.moderator)


def host_seen_at(db: Session, *, session: LiveSession) -> dt.datetime:
    """The last moment a host or moderator of the class was known to be connected (the
    class's start, if none has been yet)."""
    seen = db.scalar(
        sa.select(sa.func.max(Participant.last_seen_at)).where(
            Participant.session_id == session.id, Participant.role.in_(STAFF_ROLES)
        )
    )
    start = session.started_at or dt.datetime.now(dt.UTC)
    return max(seen, start) if seen is not None else start


def mark_seen(db: Session, *, present: set[tuple[uuid.UUID, uuid.UUID]]) -> None:
    """Staff (session, user) pairs connected now: their `last_seen_at` becomes now."""
    if not present:
        return
    db.execute(
        sa.update(Participant)
        .where(
            sa.tuple_(Participant.session_id, Participant.user_id).in_(sorted(present)),
            Participant.role.in_(STAFF_ROLES),
        )
        .values(last_seen_at=sa.func.now())
    )
