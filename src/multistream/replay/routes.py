"""Replays for the course's members: the manifest, transcript pages and downloads, search,
captions, the chat at its moments, the viewer's place; and search across a course."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Response
from fastapi.responses import PlainTextResponse

from multistream import problems
from multistream.access.dependencies import (
    Join,
    ManageReplay,
    ViewCourse,
)
from multistream.dependencies import AppResources, DbSession
from multistream.recording import deletion
from multistream.replay import search
from multistream.replay import service as replays
from multistream.replay.schemas import (
    CourseSearchResults,
    ReplayChat,
    ReplayPosition,
    ReplayRead,
    SearchResults,
    TranscriptPage,
)

router = APIRouter(prefix="/api/v1", tags=["replay"])
REPLAY = "/sessions/{session_id}/replay"

Watch = Join
"""A replay is for whoever may join its class."""
SearchText = Annotated[
    str, Query(min_length=1, max_length=200, description='Words, "a phrase", -not')
]
Limit = Annotated[int, Query(ge=1, le=50)]


@router.get(REPLAY, summary="The replay of a class: status, media, chapters, highlights")
def get_replay(access: Watch, db: DbSession, resources: AppResources) -> ReplayRead:
    return replays.manifest(
        db,
        session=access.session,
        store=resources.store,
        settings=resources.settings,
        viewer_id=access.user.id,
        staff=access.staff,
    )


@router.get(f"{REPLAY}/transcript", summary="The transcript, a page of segments at a time")
def get_transcript(
    access: Watch,
    db: DbSession,
    cursor: Annotated[str | None, Query(pattern=r"^[0-9]{1,9}$")] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> TranscriptPage:
    return replays.transcript_page(db, session_id=access.session.id, cursor=cursor, limit=limit)


@router.get(f"{REPLAY}/search", summary="Where the class talked about something (best first)")
def search_replay(
    access: Watch,
    db: DbSession,
    q: SearchText,
    limit: Limit = 20,
) -> SearchResults:
    return search.search(db, session_id=access.session.id, query=q, limit=limit)


@router.get(
    "/courses/{course_id}/search",
    summary="Where the course's replays talked about something (best first)",
)
def search_course(
    access: ViewCourse, db: DbSession, q: SearchText, limit: Limit = 20
) -> CourseSearchResults:
    return search.search_course(db, course_id=access.course.id, query=q, limit=limit)


@router.get(
    f"{REPLAY}/captions.vtt",
    summary="Captions (WebVTT)",
    response_class=Response,
    responses={
        200: {"content": {"text/vtt": {}}, "description": "WebVTT captions"},
        409: {"description": "replay-not-ready"},
    },
)
def get_captions(
    access: Watch,
    db: DbSession,
    resources: AppResources,
    download: Annotated[bool, Query(description="As a file to save")] = False,
) -> Response:
    body = replays.captions(db, session_id=access.session.id, store=resources.store)
    headers = {"Cache-Control": "private, max-age=60"}
    if download:
        headers["Content-Disposition"] = _attachment(access.session.title, "vtt")
    return Response(body, media_type="text/vtt; charset=utf-8", headers=headers)


@router.get(
    f"{REPLAY}/transcript.txt",
    summary="The whole transcript as text, a timestamped line a segment (a download)",
    response_class=PlainTextResponse,
    responses={200: {"content": {"text/plain": {}}, "description": "The transcript"}},
)
def get_transcript_text(access: Watch, db: DbSession) -> PlainTextResponse:
    return PlainTextResponse(
        replays.transcript_text(db, session_id=access.session.id),
        headers={
            "Content-Disposition": _attachment(access.session.title, "txt"),
            "Cache-Control": "private, max-age=60",
        },
    )


@router.get(f"{REPLAY}/chat", summary="The class's chat, each message at its moment")
def get_replay_chat(access: Watch, db: DbSession) -> ReplayChat:
    return replays.chat(db, session=access.session)


@router.put(
    f"{REPLAY}/position",
    status_code=204,
    summary="Remember where the viewer stopped watching",
    response_class=Response,
)
def put_position(access: Watch, db: DbSession, body: ReplayPosition) -> Response:
    replays.remember_position(
        db, session_id=access.session.id, user_id=access.user.id, position_ms=body.position_ms
    )
    return Response(status_code=204)


@router.delete(
    "/sessions/{session_id}/recording",
    status_code=204,
    summary="Delete the class's recording and everything made from it (hosts)",
    response_class=Response,
    responses=problems.answers({409: "session-live", 503: "storage-unavailable"}),
)
def delete_recording(access: ManageReplay, db: DbSession, resources: AppResources) -> Response:
    deletion.delete(db, session=access.session, actor=access.user, store=resources.store)
    return Response(status_code=204)


def _attachment(title: str, extension: str) -> str:
    """A download's file name from the class's title, in plain ASCII (RFC 6266)."""
    stem = "".join(c if c.isascii() and (c.isalnum() or c in " -_") else " " for c in title)
    stem = "-".join(stem.split())[:80] or "class"
    return f'attachment; filename="{stem}.{extension}"'
