"""Q&A's rules without a database: the question's states and the events commands make."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest

import multistream.areas  # noqa: F401 - the catalogue knows every area's event types
from multistream.eventlog import catalog
from multistream.eventlog.models import EventAudience
from multistream.qa import domain
from multistream.qa.domain import Command
from multistream.qa.models import QuestionStatus
from multistream.qa.schemas import QuestionRead

NOW = dt.datetime(2026, 12, 1, 9, 30, tzinfo=dt.UTC)
ADA = uuid.uuid4()
QUESTION = uuid.uuid4()


def asked(*, anonymous: bool) -> QuestionRead:
    return QuestionRead(
        id=QUESTION,
        seq=3,
        body="What does chlorophyll absorb?",
        anonymous=anonymous,
        author_id=None if anonymous else ADA,
        author_name=None if anonymous else "Ada",
        status=QuestionStatus.open,
        upvotes=0,
        voted=False,
        answer_text=None,
        answered_at=None,
        created_at=NOW,
    )


@pytest.mark.parametrize(
    ("status", "command", "after"),
    [
        (QuestionStatus.open, Command.answer, QuestionStatus.answered),
        (QuestionStatus.open, Command.dismiss, QuestionStatus.dismissed),
        (QuestionStatus.answered, Command.dismiss, QuestionStatus.dismissed),
        (QuestionStatus.answered, Command.reopen, QuestionStatus.open),
        (QuestionStatus.dismissed, Command.reopen, QuestionStatus.open),
    ],
)
def test_the_transitions(status: QuestionStatus, command: Command, after: QuestionStatus) -> None:
    assert domain.transition(status, command) is after


@pytest.mark.parametrize(
    ("status", "command"),
    [
        (QuestionStatus.open, Command.reopen),
        (QuestionStatus.answered, Command.answer),
        (QuestionStatus.dismissed, Command.answer),
        (QuestionStatus.dismissed, Command.dismiss),
    ],
)
def test_a_move_out_of_order_is_refused_with_the_status(
    status: QuestionStatus, command: Command
) -> None:
    with pytest.raises(domain.InvalidTransition) as refused:
        domain.transition(status, command)
    assert refused.value.detail == (
        f"This question is {status.value}, so it cannot be {command.value}ed (reopen it first)."
    )
    assert refused.value.facts == {"status_now": status.value}


def test_an_anonymous_question_names_its_author_to_staff_only() -> None:
    [public] = domain.decide_ask(asked(anonymous=False), author_id=ADA, author_name="Ada")
    assert public.type == "qa.question_asked"
    question, author = domain.decide_ask(asked(anonymous=True), author_id=ADA, author_name="Ada")
    assert question.payload["question"]["author_id"] is None
    assert (author.type, author.audience) == ("qa.question_author", EventAudience.staff)
    assert author.payload == {
        "question_id": str(QUESTION),
        "author_id": str(ADA),
        "author_name": "Ada",
    }


def test_votes_reach_their_voter_only_and_count_once() -> None:
    [cast] = domain.decide_vote(
        QuestionStatus.open, question_id=QUESTION, voter_id=ADA, voted=False
    )
    assert (cast.type, cast.audience) == ("qa.vote_cast", EventAudience.actor)
    assert (
        domain.decide_vote(QuestionStatus.answered, question_id=QUESTION, voter_id=ADA, voted=True)
        == []
    )
    with pytest.raises(domain.QuestionDismissed):
        domain.decide_vote(
            QuestionStatus.dismissed, question_id=QUESTION, voter_id=ADA, voted=False
        )
    [removed] = domain.decide_unvote(question_id=QUESTION, voter_id=ADA, voted=True)
    assert (removed.type, removed.audience) == ("qa.vote_removed", EventAudience.actor)
    assert domain.decide_unvote(question_id=QUESTION, voter_id=ADA, voted=False) == []


def test_moderation_events() -> None:
    answered = domain.decide_moderation(
        QuestionStatus.open, Command.answer, question_id=QUESTION, answer_text="", now=NOW
    )
    assert answered.type == "qa.question_answered"
    assert answered.payload["answer_text"] is None  # an empty answer: answered out loud
    dismissed = domain.decide_moderation(
        QuestionStatus.answered, Command.dismiss, question_id=QUESTION, answer_text=None, now=NOW
    )
    assert (dismissed.type, dismissed.payload) == (
        "qa.question_dismissed",
        {"question_id": str(QUESTION)},
    )
    with pytest.raises(domain.InvalidTransition):
        domain.decide_moderation(
            QuestionStatus.open, Command.reopen, question_id=QUESTION, answer_text=None, now=NOW
        )


def test_only_changed_counts_are_announced() -> None:
    other = uuid.uuid4()
    changed, [event] = domain.decide_votes_changed({QUESTION: 2, other: 1}, known={other: 1})
    assert changed == {QUESTION: 2}
    assert event.payload == {"questions": [{"id": str(QUESTION), "upvotes": 2}]}
    assert domain.decide_votes_changed({QUESTION: 2}, known={QUESTION: 2}) == ({}, [])


def test_every_event_the_rules_make_is_catalogued() -> None:
    events = [
        *domain.decide_ask(asked(anonymous=True), author_id=ADA, author_name="Ada"),
        *domain.decide_vote(QuestionStatus.open, question_id=QUESTION, voter_id=ADA, voted=False),
        *domain.decide_unvote(question_id=QUESTION, voter_id=ADA, voted=True),
        domain.decide_moderation(
            QuestionStatus.open, Command.answer, question_id=QUESTION, answer_text="Red", now=NOW
        ),
        domain.decide_moderation(
            QuestionStatus.answered, Command.reopen, question_id=QUESTION, answer_text=None, now=NOW
        ),
        *domain.decide_votes_changed({QUESTION: 1}, known={})[1],
    ]
    for event in events:
        catalog.check(event)
