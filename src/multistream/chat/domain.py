"""Pure rules of the chat: who may post when, and which events a chat command makes.

Nothing here reads the database or the clock: `chat.service` loads the facts (the class's
status, a person's mute, their last message), passes `now`, and records the events a
`decide_*` function returns. A refused command raises a domain error; `chat.routes` holds
how each reads as a problem.

Who may post: everyone in the course while the class is scheduled or live, unless muted.
Slow mode holds back participants; hosts and moderators are exempt from it (and cannot be
muted).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
import uuid

from multistream.access.policy import Permission, allows
from multistream.chat.schemas import (
    ChatMessageDeleted,
    ChatMessagePinned,
    ChatMessagePosted,
    ChatMessageRead,
    ChatSlowModeSet,
    ChatUserMuted,
    ChatUserUnmuted,
)
from multistream.courses.models import CourseRole
from multistream.errors import DomainError, Forbidden, Invalid
from multistream.eventlog.domain import NewEvent
from multistream.sessions.models import SessionStatus

LATEST = 50
"""Messages in the state snapshot, and a history page unless asked otherwise."""
PINNED = 50
"""Pinned messages in the state snapshot."""
MAX_PAGE = 100
"""The most messages a history page holds."""


# --- refusals --------------------------------------------------------------------------------


class ChatClosed(DomainError):
    def __init__(self, status: SessionStatus) -> None:
        super().__init__(
            f"This class is {status.value}; its chat can be read but takes no new messages."
        )


class Muted(DomainError):
    def __init__(self, until: dt.datetime | None, *, now: dt.datetime) -> None:
        when = "for the rest of this class"
        if until is not None:
            utc = until.astimezone(dt.UTC)
            day = "" if utc.date() == now.date() else f" on {utc:%Y-%m-%d}"
            when = f"until {utc:%H:%M} UTC{day}"
        super().__init__(
            f"You are muted in this class {when}. You can still read the chat.",
            muted_until=until.isoformat() if until is not None else None,
        )


class SlowMode(DomainError):
    def __init__(self, seconds: int, retry_after: int) -> None:
        super().__init__(
            f"Slow mode is on: one message every {seconds} s. Try again in {retry_after} s.",
            retry_after=retry_after,
        )


class MessageDeleted(DomainError):
    def __init__(self) -> None:
        super().__init__("A deleted message cannot be pinned.")


class CannotMuteStaff(DomainError):
    def __init__(self, display_name: str) -> None:
        super().__init__(
            f"{display_name} is a host or moderator of this class; only participants can be muted."
        )


# --- facts -----------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class Mute:
    until: dt.datetime | None
    """None: for the rest of the class."""

    def active(self, now: dt.datetime) -> bool:
        return self.until is None or self.until > now


@dataclasses.dataclass(frozen=True)
class Message:
    """What the rules need to know of a message."""

    id: uuid.UUID
    author_id: uuid.UUID | None
    deleted: bool
    pinned: bool


@dataclasses.dataclass(frozen=True)
class Member:
    """Someone staff want to mute: their name, role in the course (None if not a member)
    and whether they are a platform admin."""

    display_name: str
    role: CourseRole | None
    platform_admin: bool


# --- posting ---------------------------------------------------------------------------------


def require_open(status: SessionStatus) -> None:
    """The chat takes messages while the class is scheduled or live."""
    if status in (SessionStatus.ended, SessionStatus.canceled):
        raise ChatClosed(status)


def require_reply_target(found: bool) -> None:
    if not found:
        raise Invalid(
            "reply_to_id",
            "The message you reply to is not in this class's chat.",
            "no such message here",
        )


def require_not_muted(mute: Mute | None, *, now: dt.datetime) -> None:
    if mute is not None and mute.active(now):
        raise Muted(mute.until, now=now)


def require_slow_mode_passed(
    last_post: dt.datetime | None, *, seconds: int, now: dt.datetime
) -> None:
    """A participant posts at most once every `seconds` (0: slow mode is off)."""
    if seconds <= 0 or last_post is None:
        return
    wait = (last_post + dt.timedelta(seconds=seconds) - now).total_seconds()
    if wait > 0:
        raise SlowMode(seconds, max(1, math.ceil(wait)))


def decide_post(message: ChatMessageRead) -> NewEvent:
    return NewEvent.of("chat.message_posted", ChatMessagePosted(message=message))


# --- moderating ------------------------------------------------------------------------------


def decide_delete(message: Message, *, actor_id: uuid.UUID, staff: bool) -> list[NewEvent]:
    """One's own message, or anyone's as a host or moderator; a deleted one stays as it is."""
    if message.author_id != actor_id and not staff:
        raise Forbidden(Permission.chat_moderate.value)
    if message.deleted:
        return []
    payload = ChatMessageDeleted(message_id=message.id, by=actor_id)
    return [NewEvent.of("chat.message_deleted", payload)]


def decide_pin(message: Message, *, pinned: bool) -> list[NewEvent]:
    """Pin or unpin; asking for the state the message is in changes nothing."""
    if pinned and message.deleted:
        raise MessageDeleted()
    if message.pinned == pinned:
        return []
    payload = ChatMessagePinned(message_id=message.id, pinned=pinned)
    return [NewEvent.of("chat.message_pinned", payload)]


def mute_until(minutes: int | None, *, now: dt.datetime) -> dt.datetime | None:
    """When a mute for `minutes` ends; None: at the end of the class."""
    return now + dt.timedelta(minutes=minutes) if minutes is not None else None


def decide_mute(
    member: Member | None, *, user_id: uuid.UUID, until: dt.datetime | None
) -> NewEvent:
    """Mute a participant until `until` or for the rest of the class (a new mute replaces
    the previous one). Hosts and moderators cannot be muted."""
    if member is None or (member.role is None and not member.platform_admin):
        raise Invalid(
            "user_id",
            "Only a member of this course can be muted in its classes.",
            "not a course member",
        )
    if member.role is None or allows(member.role, Permission.chat_moderate):
        raise CannotMuteStaff(member.display_name)
    return NewEvent.of("chat.user_muted", ChatUserMuted(user_id=user_id, until=until))


def decide_unmute(muted: bool, *, user_id: uuid.UUID) -> list[NewEvent]:
    """Lift a mute; a user who is not muted stays as they are, and nothing is logged."""
    if not muted:
        return []
    return [NewEvent.of("chat.user_unmuted", ChatUserUnmuted(user_id=user_id))]


def decide_slow_mode(current: int, seconds: int) -> list[NewEvent]:
    """Set the least time between two messages of a participant (0: off)."""
    if current == seconds:
        return []
    return [NewEvent.of("chat.slow_mode_set", ChatSlowModeSet(seconds=seconds))]
