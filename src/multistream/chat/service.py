"""Chat of a live class: post and reply, delete, pin, mute, slow mode, history.

Every change loads the facts, lets `chat.domain` decide, and records the events
(`eventlog.service.record`); `chat.projection` creates and changes the rows from them, in
the same transaction, so rebuilding from the log gives the same rows. Bodies are plain
text: stored and returned as sent (trimmed), never interpreted, never logged.

The per-person rate limit holds back everyone, hosts and moderators too; it fails open,
so chat works with Redis down (the log is in PostgreSQL and the gateway recovers events
from it).
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from multistream.auth.models import User
from multistream.chat import domain
from multistream.chat.models import ChatMessage, ChatMute
from multistream.chat.schemas import (
    ChatHistory,
    ChatMessageCreate,
    ChatMessageRead,
    ChatMuteCreate,
    ChatMuteRead,
    ChatSlowMode,
    ChatSnapshot,
)
from multistream.courses.models import CourseMember
from multistream.db.base import new_id, utcnow
from multistream.db.rows import as_schema
from multistream.errors import NotFound
from multistream.eventlog import service as eventlog
from multistream.eventlog.domain import Viewer
from multistream.ratelimit import RateKind, RateLimiter
from multistream.sessions.act import Act
from multistream.sessions.models import LiveSession

# --- reading ---------------------------------------------------------------------------------


def _read(message: ChatMessage, author_name: str | None) -> ChatMessageRead:
    deleted = message.deleted_at is not None
    return as_schema(
        ChatMessageRead,
        message,
        author_name=author_name,
        body="" if deleted else message.body,
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
    db: Session, *, session: LiveSession, before: int | None, limit: int = domain.LATEST
) -> ChatHistory:
    """Messages newest first, older than seq `before` when given."""
    limit = max(1, min(limit, domain.MAX_PAGE))
    where = [ChatMessage.session_id == session.id]
    if before is not None:
        where.append(ChatMessage.seq < before)
    items = _messages(db, *where, order_by=ChatMessage.seq.desc(), limit=limit + 1)
    more = len(items) > limit
    items = items[:limit]
    return ChatHistory(items=items, next_before=items[-1].seq if more else None)


def for_state(db: Session, *, session: LiveSession, viewer: Viewer) -> ChatSnapshot:
    """The chat part of the state snapshot, as `viewer` sees it."""
    latest = _messages(
        db,
        ChatMessage.session_id == session.id,
        order_by=ChatMessage.seq.desc(),
        limit=domain.LATEST,
    )
    pinned = _messages(
        db,
        ChatMessage.session_id == session.id,
        ChatMessage.pinned_at.is_not(None),
        order_by=ChatMessage.pinned_at.desc(),
        limit=domain.PINNED,
    )
    mute = _mute(db, session=session, user_id=viewer.user_id)
    active = mute is not None and mute.active(utcnow())
    return ChatSnapshot(
        latest=latest[::-1],
        pinned=pinned,
        slow_mode_seconds=session.chat_slow_mode_seconds,
        muted=active,
        muted_until=mute.until if mute is not None and active else None,
    )


VIEWER_COLUMNS = (
    sa.select(sa.func.array_agg(ChatMute.until))
    .where(
        ChatMute.session_id == sa.bindparam("session_id"),
        ChatMute.user_id == sa.bindparam("user_id"),
    )
    .scalar_subquery(),
)
"""What `for_viewer` needs, read with the class's head (`sessions.state`): the viewer's
mute, if any (`[until]`, `[None]` for the rest of the class; null when not muted)."""


def for_viewer(shared: ChatSnapshot, values: Sequence[Any], *, viewer: Viewer) -> ChatSnapshot:
    """The chat part as everyone sees it (`shared`) with the viewer's own mute."""
    (mutes,) = values
    mute = domain.Mute(until=mutes[0]) if mutes else None
    active = mute is not None and mute.active(utcnow())
    return shared.model_copy(
        update={
            "muted": active,
            "muted_until": mute.until if mute is not None and active else None,
        }
    )


def _get(db: Session, *, session: LiveSession, message_id: uuid.UUID) -> ChatMessage:
    message = db.get(ChatMessage, message_id)
    if message is None or message.session_id != session.id:
        raise NotFound("This message")
    return message


def _facts(message: ChatMessage) -> domain.Message:
    return domain.Message(
        id=message.id,
        author_id=message.author_id,
        deleted=message.deleted_at is not None,
        pinned=message.pinned_at is not None,
    )


