"""Replays: their status (moved only through `replay.status_changed` events) and what the
player reads — the manifest, transcript pages, captions and the viewer's place.

The pipeline writes the tables and artifacts (`pipeline.steps`); this module only reads
them, and is the one place that changes `sessions.replay_status`. What happened in the class
on the recording's clock is read by `replay.timeline`; search lives in `replay.search`.
"""

from __future__ import annotations

import json
import uuid
from typing import Any

import sqlalchemy as sa
import structlog
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.orm import Session

from multistream.eventlog import service as eventlog
from multistream.eventlog.domain import NewEvent
from multistream.eventlog.schemas import EventEnvelope
from multistream.pipeline.models import PipelineRun, PipelineRunStatus, PipelineStep
from multistream.problems import Problem
from multistream.recording.models import Recording
from multistream.replay import domain, timeline
from multistream.replay.models import (
    Chapter,
    Highlight,
    ReplayArtifact,
    ReplayArtifactKind,
    TranscriptSegment,
    WatchPosition,
)
from multistream.replay.schemas import (
    ChapterRead,
    HighlightRead,
    ReplayChat,
    ReplayLinks,
    ReplayMedia,
    ReplayProgress,
    ReplayRead,
    ReplayStatusChanged,
    ReplayStepProgress,
    ReplaySummary,
    TranscriptPage,
    TranscriptSegmentRead,
)
from multistream.replay.search import PLAYABLE
from multistream.sessions.models import LiveSession, ReplayStatus
from multistream.settings import Settings
from multistream.storage import ObjectNotFound, ObjectStore, StorageError, StorageUnavailable

log = structlog.get_logger(__name__)

ARTIFACT_FILES = {
    ReplayArtifactKind.audio: ("audio.wav", "audio/wav"),
    ReplayArtifactKind.captions_vtt: ("captions.vtt", "text/vtt; charset=utf-8"),
    ReplayArtifactKind.transcript_json: ("transcript.json", "application/json"),
    ReplayArtifactKind.summary: ("summary.json", "application/json"),
    ReplayArtifactKind.thumbnails: ("thumbs/index.json", "application/json"),
}
STEP_ORDER = ("extract", "transcribe", "align", "derive")


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
    session = eventlog.lock(db, session_id=session_id)
    if session is None:
        raise LookupError(f"no class {session_id}")
    path = domain.path_to(session.replay_status, status)
    if not path:
        return []
    events = []
    previous = session.replay_status
    for step in path:
        payload = ReplayStatusChanged(
            status=step,
            previous=previous,
            reason=reason if step is ReplayStatus.failed else None,
            run_id=run_id,
        )
        events.append(NewEvent.of("replay.status_changed", payload))
        previous = step
    return eventlog.record(
        db, session_id=session_id, events=events, actor_id=None, idempotency_key=idempotency_key
    )


# --- reads ---------------------------------------------------------------------------------


def manifest(
    db: Session,
    *,
    session: LiveSession,
    store: ObjectStore,
    settings: Settings,
    viewer_id: uuid.UUID,
    staff: bool,
) -> ReplayRead:
    """The replay as `viewer_id` sees it (poll results hidden from students stay hidden;
    their own place to resume)."""
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
    latest = _latest_recording(db, session_id=session.id)
    duration = recording.duration_ms if recording is not None else None
    if duration is None and chapters:
        duration = chapters[-1].end_ms
    ttl = settings.presigned_url_ttl_seconds
    media = None
    if status in PLAYABLE and recording is not None and recording.storage_key:
        media = ReplayMedia(
            url=store.presigned_get(recording.storage_key, expires_in=ttl),
            mime=recording.mime or "application/octet-stream",
            expires_in_seconds=ttl,
        )
    start = timeline.clock_start(db, session=session)
    base = f"/api/v1/sessions/{session.id}/replay"
    return ReplayRead(
        session_id=session.id,
        status=status,
        reason=_failure_reason(db, session_id=session.id)
        if status is ReplayStatus.failed
        else None,
        duration_ms=duration,
        media=media,
        chapters=[
            ChapterRead.model_validate(row).model_copy(
                update={
                    "thumbnail_url": store.presigned_get(row.thumbnail_key, expires_in=ttl)
                    if row.thumbnail_key
                    else None
                }
            )
            for row in chapters
        ],
        highlights=[HighlightRead.model_validate(row) for row in highlights],
        summary=_summary(db, session_id=session.id, store=store),
        links=ReplayLinks(
            transcript=f"{base}/transcript",
            transcript_text=f"{base}/transcript.txt",
            captions=f"{base}/captions.vtt",
            search=f"{base}/search",
            chat=f"{base}/chat",
            position=f"{base}/position",
        ),
        recording_status=latest.status if latest is not None else None,
        recording_error=latest.error if latest is not None else None,
        slides=timeline.screen(db, session_id=session.id, start=start, duration_ms=duration)
        if media is not None and start is not None and duration is not None
        else [],
        questions=timeline.questions(db, session_id=session.id, start=start)
        if start is not None
        else [],
        polls=timeline.polls(db, session_id=session.id, start=start, staff=staff)
        if start is not None
        else [],
        progress=_progress(db, session_id=session.id) if status is not ReplayStatus.ready else None,
        position_ms=db.scalar(
            sa.select(WatchPosition.position_ms).where(
                WatchPosition.session_id == session.id, WatchPosition.user_id == viewer_id
            )
        ),
    )


