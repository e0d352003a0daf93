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
from sqlalchemy.orm import Mapped, mapped_column

from multistream.db.base import Base, created_at_column, str_enum, uuid_pk


class QuestionStatus(enum.StrEnum):
    open = "open"
    answered = "answered"
    dismissed = "dismissed"


class Question(Base):
    __tablename__ = "questions"
    __table_args__ = (
        sa.CheckConstraint(r"body ~ '\S' AND char_length(body) <= 1000", name="body_length"),
        sa.CheckConstraint(sa.column("status", sa.Text).in_(list(QuestionStatus)), name="status"),
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

    id: Mapped[uuid.UUID] = uuid_pk()
    session_id: Mapped[uuid.UUID]
    seq: Mapped[int] = mapped_column(sa.BigInteger)
    author_id: Mapped[uuid.UUID | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    body: Mapped[str] = mapped_column(sa.Text)
    anonymous: Mapped[bool] = mapped_column(server_default=sa.false(), default=False)
    status: Mapped[QuestionStatus] = mapped_column(
        str_enum(QuestionStatus),
        server_default=QuestionStatus.open.value,
        default=QuestionStatus.open,
    )
    upvotes: Mapped[int] = mapped_column(server_default=sa.text("0"), default=0)
    answer_text: Mapped[str | None] = mapped_column(sa.Text)
    answered_at: Mapped[dt.datetime | None]
    created_at: Mapped[dt.datetime] = created_at_column()


class QuestionVote(Base):
    __tablename__ = "question_votes"

    question_id: Mapped[uuid.UUID] = mapped_column(
        sa.ForeignKey("questions.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[uuid.UUID] = mapped_column(
        sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    created_at: Mapped[dt.datetime] = created_at_column()
