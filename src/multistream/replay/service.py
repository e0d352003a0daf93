"""Replays: their status (moved only through `replay.status_changed` events) and what the
player reads — the manifest, transcript pages, search and captions.

The pipeline writes the tables and artifacts (`pipeline.steps`); this module only reads
them, and is the one place that changes `sessions.replay_status`.
"""

from __future__ import annotations

import json
import uuid
from typing import Any

import sqlalchemy as sa
import structlog
from sqlalchemy.orm import Session

from multistream.eventlog import projections
from multistream.eventlog import service as eventlog
from multistream.eventlog.domain import NewEvent
from multistream.eventlog.models import SessionEvent
from multistream.eventlog.schemas import EventEnvelope
from multistream.interactions.models import Question, QuestionStatus
from multistream.media.models import Recording
from multistream.pipeline.models import PipelineRun, PipelineRunStatus
from multistream.problems import Problem
from multistream.replay import domain
from multistream.replay.models import (
    Chapter,
    ChapterSource,
    Highlight,
    ReplayArtifact,
    ReplayArtifactKind,
    TranscriptSegment,
)
from multistream.replay.schemas import (
    ChapterRead,
    CourseSearchHit,
    CourseSearchResults,
    HighlightRead,
    ReplayLinks,
    ReplayMedia,
    ReplayRead,
    ReplayStatusChanged,
    ReplaySummary,
    SearchHit,
    SearchHitKind,
    SearchResults,
    TranscriptPage,
    TranscriptSegmentRead,
)
from multistream.sessions.models import LiveSession, ReplayStatus
from multistream.settings import Settings
from multistream.storage import ObjectNotFound, ObjectStore, StorageError, StorageUnavailable
from multistream.studio.models import SlidePage

log = structlog.get_logger(__name__)

PLAYABLE = frozenset({ReplayStatus.partial, ReplayStatus.ready})
ARTIFACT_FILES = {
    ReplayArtifactKind.audio: ("audio.wav", "audio/wav"),
    ReplayArtifactKind.captions_vtt: ("captions.vtt", "text/vtt; charset=utf-8"),
    ReplayArtifactKind.transcript_json: ("transcript.json", "application/json"),
    ReplayArtifactKind.summary: ("summary.json", "application/json"),
}
# ts_headline marks matches with plain-text guillemets: clients show snippets as text.
_HEADLINE_OPTIONS = "StartSel=«, StopSel=», MaxWords=24, MinWords=10, ShortWord=2"
_ENGLISH: sa.ColumnElement[str] = sa.literal_column("'english'::regconfig")
"""The text search configuration of `transcript_segments.search_vector`."""


def artifact_key(session_id: uuid.UUID, kind: ReplayArtifactKind) -> str:
    return f"sessions/{session_id}/replay/{ARTIFACT_FILES[kind][0]}"


def artifact_content_type(kind: ReplayArtifactKind) -> str:
    return ARTIFACT_FILES[kind][1]


# --- status --------------------------------------------------------------------------------


def set_status(
    db: Session,
    *,
    session_id: uuid.UUID,
    status: ReplayStatus,
    reason: str | None = None,
    run_id: uuid.UUID | None = None,
    idempotency_key: str | None = None,
) -> list[EventEnvelope]:
    """Move the replay towards `status` through the state machine, one logged
    `replay.status_changed` per transition; nothing when it is there already or cannot get
    there (a `ready` replay stays ready)."""
    current = db.execute(
        sa.select(LiveSession.replay_status).where(LiveSession.id == session_id).with_for_update()
    ).scalar_one()
    path = domain.path_to(ReplayStatus(current), status)
    if not path:
        return []
    events = []
    previous = ReplayStatus(current)
    for step in path:
        payload = ReplayStatusChanged(
            status=step,
            previous=previous,
            reason=reason if step is ReplayStatus.failed else None,
            run_id=run_id,
        )
        events.append(NewEvent("replay.status_changed", payload.model_dump(mode="json")))
        previous = step
    appended = eventlog.append(
        db, session_id=session_id, events=events, actor_id=None, idempotency_key=idempotency_key
    )
    projections.apply_all(db, appended)
    db.flush()
    return appended


# --- reads ---------------------------------------------------------------------------------


def manifest(
    db: Session, *, session: LiveSession, store: ObjectStore, settings: Settings
) -> ReplayRead:
    db.refresh(session, ["replay_status"])
    status = session.replay_status
    chapters = db.scalars(
        sa.select(Chapter).where(Chapter.session_id == session.id).order_by(Chapter.idx)
    ).all()
    highlights = db.scalars(
        sa.select(Highlight)
        .where(Highlight.session_id == session.id)
        .order_by(Highlight.start_ms, Highlight.kind, Highlight.id)
    ).all()
    recording = _playable_recording(db, session_id=session.id)
    duration = recording.duration_ms if recording is not None else None
    if duration is None and chapters:
        duration = chapters[-1].end_ms
    media = None
    if status in PLAYABLE and recording is not None and recording.storage_key:
        ttl = settings.presigned_url_ttl_seconds
        media = ReplayMedia(
            url=store.presigned_get(recording.storage_key, expires_in=ttl),
            mime=recording.mime or "application/octet-stream",
            expires_in_seconds=ttl,
        )
    base = f"/api/v1/sessions/{session.id}/replay"
    return ReplayRead(
        session_id=session.id,
        status=status,
        reason=_failure_reason(db, session_id=session.id)
        if status is ReplayStatus.failed
        else None,
        duration_ms=duration,
        media=media,
        chapters=[ChapterRead.model_validate(row) for row in chapters],
        highlights=[HighlightRead.model_validate(row) for row in highlights],
        summary=_summary(db, session_id=session.id, store=store),
        links=ReplayLinks(
            transcript=f"{base}/transcript",
            captions=f"{base}/captions.vtt",
            search=f"{base}/search",
        ),
    )


