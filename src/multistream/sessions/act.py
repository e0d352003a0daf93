"""`Act`: a person changing a live class, as every service that does it on their behalf
takes it (`chat`, `qa`, `polls`, `studio`).

It names, once, what each such service needs besides its own arguments: the class, who
acts (and whether as staff) and the request's idempotency key for the events it appends,
and records those events (`eventlog.service.record`) with them. A route builds it from its
guard (`SessionAccess.act`, or `SessionCommand.run` with the request's key):

```
def open_poll(db: Session, *, act: Act, poll_id: uuid.UUID) -> PollRead:
    ...
    act.record(db, [domain.decide_open(...)])
```
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

from sqlalchemy.orm import Session

from multistream.auth.models import User
from multistream.eventlog import service as eventlog
from multistream.eventlog.domain import NewEvent, Viewer
from multistream.eventlog.schemas import EventEnvelope
from multistream.sessions.models import LiveSession


@dataclasses.dataclass(frozen=True)
class Act:
    session: LiveSession
    actor: User
    staff: bool
    """Host or moderator (platform admins count as staff)."""
    idempotency_key: str | None = None
    """Written to the first event recorded (`eventlog.service.record`)."""

    @property
    def viewer(self) -> Viewer:
        """The actor as the log's readers are told apart."""
        return Viewer(user_id=self.actor.id, staff=self.staff)

    def record(
        self,
        db: Session,
        events: Sequence[NewEvent],
        *,
        locked: LiveSession | None = None,
        anonymous: bool = False,
    ) -> list[EventEnvelope]:
        """`eventlog.service.record` of `events` in the class, by the actor (logged as
        nobody when `anonymous`), under the key."""
        return eventlog.record(
            db,
            session_id=self.session.id,
            events=events,
            actor_id=None if anonymous else self.actor.id,
            idempotency_key=self.idempotency_key,
            locked=locked,
        )
