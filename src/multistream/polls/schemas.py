"""Request and response bodies of polls, and the payloads of their events."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Annotated

from pydantic import BaseModel, Field, ValidationInfo, field_validator

from multistream.db.base import PlainText
from multistream.eventlog.catalog import ALL_OR_STAFF, STAFF, Events
from multistream.eventlog.models import EventAudience
from multistream.eventlog.schemas import EventPayload
from multistream.polls.models import PollKind, PollStatus

EVENTS = Events()
"""This area's event types, declared over their payload models below."""

PollQuestion = Annotated[str, PlainText(300)]
PollOptionText = Annotated[str, PlainText(200)]


class PollCreate(BaseModel):
    question: PollQuestion
    kind: PollKind
    options: Annotated[list[PollOptionText], Field(min_length=2, max_length=10)]
    correct_option_indexes: list[int] | None = Field(default=None, validate_default=True)
    """Quiz only (and required for a quiz): the indexes in `options` of the right answers."""
    anonymous: bool = False
    """Nobody, staff included, can see who voted for what."""

    @field_validator("options")
    @classmethod
    def _distinct_options(cls, options: list[str]) -> list[str]:
        if len({option.casefold() for option in options}) != len(options):
            raise ValueError("options must differ from each other")
        return options

    @field_validator("correct_option_indexes")
    @classmethod
    def _correct_for_quiz(cls, indexes: list[int] | None, info: ValidationInfo) -> list[int] | None:
        kind, options = info.data.get("kind"), info.data.get("options")
        if kind is not PollKind.quiz:
            if indexes:
                raise ValueError("only a quiz has correct options")
            return None
        if not indexes:
            raise ValueError("a quiz needs at least one correct option")
        if len(set(indexes)) != len(indexes):
            raise ValueError("indexes must be distinct")
        if options is not None and not all(0 <= index < len(options) for index in indexes):
            raise ValueError(f"indexes must be between 0 and {len(options) - 1}")
        return indexes


class PollOption(BaseModel):
    id: str
    text: str


class PollRead(BaseModel):
    """A poll as one viewer sees it."""

    id: uuid.UUID
    question: str
    kind: PollKind
    options: list[PollOption]
    anonymous: bool
    status: PollStatus
    results_visible: bool
    opened_at: dt.datetime | None
    closed_at: dt.datetime | None
    correct_option_ids: list[str] | None
    """Hosts and moderators always; students once the poll is closed ([] unless a quiz)."""
    counts: dict[str, int] | None
    """Votes per option id: hosts and moderators always; students while results are shown."""
    total_votes: int | None
    """People who voted (same visibility as `counts`)."""
    my_vote: list[str] | None
    """The viewer's choice, or null."""


class PollList(BaseModel):
    items: list[PollRead]
    """Newest first; drafts only for hosts and moderators."""


class PollBallot(BaseModel):
    option_ids: Annotated[list[str], Field(min_length=1, max_length=10)]
    """Exactly one for single-choice polls and quizzes; one or more distinct ones for
    multiple-choice polls."""


class PollResultsVisibility(BaseModel):
    visible: bool


@EVENTS.declare("poll.created", "A draft poll was created, for staff.", STAFF)
@EVENTS.declare("poll.opened", "A poll opened for votes, as students see it.")
class PollCreated(EventPayload):
    """Payload of `poll.created` (audience staff) and `poll.opened` (as students see it)."""

    poll: PollRead


@EVENTS.declare(
    "poll.vote_cast",
    "Someone voted or changed their vote: only the voter receives it, nobody for an "
    "anonymous poll.",
    frozenset({EventAudience.actor, EventAudience.none}),
)
class PollVoteCast(EventPayload):
    """Payload of `poll.vote_cast` (audience actor; none for anonymous polls). `user_id`
    stays in the log, which only the server reads, so the votes can be rebuilt."""

    poll_id: uuid.UUID
    option_ids: list[str]
    user_id: uuid.UUID


@EVENTS.declare(
    "poll.tally",
    "Counts of an open poll (the aggregator; staff only while results are hidden), or "
    "the final counts for staff when a poll with hidden results closes.",
    ALL_OR_STAFF,
)
class PollTally(EventPayload):
    """Payload of `poll.tally`: at most every 500 ms per class while votes come in."""

    poll_id: uuid.UUID
    counts: dict[str, int]
    total_votes: int


@EVENTS.declare("poll.closed", "A poll closed; its counts are null unless results are shown.")
class PollClosed(EventPayload):
    """Payload of `poll.closed`; counts are null unless results are shown."""

    poll_id: uuid.UUID
    closed_at: dt.datetime
    correct_option_ids: list[str]
    counts: dict[str, int] | None
    total_votes: int | None


@EVENTS.declare(
    "poll.results_shown",
    "Staff showed the results to students or hid them again (staff only for a draft).",
    ALL_OR_STAFF,
)
class PollResultsShown(EventPayload):
    """Payload of `poll.results_shown`; counts are null when results are hidden."""

    poll_id: uuid.UUID
    visible: bool
    counts: dict[str, int] | None
    total_votes: int | None
