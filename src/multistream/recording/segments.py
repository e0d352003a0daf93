"""The program encoded as segments: N-second MP4 files (H.264 + AAC), each playable by
itself in a browser, handed over one by one while the class goes on.

    frames (tick n) ──► libx264 ─┐                      segment-00000.mp4  [0, N s)
                                 ├─ packets by time ──► segment-00001.mp4  [N, 2N s) ──► on_segment
    samples (48 kHz) ─► aac ─────┘                      …

One video encoder and one audio encoder run for the whole recording, so the segments
join without a seam: `assemble` only remuxes their packets. Segment k holds the video
frames of ticks [kF, (k+1)F) (F = N x fps; the first is forced to be an IDR frame) and
the AAC packets that start in [kS, (k+1)S) (S = N x sample rate; a packet may run up to
1023 samples past the end, and the first segment starts with the encoder's priming
packet at -1024). Timestamps inside a file count from the segment's start.

x264 is tuned for little CPU: preset `superfast` (`bench/recorder`: on this project's
2-core VM, 1280x720 at 15 fps of camera video costs it about 0.09 of a core, against 0.14
for `veryfast`, for about 1.5x the bitrate), `zerolatency` (no lookahead, no B-frames,
so decode order is presentation order and a segment can be cut anywhere), CRF, one
thread by default (cheapest per class; several classes run on several threads), a
keyframe every `gop_seconds`, no scene-cut keyframes, and the parameter sets repeated at
every keyframe so segments from different encoders (another recorder taking over) still
decode after one another.

A finished segment goes to `SegmentDelivery`, whose own thread calls the service's
`on_segment` in order (e.g. to upload it), so a slow upload never holds up encoding; a
recorder that crashes loses at most the segment it was writing (and the program loop's
delay). The files belong to the service once handed over.
"""

from __future__ import annotations

import contextlib
import dataclasses
import fractions
import io
import queue
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import av
import numpy as np
import numpy.typing as npt
from av.video.frame import PictureType

Samples = npt.NDArray[np.int16]

AAC_FRAME = 1024


@dataclasses.dataclass(frozen=True)
class EncoderSettings:
    """How the program is encoded; the assembler encodes gap fill with the same."""

    width: int = 1280
    height: int = 720
    fps: int = 15
    sample_rate: int = 48_000
    crf: int = 26
    preset: str = "superfast"
    gop_seconds: int = 2
    threads: int = 1
    audio_bitrate: int = 96_000

    def x264_options(self) -> dict[str, str]:
        gop = self.gop_seconds * self.fps
        return {
            "preset": self.preset,
            "tune": "zerolatency",
            "crf": str(self.crf),
            "forced-idr": "1",
            "x264-params": f"keyint={gop}:min-keyint={gop}:scenecut=0:bframes=0:repeat-headers=1",
        }


@dataclasses.dataclass(frozen=True)
class SegmentInfo:
    index: int
    path: Path
    start_ms: int
    """Where the segment starts on the recorder's media time (0 = its `on_started`)."""
    duration_ms: int
    size_bytes: int


def open_encoders(
    settings: EncoderSettings,
) -> tuple[av.container.OutputContainer, av.VideoStream, av.AudioStream]:
    """An H.264 and an AAC encoder, opened, as streams of an in-memory container that is
    never written: their streams are the templates of every file's streams."""
    holder = av.open(io.BytesIO(), "w", format="mp4")
    video = holder.add_stream("libx264", rate=settings.fps, options=settings.x264_options())
    video.width, video.height, video.pix_fmt = settings.width, settings.height, "yuv420p"
    video.time_base = fractions.Fraction(1, settings.fps)
    video.codec_context.thread_count = settings.threads
    audio = holder.add_stream("aac", rate=settings.sample_rate, layout="mono")
    audio.bit_rate = settings.audio_bitrate
    audio.time_base = fractions.Fraction(1, settings.sample_rate)
    holder.start_encoding()  # opens both encoders and copies their headers to the streams
    return holder, video, audio


@dataclasses.dataclass
class _OpenSegment:
    index: int
    path: Path
    container: av.container.OutputContainer
    video: av.VideoStream
    audio: av.AudioStream


