"""A synthetic camera for tests, benchmarks and the demo: video frames that carry their
index, published into a class's LiveKit room like a webcam (or a screen share).

    camera = SyntheticCamera(1280, 720)
    i420 = camera.frame(index)                 # the frame's I420 bytes
    frame_index(luma) -> index | None          # read it back from a decoded frame's luma

The index is written as a row of 24 big blocks across the top eighth of the frame — two
marker blocks (white, black), 16 bits of the index, a 4-bit check, two markers (black,
white) — which survives VP8/H.264 compression and scaling down to about 320 pixels wide.
Below it: a visible counter (the index and the seconds it stands for, in seven-segment
digits), a bar sweeping across and a scrolling texture, so an encoder has motion to code.

`publish_camera` paces frames by the clock, as `publisher.py` paces audio: frame `n` is
due at `epoch + n / fps` and carries index `n + first_index`, so the index says when the
frame was captured (late frames are skipped, never sent in a burst). `publish_class`
publishes a camera and a microphone together from one connection, optionally with tones
at chosen frames for checking audio/video sync.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import math
import time
from collections.abc import AsyncIterator, Callable, Sequence

import numpy as np
import numpy.typing as npt
from livekit import rtc
from livekit.rtc._proto import room_pb2

Luma = npt.NDArray[np.uint8]

BITS = 16
CELLS = 24
_WHITE, _BLACK = 230, 20
# Seven segments (a..g) lit for each digit.
_SEGMENTS = {
    "0": "abcdef", "1": "bc", "2": "abdeg", "3": "abcdg", "4": "bcfg",
    "5": "acdfg", "6": "acdefg", "7": "abc", "8": "abcdefg", "9": "abcdfg", ".": "",
}  # fmt: skip


def _check(index: int) -> int:
    return (index * 7 + (index >> 4) * 3 + (index >> 8) * 5 + (index >> 12) + 3) % 16


def _cells(index: int) -> list[bool]:
    bits = [bool(index >> (BITS - 1 - bit) & 1) for bit in range(BITS)]
    check = [bool(_check(index) >> (3 - bit) & 1) for bit in range(4)]
    return [True, False, *bits, *check, False, True]


def frame_index(luma: Luma) -> int | None:
    """The index a synthetic frame carries, from its luma plane (any size, as decoded);
    None when the top band holds no valid index (another picture, or too damaged)."""
    height, width = luma.shape[:2]
    band = height // 8
    if band < 4 or width < CELLS * 4:
        return None
    levels = []
    for cell in range(CELLS):
        left, right = cell * width // CELLS, (cell + 1) * width // CELLS
        inset_x, inset_y = (right - left) // 4, band // 4
        block = luma[inset_y : band - inset_y, left + inset_x : right - inset_x]
        levels.append(float(block.mean()))
    white = min(levels[0], levels[-1])
    black = max(levels[1], levels[-2])
    if white - black < 80:
        return None
    threshold = (white + black) / 2
    cells = [level > threshold for level in levels]
    if any(abs(level - threshold) < (white - black) / 5 for level in levels):
        return None  # a cell that is neither black nor white: not our stamp
    index = int("".join("1" if on else "0" for on in cells[2 : 2 + BITS]), 2)
    return index if cells == _cells(index) else None


class SyntheticCamera:
    """Frames of `width` x `height` (even) for `fps` (the counter shows index / fps
    seconds); `tint` (U, V) colours the moving box, so a camera and a screen share differ."""

    def __init__(
        self, width: int, height: int, *, fps: int = 15, tint: tuple[int, int] = (90, 200)
    ) -> None:
        if width % 2 or height % 2 or width < CELLS * 4 or height < 64:
            raise ValueError(
                f"a synthetic camera needs an even size of at least 96x64, not {width}x{height}"
            )
        self.width, self.height, self.fps = width, height, fps
        self._tint = tint
        rng = np.random.default_rng(width * 31 + height)
        tile = rng.integers(60, 150, size=(height // 16 + 1, width // 16 + 1), dtype=np.uint8)
        texture = np.repeat(np.repeat(tile, 16, axis=0), 16, axis=1)[:height, :width]
        self._texture = np.concatenate((texture, texture), axis=1)

    def frame(self, index: int) -> bytes:
        """Frame `index` as I420 bytes."""
        width, height = self.width, self.height
        shift = (index * 4) % width
        y = self._texture[:, shift : shift + width].copy()
        band = height // 8
        for cell, on in enumerate(_cells(index % (1 << BITS))):
            left, right = cell * width // CELLS, (cell + 1) * width // CELLS
            y[:band, left:right] = _WHITE if on else _BLACK
        bar = (index * 12) % width
        y[band:, bar : bar + max(4, width // 80)] = 235
        _digits(
            y, f"{index:05d} {index / self.fps:7.2f}", top=band + height // 16, height=height // 8
        )
        u = np.full((height // 2, width // 2), 128, dtype=np.uint8)
        v = np.full((height // 2, width // 2), 128, dtype=np.uint8)
        box = height // 4
        box_x = (index * 6) % max(1, width - box)
        box_y = height - box - height // 16
        y[box_y : box_y + box, box_x : box_x + box] = 110
        u[box_y // 2 : (box_y + box) // 2, box_x // 2 : (box_x + box) // 2] = self._tint[0]
        v[box_y // 2 : (box_y + box) // 2, box_x // 2 : (box_x + box) // 2] = self._tint[1]
        return y.tobytes() + u.tobytes() + v.tobytes()


def _digits(y: Luma, text: str, *, top: int, height: int) -> None:
    """Seven-segment digits, white on a dark strip, from the left margin."""
    digit_w, stroke = height // 2, max(2, height // 10)
    left = digit_w // 2
    strip_w = min(y.shape[1] - left, len(text) * (digit_w + stroke * 2))
    y[top - stroke : top + height + stroke, left - stroke : left + strip_w] = 30
    for char in text:
        x = left
        half = height // 2
        spans = {
            "a": (top, top + stroke, x, x + digit_w),
            "b": (top, top + half, x + digit_w - stroke, x + digit_w),
            "c": (top + half, top + height, x + digit_w - stroke, x + digit_w),
            "d": (top + height - stroke, top + height, x, x + digit_w),
            "e": (top + half, top + height, x, x + stroke),
            "f": (top, top + half, x, x + stroke),
            "g": (top + half - stroke // 2, top + half + stroke - stroke // 2, x, x + digit_w),
        }
        for segment in _SEGMENTS.get(char, ""):
            r0, r1, c0, c1 = spans[segment]
            if c1 <= y.shape[1]:
                y[r0:r1, c0:c1] = 235
        if char == ".":
            y[top + height - stroke : top + height, x : x + stroke] = 235
        left += digit_w + stroke * 2
        if left + digit_w > y.shape[1]:
            return


@dataclasses.dataclass
class CameraLog:
    """What a published camera sent: each index with the wall-clock time (`time.time()`)
    and monotonic time it was handed to LiveKit."""

    sent: dict[int, tuple[float, float]] = dataclasses.field(default_factory=dict)
    skipped: int = 0


@contextlib.asynccontextmanager
async def _published(
    room: rtc.Room,
    track: rtc.LocalVideoTrack | rtc.LocalAudioTrack,
    source: rtc.VideoSource | rtc.AudioSource,
    options: rtc.TrackPublishOptions,
) -> AsyncIterator[None]:
    """`track` published on `room` while the block runs; then unpublished (if the room is
    still there) and its source closed."""
    publication = await room.local_participant.publish_track(track, options)
    try:
        yield
    finally:
        with contextlib.suppress(Exception):
            await room.local_participant.unpublish_track(publication.sid)
        await source.aclose()


async def publish_camera(
    room: rtc.Room,
    camera: SyntheticCamera,
    *,
    fps: int,
    stop: asyncio.Event,
    epoch: float | None = None,
    first_index: int = 0,
    screen: bool = False,
    screencast: bool = False,
    max_bitrate: int = 1_500_000,
    log: CameraLog | None = None,
    on_frame: Callable[[int], None] | None = None,
) -> CameraLog:
    """Publish `camera` on `room` (a connected `rtc.Room` allowed to publish) until `stop`;
    frame n is due at monotonic time `epoch + n / fps` (`epoch` defaults to now).

    `screen` publishes it as a screen share. WebRTC keeps the frame rate when the link or
    the CPU is short (it lowers the resolution instead), so every frame's index arrives:
    `screencast` would optimise for text instead, dropping frames when short, as a
    browser's screen share does."""
    log = log if log is not None else CameraLog()
    source = rtc.VideoSource(camera.width, camera.height, is_screencast=screencast)
    track = rtc.LocalVideoTrack.create_video_track("screen" if screen else "camera", source)
    options = rtc.TrackPublishOptions(
        source=rtc.TrackSource.SOURCE_SCREENSHARE if screen else rtc.TrackSource.SOURCE_CAMERA,
        simulcast=False,
        video_encoding=rtc.VideoEncoding(max_bitrate=max_bitrate, max_framerate=fps),
        degradation_preference=room_pb2.DegradationPreference.DEGRADATION_PREFERENCE_MAINTAIN_FRAMERATE,
    )
    async with _published(room, track, source, options):
        epoch = time.monotonic() if epoch is None else epoch
        number = max(0, math.ceil((time.monotonic() - epoch) * fps))
        while not stop.is_set():
            delay = epoch + number / fps - time.monotonic()
            if delay > 0:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(stop.wait(), delay)
                if stop.is_set():
                    break
            elif -delay >= 1 / fps:
                # Late by a frame or more (a busy machine): send the current one, not a burst.
                current = math.floor((time.monotonic() - epoch) * fps)
                log.skipped += current - number
                number = current
            index = number + first_index
            data = camera.frame(index)
            source.capture_frame(
                rtc.VideoFrame(camera.width, camera.height, rtc.VideoBufferType.I420, data)
            )
            log.sent[index] = (time.time(), time.monotonic())
            if on_frame is not None:
                on_frame(index)
            number += 1
    return log


