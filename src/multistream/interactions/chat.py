"""Chat of a live class: post and reply, delete, pin, mute, slow mode, history.

Every change checks, appends its `chat.` event to the log, and lets `chat_projection`
apply it in the same transaction (a message's row is created by the projection, from the
event, so rebuilding from the log gives the same rows). Bodies are plain text: stored and
returned as sent (trimmed), never interpreted, never logged.

Who may post: everyone in the course (`chat.send`) while the class is scheduled or live,
unless muted. Slow mode and the per-person rate limit hold back participants; hosts and
moderators are subject to the rate limit only. The rate limiter fails open, so chat works
with Redis down; the log is in PostgreSQL and the gateway recovers events from it.
"""

from __future__ import annotations

import datetime as dt
import math
import uuid
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from multistream.access.dependencies import forbidden
from multistream.access.policy import Permission, allows
from multistream.auth.models import User
from multistream.courses.models import Course, CourseMember
from multistream.db.base import new_id
from multistream.eventlog import service as eventlog
from multistream.eventlog.domain import NewEvent, Viewer
from multistream.eventlog.schemas import EventEnvelope
from multistream.interactions.models import ChatMessage, ChatMute
from multistream.interactions.schemas import (
    ChatHistory,
    ChatMessageCreate,
    ChatMessageDeleted,
    ChatMessagePinned,
    ChatMessagePosted,
    ChatMessageRead,
    ChatMuteCreate,
    ChatMuteRead,
    ChatSlowMode,
    ChatSlowModeSet,
    ChatSnapshot,
    ChatUserMuted,
    ChatUserUnmuted,
)
from multistream.problems import Problem, not_found
from multistream.ratelimit import RateKind, RateLimiter
from multistream.sessions.models import LiveSession, SessionStatus

LATEST = 50
"""Messages in the state snapshot."""
PINNED = 50
"""Pinned messages in the state snapshot."""
MAX_PAGE = 100


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


# --- reading ---------------------------------------------------------------------------------


def _read(message: ChatMessage, author_name: str | None) -> ChatMessageRead:
    deleted = message.deleted_at is not None
    return ChatMessageRead(
        id=message.id,
        seq=message.seq,
        author_id=message.author_id,
        author_name=author_name,
        body="" if deleted else message.body,
        reply_to_id=message.reply_to_id,
        created_at=message.created_at,
        deleted=deleted,
        pinned=message.pinned_at is not None,
    )


def _messages(
    db: Session,
    *where: sa.ColumnElement[bool],
    order_by: sa.ColumnElement[Any],
    limit: int,
) -> list[ChatMessageRead]:
    rows = db.execute(
        sa.select(ChatMessage, User.display_name)
        .outerjoin(User, User.id == ChatMessage.author_id)
        .where(*where)
        .order_by(order_by)
        .limit(limit)
    ).all()
    return [_read(message, name) for message, name in rows]


def history(
    db: Session, *, session: LiveSession, before: int | None, limit: int = LATEST
) -> ChatHistory:
    """Messages newest first, older than seq `before` when given."""
    limit = max(1, min(limit, MAX_PAGE))
    where = [ChatMessage.session_id == session.id]
    if before is not None:
        where.append(ChatMessage.seq < before)
    items = _messages(db, *where, order_by=ChatMessage.seq.desc(), limit=limit + 1)
    more = len(items) > limit
    items = items[:limit]
    return ChatHistory(items=items, next_before=items[-1].seq if more else None)


def snapshot(db: Session, *, session: LiveSession, viewer: Viewer) -> ChatSnapshot:
    """The chat part of the state snapshot, as `viewer` sees it."""
    latest = _messages(
        db, ChatMessage.session_id == session.id, order_by=ChatMessage.seq.desc(), limit=LATEST
    )
    pinned = _messages(
        db,
        ChatMessage.session_id == session.id,
        ChatMessage.pinned_at.is_not(None),
        order_by=ChatMessage.pinned_at.desc(),
        limit=PINNED,
    )
    mute = _active_mute(db, session_id=session.id, user_id=viewer.user_id)
    return ChatSnapshot(
        latest=latest[::-1],
        pinned=pinned,
        slow_mode_seconds=session.chat_slow_mode_seconds,
        muted=mute is not None,
        muted_until=mute.until if mute is not None else None,
    )


