"""Tables of Q&A: questions and their upvotes (a projection of the `qa.` events).

A question references the event that created it (`session_id`, `seq`), so none exists
without its entry in the log. `ck_questions_upvotes_match_votes` (a deferred trigger in the
migration, checked at commit): `questions.upvotes` equals the number of `question_votes`
rows; change both in the same transaction.
"""

from __future__ import annotations

import datetime as dt
import enum
import uuid

import sqlalchemy as sa
from sqlalchemy.orm import Mapped

from multistream.db import columns
from multistream.db.base import Base

QuestionStatus = enum.StrEnum("QuestionStatus", "open answered dismissed")


class Question(columns.Posted, Base):
    __tablename__ = "questions"
    __table_args__ = (
        *columns.posted_rules("questions", body_most=1000),
        columns.status_has("answered", "answered_at"),
        sa.Index("ix_questions_session_id_status", "session_id", "status"),
    )

    anonymous: Mapped[columns.Flag]
    status: Mapped[QuestionStatus] = columns.state(QuestionStatus, QuestionStatus.open)
    upvotes: Mapped[columns.Count] = columns.nonnegative()
    answer_text: Mapped[str | None] = columns.text(2000)
    answered_at: Mapped[dt.datetime | None]


class QuestionVote(Base):
    __tablename__ = "question_votes"

    question_id: Mapped[uuid.UUID] = columns.parent_key("questions")
    user_id: Mapped[columns.UserKey]
    created_at: Mapped[columns.CreatedAt]
