"""The artifact engine's routes (`/internal/artifacts`): runs and their steps."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from pydantic import BaseModel, ConfigDict

from multistream.pipeline.models import (
    PipelineRunStatus,
    PipelineStepName,
    PipelineStepStatus,
    PipelineTrigger,
)


class RunCreate(BaseModel):
    session_id: uuid.UUID


class StepRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    name: PipelineStepName
    status: PipelineStepStatus
    attempts: int
    """Times the step started (retries and redeliveries after a lost worker included)."""
    error: str | None
    output: dict[str, Any] | None
    started_at: dt.datetime | None
    finished_at: dt.datetime | None


class RunRead(BaseModel):
    id: uuid.UUID
    session_id: uuid.UUID
    recording_id: uuid.UUID | None
    status: PipelineRunStatus
    trigger: PipelineTrigger
    attempt: int
    error: str | None
    """Why the run failed: the failing step and a sentence a host can act on."""
    created_at: dt.datetime
    started_at: dt.datetime | None
    finished_at: dt.datetime | None
    steps: list[StepRead]
    """extract, transcribe, align, derive — in the order they run."""


class RunList(BaseModel):
    items: list[RunRead]