def _playable_recording(db: Session, *, session_id: uuid.UUID) -> Recording | None:
    """The recording of the latest run that processed one, else the latest stored one."""
    recording_id = db.scalar(
        sa.select(PipelineRun.recording_id)
        .where(PipelineRun.session_id == session_id, PipelineRun.recording_id.is_not(None))
        .order_by(PipelineRun.created_at.desc(), PipelineRun.id.desc())
        .limit(1)
    )
    if recording_id is not None:
        return db.get(Recording, recording_id)
    return db.scalars(
        sa.select(Recording)
        .where(Recording.session_id == session_id, Recording.storage_key.is_not(None))
        .order_by(Recording.created_at.desc(), Recording.id.desc())
        .limit(1)
    ).first()


def _failure_reason(db: Session, *, session_id: uuid.UUID) -> str | None:
    return db.scalar(
        sa.select(PipelineRun.error)
        .where(PipelineRun.session_id == session_id, PipelineRun.status == PipelineRunStatus.failed)
        .order_by(PipelineRun.created_at.desc(), PipelineRun.id.desc())
        .limit(1)
    )


def _artifact(db: Session, *, session_id: uuid.UUID, kind: ReplayArtifactKind) -> str | None:
    return db.scalar(
        sa.select(ReplayArtifact.storage_key).where(
            ReplayArtifact.session_id == session_id, ReplayArtifact.kind == kind
        )
    )


def _summary(db: Session, *, session_id: uuid.UUID, store: ObjectStore) -> ReplaySummary | None:
    key = _artifact(db, session_id=session_id, kind=ReplayArtifactKind.summary)
    if key is None:
        return None
    try:
        data: dict[str, Any] = json.loads(store.get(key))
    except (StorageError, ValueError) as exc:
        # The manifest is still worth having without its summary.
        log.warning("replay summary unreadable", session_id=str(session_id), error=str(exc))
        return None
    return ReplaySummary.model_validate(data)


def transcript_page(
    db: Session, *, session_id: uuid.UUID, cursor: str | None, limit: int
) -> TranscriptPage:
    start = int(cursor) if cursor else 0
    rows = db.scalars(
        sa.select(TranscriptSegment)
        .where(TranscriptSegment.session_id == session_id, TranscriptSegment.idx >= start)
        .order_by(TranscriptSegment.idx)
        .limit(limit + 1)
    ).all()
    items = [TranscriptSegmentRead.model_validate(row) for row in rows[:limit]]
    return TranscriptPage(
        items=items, next_cursor=str(rows[limit].idx) if len(rows) > limit else None
    )


def search(db: Session, *, session_id: uuid.UUID, query: str, limit: int) -> SearchResults:
    """Where a class talked about `query` (web-search syntax: words, "phrases", -not):
    transcript segments, slides and questions, best first."""
    rows = _search(db, LiveSession.id == session_id, query=query, limit=limit)
    return SearchResults(query=query, items=[SearchHit.model_validate(row) for row in rows])


def search_course(
    db: Session, *, course_id: uuid.UUID, query: str, limit: int
) -> CourseSearchResults:
    """`search` across every class of a course that has a replay to watch."""
    rows = _search(
        db,
        sa.and_(LiveSession.course_id == course_id, LiveSession.replay_status.in_(PLAYABLE)),
        query=query,
        limit=limit,
    )
    return CourseSearchResults(
        query=query, items=[CourseSearchHit.model_validate(row) for row in rows]
    )


# How much a hit of each kind counts next to the others: words said point at the very
# moment, a question at when it was asked, a slide only at the chapter it was up for.
_KIND_WEIGHT = {
    SearchHitKind.transcript: 1.0,
    SearchHitKind.question: 0.8,
    SearchHitKind.slide: 0.6,
}
_RANK_NORMALISATION = 1  # ts_rank divided by 1 + log(length): long slides do not dominate
_NO_IDX = sa.cast(sa.null(), sa.Integer)
_NO_REF = sa.cast(sa.null(), sa.Uuid)


