"""The event envelope clients receive, and pages of the log."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict

from multistream.eventlog.models import EventAudience


class EventEnvelope(BaseModel):
    """One entry of a session's event log, as the WebSocket and `/events` deliver it."""

    model_config = ConfigDict(from_attributes=True)

    session_id: uuid.UUID
    seq: int
    type: str
    occurred_at: dt.datetime
    actor_id: uuid.UUID | None
    audience: EventAudience
    payload: dict[str, Any]


class EventPayload(BaseModel):
    """Base of the payload models of logged events (`eventlog.catalog`): a field the model
    does not name is refused, so an emitter cannot drift from its documented payload."""

    model_config = ConfigDict(extra="forbid")


class FilteredEvent(BaseModel):
    """An event the caller may not see: its place in the sequence, nothing else."""

    seq: int
    type: Literal["gap.filtered"] = "gap.filtered"


class EventPage(BaseModel):
    items: list[EventEnvelope | FilteredEvent]
    head: int
    """The session's latest seq when the page was read."""
    next_after: int | None
    """Pass as `after` to read on; null when the page reached the head."""
