"""The program loop: composes and encodes the program on a thread of its own, a fixed
delay behind real time.

    LiveKit (asyncio loop) ──push──► MediaInbox ──pictures_at / mix──┐
    event log (service)  ──set_*──► ProgramTimeline ──state_at──────┤
                                                                     ▼
                          loop thread:   ProgramComposer ─► SegmentWriter ─► SegmentDelivery

Output tick n is media time n / fps; it is drawn once the clock has passed that moment
by `delay` seconds, with the latest picture of each source at that media time and the
scene, slide and stage in force then; the room's audio is mixed up to the same moment.
So frames that reached Python late and scene changes learned late still land exactly,
as long as they are less than `delay` late (the inbox counts those that were not).

The thread never touches the asyncio loop. The heavy calls it makes (swscale, x264, AAC,
muxing, large numpy copies) release the GIL, so the loop keeps receiving while it works.
On Linux it also runs `niceness` steps below the rest of the process: when the CPU is
short, LiveKit's receive and decode threads and the asyncio loop go first (a frame they
miss is lost for good), while this thread has its whole delay to catch up.
`finish(at)` ends the recording at media time `at`: the loop draws up to it (waiting
out the delay for late frames), flushes the encoders and closes the last segment.
"""

from __future__ import annotations

import contextlib
import ctypes
import dataclasses
import datetime as dt
import os
import threading
import time
from collections.abc import Callable

from multistream.recording.program import Picture, ProgramComposer, ProgramInput, StageTile
from multistream.recording.program_timeline import ProgramTimeline
from multistream.recording.segments import SegmentWriter
from multistream.recording.sources import MediaInbox

PRESENTER_ROLES = ("host", "moderator")
"""Whose camera and screen the program shows, in order of preference."""
BEHIND_WARNING_SECONDS = 5.0


@dataclasses.dataclass
class LoopStats:
    ticks: int = 0
    max_behind_seconds: float = 0.0
    """Furthest the loop fell behind its schedule (beyond the fixed delay)."""
    compose_seconds: float = 0.0
    encode_seconds: float = 0.0


