"""The boundary between the recorder process (`recording.runner`: leases, storage, the log)
and a capture engine (what joins the room and makes the media): `CaptureEngine`.

Engines: `recording.participant.AudioEngine` (the room's audio as WAV) and the program
engine of `recording.capture` (the program as MP4 video), chosen by `recording_video`.
"""

from __future__ import annotations

import asyncio
import dataclasses
import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Protocol

from multistream.settings import Settings


@dataclasses.dataclass(frozen=True)
class SegmentFile:
    """A finished piece of a recording, on local disk until it is stored."""

    path: Path
    started_at: dt.datetime
    """Wall-clock time of its first frame."""
    duration_ms: int
    extension: str
    content_type: str


@dataclasses.dataclass(frozen=True)
class StagePerson:
    identity: str
    """The LiveKit identity (the user's id)."""
    name: str


class CaptureEngine(Protocol):
    """Records one room until `stop` is set; what the class shows comes in through the
    setters (each change at the wall-clock moment it happened), segments go out through
    the `on_segment` callback the engine was made with."""

    def set_scene(self, at: dt.datetime, layout: str | None) -> None: ...
    def set_slide(self, at: dt.datetime, asset_id: str | None, page_no: int | None) -> None: ...
    def set_stage(self, at: dt.datetime, people: list[StagePerson]) -> None: ...
    async def run(self, url: str, token: str, stop: asyncio.Event) -> None: ...


@dataclasses.dataclass(frozen=True)
class EngineCallbacks:
    on_started: Callable[[dt.datetime], None]
    on_segment: Callable[[SegmentFile], None]
    load_slide: Callable[[str, int], bytes | None]
    workdir: Path


EngineFactory = Callable[[Settings, EngineCallbacks], CaptureEngine]
