"""The recordings of a class: rows and `recording.*` events, whichever recorder runs.

A class with recording enabled gets a `recordings` row when it goes live (`begin`). The
recorder reports back through `started` (the precise wall-clock time of the first sample:
the alignment step measures every event from it), `stored` (the file is in the object
store) or `failed`. Each of these appends its event to the session's log in the same
transaction as the row change.
"""

from __future__ import annotations

import datetime as dt
import uuid

import sqlalchemy as sa
from sqlalchemy.orm import Session

from multistream.eventlog import service as eventlog
from multistream.eventlog.domain import NewEvent
from multistream.media.models import Recording, RecordingProvider, RecordingStatus
from multistream.media.schemas import EgressSummary
from multistream.sessions.models import LiveSession
from multistream.settings import Settings


def recording_key(recording: Recording, extension: str = "wav") -> str:
    return f"sessions/{recording.session_id}/recordings/{recording.id}.{extension}"


def begin(db: Session, *, row: LiveSession, settings: Settings) -> Recording | None:
    """A new recording of a class that just went live, if it records and media is on."""
    if not (row.recording_enabled and settings.media_configured):
        return None
    recording = Recording(
        session_id=row.id,
        provider=RecordingProvider(settings.recorder),
        status=RecordingStatus.starting,
    )
    db.add(recording)
    db.flush()
    return recording


def started(db: Session, *, recording_id: uuid.UUID, at: dt.datetime) -> Recording:
    recording = _locked(db, recording_id)
    recording.status = RecordingStatus.recording
    recording.started_at = at
    _append(
        db,
        recording,
        "recording.started",
        {"started_at": at.isoformat(), "provider": recording.provider.value},
    )
    return recording


def stored(
    db: Session,
    *,
    recording_id: uuid.UUID,
    storage_key: str,
    mime: str,
    duration_ms: int,
    size_bytes: int,
    ended_at: dt.datetime,
) -> Recording:
    recording = _locked(db, recording_id)
    recording.status = RecordingStatus.ready
    recording.storage_key = storage_key
    recording.mime = mime
    recording.duration_ms = duration_ms
    recording.size_bytes = size_bytes
    recording.ended_at = max(ended_at, recording.started_at or ended_at)
    _append(db, recording, "recording.stopped", {"duration_ms": duration_ms, "status": "ready"})
    return recording


def failed(db: Session, *, recording_id: uuid.UUID, reason: str) -> Recording:
    recording = _locked(db, recording_id)
    recording.status = RecordingStatus.failed
    recording.error = reason
    _append(db, recording, "recording.stopped", {"status": "failed", "error": reason})
    return recording


def egress_ended(db: Session, *, egress: EgressSummary) -> Recording | None:
    """LiveKit reports the end of an egress: the recording is stored, or it failed."""
    recording = db.scalars(
        sa.select(Recording).where(Recording.external_id == egress.egress_id).with_for_update()
    ).one_or_none()
    if recording is None or recording.status in (RecordingStatus.ready, RecordingStatus.failed):
        return recording
    if egress.status != "complete" or not egress.files:
        return failed(
            db,
            recording_id=recording.id,
            reason=f"LiveKit Egress ended {egress.status}: {egress.error or 'no file written'}",
        )
    file = egress.files[0]
    if egress.started_at is not None:
        recording.started_at = egress.started_at
    return stored(
        db,
        recording_id=recording.id,
        storage_key=recording.storage_key or file.filename,
        mime="audio/ogg",
        duration_ms=file.duration_ms,
        size_bytes=file.size_bytes,
        ended_at=egress.ended_at or dt.datetime.now(dt.UTC),
    )


def latest(db: Session, *, session_id: uuid.UUID) -> Recording | None:
    return db.scalars(
        sa.select(Recording)
        .where(Recording.session_id == session_id)
        .order_by(Recording.created_at.desc(), Recording.id.desc())
        .limit(1)
    ).one_or_none()


def _locked(db: Session, recording_id: uuid.UUID) -> Recording:
    recording = db.get(Recording, recording_id, with_for_update=True)
    if recording is None:
        raise LookupError(f"no recording {recording_id}")
    return recording


def _append(db: Session, recording: Recording, type_: str, payload: dict[str, object]) -> None:
    eventlog.append(
        db,
        session_id=recording.session_id,
        events=[NewEvent(type_, {"recording_id": str(recording.id), **payload})],
        actor_id=None,
    )
    db.flush()
