"""The recordings of a class: rows, leases, segments and `recording.*` events, whichever
recorder runs. Every change appends its event in the same transaction as the row change.

```
class goes live ─► begin: recordings row `starting`
                      │ a participant recorder claims it (lease) ──────────────┐ none within
                      ▼                                                        │ the claim
   started ─► recording.started (precise wall-clock start)                     │ timeout:
      │ segment_stored, n times (each piece in storage as soon as it is recorded)   ▼
      │ the lease runs out (recorder crashed) ─► another claims it      recording.failed
      │        ─► recording.resumed {gap}                               (no_recorder /
      ▼                                                                  recorder_lost)
   class over ─► uploading ─► recording.uploading ─► (assembled) stored ─► recording.stopped
                                                                          {status: ready}
   anything that cannot be recovered ─► failed ─► recording.stopped {status: failed, error}
   staff delete it ─► deleted ─► recording.deleted (files gone; the row and log keep it)
```
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import uuid
from collections.abc import Collection, Sequence

import sqlalchemy as sa
from sqlalchemy.orm import Session

from multistream.db.base import utcnow
from multistream.eventlog import service as eventlog
from multistream.eventlog.domain import NewEvent, Viewer
from multistream.eventlog.models import EventAudience
from multistream.media.schemas import EgressSummary
from multistream.recording.models import (
    ACTIVE_RECORDING,
    Recording,
    RecordingProvider,
    RecordingSegment,
    RecordingStatus,
)
from multistream.recording.schemas import RecordingSnapshot
from multistream.sessions.models import LiveSession, SessionStatus
from multistream.settings import Settings


def recording_key(recording: Recording, extension: str = "wav") -> str:
    return f"sessions/{recording.session_id}/recordings/{recording.id}.{extension}"


def segment_key(recording_id: uuid.UUID, session_id: uuid.UUID, index: int, suffix: str) -> str:
    return f"sessions/{session_id}/recordings/{recording_id}/segment-{index:05d}.{suffix}"


def begin(db: Session, *, session: LiveSession, settings: Settings) -> Recording | None:
    """A new recording of a class that just went live, if it records and media is on."""
    if not (session.recording_enabled and settings.media_configured):
        return None
    recording = Recording(
        session_id=session.id,
        provider=RecordingProvider(settings.recorder),
        status=RecordingStatus.starting,
    )
    db.add(recording)
    db.flush()
    return recording


# --- leases (participant recorders) -------------------------------------------------------------


def claim(
    db: Session, *, recorder_id: str, lease_seconds: float, exclude: Collection[uuid.UUID] = ()
) -> Recording | None:
    """Take one participant recording nobody holds (never claimed, or its lease ran out):
    live classes first, oldest first; `FOR UPDATE SKIP LOCKED`, so recorders never wait
    on each other or take the same one."""
    now = utcnow()
    query = (
        sa.select(Recording)
        .join(LiveSession, LiveSession.id == Recording.session_id)
        .where(
            Recording.provider == RecordingProvider.participant,
            Recording.status.in_(ACTIVE_RECORDING),
            sa.or_(Recording.lease_expires_at.is_(None), Recording.lease_expires_at < now),
        )
        .order_by((LiveSession.status == SessionStatus.live).desc(), Recording.created_at)
        .limit(1)
        .with_for_update(skip_locked=True, of=Recording)
    )
    if exclude:
        query = query.where(Recording.id.not_in(list(exclude)))
    recording = db.scalars(query).first()
    if recording is None:
        return None
    recording.recorder_id = recorder_id
    recording.lease_expires_at = now + dt.timedelta(seconds=lease_seconds)
    recording.alerted_at = None
    db.flush()
    return recording


def renew(
    db: Session, *, recorder_id: str, recording_ids: Collection[uuid.UUID], lease_seconds: float
) -> set[uuid.UUID]:
    """Extend the leases `recorder_id` still holds (one statement); the ids it holds."""
    if not recording_ids:
        return set()
    held = db.scalars(
        sa.update(Recording)
        .where(
            Recording.id.in_(list(recording_ids)),
            Recording.recorder_id == recorder_id,
            Recording.status.in_(ACTIVE_RECORDING),
        )
        .values(lease_expires_at=utcnow() + dt.timedelta(seconds=lease_seconds))
        .returning(Recording.id)
    ).all()
    return set(held)


def release(db: Session, *, recording_id: uuid.UUID, recorder_id: str) -> None:
    """Give a recording back (the recorder is done with it, or shutting down)."""
    db.execute(
        sa.update(Recording)
        .where(Recording.id == recording_id, Recording.recorder_id == recorder_id)
        .values(recorder_id=None, lease_expires_at=None)
    )


# --- what the recorder reports ------------------------------------------------------------------


def started(db: Session, *, recording_id: uuid.UUID, at: dt.datetime) -> Recording:
    """The recorder's first sample was at `at`: the recording's clock starts there the first
    time; a recorder taking over later resumes it, and the gap is logged."""
    recording = _locked(db, recording_id)
    if recording.started_at is None:
        recording.status = RecordingStatus.recording
        recording.started_at = at
        _append(
            db,
            recording,
            "recording.started",
            {"started_at": at.isoformat(), "provider": recording.provider.value},
        )
        return recording
    covered = last_covered(db, recording=recording)
    recording.status = (
        RecordingStatus.recording
        if recording.status is RecordingStatus.starting
        else recording.status
    )
    _append(
        db,
        recording,
        "recording.resumed",
        {
            "resumed_at": at.isoformat(),
            "gap_from": covered.isoformat(),
            "gap_ms": max(0, round((at - covered).total_seconds() * 1000)),
        },
    )
    return recording


def last_covered(db: Session, *, recording: Recording) -> dt.datetime:
    """Where the stored segments end (the recording's start when there are none)."""
    assert recording.started_at is not None
    ends = db.execute(
        sa.select(RecordingSegment.started_at, RecordingSegment.duration_ms).where(
            RecordingSegment.recording_id == recording.id
        )
    ).all()
    return max(
        (at + dt.timedelta(milliseconds=ms) for at, ms in ends), default=recording.started_at
    )


def segment_stored(
    db: Session,
    *,
    recording_id: uuid.UUID,
    recorder_id: str,
    started_at: dt.datetime,
    duration_ms: int,
    storage_key: str,
    size_bytes: int,
) -> int:
    """A piece of the recording is in storage; its index. A recorder that lost its lease
    still stores what it recorded: the assembly trims overlaps."""
    _locked(db, recording_id)
    index = db.scalar(
        sa.select(sa.func.coalesce(sa.func.max(RecordingSegment.idx) + 1, 0)).where(
            RecordingSegment.recording_id == recording_id
        )
    )
    db.add(
        RecordingSegment(
            recording_id=recording_id,
            idx=int(index or 0),
            started_at=started_at,
            duration_ms=duration_ms,
            storage_key=storage_key,
            size_bytes=size_bytes,
            recorder_id=recorder_id,
        )
    )
    db.flush()
    return int(index or 0)


def segments(db: Session, *, recording_id: uuid.UUID) -> Sequence[RecordingSegment]:
    return db.scalars(
        sa.select(RecordingSegment)
        .where(RecordingSegment.recording_id == recording_id)
        .order_by(RecordingSegment.started_at, RecordingSegment.idx)
    ).all()


def uploading(db: Session, *, recording_id: uuid.UUID) -> Recording:
    """The class is over: the recorder puts the file together and stores it."""
    recording = _locked(db, recording_id)
    if recording.status is not RecordingStatus.uploading:
        recording.status = RecordingStatus.uploading
        _append(db, recording, "recording.uploading", {})
    return recording


@dataclasses.dataclass(frozen=True)
class StoredFile:
    """A recording's one file, assembled and in storage (`recording.finalize`)."""

    storage_key: str
    mime: str
    duration_ms: int
    size_bytes: int
    ended_at: dt.datetime


def stored(db: Session, *, recording_id: uuid.UUID, file: StoredFile) -> Recording:
    recording = _locked(db, recording_id)
    recording.status = RecordingStatus.ready
    recording.storage_key = file.storage_key
    recording.mime = file.mime
    recording.duration_ms = file.duration_ms
    recording.size_bytes = file.size_bytes
    recording.ended_at = max(file.ended_at, recording.started_at or file.ended_at)
    recording.recorder_id = None
    recording.lease_expires_at = None
    _append(
        db, recording, "recording.stopped", {"duration_ms": file.duration_ms, "status": "ready"}
    )
    return recording


def failed(db: Session, *, recording_id: uuid.UUID, reason: str) -> Recording:
    recording = _locked(db, recording_id)
    recording.status = RecordingStatus.failed
    recording.error = reason
    recording.recorder_id = None
    recording.lease_expires_at = None
    _append(db, recording, "recording.stopped", {"status": "failed", "error": reason})
    return recording


def egress_ended(db: Session, *, egress: EgressSummary) -> Recording | None:
    """LiveKit reports the end of an egress: the recording is stored, or it failed."""
    recording = db.scalars(
        sa.select(Recording).where(Recording.external_id == egress.egress_id).with_for_update()
    ).one_or_none()
    if recording is None or recording.status in (
        RecordingStatus.ready,
        RecordingStatus.failed,
        RecordingStatus.deleted,
    ):
        return recording
    if egress.status != "complete" or not egress.files:
        return failed(
            db,
            recording_id=recording.id,
            reason=f"LiveKit Egress ended {egress.status}: {egress.error or 'no file written'}",
        )
    written = egress.files[0]
    if egress.started_at is not None:
        recording.started_at = egress.started_at
    file = StoredFile(
        storage_key=recording.storage_key or written.filename,
        mime="audio/ogg",
        duration_ms=written.duration_ms,
        size_bytes=written.size_bytes,
        ended_at=egress.ended_at or dt.datetime.now(dt.UTC),
    )
    return stored(db, recording_id=recording.id, file=file)


def record_deleted(db: Session, *, recording: Recording, by: uuid.UUID) -> None:
    """Log that staff deleted the recording (`recording.deletion` removes the files)."""
    _append(db, recording, "recording.deleted", {"by": str(by)})


# --- what the watch reports ---------------------------------------------------------------------

NO_RECORDER = "no_recorder"
RECORDER_LOST = "recorder_lost"
REASONS = {
    NO_RECORDER: (
        "No recorder was free to record this class. It goes on, unrecorded until a recorder"
        " frees up; an operator can start another `multistream recorder` (see the runbook:"
        " a recorder that cannot record)."
    ),
    RECORDER_LOST: (
        "The recorder stopped answering and no other recorder took over: the class is not"
        " being recorded from that moment. An operator can start another `multistream"
        " recorder` (see the runbook: a recorder that cannot record)."
    ),
}
"""Why a class is not being recorded, by code: told to staff (`recording.failed`, the
state snapshot)."""


def unrecorded(db: Session, *, claim_timeout_seconds: float) -> list[tuple[Recording, str]]:
    """Participant recordings of live classes nobody has recorded for longer than the claim
    timeout (never claimed, or their recorder's lease ran out) and not yet reported, locked;
    with why: `no_recorder` or `recorder_lost`."""
    cutoff = utcnow() - dt.timedelta(seconds=claim_timeout_seconds)
    rows = db.scalars(
        sa.select(Recording)
        .join(LiveSession, LiveSession.id == Recording.session_id)
        .where(
            LiveSession.status == SessionStatus.live,
            Recording.provider == RecordingProvider.participant,
            Recording.status.in_([RecordingStatus.starting, RecordingStatus.recording]),
            Recording.alerted_at.is_(None),
            sa.or_(
                sa.and_(Recording.lease_expires_at.is_(None), Recording.created_at < cutoff),
                Recording.lease_expires_at < cutoff,
            ),
        )
        .with_for_update(skip_locked=True, of=Recording)
    ).all()
    return [
        (row, NO_RECORDER if row.started_at is None and row.recorder_id is None else RECORDER_LOST)
        for row in rows
    ]


def alert(db: Session, *, recording: Recording, code: str, reason: str) -> None:
    """Say, once per stretch without a recorder, that the class is not being recorded."""
    recording.alerted_at = utcnow()
    _append(
        db,
        recording,
        "recording.failed",
        {"code": code, "reason": reason},
        audience=EventAudience.staff,
    )


def never_recorded(db: Session, *, claim_timeout_seconds: float) -> Sequence[Recording]:
    """Participant recordings still `starting` whose class ended longer than the claim
    timeout ago: no recorder ever came."""
    cutoff = utcnow() - dt.timedelta(seconds=claim_timeout_seconds)
    return db.scalars(
        sa.select(Recording)
        .join(LiveSession, LiveSession.id == Recording.session_id)
        .where(
            LiveSession.status == SessionStatus.ended,
            LiveSession.ended_at < cutoff,
            Recording.provider == RecordingProvider.participant,
            Recording.status == RecordingStatus.starting,
            sa.or_(Recording.lease_expires_at.is_(None), Recording.lease_expires_at < utcnow()),
        )
        .with_for_update(skip_locked=True, of=Recording)
    ).all()


# --- reads --------------------------------------------------------------------------------------


def latest(db: Session, *, session_id: uuid.UUID) -> Recording | None:
    return db.scalars(
        sa.select(Recording)
        .where(Recording.session_id == session_id)
        .order_by(Recording.created_at.desc(), Recording.id.desc())
        .limit(1)
    ).one_or_none()


def for_state(db: Session, *, session: LiveSession, viewer: Viewer) -> RecordingSnapshot | None:
    """The class's latest recording, for the state snapshot; staff are told why it is not
    recording while a recorder is missing."""
    recording = latest(db, session_id=session.id)
    if recording is None:
        return None
    reason = None
    if viewer.staff and recording.alerted_at is not None:
        reason = REASONS[NO_RECORDER if recording.started_at is None else RECORDER_LOST]
    return RecordingSnapshot.of(recording, reason=reason)


def _locked(db: Session, recording_id: uuid.UUID) -> Recording:
    recording = db.get(Recording, recording_id, with_for_update=True, populate_existing=True)
    if recording is None:
        raise LookupError(f"no recording {recording_id}")
    return recording


def _append(
    db: Session,
    recording: Recording,
    type_: str,
    payload: dict[str, object],
    *,
    audience: EventAudience = EventAudience.all,
) -> None:
    eventlog.record(
        db,
        session_id=recording.session_id,
        events=[NewEvent(type_, {"recording_id": str(recording.id), **payload}, audience)],
        actor_id=None,
    )
