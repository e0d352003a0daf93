"""The recordings of a session, by LiveKit egress or by a participant recorder, and the
segments a participant recorder uploads while it records.

A participant recorder holds a recording with a lease (`recorder_id`, `lease_expires_at`)
that it renews; when the lease runs out (the recorder crashed or stalled), another recorder
claims it and records on, and the gap between the last segment and the new one is logged.
The segments sit on the recording's clock (from `started_at`), with gaps where nobody
recorded; when the class is over they are assembled into the one file `storage_key` names.
"""

from __future__ import annotations

import datetime as dt
import enum
import uuid

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from multistream.db.base import Base
from multistream.db.columns import (
    BigInt,
    BigIntOrNull,
    CreatedAt,
    Id,
    Ordinal,
    SessionRef,
    Text,
    TextOrNull,
    UserRefOrNull,
    one_of,
    parent_key,
    state,
)


class RecordingProvider(enum.StrEnum):
    egress = "egress"
    participant = "participant"


class RecordingStatus(enum.StrEnum):
    starting = "starting"
    """Waiting for a recorder (or for Egress to start)."""
    recording = "recording"
    stopped = "stopped"
    uploading = "uploading"
    """The class is over; the recorder is putting the file together and storing it."""
    ready = "ready"
    failed = "failed"
    deleted = "deleted"
    """Staff deleted it: its files are gone, the row and the log keep the fact."""


ACTIVE_RECORDING = frozenset(
    {RecordingStatus.starting, RecordingStatus.recording, RecordingStatus.uploading}
)
"""A participant recorder holds (or should hold) a recording in these statuses."""


class Recording(Base):
    __tablename__ = "recordings"
    __table_args__ = (
        one_of("provider", RecordingProvider),
        one_of("status", RecordingStatus),
        sa.CheckConstraint("ended_at >= started_at", name="ended_after_started"),
        sa.CheckConstraint("duration_ms >= 0", name="duration_ms_nonnegative"),
        sa.CheckConstraint("size_bytes >= 0", name="size_bytes_nonnegative"),
        sa.CheckConstraint("status <> 'failed' OR error IS NOT NULL", name="failed_has_error"),
        sa.CheckConstraint(
            "status <> 'ready' OR storage_key IS NOT NULL", name="ready_has_storage_key"
        ),
        sa.UniqueConstraint("external_id"),
        sa.CheckConstraint(
            "(recorder_id IS NULL) = (lease_expires_at IS NULL)", name="lease_with_recorder"
        ),
        sa.Index(
            "ix_recordings_active",
            "lease_expires_at",
            postgresql_where=sa.text("status IN ('starting', 'recording', 'uploading')"),
        ),
    )

    id: Mapped[Id]
    session_id: Mapped[SessionRef] = mapped_column(index=True)
    provider: Mapped[RecordingProvider] = state(RecordingProvider)
    external_id: Mapped[TextOrNull]
    """The LiveKit egress id (or the participant upload's id); null until known."""
    status: Mapped[RecordingStatus] = state(RecordingStatus, RecordingStatus.starting)
    storage_key: Mapped[TextOrNull]
    mime: Mapped[TextOrNull]
    started_at: Mapped[dt.datetime | None]
    ended_at: Mapped[dt.datetime | None]
    duration_ms: Mapped[BigIntOrNull]
    size_bytes: Mapped[BigIntOrNull]
    error: Mapped[TextOrNull]
    created_at: Mapped[CreatedAt]
    recorder_id: Mapped[TextOrNull]
    """The participant recorder holding it (`host:pid:token`); null when none does."""
    lease_expires_at: Mapped[dt.datetime | None]
    """The holder renews it; past it, any recorder may take the recording over."""
    alerted_at: Mapped[dt.datetime | None]
    """When `recording.failed` said it had no recorder; cleared when one claims it."""
    deleted_at: Mapped[dt.datetime | None]
    deleted_by: Mapped[UserRefOrNull]


class RecordingSegment(Base):
    """A piece of a participant recording, stored as soon as it was recorded: a
    self-contained file starting at `started_at` (wall clock of its first frame)."""

    __tablename__ = "recording_segments"
    __table_args__ = (
        sa.CheckConstraint("idx >= 0", name="idx_nonnegative"),
        sa.CheckConstraint("duration_ms > 0", name="duration_ms_positive"),
        sa.CheckConstraint("size_bytes >= 0", name="size_bytes_nonnegative"),
    )

    recording_id: Mapped[uuid.UUID] = parent_key("recordings")
    idx: Mapped[Ordinal]
    started_at: Mapped[dt.datetime]
    duration_ms: Mapped[BigInt]
    storage_key: Mapped[Text]
    size_bytes: Mapped[BigInt]
    recorder_id: Mapped[Text]
    created_at: Mapped[CreatedAt]
