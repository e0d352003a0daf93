"""The chat tables as a projection of the `chat.` events of a session's log.

`chat_messages` rows are created here from `chat.message_posted` (never by the service), so
a rebuild from the log writes exactly what the live path wrote. Times come from the log:
a message's `created_at` from its payload, `deleted_at`, `pinned_at` and a mute's
`created_at` from the event's `occurred_at`. `sessions.chat_slow_mode_seconds` belongs to
this projection too.
"""

from __future__ import annotations

import uuid

import sqlalchemy as sa
from sqlalchemy.orm import Session

from multistream.chat.models import ChatMessage, ChatMute
from multistream.chat.schemas import (
    ChatMessageDeleted,
    ChatMessagePinned,
    ChatMessagePosted,
    ChatSlowModeSet,
    ChatUserMuted,
    ChatUserUnmuted,
)
from multistream.db.base import table_of
from multistream.eventlog.projections import Projection
from multistream.eventlog.schemas import EventEnvelope
from multistream.sessions.models import LiveSession


def reset(db: Session, session_id: uuid.UUID) -> None:
    db.execute(
        sa.delete(ChatMessage)
        .where(ChatMessage.session_id == session_id)
        .execution_options(synchronize_session="fetch")
    )
    db.execute(
        sa.delete(ChatMute)
        .where(ChatMute.session_id == session_id)
        .execution_options(synchronize_session="fetch")
    )
    row = db.get(LiveSession, session_id)
    if row is not None:
        row.chat_slow_mode_seconds = 0
    db.flush()


_INSERT_MESSAGE = sa.insert(table_of(ChatMessage))
"""Built once; a plain row (a posted message is not changed in the transaction that posts it)."""


def _posted(db: Session, event: EventEnvelope) -> None:
    message = ChatMessagePosted.model_validate(event.payload).message
    db.execute(
        _INSERT_MESSAGE,
        {
            "id": message.id,
            "session_id": event.session_id,
            "seq": event.seq,
            "author_id": message.author_id,
            "body": message.body,
            "reply_to_id": message.reply_to_id,
            "created_at": message.created_at,
        },
    )


def _deleted(db: Session, event: EventEnvelope) -> None:
    payload = ChatMessageDeleted.model_validate(event.payload)
    row = db.get(ChatMessage, payload.message_id)
    if row is not None and row.deleted_at is None:
        row.deleted_at = event.occurred_at
        row.deleted_by = payload.by
        row.pinned_at = None  # a deleted message is no longer shown, pinned or not


def _pinned(db: Session, event: EventEnvelope) -> None:
    payload = ChatMessagePinned.model_validate(event.payload)
    row = db.get(ChatMessage, payload.message_id)
    if row is not None:
        row.pinned_at = event.occurred_at if payload.pinned else None


def _muted(db: Session, event: EventEnvelope) -> None:
    payload = ChatUserMuted.model_validate(event.payload)
    row = db.get(ChatMute, (event.session_id, payload.user_id))
    if row is None:
        row = ChatMute(session_id=event.session_id, user_id=payload.user_id)
        db.add(row)
    row.until = payload.until
    row.muted_by = event.actor_id
    row.created_at = event.occurred_at


def _unmuted(db: Session, event: EventEnvelope) -> None:
    payload = ChatUserUnmuted.model_validate(event.payload)
    row = db.get(ChatMute, (event.session_id, payload.user_id))
    if row is not None:
        db.delete(row)


def _slow_mode_set(db: Session, event: EventEnvelope) -> None:
    payload = ChatSlowModeSet.model_validate(event.payload)
    row = db.get(LiveSession, event.session_id)
    if row is not None:
        row.chat_slow_mode_seconds = payload.seconds


HANDLERS = {
    "chat.message_posted": _posted,
    "chat.message_deleted": _deleted,
    "chat.message_pinned": _pinned,
    "chat.user_muted": _muted,
    "chat.user_unmuted": _unmuted,
    "chat.slow_mode_set": _slow_mode_set,
}
"""Every chat event type, and how it changes the chat tables."""


PROJECTION = Projection.handling("chat", HANDLERS, reset=reset, flush=True)