class SegmentWriter:
    """Encodes the program into segment files; not thread-safe (the program loop's thread)."""

    def __init__(
        self,
        settings: EncoderSettings,
        *,
        segment_seconds: float,
        workdir: Path,
        on_segment: Callable[[SegmentInfo], None],
        prefix: str = "segment-",
    ) -> None:
        if segment_seconds < 1:
            raise ValueError("segments are at least a second long")
        self.settings = settings
        self._workdir = workdir
        self._prefix = prefix
        self._on_segment = on_segment
        # A segment is a whole number of frames; its audio the samples of those frames.
        self._ticks = max(1, round(segment_seconds * settings.fps))
        self._samples = round(self._ticks * settings.sample_rate / settings.fps)
        self._holder, self._video, self._audio = open_encoders(settings)
        self._open: dict[int, _OpenSegment] = {}
        self._newest = {"video": -1, "audio": -1}
        self._pending = np.zeros(0, dtype=np.int16)
        self._audio_written = 0
        self._next_tick = 0
        self.finished: list[SegmentInfo] = []
        workdir.mkdir(parents=True, exist_ok=True)

    @property
    def samples_written(self) -> int:
        return self._audio_written + len(self._pending)

    def write_video(self, frame: av.VideoFrame, tick: int) -> None:
        """The program's frame for output tick `tick` (ticks come in order)."""
        if tick < self._next_tick:
            raise ValueError(f"tick {tick} comes after tick {self._next_tick - 1}")
        self._next_tick = tick + 1
        frame.pts = tick
        frame.time_base = fractions.Fraction(1, self.settings.fps)
        frame.pict_type = PictureType.I if tick % self._ticks == 0 else PictureType.NONE
        for packet in self._video.codec_context.encode(frame):
            self._route(packet, "video")

    def write_audio(self, samples: Samples) -> None:
        """The next mono int16 samples of the program's sound."""
        pending = np.concatenate((self._pending, samples)) if len(self._pending) else samples
        usable = len(pending) // AAC_FRAME * AAC_FRAME
        for offset in range(0, usable, AAC_FRAME):
            self._encode_audio(pending[offset : offset + AAC_FRAME])
        self._pending = pending[usable:].copy()

    def finish(self, duration_ms: int) -> list[SegmentInfo]:
        """Flush the encoders and close every segment; the last one ends at
        `duration_ms`. Returns all segments written."""
        if len(self._pending):
            self._encode_audio(self._pending)
            self._pending = np.zeros(0, dtype=np.int16)
        for packet in self._video.codec_context.encode(None):
            self._route(packet, "video")
        for packet in self._audio.codec_context.encode(None):
            self._route(packet, "audio")
        for index in sorted(self._open):
            self._close(index, duration_ms)
        self._release()
        return list(self.finished)

    def abort(self) -> None:
        """Close what is open without handing it over (the program loop failed)."""
        for segment in self._open.values():
            with contextlib.suppress(av.FFmpegError, OSError):
                segment.container.close()
        self._open.clear()
        self._release()

    def _release(self) -> None:
        """Let the encoders go (their in-memory holder was never written to)."""
        with contextlib.suppress(av.FFmpegError, OSError, ValueError):
            self._holder.close()

    def _encode_audio(self, chunk: Samples) -> None:
        frame = av.AudioFrame.from_ndarray(
            (chunk.astype(np.float32) / 32768.0)[np.newaxis, :], format="fltp", layout="mono"
        )
        frame.sample_rate = self.settings.sample_rate
        frame.pts = self._audio_written
        frame.time_base = fractions.Fraction(1, self.settings.sample_rate)
        self._audio_written += len(chunk)
        for packet in self._audio.codec_context.encode(frame):
            self._route(packet, "audio")

    def _route(self, packet: av.Packet[Any], kind: str) -> None:
        # TODO(phase2, docs/phase2-restream.md): packets leave the encoders here for one
        # output, the segment files; restreaming makes this a list of `ProgramOutput`s.
        assert packet.pts is not None
        if kind == "video":
            index = packet.pts // self._ticks
            base = index * self._ticks
        else:
            index = max(packet.pts, 0) // self._samples
            base = index * self._samples
        segment = self._segment(index)
        packet.pts -= base
        packet.dts = packet.pts if packet.dts is None else packet.dts - base
        packet.stream = segment.video if kind == "video" else segment.audio
        segment.container.mux(packet)
        self._newest[kind] = max(self._newest[kind], index)
        complete = min(self._newest.values())
        for done in sorted(i for i in self._open if i < complete):
            self._close(done, None)

    def _segment(self, index: int) -> _OpenSegment:
        segment = self._open.get(index)
        if segment is None:
            path = self._workdir / f"{self._prefix}{index:05d}.mp4"
            container = av.open(str(path), "w", format="mp4", options={"movflags": "+faststart"})
            video = container.add_stream_from_template(self._video)
            audio = container.add_stream_from_template(self._audio)
            segment = self._open[index] = _OpenSegment(index, path, container, video, audio)
        return segment

    def _close(self, index: int, duration_ms: int | None) -> None:
        segment = self._open.pop(index)
        segment.container.close()
        start_ms = round(index * self._ticks * 1000 / self.settings.fps)
        length = round((index + 1) * self._ticks * 1000 / self.settings.fps) - start_ms
        if duration_ms is not None:
            length = max(0, min(length, duration_ms - start_ms))
        info = SegmentInfo(index, segment.path, start_ms, length, segment.path.stat().st_size)
        self.finished.append(info)
        self._on_segment(info)


class SegmentDelivery:
    """Calls `on_segment` for each finished segment, in order, on a thread of its own."""

    def __init__(
        self,
        on_segment: Callable[[SegmentInfo], None],
        on_problem: Callable[[str], None] | None = None,
    ) -> None:
        self._on_segment = on_segment
        self._on_problem = on_problem
        self._queue: queue.Queue[SegmentInfo | None] = queue.Queue()
        self._thread = threading.Thread(target=self._run, name="recorder-segments", daemon=True)
        self._thread.start()

    def submit(self, info: SegmentInfo) -> None:
        self._queue.put(info)

    def close(self, timeout: float | None = None) -> bool:
        """Deliver what is queued, then stop; False if that took longer than `timeout`."""
        self._queue.put(None)
        self._thread.join(timeout)
        return not self._thread.is_alive()

    def _run(self) -> None:
        while (info := self._queue.get()) is not None:
            try:
                self._on_segment(info)
            except Exception as exc:  # the recording goes on; the service decides
                if self._on_problem is not None:
                    self._on_problem(f"Segment {info.index} could not be handed over: {exc!r}")
