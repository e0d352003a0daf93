"""Request and response bodies of reactions, and the payload of `reactions.burst`."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel

from multistream.eventlog.catalog import EventType
from multistream.eventlog.schemas import EventPayload

Emoji = Literal["👍", "❤️", "😂", "😮", "👏", "❓", "🎉"]


class ReactionCreate(BaseModel):
    emoji: Emoji


class ReactionAccepted(BaseModel):
    accepted: bool = True


class ReactionsBurst(EventPayload):
    """Payload of `reactions.burst`: the reactions of one second of a class."""

    second: dt.datetime
    counts: dict[str, int]


EVENT_TYPES = (
    EventType(
        "reactions.burst",
        ReactionsBurst,
        "The emoji reactions of one second of the class (the aggregator).",
    ),
)
"""The reactions' event, for the catalogue (`eventlog.catalog`)."""
