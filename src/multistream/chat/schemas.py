"""Request and response bodies of the chat, and the payloads of its events."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from multistream.db.base import PlainText
from multistream.eventlog.catalog import Events
from multistream.eventlog.schemas import EventPayload

EVENTS = Events()
"""This area's event types, declared over their payload models below."""

ChatBody = Annotated[str, PlainText(2000)]


class ChatMessageCreate(BaseModel):
    body: ChatBody
    reply_to_id: uuid.UUID | None = None


class ChatMessageRead(BaseModel):
    """A chat message as everyone sees it; a deleted one has `deleted` true and an empty
    body."""

    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    seq: int
    """The seq of the `chat.message_posted` event: the message's place in the class."""
    author_id: uuid.UUID | None
    author_name: str | None
    body: str
    reply_to_id: uuid.UUID | None
    created_at: dt.datetime
    deleted: bool
    pinned: bool


class ChatHistory(BaseModel):
    items: list[ChatMessageRead]
    """Newest first."""
    next_before: int | None
    """Pass as `before` for the older page; null when there is none."""


class ChatPin(BaseModel):
    pinned: bool


class ChatMuteCreate(BaseModel):
    user_id: uuid.UUID
    minutes: Annotated[int, Field(ge=1, le=1440)] | None
    """How long, in minutes; null mutes for the rest of the class."""


class ChatMuteRead(BaseModel):
    user_id: uuid.UUID
    until: dt.datetime | None
    """Null: for the rest of the class."""


class ChatSlowMode(BaseModel):
    seconds: Annotated[int, Field(ge=0, le=3600)]
    """Least seconds between two messages of a participant; 0 turns slow mode off."""


class ChatSnapshot(BaseModel):
    """The chat part of `GET /sessions/{id}/state`."""

    latest: list[ChatMessageRead]
    """The last 50 messages, oldest first."""
    pinned: list[ChatMessageRead]
    """Pinned messages, most recently pinned first."""
    slow_mode_seconds: int
    muted: bool
    """Whether the viewer is muted now."""
    muted_until: dt.datetime | None
    """When the viewer's mute ends; null when not muted or muted for the rest of the class."""


@EVENTS.declare("chat.message_posted", "A chat message was posted.")
class ChatMessagePosted(EventPayload):
    message: ChatMessageRead


@EVENTS.declare("chat.message_deleted", "A chat message was deleted.")
class ChatMessageDeleted(EventPayload):
    message_id: uuid.UUID
    by: uuid.UUID


@EVENTS.declare("chat.message_pinned", "A chat message was pinned or unpinned.")
class ChatMessagePinned(EventPayload):
    message_id: uuid.UUID
    pinned: bool


@EVENTS.declare(
    "chat.user_muted", "Staff muted a participant, for some minutes or the rest of the class."
)
class ChatUserMuted(EventPayload):
    user_id: uuid.UUID
    until: dt.datetime | None


@EVENTS.declare("chat.user_unmuted", "Staff lifted a participant's mute.")
class ChatUserUnmuted(EventPayload):
    user_id: uuid.UUID


@EVENTS.declare(
    "chat.slow_mode_set", "The least time between two messages of a participant changed (0: off)."
)
class ChatSlowModeSet(EventPayload):
    seconds: int