def chat(db: Session, *, session: LiveSession) -> ReplayChat:
    start = timeline.clock_start(db, session=session)
    if start is None:
        return ReplayChat(items=[])
    return timeline.chat(db, session_id=session.id, start=start)


def remember_position(
    db: Session, *, session_id: uuid.UUID, user_id: uuid.UUID, position_ms: int
) -> None:
    """Where a viewer stopped watching: their bookmark, not a fact of the class, so it is
    kept beside the log rather than in it (one row per viewer and class, overwritten)."""
    upsert = pg_insert(WatchPosition).values(
        session_id=session_id, user_id=user_id, position_ms=position_ms
    )
    db.execute(
        upsert.on_conflict_do_update(
            index_elements=[WatchPosition.user_id, WatchPosition.session_id],
            set_={"position_ms": upsert.excluded.position_ms, "updated_at": sa.func.now()},
        )
    )


def _latest_recording(db: Session, *, session_id: uuid.UUID) -> Recording | None:
    return db.scalars(
        sa.select(Recording)
        .where(Recording.session_id == session_id)
        .order_by(Recording.created_at.desc(), Recording.id.desc())
        .limit(1)
    ).first()


def _progress(db: Session, *, session_id: uuid.UUID) -> ReplayProgress | None:
    run = db.scalars(
        sa.select(PipelineRun)
        .where(PipelineRun.session_id == session_id)
        .order_by(PipelineRun.created_at.desc(), PipelineRun.id.desc())
        .limit(1)
    ).first()
    if run is None:
        return None
    rows = {
        step.name.value: step
        for step in db.scalars(sa.select(PipelineStep).where(PipelineStep.run_id == run.id))
    }
    steps = [
        ReplayStepProgress(name=rows[name].name, status=rows[name].status, error=rows[name].error)
        for name in STEP_ORDER
        if name in rows
    ]
    current = next(
        (s.name for s in steps if s.status in ("running", "failed")),
        next((s.name for s in steps if s.status == "pending"), None),
    )
    transcribe = rows.get("transcribe")
    output = (transcribe.output or {}) if transcribe is not None else {}
    planned = output.get("chunks")
    return ReplayProgress(
        run_id=run.id,
        status=run.status,
        step=current,
        steps=steps,
        chunks_total=len(planned) if isinstance(planned, list) else None,
        chunks_done=min(int(output.get("chunks_done", 0)), len(planned))
        if isinstance(planned, list)
        else None,
        error=run.error,
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


def transcript_text(db: Session, *, session_id: uuid.UUID) -> str:
    """The transcript as plain text, `[h:mm:ss] what was said` a line (empty before the
    transcription is done)."""
    rows = db.execute(
        sa.select(TranscriptSegment.start_ms, TranscriptSegment.text)
        .where(TranscriptSegment.session_id == session_id)
        .order_by(TranscriptSegment.idx)
    ).all()
    return "".join(f"[{_clock(start_ms)}] {text}\n" for start_ms, text in rows)


def _clock(ms: int) -> str:
    seconds = ms // 1000
    return f"{seconds // 3600}:{seconds // 60 % 60:02d}:{seconds % 60:02d}"


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
