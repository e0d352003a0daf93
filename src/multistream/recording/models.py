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

from multistream.db import columns
from multistream.db.base import Base

RecordingProvider = enum.StrEnum("RecordingProvider", "egress participant")

# `starting`: waiting for a recorder (or for Egress to start). `uploading`: the class is
# over; the recorder is putting the file together and storing it. `deleted`: staff deleted
# it: its files are gone, the row and the log keep the fact.
RecordingStatus = enum.StrEnum(
    "RecordingStatus", "starting recording stopped uploading ready failed deleted"
)


ACTIVE_RECORDING = frozenset(
    {RecordingStatus.starting, RecordingStatus.recording, RecordingStatus.uploading}
)
"""A participant recorder holds (or should hold) a recording in these statuses."""


class Recording(Base):
    __tablename__ = "recordings"
    __table_args__ = (
        sa.CheckConstraint("ended_at >= started_at", name="ended_after_started"),
        columns.status_has("failed", "error"),
        columns.status_has("ready", "storage_key"),
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

    id: Mapped[columns.Id]
    session_id: Mapped[columns.SessionRef] = mapped_column(index=True)
    provider: Mapped[RecordingProvider] = columns.state(RecordingProvider)
    external_id: Mapped[columns.TextOrNull]
    """The LiveKit egress id (or the participant upload's id); null until known."""
    status: Mapped[RecordingStatus] = columns.state(RecordingStatus, RecordingStatus.starting)
    storage_key: Mapped[columns.TextOrNull]
    mime: Mapped[columns.TextOrNull]
    started_at: Mapped[dt.datetime | None]
    ended_at: Mapped[dt.datetime | None]
    duration_ms: Mapped[columns.BigIntOrNull] = columns.nonnegative()
    size_bytes: Mapped[columns.BigIntOrNull] = columns.nonnegative()
    error: Mapped[columns.TextOrNull]
    created_at: Mapped[columns.CreatedAt]
    recorder_id: Mapped[columns.TextOrNull]
    """The participant recorder holding it (`host:pid:token`); null when none does."""
    lease_expires_at: Mapped[dt.datetime | None]
    """The holder renews it; past it, any recorder may take the recording over."""
    alerted_at: Mapped[dt.datetime | None]
    """When `recording.failed` said it had no recorder; cleared when one claims it."""
    deleted_at: Mapped[dt.datetime | None]
    deleted_by: Mapped[columns.UserRefOrNull]


class RecordingSegment(Base):
    """A piece of a participant recording, stored as soon as it was recorded: a
    self-contained file starting at `started_at` (wall clock of its first frame)."""

    __tablename__ = "recording_segments"

    recording_id: Mapped[uuid.UUID] = columns.parent_key("recordings")
    idx: Mapped[columns.Ordinal] = columns.nonnegative()
    started_at: Mapped[dt.datetime]
    duration_ms: Mapped[columns.BigInt] = columns.positive()
    storage_key: Mapped[columns.Text]
    size_bytes: Mapped[columns.BigInt] = columns.nonnegative()
    recorder_id: Mapped[columns.Text]
    created_at: Mapped[columns.CreatedAt]
