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

from multistream.db.base import Base, str_enum
from multistream.db.columns import (
    Count,
    CreatedAt,
    Id,
    SessionRef,
    TextOrNull,
    one_of,
    parent_key,
    ref_or_null,
    state,
)


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
        one_of("status", PipelineRunStatus),
        one_of("trigger", PipelineTrigger),
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

    id: Mapped[Id]
    session_id: Mapped[SessionRef]
    recording_id: Mapped[uuid.UUID | None] = ref_or_null("recordings")
    status: Mapped[PipelineRunStatus] = state(PipelineRunStatus, PipelineRunStatus.queued)
    trigger: Mapped[PipelineTrigger] = state(PipelineTrigger)
    attempt: Mapped[int] = mapped_column(server_default=sa.text("1"), default=1)
    error: Mapped[TextOrNull]
    created_at: Mapped[CreatedAt]
    started_at: Mapped[dt.datetime | None]
    finished_at: Mapped[dt.datetime | None]


class PipelineStep(Base):
    __tablename__ = "pipeline_steps"
    __table_args__ = (
        one_of("name", PipelineStepName),
        one_of("status", PipelineStepStatus),
        sa.CheckConstraint("attempts >= 0", name="attempts_nonnegative"),
        sa.CheckConstraint("finished_at >= started_at", name="finished_after_started"),
    )

    run_id: Mapped[uuid.UUID] = parent_key("pipeline_runs")
    name: Mapped[PipelineStepName] = mapped_column(str_enum(PipelineStepName), primary_key=True)
    status: Mapped[PipelineStepStatus] = state(PipelineStepStatus, PipelineStepStatus.pending)
    attempts: Mapped[Count]
    output: Mapped[dict[str, Any] | None] = mapped_column(JSONB)
    error: Mapped[TextOrNull]
    started_at: Mapped[dt.datetime | None]
    finished_at: Mapped[dt.datetime | None]