def tone(
    frequency: float, samples: int, rate: int, amplitude: int = 12_000
) -> npt.NDArray[np.int16]:
    t = np.arange(samples) / rate
    return (np.sin(2 * np.pi * frequency * t) * amplitude).astype(np.int16)


@dataclasses.dataclass
class ToneLog:
    """Tones sent: (the frame they start with, and the wall-clock and monotonic time their
    first sample was handed to LiveKit)."""

    sent: list[tuple[int, float, float]] = dataclasses.field(default_factory=list)
    max_lag: float = 0.0
    """How far behind the clock the bot ever fell, seconds (a busy machine shows here)."""


async def publish_tones(
    room: rtc.Room,
    *,
    fps: int,
    epoch: float,
    at_frames: Sequence[int],
    stop: asyncio.Event,
    tone_ms: int = 200,
    frequency: float = 1000.0,
    rate: int = 48_000,
    log: ToneLog | None = None,
) -> ToneLog:
    """Publish a microphone on `room` that sends silence, and a tone starting exactly when
    each frame in `at_frames` is due (`epoch + frame / fps`), in 10 ms frames paced by
    the clock."""
    log = log if log is not None else ToneLog()
    source = rtc.AudioSource(rate, 1, queue_size_ms=200)
    track = rtc.LocalAudioTrack.create_audio_track("microphone", source)
    chunk = rate // 100
    starts = sorted(round(frame * rate / fps) for frame in at_frames)
    burst = tone(frequency, rate * tone_ms // 1000, rate)
    frames_of = {round(frame * rate / fps): frame for frame in at_frames}
    options = rtc.TrackPublishOptions(source=rtc.TrackSource.SOURCE_MICROPHONE)
    async with _published(room, track, source, options):
        block = max(0, int((time.monotonic() - epoch) * 100))
        while not stop.is_set():
            due = epoch + block / 100
            await asyncio.sleep(max(0.0, due - time.monotonic()))
            log.max_lag = max(log.max_lag, time.monotonic() - due)
            first = block * chunk
            samples = np.zeros(chunk, dtype=np.int16)
            for start in starts:
                lo, hi = max(start, first), min(start + len(burst), first + chunk)
                if lo < hi:
                    samples[lo - first : hi - first] = burst[lo - start : hi - start]
                if first <= start < first + chunk:
                    # When this sample goes out: the block's moment (late if the bot is).
                    offset = (start - first) / rate
                    log.sent.append(
                        (frames_of[start], time.time() + offset, time.monotonic() + offset)
                    )
            await source.capture_frame(rtc.AudioFrame(samples.tobytes(), rate, 1, chunk))
            block += 1
    return log