@dataclasses.dataclass(kw_only=True, eq=False)
class ProgramLoop:
    inbox: MediaInbox
    timeline: ProgramTimeline
    composer: ProgramComposer
    writer: SegmentWriter
    roles: Callable[[], dict[str, str]]
    wall_start: dt.datetime
    delay: float
    clock: Callable[[], float] = time.monotonic
    on_problem: Callable[[str], None] | None = None
    on_finished: Callable[[], None] | None = None
    niceness: int = 5
    stats: LoopStats = dataclasses.field(init=False, default_factory=LoopStats)
    error: BaseException | None = dataclasses.field(init=False, default=None)
    done: threading.Event = dataclasses.field(init=False, default_factory=threading.Event)

    def __post_init__(self) -> None:
        self._fps = self.writer.settings.fps
        self._rate = self.writer.settings.sample_rate
        self._tick = 0
        self._end: float | None = None
        self._wake = threading.Event()
        self._warned_behind = False
        self._thread = threading.Thread(target=self._run, name="recorder-program", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def finish(self, at: float) -> None:
        """End the recording at media time `at` (seconds, kept to the ms); safe from any
        thread. The last frame is the one shown at `at`; the sound ends at `at`."""
        self._end = round(max(0.0, at), 3)
        self._wake.set()

    def join(self, timeout: float | None = None) -> bool:
        self._thread.join(timeout)
        return not self._thread.is_alive()

    @property
    def duration_ms(self) -> int:
        return round((self._end or 0.0) * 1000)

    def _run(self) -> None:
        _name_os_thread("rec-program")
        if self.niceness:
            # On Linux a thread has a priority of its own (PRIO_PROCESS with its id).
            with contextlib.suppress(OSError, AttributeError):
                me = threading.get_native_id()
                os.setpriority(
                    os.PRIO_PROCESS, me, os.getpriority(os.PRIO_PROCESS, me) + self.niceness
                )
        try:
            while True:
                target = self.clock() - self.inbox.started - self.delay
                end = self._end
                if end is not None:
                    target = min(target, end)
                self._produce(target, end)
                if end is not None and target >= end:
                    break
                due = self.inbox.started + self._tick / self._fps + self.delay
                self._wake.wait(min(max(due - self.clock(), 0.001), 0.1))
                self._wake.clear()
            self.writer.finish(self.duration_ms)
        except BaseException as exc:  # reported by the recorder; what was handed over stays
            self.error = exc
            self.writer.abort()
            if self.on_problem is not None:
                self.on_problem(f"The recorder's encoder stopped: {exc!r}")
        finally:
            self.done.set()
            if self.on_finished is not None:
                self.on_finished()

    def _produce(self, target: float, end: float | None) -> None:
        """Draw every tick due by media time `target`, and mix the sound up to it."""
        end_ms = None if end is None else round(end * 1000)
        while self._tick / self._fps <= target and (
            end_ms is None or self._tick * 1000 < end_ms * self._fps
        ):
            at = self._tick / self._fps
            self._behind(self.clock() - self.inbox.started - self.delay - at)
            self.writer.write_audio(self.inbox.mix(round(at * self._rate)))
            began = time.perf_counter()
            frame = self.composer.compose(self._scene(at))
            composed = time.perf_counter()
            self.writer.write_video(frame, self._tick)
            self.stats.encode_seconds += time.perf_counter() - composed
            self.stats.compose_seconds += composed - began
            self._tick += 1
            self.stats.ticks = self._tick
        self.writer.write_audio(self.inbox.mix(round(max(target, 0.0) * self._rate)))
        if self._tick:
            drawn = (self._tick - 1) / self._fps
            self.timeline.mark_drawn(self.wall_start + dt.timedelta(seconds=drawn))

    def _scene(self, at: float) -> ProgramInput:
        state = self.timeline.state_at(self.wall_start + dt.timedelta(seconds=at))
        pictures = self.inbox.pictures_at(at)
        roles = self.roles()
        on_stage = {person.identity for person in state.stage}
        return ProgramInput(
            layout=state.layout,
            camera=_presenter(pictures, roles, "camera", on_stage),
            screen=_presenter(pictures, roles, "screen", on_stage, anyone=True),
            slide=self.timeline.slide_picture(state.slide),
            stage=tuple(
                StageTile(person.name, pictures.get((person.identity, "camera")))
                for person in state.stage
            ),
        )

    def _behind(self, seconds: float) -> None:
        self.stats.max_behind_seconds = max(self.stats.max_behind_seconds, seconds)
        if seconds > BEHIND_WARNING_SECONDS and not self._warned_behind:
            self._warned_behind = True
            if self.on_problem is not None:
                self.on_problem(
                    f"The recorder is {seconds:.1f} s behind real time: this machine cannot "
                    "encode the class as fast as it happens; frames will be lost."
                )


def _presenter(
    pictures: dict[tuple[str, str], Picture],
    roles: dict[str, str],
    kind: str,
    on_stage: set[str],
    *,
    anyone: bool = False,
) -> Picture | None:
    """The host's picture of `kind`, else a moderator's (else, with `anyone`, whoever
    shares one: a screen shared from the stage is the program's screen too)."""
    candidates = [(identity, picture) for (identity, k), picture in pictures.items() if k == kind]
    for role in PRESENTER_ROLES:
        for identity, picture in sorted(candidates, key=lambda entry: entry[0]):
            if roles.get(identity) == role and identity not in on_stage:
                return picture
    if anyone and candidates:
        return min(candidates, key=lambda entry: entry[0])[1]
    return None


def _name_os_thread(name: str) -> None:
    """Name this thread for the OS too (`top -H`, /proc/…/task/…/comm), so its CPU shows
    apart from the rest of the process; Linux only, and nothing happens elsewhere."""
    with contextlib.suppress(OSError, AttributeError):
        libc = ctypes.CDLL(None)
        libc.prctl(15, name.encode()[:15], 0, 0, 0)  # PR_SET_NAME
