"""`polls` and `poll_votes` as a projection of the `poll.` events.

Rows are created here, from the events, live and when rebuilding, so the two agree; every
time stored comes from the event. A replayed `poll.vote_cast` lands while its poll is open
again (the log is replayed in order), as the `poll_votes` trigger demands. `poll.tally`
only announces counts the votes already hold: nothing to apply.

The counts are kept here too: a poll is created with a `poll_option_counts` row of zero
per option, and the statement that casts or changes a vote moves them (and
`polls.voters` for a first vote) by the difference from the voter's previous vote. Votes
of a class are applied one at a time under its log's lock, so that difference is exact.
"""

from __future__ import annotations

import datetime as dt
import uuid

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import Session

from multistream.db.rows import as_row
from multistream.eventlog.projections import Projection, deleting, named_row
from multistream.eventlog.schemas import EventEnvelope
from multistream.polls.models import Poll, PollOptionCount, PollStatus
from multistream.polls.schemas import PollCreated


def _created(db: Session, event: EventEnvelope) -> None:
    poll = PollCreated.model_validate(event.payload).poll
    db.add(
        as_row(
            Poll,
            poll,
            session_id=event.session_id,
            options=[option.model_dump() for option in poll.options],
            correct_option_ids=poll.correct_option_ids or [],
            created_by=event.actor_id,
            created_at=event.occurred_at,
        )
    )
    db.flush()
    db.execute(
        sa.insert(PollOptionCount),
        [{"poll_id": poll.id, "option_id": o.id, "votes": 0} for o in poll.options],
    )


def _opened(db: Session, event: EventEnvelope) -> None:
    poll = named_row(db, Poll, event.payload["poll"]["id"])
    poll.status = PollStatus.open
    poll.opened_at = dt.datetime.fromisoformat(event.payload["poll"]["opened_at"])
    db.flush()  # votes check the status in the database


def _closed(db: Session, event: EventEnvelope) -> None:
    poll = named_row(db, Poll, event.payload["poll_id"])
    poll.status = PollStatus.closed
    poll.closed_at = dt.datetime.fromisoformat(event.payload["closed_at"])
    db.flush()


def _results_shown(db: Session, event: EventEnvelope) -> None:
    named_row(db, Poll, event.payload["poll_id"]).results_visible = bool(event.payload["visible"])


_CAST_VOTE = sa.text(
    """
    WITH previous AS (
        SELECT option_ids FROM poll_votes WHERE poll_id = :poll_id AND user_id = :user_id
    ), cast_vote AS (
        INSERT INTO poll_votes (poll_id, user_id, option_ids, created_at, updated_at)
        VALUES (:poll_id, :user_id, :option_ids, :at, :at)
        ON CONFLICT (poll_id, user_id) DO UPDATE
        SET option_ids = excluded.option_ids, updated_at = excluded.updated_at
    ), change AS (
        SELECT option_id, sum(delta) AS delta FROM (
            SELECT unnest(option_ids) AS option_id, -1 AS delta FROM previous
            UNION ALL
            SELECT unnest(CAST(:option_ids AS text[])), 1
        ) AS moves GROUP BY option_id
    ), counted AS (
        UPDATE poll_option_counts AS c SET votes = c.votes + change.delta
        FROM change
        WHERE c.poll_id = :poll_id AND c.option_id = change.option_id AND change.delta <> 0
    )
    UPDATE polls SET voters = voters + 1
    WHERE id = :poll_id AND NOT EXISTS (SELECT 1 FROM previous)
    """
).bindparams(
    sa.bindparam("poll_id", type_=sa.Uuid()),
    sa.bindparam("user_id", type_=sa.Uuid()),
    sa.bindparam("option_ids", type_=ARRAY(sa.Text)),
    sa.bindparam("at", type_=sa.DateTime(timezone=True)),
)
"""Cast or change one vote and move the counts by the difference, in one statement: the
vote's trigger still refuses a closed poll or a bad choice, and then nothing moves."""


def _vote_cast(db: Session, event: EventEnvelope) -> None:
    db.execute(
        _CAST_VOTE,
        {
            "poll_id": uuid.UUID(event.payload["poll_id"]),
            "user_id": uuid.UUID(event.payload["user_id"]),
            "option_ids": list(event.payload["option_ids"]),
            "at": event.occurred_at,
        },
    )


PROJECTION = Projection.handling(
    "polls",
    {
        "poll.created": _created,
        "poll.opened": _opened,
        "poll.closed": _closed,
        "poll.results_shown": _results_shown,
        "poll.vote_cast": _vote_cast,
    },
    reset=deleting(Poll),  # the polls' votes and counts go with them
)
