"""Pure rules of Q&A: a question's states, and which events an ask, a vote or a moderation
makes. Nothing here reads the database or the clock; `qa.service` loads the facts, passes
`now`, and records what a `decide_*` function returns.

A question's status has one transition function::

    open ──answer──▶ answered ──reopen──▶ open
    open ──dismiss─▶ dismissed ──reopen──▶ open
    answered ──dismiss──▶ dismissed

Reopening clears the answer. Dismissed questions are hidden from students.

Anonymous questions are anonymous to the other students, never to hosts and moderators:
`qa.question_asked` carries the question as a student sees it and is appended without an
actor; a second event, `qa.question_author` (audience staff), names the author for staff
and for the projection. Upvotes go to their voter only (audience `actor`); everyone learns
the counts from `qa.votes_changed` (the aggregator).
"""

from __future__ import annotations

import datetime as dt
import enum
import uuid
from collections.abc import Mapping

from multistream.errors import DomainError, WrongStatus
from multistream.eventlog.domain import NewEvent
from multistream.eventlog.models import EventAudience
from multistream.qa.models import QuestionStatus
from multistream.qa.schemas import (
    QuestionAnswered,
    QuestionAsked,
    QuestionAuthor,
    QuestionChanged,
    QuestionRead,
    QuestionUpvotes,
    QuestionVoted,
    QuestionVotesChanged,
)

STATE_LIMIT = 50
"""Questions in the state snapshot."""


class Command(enum.StrEnum):
    answer = "answer"
    dismiss = "dismiss"
    reopen = "reopen"


_TRANSITIONS: Mapping[tuple[QuestionStatus, Command], QuestionStatus] = {
    (QuestionStatus.open, Command.answer): QuestionStatus.answered,
    (QuestionStatus.open, Command.dismiss): QuestionStatus.dismissed,
    (QuestionStatus.answered, Command.dismiss): QuestionStatus.dismissed,
    (QuestionStatus.answered, Command.reopen): QuestionStatus.open,
    (QuestionStatus.dismissed, Command.reopen): QuestionStatus.open,
}

_EVENTS = {
    Command.answer: "qa.question_answered",
    Command.dismiss: "qa.question_dismissed",
    Command.reopen: "qa.question_reopened",
}


class InvalidTransition(WrongStatus):
    status: QuestionStatus
    command: Command

    def __init__(self, status: QuestionStatus, command: Command) -> None:
        super().__init__(
            f"This question is {status.value}, so it cannot be {command.value}ed"
            " (reopen it first).",
            status,
            command,
        )


class QuestionDismissed(DomainError):
    def __init__(self) -> None:
        super().__init__("This question was dismissed; reopen it before it can be upvoted.")


def transition(status: QuestionStatus, command: Command) -> QuestionStatus:
    """The status after `command`, or InvalidTransition."""
    try:
        return _TRANSITIONS[(status, command)]
    except KeyError:
        raise InvalidTransition(status, command) from None


def decide_ask(question: QuestionRead, *, author_id: uuid.UUID, author_name: str) -> list[NewEvent]:
    """`question` as students see it (no author when anonymous); staff learn who asked an
    anonymous question from `qa.question_author`."""
    events = [NewEvent.of("qa.question_asked", QuestionAsked(question=question))]
    if question.anonymous:
        author = QuestionAuthor(
            question_id=question.id, author_id=author_id, author_name=author_name
        )
        events.append(NewEvent.of("qa.question_author", author, EventAudience.staff))
    return events


def decide_vote(
    status: QuestionStatus, *, question_id: uuid.UUID, voter_id: uuid.UUID, voted: bool
) -> list[NewEvent]:
    """Upvote once; upvoting again changes nothing. A dismissed question takes no votes."""
    if status is QuestionStatus.dismissed:
        raise QuestionDismissed()
    return [] if voted else [_vote_event("qa.vote_cast", question_id, voter_id)]


def decide_unvote(*, question_id: uuid.UUID, voter_id: uuid.UUID, voted: bool) -> list[NewEvent]:
    """Take one's upvote back; without one, nothing changes."""
    return [_vote_event("qa.vote_removed", question_id, voter_id)] if voted else []


def _vote_event(event_type: str, question_id: uuid.UUID, voter_id: uuid.UUID) -> NewEvent:
    payload = QuestionVoted(question_id=question_id, user_id=voter_id)
    return NewEvent.of(event_type, payload, EventAudience.actor)


def decide_moderation(
    status: QuestionStatus,
    command: Command,
    *,
    question_id: uuid.UUID,
    answer_text: str | None,
    now: dt.datetime,
) -> NewEvent:
    """Answer (with an optional written answer), dismiss or reopen a question."""
    transition(status, command)
    if command is Command.answer:
        answered = QuestionAnswered(
            question_id=question_id, answer_text=answer_text or None, answered_at=now
        )
        return NewEvent.of(_EVENTS[command], answered)
    return NewEvent.of(_EVENTS[command], QuestionChanged(question_id=question_id))


def decide_votes_changed(
    upvotes: Mapping[uuid.UUID, int], *, known: Mapping[uuid.UUID, int]
) -> tuple[dict[uuid.UUID, int], list[NewEvent]]:
    """Announce the counts that differ from what was last announced (`known`): the counts
    announced, and the `qa.votes_changed` to append (none when nothing changed)."""
    changed = {qid: count for qid, count in upvotes.items() if known.get(qid) != count}
    if not changed:
        return {}, []
    payload = QuestionVotesChanged(
        questions=[QuestionUpvotes(id=qid, upvotes=count) for qid, count in sorted(changed.items())]
    )
    return changed, [NewEvent.of("qa.votes_changed", payload)]
