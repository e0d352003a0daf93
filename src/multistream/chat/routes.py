"""Chat of a live class over HTTP: history, post, delete, pin, mute, slow mode; and how
the chat's refusals read as problems."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Response

from multistream import problems
from multistream.access.dependencies import (
    Join,
    RequireSession,
    SessionAccess,
    SessionCommand,
    command_on,
)
from multistream.access.policy import Permission
from multistream.chat import domain
from multistream.chat import service as chat
from multistream.chat.schemas import (
    ChatHistory,
    ChatMessageCreate,
    ChatMessageRead,
    ChatMuteCreate,
    ChatMuteRead,
    ChatPin,
    ChatSlowMode,
)
from multistream.dependencies import AppResources, DbSession

router = APIRouter(prefix="/api/v1", tags=["chat"])

problems.refusals(
    {
        domain.ChatClosed: (409, "chat-closed", "Chat closed"),
        domain.Muted: (403, "muted", "Muted"),
        domain.SlowMode: (429, "slow-mode", "Slow mode"),
        domain.MessageDeleted: (409, "message-deleted", "Message deleted"),
        domain.CannotMuteStaff: (409, "cannot-mute-staff", "Cannot mute staff"),
    }
)

Send = Annotated[SessionAccess, Depends(RequireSession(Permission.chat_send))]
SendCommand = Annotated[SessionCommand, Depends(command_on(Permission.chat_send))]
Moderate = Annotated[SessionAccess, Depends(RequireSession(Permission.chat_moderate))]
ModerateCommand = Annotated[SessionCommand, Depends(command_on(Permission.chat_moderate))]


@router.get("/sessions/{session_id}/chat", summary="Chat history, newest first")
def chat_history(
    access: Join,
    db: DbSession,
    before: Annotated[int | None, Query(ge=1, description="Messages older than this seq")] = None,
    limit: Annotated[int, Query(ge=1, le=domain.MAX_PAGE)] = domain.LATEST,
) -> ChatHistory:
    return chat.history(db, session=access.session, before=before, limit=limit)


@router.post(
    "/sessions/{session_id}/chat",
    status_code=201,
    summary="Post a chat message (or a reply)",
    responses=problems.answers(
        {
            403: "`muted` (until when is in `detail` and `muted_until`)",
            409: "`chat-closed`: the class has ended or was canceled",
            429: "`slow-mode` or `rate-limited`, with Retry-After",
        }
    ),
)
def post_chat_message(
    body: ChatMessageCreate, command: SendCommand, resources: AppResources
) -> ChatMessageRead:
    return command.run(chat.post, data=body, rate_limiter=resources.rate_limiter, status_code=201)


@router.delete(
    "/sessions/{session_id}/chat/{message_id}",
    status_code=204,
    summary="Delete a message (one's own; anyone's as host or moderator)",
)
def delete_chat_message(message_id: uuid.UUID, access: Send, db: DbSession) -> Response:
    chat.delete(db, act=access.act(), message_id=message_id)
    return Response(status_code=204)


@router.post(
    "/sessions/{session_id}/chat/{message_id}/pin",
    summary="Pin or unpin a message",
    responses=problems.answers({409: "`message-deleted`: a deleted message cannot be pinned"}),
)
def pin_chat_message(
    message_id: uuid.UUID, body: ChatPin, command: ModerateCommand
) -> ChatMessageRead:
    return command.run(chat.pin, message_id=message_id, pinned=body.pinned)


@router.post(
    "/sessions/{session_id}/mutes",
    summary="Mute a participant in the chat, for minutes or the rest of the class",
    responses=problems.answers({409: "`cannot-mute-staff`"}),
)
def mute_user(body: ChatMuteCreate, command: ModerateCommand) -> ChatMuteRead:
    return command.run(chat.mute, data=body)


@router.delete("/sessions/{session_id}/mutes/{user_id}", status_code=204, summary="Lift a mute")
def unmute_user(user_id: uuid.UUID, access: Moderate, db: DbSession) -> Response:
    chat.unmute(db, act=access.act(), user_id=user_id)
    return Response(status_code=204)


@router.post("/sessions/{session_id}/chat/slow-mode", summary="Set or lift chat slow mode")
def set_slow_mode(body: ChatSlowMode, command: ModerateCommand) -> ChatSlowMode:
    return command.run(chat.set_slow_mode, seconds=body.seconds)