def _get(db: Session, *, session: LiveSession, message_id: uuid.UUID) -> ChatMessage:
    message = db.get(ChatMessage, message_id)
    if message is None or message.session_id != session.id:
        raise not_found("This message")
    return message


def read(db: Session, *, session: LiveSession, message_id: uuid.UUID) -> ChatMessageRead:
    message = _get(db, session=session, message_id=message_id)
    author = db.get(User, message.author_id) if message.author_id else None
    return _read(message, author.display_name if author else None)


# --- changing --------------------------------------------------------------------------------


def _record(
    db: Session,
    *,
    session: LiveSession,
    event: NewEvent,
    actor: User,
    idempotency_key: str | None = None,
) -> EventEnvelope:
    (recorded,) = eventlog.record(
        db,
        session_id=session.id,
        events=[event],
        actor_id=actor.id,
        idempotency_key=idempotency_key,
    )
    return recorded


def _active_mute(db: Session, *, session_id: uuid.UUID, user_id: uuid.UUID) -> ChatMute | None:
    mute = db.get(ChatMute, (session_id, user_id))
    if mute is None or (mute.until is not None and mute.until <= _now()):
        return None
    return mute


def _check_not_muted(db: Session, *, session: LiveSession, user: User) -> None:
    mute = _active_mute(db, session_id=session.id, user_id=user.id)
    if mute is None:
        return
    when = "for the rest of this class"
    if mute.until is not None:
        until = mute.until.astimezone(dt.UTC)
        day = "" if until.date() == _now().date() else f" on {until:%Y-%m-%d}"
        when = f"until {until:%H:%M} UTC{day}"
    raise Problem(
        403,
        "muted",
        "Muted",
        f"You are muted in this class {when}. You can still read the chat.",
        muted_until=mute.until.isoformat() if mute.until is not None else None,
    )


def _check_slow_mode(db: Session, *, session: LiveSession, user: User) -> None:
    seconds = session.chat_slow_mode_seconds
    if seconds <= 0:
        return
    last = db.scalar(
        sa.select(sa.func.max(ChatMessage.created_at)).where(
            ChatMessage.session_id == session.id,
            ChatMessage.author_id == user.id,
            ChatMessage.deleted_at.is_(None),
        )
    )
    if last is None:
        return
    wait = (last + dt.timedelta(seconds=seconds) - _now()).total_seconds()
    if wait > 0:
        retry_after = max(1, math.ceil(wait))
        raise Problem(
            429,
            "slow-mode",
            "Slow mode",
            f"Slow mode is on: one message every {seconds} s. Try again in {retry_after} s.",
            headers={"Retry-After": str(retry_after)},
            retry_after=retry_after,
        )


def _check_reply_to(db: Session, *, session: LiveSession, reply_to_id: uuid.UUID) -> None:
    target = db.get(ChatMessage, reply_to_id)
    if target is None or target.session_id != session.id:
        raise Problem(
            422,
            "validation",
            "Invalid request",
            "The message you reply to is not in this class's chat.",
            errors=[
                {"field": "reply_to_id", "location": "body", "message": "no such message here"}
            ],
        )


def post(
    db: Session,
    *,
    session: LiveSession,
    author: User,
    staff: bool,
    data: ChatMessageCreate,
    rate_limiter: RateLimiter,
    idempotency_key: str | None = None,
) -> ChatMessageRead:
    if session.status in (SessionStatus.ended, SessionStatus.canceled):
        raise Problem(
            409,
            "chat-closed",
            "Chat closed",
            f"This class is {session.status.value}; its chat can be read but takes no new"
            " messages.",
        )
    if data.reply_to_id is not None:
        _check_reply_to(db, session=session, reply_to_id=data.reply_to_id)
    if not staff:
        _check_not_muted(db, session=session, user=author)
        _check_slow_mode(db, session=session, user=author)
    rate_limiter.hit(RateKind.chat, session_id=session.id, user_id=author.id)
    locked = eventlog.lock(db, session_id=session.id)
    assert locked is not None  # the request holds the class
    seq = locked.last_seq + 1  # a message carries its own seq in its event
    if not staff:
        # Again under the log's lock: two quick posts of one person cannot both pass.
        _check_slow_mode(db, session=session, user=author)
    message = ChatMessageRead(
        id=new_id(),
        seq=seq,
        author_id=author.id,
        author_name=author.display_name,
        body=data.body,
        reply_to_id=data.reply_to_id,
        created_at=_now(),
        deleted=False,
        pinned=False,
    )
    event = NewEvent(
        "chat.message_posted", ChatMessagePosted(message=message).model_dump(mode="json")
    )
    envelope = _record(
        db, session=session, event=event, actor=author, idempotency_key=idempotency_key
    )
    assert envelope.seq == seq, "the log's lock was not held"
    return message


