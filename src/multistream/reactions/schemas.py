"""Request and response bodies of reactions, and the payload of `reactions.burst`."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel

from multistream.eventlog.catalog import Events
from multistream.eventlog.schemas import EventPayload

EVENTS = Events()
"""This area's event types, declared over their payload models below."""

Emoji = Literal["👍", "❤️", "😂", "😮", "👏", "❓", "🎉"]


class ReactionCreate(BaseModel):
    emoji: Emoji


class ReactionAccepted(BaseModel):
    accepted: bool = True


@EVENTS.declare(
    "reactions.burst", "The emoji reactions of one second of the class (the aggregator)."
)
class ReactionsBurst(EventPayload):
    """Payload of `reactions.burst`: the reactions of one second of a class."""

    second: dt.datetime
    counts: dict[str, int]