def _search(
    db: Session, sessions: sa.ColumnElement[bool], *, query: str, limit: int
) -> list[dict[str, Any]]:
    tsquery = sa.func.websearch_to_tsquery(_ENGLISH, query)

    def ranked(
        kind: SearchHitKind, vector: sa.SQLColumnExpression[Any], text: sa.SQLColumnExpression[str]
    ) -> tuple[sa.ColumnElement[Any], ...]:
        rank = sa.func.ts_rank(vector, tsquery, _RANK_NORMALISATION) * _KIND_WEIGHT[kind]
        return (
            sa.literal(kind.value).label("kind"),
            sa.cast(text, sa.Text).label("text"),
            sa.cast(rank, sa.Double).label("rank"),
        )

    said = (
        sa.select(
            LiveSession.id.label("session_id"),
            *ranked(
                SearchHitKind.transcript, TranscriptSegment.search_vector, TranscriptSegment.text
            ),
            TranscriptSegment.idx.label("idx"),
            _NO_REF.label("ref_id"),
            TranscriptSegment.start_ms.label("start_ms"),
            TranscriptSegment.end_ms.label("end_ms"),
        )
        .join(TranscriptSegment, TranscriptSegment.session_id == LiveSession.id)
        .where(sessions, TranscriptSegment.search_vector.bool_op("@@")(tsquery))
    )
    slide_text = sa.func.concat_ws(". ", SlidePage.title, SlidePage.text)
    slide_vector = sa.func.to_tsvector(_ENGLISH, slide_text)
    shown = (
        sa.select(
            LiveSession.id,
            *ranked(SearchHitKind.slide, slide_vector, slide_text),
            _NO_IDX,
            _NO_REF,
            Chapter.start_ms,
            Chapter.end_ms,
        )
        .join(Chapter, Chapter.session_id == LiveSession.id)
        .join(
            SlidePage,
            sa.and_(
                SlidePage.asset_id == Chapter.slide_asset_id,
                SlidePage.page_no == Chapter.slide_page,
            ),
        )
        # A slide's chapter starts when it went up; topic splits of it are not repeated.
        .where(sessions, Chapter.source == ChapterSource.slide, slide_vector.bool_op("@@")(tsquery))
    )
    asked_ms = sa.func.greatest(
        0,
        sa.cast(
            sa.func.floor(sa.extract("epoch", SessionEvent.occurred_at - _clock_start()) * 1000),
            sa.BigInteger,
        ),
    )
    question_vector = sa.func.to_tsvector(_ENGLISH, Question.body)
    asked = (
        sa.select(
            LiveSession.id,
            *ranked(SearchHitKind.question, question_vector, Question.body),
            _NO_IDX,
            Question.id,
            asked_ms,
            asked_ms,
        )
        .join(Question, Question.session_id == LiveSession.id)
        .join(
            SessionEvent,
            sa.and_(
                SessionEvent.session_id == Question.session_id, SessionEvent.seq == Question.seq
            ),
        )
        .where(
            sessions,
            Question.status != QuestionStatus.dismissed,
            question_vector.bool_op("@@")(tsquery),
        )
    )
    hits = sa.union_all(said, shown, asked).subquery()
    best = (
        sa.select(
            hits,
            LiveSession.title.label("session_title"),
            LiveSession.started_at.label("session_started_at"),
        )
        .join(LiveSession, LiveSession.id == hits.c.session_id)
        .order_by(hits.c.rank.desc(), LiveSession.started_at.desc(), hits.c.start_ms)
        .limit(limit)
        .subquery()
    )
    # Snippets only for the hits returned: ts_headline re-parses the whole text.
    rows = db.execute(
        sa.select(
            *(column for column in best.c if column.name != "text"),
            sa.func.ts_headline(_ENGLISH, best.c.text, tsquery, _HEADLINE_OPTIONS).label("snippet"),
        ).order_by(best.c.rank.desc(), best.c.session_started_at.desc(), best.c.start_ms)
    ).mappings()
    return [dict(row) for row in rows]


def _clock_start() -> sa.ColumnElement[Any]:
    """The moment a class's media time 0 stands for (as `pipeline.align` reckons it): its
    latest stored recording's start, else the class's own start."""
    recorded = (
        sa.select(Recording.started_at)
        .where(Recording.session_id == LiveSession.id, Recording.storage_key.is_not(None))
        .order_by(Recording.created_at.desc())
        .limit(1)
        .scalar_subquery()
    )
    return sa.func.coalesce(recorded, LiveSession.started_at)


def captions(db: Session, *, session_id: uuid.UUID, store: ObjectStore) -> bytes:
    key = _artifact(db, session_id=session_id, kind=ReplayArtifactKind.captions_vtt)
    if key is None:
        status = db.scalar(sa.select(LiveSession.replay_status).where(LiveSession.id == session_id))
        raise Problem(
            409,
            "replay-not-ready",
            "Captions not ready",
            f"The captions are made with the transcript; this replay is {status}. "
            "Try again when it is ready.",
            replay_status=str(status),
        )
    try:
        return store.get(key)
    except ObjectNotFound as exc:
        raise Problem(
            409,
            "replay-not-ready",
            "Captions not ready",
            "The captions file is being made again; try again in a minute.",
        ) from exc
    except StorageUnavailable as exc:
        raise Problem(
            503,
            "storage-unavailable",
            "Storage unavailable",
            "File storage is not answering; try again in a moment.",
        ) from exc
