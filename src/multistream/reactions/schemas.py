"""Request and response bodies of reactions, and the payload of `reactions.burst`."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel

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
