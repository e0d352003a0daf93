"""The recordings table: one row per recording of a session, by LiveKit egress or a participant."""

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
    recording = "recording"
    stopped = "stopped"
    ready = "ready"
    failed = "failed"


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
