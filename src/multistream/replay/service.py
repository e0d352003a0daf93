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
from multistream.eventlog.schemas import EventEnvelope
from multistream.media.models import Recording
from multistream.pipeline.models import PipelineRun, PipelineRunStatus
from multistream.problems import Problem
from multistream.replay import domain
from multistream.replay.models import (
    Chapter,
    Highlight,
    ReplayArtifact,
    ReplayArtifactKind,
    TranscriptSegment,
)
from multistream.replay.schemas import (
    ChapterRead,
    HighlightRead,
    ReplayLinks,
    ReplayMedia,
    ReplayRead,
    ReplayStatusChanged,
    ReplaySummary,
    SearchHit,
    SearchResults,
    TranscriptPage,
    TranscriptSegmentRead,
)
from multistream.sessions.models import LiveSession, ReplayStatus
from multistream.settings import Settings
from multistream.storage import ObjectNotFound, ObjectStore, StorageError, StorageUnavailable

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
    """Segments matching `query` (web-search syntax: words, "phrases", -not), best first."""
    tsquery = sa.func.websearch_to_tsquery(_ENGLISH, query)
    rank = sa.func.ts_rank(TranscriptSegment.search_vector, tsquery)
    snippet = sa.func.ts_headline(
        _ENGLISH,
        TranscriptSegment.text,
        tsquery,
        _HEADLINE_OPTIONS,
    )
    rows = db.execute(
        sa.select(
            TranscriptSegment.idx,
            TranscriptSegment.start_ms,
            TranscriptSegment.end_ms,
            snippet.label("snippet"),
            rank.label("rank"),
        )
        .where(
            TranscriptSegment.session_id == session_id,
            TranscriptSegment.search_vector.bool_op("@@")(tsquery),
        )
        .order_by(rank.desc(), TranscriptSegment.idx)
        .limit(limit)
    ).all()
    return SearchResults(
        query=query,
        items=[
            SearchHit(
                idx=row.idx,
                start_ms=row.start_ms,
                end_ms=row.end_ms,
                snippet=row.snippet,
                rank=float(row.rank),
            )
            for row in rows
        ],
    )


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
