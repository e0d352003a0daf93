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

from multistream.db import columns
from multistream.db.base import Base

PipelineRunStatus = enum.StrEnum("PipelineRunStatus", "queued running succeeded failed canceled")

PipelineTrigger = enum.StrEnum("PipelineTrigger", "session_ended retry manual")
PipelineTrigger.__doc__ = "What queued a run: the session ending, a host's retry, or an operator."

PipelineStepName = enum.StrEnum("PipelineStepName", "extract transcribe align derive")

PipelineStepStatus = enum.StrEnum("PipelineStepStatus", "pending running succeeded failed skipped")


class PipelineRun(Base):
    __tablename__ = "pipeline_runs"
    __table_args__ = (
        sa.CheckConstraint(
            "status IN ('queued', 'running') OR finished_at IS NOT NULL",
            name="finished_has_finished_at",
        ),
        sa.CheckConstraint("finished_at >= started_at", name="finished_after_started"),
        columns.unique_where(
            "uq_pipeline_runs_one_active", "session_id", where="status IN ('queued', 'running')"
        ),
        sa.Index("ix_pipeline_runs_session_id_created_at", "session_id", "created_at"),
    )

    id: Mapped[columns.Id]
    session_id: Mapped[columns.SessionRef]
    recording_id: Mapped[uuid.UUID | None] = columns.ref_or_null("recordings")
    status: Mapped[PipelineRunStatus] = columns.state(PipelineRunStatus, PipelineRunStatus.queued)
    trigger: Mapped[PipelineTrigger] = columns.state(PipelineTrigger)
    attempt: Mapped[int] = columns.positive(server_default=sa.text("1"), default=1)
    error: Mapped[columns.TextOrNull]
    created_at: Mapped[columns.CreatedAt]
    started_at: Mapped[dt.datetime | None]
    finished_at: Mapped[dt.datetime | None]


class PipelineStep(Base):
    __tablename__ = "pipeline_steps"
    __table_args__ = (
        sa.CheckConstraint("finished_at >= started_at", name="finished_after_started"),
    )

    run_id: Mapped[uuid.UUID] = columns.parent_key("pipeline_runs")
    name: Mapped[PipelineStepName] = columns.state(PipelineStepName, primary_key=True)
    status: Mapped[PipelineStepStatus] = columns.state(
        PipelineStepStatus, PipelineStepStatus.pending
    )
    attempts: Mapped[columns.Count] = columns.nonnegative()
    output: Mapped[dict[str, Any] | None] = mapped_column(JSONB)
    error: Mapped[columns.TextOrNull]
    started_at: Mapped[dt.datetime | None]
    finished_at: Mapped[dt.datetime | None]
