"""Request and response bodies of Q&A, and the payloads of its events."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Annotated

from pydantic import BaseModel

from multistream.db.base import PlainText
from multistream.eventlog.catalog import STAFF, Events
from multistream.eventlog.models import EventAudience
from multistream.eventlog.schemas import EventPayload
from multistream.qa.models import QuestionStatus

EVENTS = Events()
"""This area's event types, declared over their payload models below."""

QuestionBody = Annotated[str, PlainText(1000)]
AnswerText = Annotated[str, PlainText(2000, may_be_empty=True)]


class QuestionCreate(BaseModel):
    body: QuestionBody
    anonymous: bool = False
    """Hide the author from the other students (hosts and moderators always see who asked)."""


class QuestionAnswer(BaseModel):
    text: AnswerText | None = None
    """A written answer, up to 2000 characters; null or empty: answered out loud."""


class QuestionRead(BaseModel):
    """A question as one viewer sees it."""

    id: uuid.UUID
    seq: int
    """The seq of the `qa.question_asked` event."""
    body: str
    anonymous: bool
    author_id: uuid.UUID | None
    """Null for other students when the question is anonymous; hosts and moderators (and
    the author) always see it."""
    author_name: str | None
    status: QuestionStatus
    upvotes: int
    voted: bool
    """Whether the viewer upvoted it."""
    answer_text: str | None
    answered_at: dt.datetime | None
    created_at: dt.datetime


class QuestionList(BaseModel):
    items: list[QuestionRead]
    """Most upvoted first, then oldest first; dismissed questions only for hosts and
    moderators."""


@EVENTS.declare(
    "qa.question_asked", "A question was asked; an anonymous one names no author (nor actor)."
)
class QuestionAsked(EventPayload):
    """Payload of `qa.question_asked`: the question as a student sees it."""

    question: QuestionRead


@EVENTS.declare("qa.question_author", "Who asked an anonymous question, for staff only.", STAFF)
class QuestionAuthor(EventPayload):
    """Payload of `qa.question_author` (audience staff): who asked an anonymous question."""

    question_id: uuid.UUID
    author_id: uuid.UUID
    author_name: str


@EVENTS.declare(
    "qa.vote_cast",
    "The actor upvoted a question; only they receive it.",
    frozenset({EventAudience.actor}),
)
@EVENTS.declare(
    "qa.vote_removed",
    "The actor took their upvote back; only they receive it.",
    frozenset({EventAudience.actor}),
)
class QuestionVoted(EventPayload):
    """Payload of `qa.vote_cast` and `qa.vote_removed` (audience actor)."""

    question_id: uuid.UUID
    user_id: uuid.UUID


class QuestionUpvotes(EventPayload):
    id: uuid.UUID
    upvotes: int


@EVENTS.declare(
    "qa.votes_changed", "New upvote counts, at most every 500 ms per class (the aggregator)."
)
class QuestionVotesChanged(EventPayload):
    """Payload of `qa.votes_changed`: new counts, at most every 500 ms per class."""

    questions: list[QuestionUpvotes]


@EVENTS.declare("qa.question_answered", "A question was answered.")
class QuestionAnswered(EventPayload):
    question_id: uuid.UUID
    answer_text: str | None
    answered_at: dt.datetime


@EVENTS.declare("qa.question_dismissed", "Staff dismissed a question.")
@EVENTS.declare("qa.question_reopened", "Staff reopened a question.")
class QuestionChanged(EventPayload):
    """Payload of `qa.question_dismissed` and `qa.question_reopened`."""

    question_id: uuid.UUID
