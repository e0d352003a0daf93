"""Tables of the chat: messages and mutes (a projection of the `chat.` events).

A message references the event that created it (`session_id`, `seq`), so none exists
without its entry in the log.
"""

from __future__ import annotations

import datetime as dt
import uuid

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from multistream.db import columns
from multistream.db.base import Base


class ChatMessage(columns.Posted, Base):
    __tablename__ = "chat_messages"
    __table_args__ = (
        *columns.posted_rules("chat_messages", body_most=2000, search_where="deleted_at IS NULL"),
        sa.CheckConstraint(
            "(deleted_at IS NULL) = (deleted_by IS NULL)", name="deleted_by_with_deleted_at"
        ),
        sa.Index("ix_chat_messages_session_id_created_at", "session_id", "created_at"),
    )

    reply_to_id: Mapped[uuid.UUID | None] = columns.ref_or_null("chat_messages")
    deleted_at: Mapped[dt.datetime | None]
    deleted_by: Mapped[uuid.UUID | None] = mapped_column(sa.ForeignKey("users.id"))
    pinned_at: Mapped[dt.datetime | None]


class ChatMute(Base):
    """A user muted in a session's chat; until null means for the rest of the session."""

    __tablename__ = "chat_mutes"

    session_id: Mapped[columns.SessionKey]
    user_id: Mapped[columns.UserKey]
    until: Mapped[dt.datetime | None]
    muted_by: Mapped[columns.UserRefOrNull]
    created_at: Mapped[columns.CreatedAt]