def read(db: Session, *, session: LiveSession, message_id: uuid.UUID) -> ChatMessageRead:
    message = _get(db, session=session, message_id=message_id)
    author = db.get(User, message.author_id) if message.author_id else None
    return _read(message, author.display_name if author else None)


def _mute(db: Session, *, session: LiveSession, user_id: uuid.UUID) -> domain.Mute | None:
    row = db.get(ChatMute, (session.id, user_id))
    return domain.Mute(until=row.until) if row is not None else None


_LAST_POST = sa.select(sa.func.max(ChatMessage.created_at)).where(
    ChatMessage.session_id == sa.bindparam("session_id"),
    ChatMessage.author_id == sa.bindparam("user_id"),
    ChatMessage.deleted_at.is_(None),
)


def _last_post(db: Session, *, session: LiveSession, user: User) -> dt.datetime | None:
    return db.scalar(_LAST_POST, {"session_id": session.id, "user_id": user.id})


def _check_slow_mode(db: Session, *, session: LiveSession, user: User) -> None:
    seconds = session.chat_slow_mode_seconds
    if seconds > 0:
        last = _last_post(db, session=session, user=user)
        domain.require_slow_mode_passed(last, seconds=seconds, now=utcnow())


# --- changing --------------------------------------------------------------------------------


def post(
    db: Session, *, act: Act, data: ChatMessageCreate, rate_limiter: RateLimiter
) -> ChatMessageRead:
    session, author, staff = act.session, act.actor, act.staff
    domain.require_open(session.status)
    if data.reply_to_id is not None:
        target = db.get(ChatMessage, data.reply_to_id)
        domain.require_reply_target(target is not None and target.session_id == session.id)
    if not staff:
        domain.require_not_muted(_mute(db, session=session, user_id=author.id), now=utcnow())
        _check_slow_mode(db, session=session, user=author)
    rate_limiter.hit(RateKind.chat, session_id=session.id, user_id=author.id)
    locked = eventlog.lock(db, session_id=session.id)
    assert locked is not None  # the request holds the class
    if not staff:
        # Again under the log's lock: two quick posts of one person cannot both pass.
        _check_slow_mode(db, session=session, user=author)
    message = ChatMessageRead(
        id=new_id(),
        seq=locked.last_seq + 1,  # a message carries its own seq in its event
        author_id=author.id,
        author_name=author.display_name,
        body=data.body,
        reply_to_id=data.reply_to_id,
        created_at=utcnow(),
        deleted=False,
        pinned=False,
    )
    (recorded,) = act.record(db, [domain.decide_post(message)], locked=locked)
    assert recorded.seq == message.seq, "the log's lock was not held"
    return message


def delete(db: Session, *, act: Act, message_id: uuid.UUID) -> None:
    """Delete a message: one's own, or anyone's as a host or moderator."""
    message = _get(db, session=act.session, message_id=message_id)
    act.record(db, domain.decide_delete(_facts(message), actor_id=act.actor.id, staff=act.staff))


def pin(db: Session, *, act: Act, message_id: uuid.UUID, pinned: bool) -> ChatMessageRead:
    message = _get(db, session=act.session, message_id=message_id)
    act.record(db, domain.decide_pin(_facts(message), pinned=pinned))
    return read(db, session=act.session, message_id=message_id)


def mute(db: Session, *, act: Act, data: ChatMuteCreate) -> ChatMuteRead:
    target = db.get(User, data.user_id)
    role = db.scalar(
        sa.select(CourseMember.role).where(
            CourseMember.course_id == act.session.course_id, CourseMember.user_id == data.user_id
        )
    )
    member = (
        domain.Member(target.display_name, role, target.is_platform_admin)
        if target is not None
        else None
    )
    until = domain.mute_until(data.minutes, now=utcnow())
    act.record(db, [domain.decide_mute(member, user_id=data.user_id, until=until)])
    return ChatMuteRead(user_id=data.user_id, until=until)


def unmute(db: Session, *, act: Act, user_id: uuid.UUID) -> None:
    muted = _mute(db, session=act.session, user_id=user_id) is not None
    act.record(db, domain.decide_unmute(muted, user_id=user_id))


def set_slow_mode(db: Session, *, act: Act, seconds: int) -> ChatSlowMode:
    act.record(db, domain.decide_slow_mode(act.session.chat_slow_mode_seconds, seconds))
    return ChatSlowMode(seconds=act.session.chat_slow_mode_seconds)
