"""The state snapshot of a class (`GET /sessions/{id}/state`), put together from parts.

```
state(db, session, viewer) ─► SessionState(as_of_seq, session, media_status, participant_count,
                                           **{field: part(db, session=…, viewer=…)
                                              for each registered part})
```

The class itself (its row, media status, participant count and the seq the snapshot is as
of) is the sessions area's own; every other field is the part of another area, which
registers a function that reads it (`multistream.areas`): the studio, the hands, the
chat, the questions, the poll, the recording. All are read in the caller's transaction,
after the row is refreshed, so the snapshot is as of `as_of_seq`.
"""

from __future__ import annotations

from typing import Any, Protocol

import sqlalchemy as sa
from sqlalchemy.orm import Session

from multistream.eventlog.domain import Viewer
from multistream.sessions.models import LiveSession, Participant
from multistream.sessions.schemas import SessionRead, SessionState


class Part(Protocol):
    """Reads one field of the snapshot, as `viewer` may see it."""

    def __call__(self, db: Session, *, session: LiveSession, viewer: Viewer) -> Any: ...


_parts: dict[str, Part] = {}


def register(field: str, part: Part) -> None:
    """Fill `field` of `SessionState` with what `part` reads."""
    assert field in SessionState.model_fields, f"SessionState has no field {field}"
    assert field not in _parts, f"the state's {field} is registered twice"
    _parts[field] = part


def state(db: Session, *, session: LiveSession, viewer: Viewer) -> SessionState:
    """The snapshot and the seq it is as of, read in one transaction, as `viewer` may see
    it."""
    db.refresh(session)
    participants = db.scalar(
        sa.select(sa.func.count())
        .select_from(Participant)
        .where(Participant.session_id == session.id)
    )
    return SessionState(
        as_of_seq=session.last_seq,
        session=SessionRead.model_validate(session),
        media_status=session.media_status,
        participant_count=int(participants or 0),
        **{field: part(db, session=session, viewer=viewer) for field, part in _parts.items()},
    )
