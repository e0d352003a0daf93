"""`questions` and `question_votes` as a projection of the `qa.` events.

The rows are created here, from the events, both live (in the append transaction) and
when rebuilding, so the two agree. Every time stored comes from the event (its payload or
its `occurred_at`), never from the clock. `qa.votes_changed` only announces counts that the
votes already hold: nothing to apply.
"""

from __future__ import annotations

import datetime as dt
import uuid

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.orm import Session

from multistream.db.base import table_of
from multistream.db.rows import as_row
from multistream.eventlog.projections import Projection, deleting, named_row
from multistream.eventlog.schemas import EventEnvelope
from multistream.qa.models import Question, QuestionStatus, QuestionVote
from multistream.qa.schemas import QuestionAsked


def _asked(db: Session, event: EventEnvelope) -> None:
    question = QuestionAsked.model_validate(event.payload).question
    db.add(as_row(Question, question, session_id=event.session_id, seq=event.seq))
    db.flush()


def _author(db: Session, event: EventEnvelope) -> None:
    question = named_row(db, Question, event.payload["question_id"])
    question.author_id = uuid.UUID(event.payload["author_id"])


_QUESTIONS = table_of(Question)
_VOTES = table_of(QuestionVote)
_INSERT_VOTE = (
    pg_insert(_VOTES)
    .values(
        question_id=sa.bindparam("question_id"),
        user_id=sa.bindparam("user_id"),
        created_at=sa.bindparam("at"),
    )
    .on_conflict_do_nothing()
    .returning(_VOTES.c.user_id)
)
_DELETE_VOTE = (
    sa.delete(_VOTES)
    .where(
        _VOTES.c.question_id == sa.bindparam("question_id"),
        _VOTES.c.user_id == sa.bindparam("user_id"),
    )
    .returning(_VOTES.c.user_id)
)
_ADD_UPVOTES = (
    sa.update(_QUESTIONS)
    .where(_QUESTIONS.c.id == sa.bindparam("question_id"))
    .values(upvotes=_QUESTIONS.c.upvotes + sa.bindparam("delta", type_=sa.Integer))
)
"""The upvote statements, built once, on the tables: a `Question` the session holds is
not updated by them (`qa.service.vote` tells its row itself; other readers read again)."""


def _vote_cast(db: Session, event: EventEnvelope) -> None:
    question_id = uuid.UUID(event.payload["question_id"])
    user_id = uuid.UUID(event.payload["user_id"])
    params = {"question_id": question_id, "user_id": user_id, "at": event.occurred_at}
    if db.execute(_INSERT_VOTE, params).first() is not None:
        db.execute(_ADD_UPVOTES, {"question_id": question_id, "delta": 1})


def _vote_removed(db: Session, event: EventEnvelope) -> None:
    question_id = uuid.UUID(event.payload["question_id"])
    user_id = uuid.UUID(event.payload["user_id"])
    if db.execute(_DELETE_VOTE, {"question_id": question_id, "user_id": user_id}).first():
        db.execute(_ADD_UPVOTES, {"question_id": question_id, "delta": -1})


def _answered(db: Session, event: EventEnvelope) -> None:
    question = named_row(db, Question, event.payload["question_id"])
    question.status = QuestionStatus.answered
    question.answer_text = event.payload["answer_text"]
    question.answered_at = dt.datetime.fromisoformat(event.payload["answered_at"])


def _dismissed(db: Session, event: EventEnvelope) -> None:
    named_row(db, Question, event.payload["question_id"]).status = QuestionStatus.dismissed


def _reopened(db: Session, event: EventEnvelope) -> None:
    question = named_row(db, Question, event.payload["question_id"])
    question.status = QuestionStatus.open
    question.answer_text = None
    question.answered_at = None


PROJECTION = Projection.handling(
    "questions",
    {
        "qa.question_asked": _asked,
        "qa.question_author": _author,
        "qa.vote_cast": _vote_cast,
        "qa.vote_removed": _vote_removed,
        "qa.question_answered": _answered,
        "qa.question_dismissed": _dismissed,
        "qa.question_reopened": _reopened,
    },
    reset=deleting(Question),  # the questions' votes go with them
)
