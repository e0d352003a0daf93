"""Tables of polls: polls and their votes (a projection of the `poll.` events).

Rules that span rows live in triggers (in the migration), each raising with its constraint
name: `ck_poll_votes_poll_open`, `ck_poll_votes_options_valid`,
`ck_poll_votes_single_choice`: a vote names distinct options of its poll (exactly one for a
`single` poll) and is cast or changed only while the poll is open.

Poll options are a JSON array of 2 to 10 `{"id", "text"}` objects with distinct ids; the
immutable SQL function `multistream_poll_option_ids(options)` returns their ids, or null
when the array is malformed, and the CHECKs below are written with it.

The tally is kept, not recounted: `polls.voters` (how many people voted) and a
`poll_option_counts` row per option (how many votes name it) are written by the
projection in the statement that casts or changes a vote (`polls.projection`), so they
equal a recount of `poll_votes` whenever the log has been applied. A vote removed by
deleting its voter's account stays counted (the tallies in the log counted it too).
"""

from __future__ import annotations

import datetime as dt
import enum
import uuid
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import ARRAY, JSONB
from sqlalchemy.orm import Mapped, mapped_column

from multistream.db import columns
from multistream.db.base import Base

PollKind = enum.StrEnum("PollKind", "single multiple quiz")

PollStatus = enum.StrEnum("PollStatus", "draft open closed")


class Poll(Base):
    __tablename__ = "polls"
    __table_args__ = (
        sa.CheckConstraint(
            "multistream_poll_option_ids(options) IS NOT NULL", name="options_valid"
        ),
        sa.CheckConstraint(
            "correct_option_ids <@ multistream_poll_option_ids(options)",
            name="correct_options_in_options",
        ),
        sa.CheckConstraint(
            "(kind = 'quiz') = (cardinality(correct_option_ids) > 0)",
            name="correct_options_for_quiz",
        ),
        columns.status_has("open", "opened_at"),
        columns.status_has("closed", "closed_at"),
        columns.unique_where("uq_polls_one_open", "session_id", where="status = 'open'"),
    )

    id: Mapped[columns.Id]
    session_id: Mapped[columns.SessionRef] = mapped_column(index=True)
    question: Mapped[str] = columns.text(500, nonblank=True)
    kind: Mapped[PollKind] = columns.state(PollKind)
    options: Mapped[list[dict[str, Any]]] = mapped_column(JSONB)
    correct_option_ids: Mapped[list[str]] = mapped_column(
        ARRAY(sa.Text), server_default=sa.text("'{}'::text[]"), default=list
    )
    anonymous: Mapped[columns.Flag]
    status: Mapped[PollStatus] = columns.state(PollStatus, PollStatus.draft)
    results_visible: Mapped[columns.Flag]
    opened_at: Mapped[dt.datetime | None]
    closed_at: Mapped[dt.datetime | None]
    created_by: Mapped[columns.UserRefOrNull]
    created_at: Mapped[columns.CreatedAt]
    voters: Mapped[columns.Count] = columns.nonnegative()
    """How many people have voted (a count kept by the projection; read it with
    `polls.service.tally`, as this attribute may predate the caller's vote)."""


class PollOptionCount(Base):
    """How many votes name one option of a poll (a count kept by the projection)."""

    __tablename__ = "poll_option_counts"

    poll_id: Mapped[uuid.UUID] = columns.parent_key("polls")
    option_id: Mapped[str] = mapped_column(sa.Text, primary_key=True)
    votes: Mapped[columns.Count] = columns.nonnegative()


class PollVote(Base):
    __tablename__ = "poll_votes"
    __table_args__ = (
        sa.CheckConstraint("cardinality(option_ids) >= 1", name="option_ids_nonempty"),
    )

    poll_id: Mapped[uuid.UUID] = columns.parent_key("polls")
    user_id: Mapped[columns.UserKey]
    option_ids: Mapped[list[str]] = mapped_column(ARRAY(sa.Text))
    created_at: Mapped[columns.CreatedAt]
    updated_at: Mapped[columns.CreatedAt]
