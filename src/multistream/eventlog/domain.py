"""Pure rules of the event log: new events, and who may see which."""

from __future__ import annotations

import dataclasses
import uuid
from typing import Any

from pydantic import BaseModel

from multistream.eventlog.models import EventAudience


@dataclasses.dataclass(frozen=True)
class NewEvent:
    """An event decided by domain code, not yet in the log."""

    type: str
    payload: dict[str, Any] = dataclasses.field(default_factory=dict)
    audience: EventAudience = EventAudience.all

    @classmethod
    def of(
        cls, type_: str, payload: BaseModel, audience: EventAudience = EventAudience.all
    ) -> NewEvent:
        """An event whose payload is a model (an `EventPayload`), stored as its JSON."""
        return cls(type_, payload.model_dump(mode="json"), audience)


@dataclasses.dataclass(frozen=True)
class Viewer:
    """Who is reading the log: their user id and whether they are staff (host/moderator)."""

    user_id: uuid.UUID
    staff: bool


def visible_to(audience: EventAudience, actor_id: uuid.UUID | None, viewer: Viewer) -> bool:
    if audience is EventAudience.all:
        return True
    if audience is EventAudience.staff:
        return viewer.staff
    if audience is EventAudience.actor:
        return actor_id == viewer.user_id
    return False  # audience none: kept in the log, never delivered
