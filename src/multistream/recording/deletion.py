"""Deleting a class's recording and everything made from it (hosts, once the class is over).
Deleting what is already gone (or was never recorded) does nothing and succeeds.

What goes: the recording's files (the assembled file and any segments left), the replay's
artifacts (audio, captions, transcript, summary, thumbnails), the transcript, chapters and
highlights. What stays: the rows of the recordings (status `deleted`, who and when) and the
class's log, which gains `recording.deleted` and `replay.status_changed → deleted`; the
chat, questions and polls are the class's own, not the recording's, and stay too.

The rows change first, in the request's transaction; the objects are deleted before it
commits, so a storage outage answers 503 and changes nothing in the database (objects
already deleted stay deleted; deleting again finishes the job).
"""

from __future__ import annotations

import datetime as dt
import uuid

import sqlalchemy as sa
from sqlalchemy.orm import Session

from multistream.auth.models import User
from multistream.pipeline.models import (
    PipelineRun,
    PipelineRunStatus,
    PipelineStep,
    PipelineStepName,
)
from multistream.problems import Problem
from multistream.recording import service as recordings
from multistream.recording.models import Recording, RecordingSegment, RecordingStatus
from multistream.replay import service as replays
from multistream.replay import store as replay_store
from multistream.replay.models import ReplayArtifact
from multistream.sessions.models import LiveSession, ReplayStatus, SessionStatus
from multistream.storage import ObjectNotFound, ObjectStore, StorageUnavailable
from multistream.storage.base import InvalidKey


def delete(db: Session, *, session: LiveSession, actor: User, store: ObjectStore) -> int:
    """Delete the class's recordings and replay; how many objects were removed."""
    if session.status is SessionStatus.live:
        raise Problem(
            409,
            "session-live",
            "Class still live",
            "The class is live and being recorded; end it first, then delete its recording.",
        )
    rows = db.scalars(
        sa.select(Recording)
        .where(Recording.session_id == session.id, Recording.status != RecordingStatus.deleted)
        .with_for_update()
    ).all()
    if not rows:
        return 0  # never recorded, or deleted already: there is nothing (more) to delete
    keys: list[str] = []
    now = dt.datetime.now(dt.UTC)
    for recording in rows:
        keys += [key for key in (recording.storage_key,) if key]
        keys += [
            segment.storage_key for segment in recordings.segments(db, recording_id=recording.id)
        ]
        recording.status = RecordingStatus.deleted
        recording.storage_key = None
        recording.recorder_id = None
        recording.lease_expires_at = None
        recording.deleted_at = now
        recording.deleted_by = actor.id
        recordings.record_deleted(db, recording=recording, by=actor.id)
    keys += list(
        db.scalars(
            sa.select(ReplayArtifact.storage_key).where(ReplayArtifact.session_id == session.id)
        )
    )
    # The video's pictures at each change (every run's extract step lists its own).
    for output in db.scalars(
        sa.select(PipelineStep.output)
        .join(PipelineRun, PipelineRun.id == PipelineStep.run_id)
        .where(PipelineRun.session_id == session.id, PipelineStep.name == PipelineStepName.extract)
    ):
        keys += [str(key) for key in ((output or {}).get("thumbnails") or {}).values()]
    _forget_replay(db, session_id=session.id, recording_ids=[r.id for r in rows])
    replays.set_status(db, session_id=session.id, status=ReplayStatus.deleted)
    db.flush()
    removed = 0
    for key in dict.fromkeys(keys):
        try:
            store.delete(key)
            removed += 1
        except (ObjectNotFound, InvalidKey):
            continue  # gone already, or never an object
        except StorageUnavailable as exc:
            raise Problem(
                503,
                "storage-unavailable",
                "Storage unavailable",
                "File storage is not answering, so the recording was not deleted; try again"
                " in a moment.",
                headers={"Retry-After": "10"},
            ) from exc
    return removed


def _forget_replay(db: Session, *, session_id: uuid.UUID, recording_ids: list[uuid.UUID]) -> None:
    """Everything made from the recording: rows gone, runs that would remake them over."""
    replay_store.delete_all(db, session_id=session_id)
    if recording_ids:
        db.execute(
            sa.delete(RecordingSegment).where(RecordingSegment.recording_id.in_(recording_ids))
        )
    db.execute(
        sa.update(PipelineRun)
        .where(
            PipelineRun.session_id == session_id,
            PipelineRun.status.in_([PipelineRunStatus.queued, PipelineRunStatus.running]),
        )
        .values(
            status=PipelineRunStatus.canceled,
            error="The recording was deleted.",
            finished_at=sa.func.now(),
        )
    )
