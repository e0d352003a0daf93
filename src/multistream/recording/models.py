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

from multistream.db.base import Base, created_at_column, str_enum, uuid_pk


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
        sa.CheckConstraint(
            sa.column("provider", sa.Text).in_(list(RecordingProvider)), name="provider"
        ),
        sa.CheckConstraint(sa.column("status", sa.Text).in_(list(RecordingStatus)), name="status"),
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

    id: Mapped[uuid.UUID] = uuid_pk()
    session_id: Mapped[uuid.UUID] = mapped_column(
        sa.ForeignKey("sessions.id", ondelete="CASCADE"), index=True
    )
    provider: Mapped[RecordingProvider] = mapped_column(str_enum(RecordingProvider))
    external_id: Mapped[str | None] = mapped_column(sa.Text)
    """The LiveKit egress id (or the participant upload's id); null until known."""
    status: Mapped[RecordingStatus] = mapped_column(
        str_enum(RecordingStatus),
        server_default=RecordingStatus.starting.value,
        default=RecordingStatus.starting,
    )
    storage_key: Mapped[str | None] = mapped_column(sa.Text)
    mime: Mapped[str | None] = mapped_column(sa.Text)
    started_at: Mapped[dt.datetime | None]
    ended_at: Mapped[dt.datetime | None]
    duration_ms: Mapped[int | None] = mapped_column(sa.BigInteger)
    size_bytes: Mapped[int | None] = mapped_column(sa.BigInteger)
    error: Mapped[str | None] = mapped_column(sa.Text)
    created_at: Mapped[dt.datetime] = created_at_column()
    recorder_id: Mapped[str | None] = mapped_column(sa.Text)
    """The participant recorder holding it (`host:pid:token`); null when none does."""
    lease_expires_at: Mapped[dt.datetime | None]
    """The holder renews it; past it, any recorder may take the recording over."""
    alerted_at: Mapped[dt.datetime | None]
    """When `recording.failed` said it had no recorder; cleared when one claims it."""
    deleted_at: Mapped[dt.datetime | None]
    deleted_by: Mapped[uuid.UUID | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )


class RecordingSegment(Base):
    """A piece of a participant recording, stored as soon as it was recorded: a
    self-contained file starting at `started_at` (wall clock of its first frame)."""

    __tablename__ = "recording_segments"
    __table_args__ = (
        sa.CheckConstraint("idx >= 0", name="idx_nonnegative"),
        sa.CheckConstraint("duration_ms > 0", name="duration_ms_positive"),
        sa.CheckConstraint("size_bytes >= 0", name="size_bytes_nonnegative"),
    )

    recording_id: Mapped[uuid.UUID] = mapped_column(
        sa.ForeignKey("recordings.id", ondelete="CASCADE"), primary_key=True
    )
    idx: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    started_at: Mapped[dt.datetime]
    duration_ms: Mapped[int] = mapped_column(sa.BigInteger)
    storage_key: Mapped[str] = mapped_column(sa.Text)
    size_bytes: Mapped[int] = mapped_column(sa.BigInteger)
    recorder_id: Mapped[str] = mapped_column(sa.Text)
    created_at: Mapped[dt.datetime] = created_at_column()
