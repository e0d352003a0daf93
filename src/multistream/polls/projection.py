"""`polls` and `poll_votes` as a projection of the `poll.` events.

Rows are created here, from the events, live and when rebuilding, so the two agree; every
time stored comes from the event. A replayed `poll.vote_cast` lands while its poll is open
again (the log is replayed in order), as the `poll_votes` trigger demands. `poll.tally`
only announces counts the votes already hold: nothing to apply.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Mapping

from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.orm import Session

from multistream.eventlog.projections import Handler, Projection, by_type, deleting
from multistream.eventlog.schemas import EventEnvelope
from multistream.polls.models import Poll, PollKind, PollStatus, PollVote


def _poll(db: Session, poll_id: str) -> Poll:
    poll = db.get(Poll, uuid.UUID(poll_id))
    if poll is None:
        raise LookupError(f"no poll {poll_id}")
    return poll


def _created(db: Session, event: EventEnvelope) -> None:
    poll = event.payload["poll"]
    db.add(
        Poll(
            id=uuid.UUID(poll["id"]),
            session_id=event.session_id,
            question=poll["question"],
            kind=PollKind(poll["kind"]),
            options=[{"id": o["id"], "text": o["text"]} for o in poll["options"]],
            correct_option_ids=list(poll["correct_option_ids"] or []),
            anonymous=poll["anonymous"],
            status=PollStatus.draft,
            results_visible=False,
            opened_at=None,
            closed_at=None,
            created_by=event.actor_id,
            created_at=event.occurred_at,
        )
    )
    db.flush()


def _opened(db: Session, event: EventEnvelope) -> None:
    poll = _poll(db, event.payload["poll"]["id"])
    poll.status = PollStatus.open
    poll.opened_at = dt.datetime.fromisoformat(event.payload["poll"]["opened_at"])
    db.flush()  # votes check the status in the database


def _closed(db: Session, event: EventEnvelope) -> None:
    poll = _poll(db, event.payload["poll_id"])
    poll.status = PollStatus.closed
    poll.closed_at = dt.datetime.fromisoformat(event.payload["closed_at"])
    db.flush()


def _results_shown(db: Session, event: EventEnvelope) -> None:
    _poll(db, event.payload["poll_id"]).results_visible = bool(event.payload["visible"])


def _vote_cast(db: Session, event: EventEnvelope) -> None:
    insert = pg_insert(PollVote).values(
        poll_id=uuid.UUID(event.payload["poll_id"]),
        user_id=uuid.UUID(event.payload["user_id"]),
        option_ids=list(event.payload["option_ids"]),
        created_at=event.occurred_at,
        updated_at=event.occurred_at,
    )
    db.execute(
        insert.on_conflict_do_update(
            index_elements=[PollVote.poll_id, PollVote.user_id],
            set_={
                "option_ids": insert.excluded.option_ids,
                "updated_at": insert.excluded.updated_at,
            },
        )
    )


_HANDLERS: Mapping[str, Handler] = {
    "poll.created": _created,
    "poll.opened": _opened,
    "poll.closed": _closed,
    "poll.results_shown": _results_shown,
    "poll.vote_cast": _vote_cast,
}


apply = by_type(_HANDLERS)


reset = deleting(Poll)
"""Forget the class's polls (their votes go with them)."""


PROJECTION = Projection(name="polls", prefixes=("poll.",), reset=reset, apply=apply)
