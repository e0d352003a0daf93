"""The program recorder: joins a class's LiveKit room as the hidden recorder and records
what students saw — the program — as MP4 segments.

    recorder = ProgramRecorder(encoder=EncoderSettings(width=1280, height=720, fps=15),
                               segment_seconds=10, workdir=..., load_slide=...,
                               on_started=..., on_segment=...)
    recorder.set_scene(at, "slides_camera")     # any thread, each change at its moment
    result = await recorder.run(url, token, stop)

`run` connects with the recorder's token (`participant.recorder_token`: hidden,
subscribe-only), subscribes to every track, and records until `stop` is set or the room
goes away. Media time 0 is the moment after connecting; `on_started` gets that wall-clock
time (on a worker thread), and media time is wall time since then.

Threads, and what may wait on what:

- the asyncio loop (`room_feed.RoomFeed`) only timestamps frames and pushes them into the
  `MediaInbox` (one short lock); it never waits on composition, encoding or storage;
- the program loop thread (`program_loop.ProgramLoop`) composes and encodes, a fixed
  `delay_seconds` behind real time, into `segments.SegmentWriter`;
- the delivery thread (`segments.SegmentDelivery`) calls `on_segment` for each finished
  segment, in order; a slow upload only queues segments;
- `load_slide` runs on the program timeline's loader thread.

When `run` returns, everything recorded is in segments already handed to `on_segment`
(the last one ends at `CaptureResult.duration_ms`). If LiveKit disconnects for good, `run`
ends the recording there (`end_reason` "disconnected"); a new `run` (a new stint) makes
new segments from a new start, and `assemble` joins the stints with the gap between them.

`program_engine(settings, callbacks)` is the `recording.engine.CaptureEngine` the recorder
process (`recording.runner`) uses.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import datetime as dt
import time
from collections.abc import Callable, Sequence
from pathlib import Path

import structlog
from livekit import rtc

from multistream.recording.engine import EngineCallbacks, SegmentFile, StagePerson
from multistream.recording.program import ProgramComposer
from multistream.recording.program_loop import LoopStats, ProgramLoop
from multistream.recording.program_timeline import ProgramTimeline, SlideLoader
from multistream.recording.room_feed import RoomFeed
from multistream.recording.segments import (
    EncoderSettings,
    SegmentDelivery,
    SegmentInfo,
    SegmentWriter,
)
from multistream.recording.sources import InboxStats, MediaInbox
from multistream.settings import Settings

log = structlog.get_logger(__name__)


@dataclasses.dataclass(frozen=True)
class CaptureResult:
    started_at: dt.datetime
    """Wall-clock time of media time 0."""
    duration_ms: int
    segments: list[SegmentInfo]
    end_reason: str
    """"stopped" (`stop` was set), "disconnected" (the room went away) or "failed"."""
    error: str | None
    inbox: InboxStats
    program: LoopStats
    late_changes: int
    """Program changes learned after their moment was drawn."""
    loop_lag_max_ms: float
    """Longest the asyncio loop was late (a frame waited this long to be received)."""


class ProgramRecorder:
    """Records one class's program; see the module's docstring."""

    def __init__(
        self,
        *,
        workdir: Path,
        encoder: EncoderSettings = EncoderSettings(),  # noqa: B008 - frozen, shared safely
        segment_seconds: float = 10.0,
        delay_seconds: float = 2.0,
        load_slide: SlideLoader | None = None,
        on_started: Callable[[dt.datetime], None] | None = None,
        on_segment: Callable[[SegmentInfo], None] | None = None,
        on_problem: Callable[[str], None] | None = None,
    ) -> None:
        self.settings = encoder
        self.workdir = workdir
        self.segment_seconds = segment_seconds
        self.delay = delay_seconds
        self.started_at: dt.datetime | None = None
        """Wall-clock time of media time 0, once `run` has joined the room."""
        self._on_started = on_started
        self._on_segment = on_segment or (lambda _: None)
        self._on_problem = on_problem or (lambda problem: log.warning(problem))
        self.timeline = ProgramTimeline(
            load_slide=load_slide,
            slide_width=encoder.width,
            slide_height=encoder.height,
            on_problem=self._on_problem,
        )

    def set_scene(self, at: dt.datetime, layout: str | None) -> None:
        self.timeline.set_scene(at, layout)

    def set_slide(self, at: dt.datetime, asset_id: str | None, page_no: int | None) -> None:
        self.timeline.set_slide(at, asset_id, page_no)

    def set_stage(self, at: dt.datetime, people: Sequence[StagePerson]) -> None:
        self.timeline.set_stage(at, people)

    async def run(self, url: str, token: str, stop: asyncio.Event) -> CaptureResult:
        """Record until `stop` is set or the room goes away; raises if it cannot join."""
        room = rtc.Room()
        feed = RoomFeed(
            room, sample_rate=self.settings.sample_rate, high_quality=self.settings.height > 360
        )
        gone = asyncio.Event()
        finished = asyncio.Event()
        room.on("disconnected", lambda *_: gone.set())
        await room.connect(url, token, rtc.RoomOptions(auto_subscribe=True))
        started, wall_start = time.monotonic(), dt.datetime.now(dt.UTC)
        self.started_at = wall_start
        loop = asyncio.get_running_loop()
        delivery = SegmentDelivery(self._on_segment, self._on_problem)
        writer = SegmentWriter(
            self.settings,
            segment_seconds=self.segment_seconds,
            workdir=self.workdir,
            on_segment=delivery.submit,
            prefix=f"program-{wall_start:%Y%m%dT%H%M%S%f}-",
        )
        inbox = MediaInbox(
            started=started, sample_rate=self.settings.sample_rate, fps=self.settings.fps
        )
        program = ProgramLoop(
            inbox=inbox,
            timeline=self.timeline,
            composer=ProgramComposer(self.settings.width, self.settings.height),
            writer=writer,
            roles=feed.roles,
            wall_start=wall_start,
            delay=self.delay,
            on_problem=self._on_problem,
            on_finished=lambda: _call_soon(loop, finished.set),
        )
        feed.inbox = inbox
        program.start()
        watch = asyncio.create_task(feed.watch_loop())
        end_reason, error = "stopped", None
        try:
            if self._on_started is not None:
                await asyncio.to_thread(self._on_started, wall_start)
            waits = [asyncio.create_task(e.wait()) for e in (stop, gone, finished)]
            await asyncio.wait(waits, return_when=asyncio.FIRST_COMPLETED)
            for task in waits:
                task.cancel()
            if finished.is_set():
                end_reason = "failed"
            elif gone.is_set() and not stop.is_set():
                end_reason = "disconnected"
        finally:
            # Draw up to now: the loop waits out its delay for the last frames.
            program.finish(time.monotonic() - started)
            await finished.wait()
            watch.cancel()
            await feed.close()
            await room.disconnect()
            await asyncio.to_thread(delivery.close)
            self.timeline.close()
        if program.error is not None:
            end_reason, error = "failed", repr(program.error)
        return CaptureResult(
            started_at=wall_start,
            duration_ms=program.duration_ms,
            segments=list(writer.finished),
            end_reason=end_reason,
            error=error,
            inbox=inbox.stats,
            program=program.stats,
            late_changes=self.timeline.late_changes,
            loop_lag_max_ms=round(feed.loop_lag_max * 1000, 1),
        )


def _call_soon(loop: asyncio.AbstractEventLoop, callback: Callable[[], None]) -> None:
    with contextlib.suppress(RuntimeError):  # the loop is closed: nobody waits any more
        loop.call_soon_threadsafe(callback)


class ProgramEngine:
    """`recording.engine.CaptureEngine` over `ProgramRecorder`, as the runner uses it."""

    def __init__(self, settings: Settings, callbacks: EngineCallbacks) -> None:
        self.result: CaptureResult | None = None
        self._callbacks = callbacks
        self.recorder = ProgramRecorder(
            workdir=callbacks.workdir,
            encoder=EncoderSettings(
                width=settings.recording_width,
                height=settings.recording_height,
                fps=settings.recording_fps,
            ),
            segment_seconds=settings.recording_segment_seconds,
            load_slide=callbacks.load_slide,
            on_started=callbacks.on_started,
            on_segment=self._segment,
        )

    def set_scene(self, at: dt.datetime, layout: str | None) -> None:
        self.recorder.set_scene(at, layout)

    def set_slide(self, at: dt.datetime, asset_id: str | None, page_no: int | None) -> None:
        self.recorder.set_slide(at, asset_id, page_no)

    def set_stage(self, at: dt.datetime, people: list[StagePerson]) -> None:
        self.recorder.set_stage(at, people)

    async def run(self, url: str, token: str, stop: asyncio.Event) -> None:
        self.result = await self.recorder.run(url, token, stop)
        log.info(
            "program recorded",
            duration_ms=self.result.duration_ms,
            segments=len(self.result.segments),
            end_reason=self.result.end_reason,
            loop_lag_max_ms=self.result.loop_lag_max_ms,
            max_behind_seconds=round(self.result.program.max_behind_seconds, 2),
            frames_too_late=self.result.inbox.video_frames_too_late,
            samples_too_late=self.result.inbox.audio_samples_too_late,
        )
        if self.result.error is not None:
            raise RuntimeError(f"the program recorder failed: {self.result.error}")
        if self.result.end_reason == "disconnected" and not stop.is_set():
            # What was recorded is handed over; the runner starts a new stint if the class
            # is still live (the gap between them is filled when the recording is joined).
            raise RuntimeError("the recorder lost its LiveKit connection")

    def _segment(self, segment: SegmentInfo) -> None:
        started_at = self.recorder.started_at
        assert started_at is not None  # set before any segment exists
        self._callbacks.on_segment(
            SegmentFile(
                path=segment.path,
                started_at=started_at + dt.timedelta(milliseconds=segment.start_ms),
                duration_ms=segment.duration_ms,
                extension="mp4",
                content_type="video/mp4",
            )
        )


def program_engine(settings: Settings, callbacks: EngineCallbacks) -> ProgramEngine:
    """The program recorder for `recording_video` (an `EngineFactory`)."""
    return ProgramEngine(settings, callbacks)