def delete(
    db: Session, *, session: LiveSession, message_id: uuid.UUID, actor: User, staff: bool
) -> None:
    """Delete a message: one's own, or anyone's as a host or moderator. Deleting a deleted
    message changes nothing."""
    message = _get(db, session=session, message_id=message_id)
    if message.author_id != actor.id and not staff:
        raise forbidden(Permission.chat_moderate)
    if message.deleted_at is not None:
        return
    payload = ChatMessageDeleted(message_id=message.id, by=actor.id)
    _record(
        db,
        session=session,
        event=NewEvent("chat.message_deleted", payload.model_dump(mode="json")),
        actor=actor,
    )


def pin(
    db: Session,
    *,
    session: LiveSession,
    message_id: uuid.UUID,
    pinned: bool,
    actor: User,
    idempotency_key: str | None = None,
) -> ChatMessageRead:
    """Pin or unpin a message; asking for the state it is in changes nothing."""
    message = _get(db, session=session, message_id=message_id)
    if pinned and message.deleted_at is not None:
        raise Problem(
            409, "message-deleted", "Message deleted", "A deleted message cannot be pinned."
        )
    if (message.pinned_at is not None) != pinned:
        payload = ChatMessagePinned(message_id=message.id, pinned=pinned)
        _record(
            db,
            session=session,
            event=NewEvent("chat.message_pinned", payload.model_dump(mode="json")),
            actor=actor,
            idempotency_key=idempotency_key,
        )
    return read(db, session=session, message_id=message_id)


def mute(
    db: Session,
    *,
    session: LiveSession,
    course: Course,
    data: ChatMuteCreate,
    actor: User,
    idempotency_key: str | None = None,
) -> ChatMuteRead:
    """Mute a participant for some minutes or for the rest of the class (a new mute
    replaces the previous one). Hosts and moderators cannot be muted."""
    target = db.get(User, data.user_id)
    role = db.scalar(
        sa.select(CourseMember.role).where(
            CourseMember.course_id == course.id, CourseMember.user_id == data.user_id
        )
    )
    if target is None or (role is None and not target.is_platform_admin):
        raise Problem(
            422,
            "validation",
            "Invalid request",
            "Only a member of this course can be muted in its classes.",
            errors=[{"field": "user_id", "location": "body", "message": "not a course member"}],
        )
    if role is None or allows(role, Permission.chat_moderate):
        raise Problem(
            409,
            "cannot-mute-staff",
            "Cannot mute staff",
            f"{target.display_name} is a host or moderator of this class; only participants"
            " can be muted.",
        )
    until = _now() + dt.timedelta(minutes=data.minutes) if data.minutes is not None else None
    payload = ChatUserMuted(user_id=data.user_id, until=until)
    _record(
        db,
        session=session,
        event=NewEvent("chat.user_muted", payload.model_dump(mode="json")),
        actor=actor,
        idempotency_key=idempotency_key,
    )
    return ChatMuteRead(user_id=data.user_id, until=until)


def unmute(db: Session, *, session: LiveSession, user_id: uuid.UUID, actor: User) -> None:
    """Lift a mute; a user who is not muted stays as they are, and nothing is logged."""
    if db.get(ChatMute, (session.id, user_id)) is None:
        return
    _record(
        db,
        session=session,
        event=NewEvent(
            "chat.user_unmuted", ChatUserUnmuted(user_id=user_id).model_dump(mode="json")
        ),
        actor=actor,
    )


def set_slow_mode(
    db: Session,
    *,
    session: LiveSession,
    seconds: int,
    actor: User,
    idempotency_key: str | None = None,
) -> ChatSlowMode:
    """Set the least time between two messages of a participant (0: off)."""
    if session.chat_slow_mode_seconds != seconds:
        _record(
            db,
            session=session,
            event=NewEvent(
                "chat.slow_mode_set", ChatSlowModeSet(seconds=seconds).model_dump(mode="json")
            ),
            actor=actor,
            idempotency_key=idempotency_key,
        )
    return ChatSlowMode(seconds=session.chat_slow_mode_seconds)
