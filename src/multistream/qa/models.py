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

from multistream.db.base import Base
from multistream.db.columns import (
    BigInt,
    Count,
    CreatedAt,
    Flag,
    Id,
    Text,
    TextOrNull,
    UserKey,
    UserRefOrNull,
    one_of,
    parent_key,
    state,
)


class QuestionStatus(enum.StrEnum):
    open = "open"
    answered = "answered"
    dismissed = "dismissed"


class Question(Base):
    __tablename__ = "questions"
    __table_args__ = (
        sa.CheckConstraint(r"body ~ '\S' AND char_length(body) <= 1000", name="body_length"),
        one_of("status", QuestionStatus),
        sa.CheckConstraint("upvotes >= 0", name="upvotes_nonnegative"),
        sa.CheckConstraint(
            "status <> 'answered' OR answered_at IS NOT NULL", name="answered_has_answered_at"
        ),
        sa.CheckConstraint("char_length(answer_text) <= 2000", name="answer_text_length"),
        sa.ForeignKeyConstraint(
            ["session_id", "seq"],
            ["session_events.session_id", "session_events.seq"],
            ondelete="CASCADE",
        ),
        sa.UniqueConstraint("session_id", "seq"),
        sa.Index("ix_questions_session_id_status", "session_id", "status"),
        sa.Index(
            "ix_questions_search",
            sa.text("to_tsvector('english'::regconfig, body)"),
            postgresql_using="gin",
        ),
    )

    id: Mapped[Id]
    session_id: Mapped[uuid.UUID]
    seq: Mapped[BigInt]
    author_id: Mapped[UserRefOrNull]
    body: Mapped[Text]
    anonymous: Mapped[Flag]
    status: Mapped[QuestionStatus] = state(QuestionStatus, QuestionStatus.open)
    upvotes: Mapped[Count]
    answer_text: Mapped[TextOrNull]
    answered_at: Mapped[dt.datetime | None]
    created_at: Mapped[CreatedAt]


class QuestionVote(Base):
    __tablename__ = "question_votes"

    question_id: Mapped[uuid.UUID] = parent_key("questions")
    user_id: Mapped[UserKey]
    created_at: Mapped[CreatedAt]
