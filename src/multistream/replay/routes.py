"""Replays for the course's members: the manifest, transcript pages, search, captions; and
search across every replay of a course."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Response

from multistream.access.dependencies import (
    CourseAccess,
    RequireCourse,
    RequireSession,
    SessionAccess,
)
from multistream.access.policy import Permission
from multistream.dependencies import AppResources, DbSession
from multistream.replay import service as replays
from multistream.replay.schemas import (
    CourseSearchResults,
    ReplayRead,
    SearchResults,
    TranscriptPage,
)

router = APIRouter(prefix="/api/v1", tags=["replay"])
REPLAY = "/sessions/{session_id}/replay"

Watch = Annotated[SessionAccess, Depends(RequireSession(Permission.session_join))]
ViewCourse = Annotated[CourseAccess, Depends(RequireCourse(Permission.course_view))]
SearchText = Annotated[
    str, Query(min_length=1, max_length=200, description='Words, "a phrase", -not')
]
Limit = Annotated[int, Query(ge=1, le=50)]


@router.get(REPLAY, summary="The replay of a class: status, media, chapters, highlights")
def get_replay(access: Watch, db: DbSession, resources: AppResources) -> ReplayRead:
    return replays.manifest(
        db, session=access.session, store=resources.store, settings=resources.settings
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
    return replays.search(db, session_id=access.session.id, query=q, limit=limit)


@router.get(
    "/courses/{course_id}/search",
    summary="Where the course's replays talked about something (best first)",
)
def search_course(
    access: ViewCourse, db: DbSession, q: SearchText, limit: Limit = 20
) -> CourseSearchResults:
    return replays.search_course(db, course_id=access.course.id, query=q, limit=limit)


@router.get(
    f"{REPLAY}/captions.vtt",
    summary="Captions (WebVTT)",
    response_class=Response,
    responses={
        200: {"content": {"text/vtt": {}}, "description": "WebVTT captions"},
        409: {"description": "replay-not-ready"},
    },
)
def get_captions(access: Watch, db: DbSession, resources: AppResources) -> Response:
    body = replays.captions(db, session_id=access.session.id, store=resources.store)
    return Response(
        body,
        media_type="text/vtt; charset=utf-8",
        headers={"Cache-Control": "private, max-age=60"},
    )
