"""Tables of the artifact pipeline: runs per session and the steps of each run.

At most one run per session is unfinished (`queued` or `running`), under a partial unique
index, so queueing a run twice cannot start two pipelines on one recording.
"""

from __future__ import annotations

import datetime as dt
import enum
import uuid
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from multistream.db.base import Base, created_at_column, str_enum, uuid_pk


class PipelineRunStatus(enum.StrEnum):
    queued = "queued"
    running = "running"
    succeeded = "succeeded"
    failed = "failed"
    canceled = "canceled"


class PipelineTrigger(enum.StrEnum):
    """What queued a run: the session ending, a host's retry, or an operator."""

    session_ended = "session_ended"
    retry = "retry"
    manual = "manual"


class PipelineStepName(enum.StrEnum):
    extract = "extract"
    transcribe = "transcribe"
    align = "align"
    derive = "derive"


class PipelineStepStatus(enum.StrEnum):
    pending = "pending"
    running = "running"
    succeeded = "succeeded"
    failed = "failed"
    skipped = "skipped"


class PipelineRun(Base):
    __tablename__ = "pipeline_runs"
    __table_args__ = (
        sa.CheckConstraint(
            sa.column("status", sa.Text).in_(list(PipelineRunStatus)), name="status"
        ),
        sa.CheckConstraint(
            sa.column("trigger", sa.Text).in_(list(PipelineTrigger)), name="trigger"
        ),
        sa.CheckConstraint("attempt >= 1", name="attempt_positive"),
        sa.CheckConstraint(
            "status IN ('queued', 'running') OR finished_at IS NOT NULL",
            name="finished_has_finished_at",
        ),
        sa.CheckConstraint("finished_at >= started_at", name="finished_after_started"),
        sa.Index(
            "uq_pipeline_runs_one_active",
            "session_id",
            unique=True,
            postgresql_where=sa.text("status IN ('queued', 'running')"),
        ),
        sa.Index("ix_pipeline_runs_session_id_created_at", "session_id", "created_at"),
    )

    id: Mapped[uuid.UUID] = uuid_pk()
    session_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("sessions.id", ondelete="CASCADE"))
    recording_id: Mapped[uuid.UUID | None] = mapped_column(
        sa.ForeignKey("recordings.id", ondelete="SET NULL")
    )
    status: Mapped[PipelineRunStatus] = mapped_column(
        str_enum(PipelineRunStatus),
        server_default=PipelineRunStatus.queued.value,
        default=PipelineRunStatus.queued,
    )
    trigger: Mapped[PipelineTrigger] = mapped_column(str_enum(PipelineTrigger))
    attempt: Mapped[int] = mapped_column(server_default=sa.text("1"), default=1)
    error: Mapped[str | None] = mapped_column(sa.Text)
    created_at: Mapped[dt.datetime] = created_at_column()
    started_at: Mapped[dt.datetime | None]
    finished_at: Mapped[dt.datetime | None]


class PipelineStep(Base):
    __tablename__ = "pipeline_steps"
    __table_args__ = (
        sa.CheckConstraint(sa.column("name", sa.Text).in_(list(PipelineStepName)), name="name"),
        sa.CheckConstraint(
            sa.column("status", sa.Text).in_(list(PipelineStepStatus)), name="status"
        ),
        sa.CheckConstraint("attempts >= 0", name="attempts_nonnegative"),
        sa.CheckConstraint("finished_at >= started_at", name="finished_after_started"),
    )

    run_id: Mapped[uuid.UUID] = mapped_column(
        sa.ForeignKey("pipeline_runs.id", ondelete="CASCADE"), primary_key=True
    )
    name: Mapped[PipelineStepName] = mapped_column(str_enum(PipelineStepName), primary_key=True)
    status: Mapped[PipelineStepStatus] = mapped_column(
        str_enum(PipelineStepStatus),
        server_default=PipelineStepStatus.pending.value,
        default=PipelineStepStatus.pending,
    )
    attempts: Mapped[int] = mapped_column(server_default=sa.text("0"), default=0)
    output: Mapped[dict[str, Any] | None] = mapped_column(JSONB)
    error: Mapped[str | None] = mapped_column(sa.Text)
    started_at: Mapped[dt.datetime | None]
    finished_at: Mapped[dt.datetime | None]
