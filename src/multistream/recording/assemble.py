"""One MP4 from the program's segments, on the recording's clock; and thumbnails from it.

`assemble(segments, duration_ms=, out_path=)` takes the segment files (`recording.segments`)
with where each starts on the recording's media time — possibly from several recorders: a
crashed recorder's class is taken over by another, so there can be a gap, and for a moment
two recorders may have recorded the same time — and writes one MP4 (faststart) by
remuxing their packets at offset timestamps, without decoding or encoding them:

- a gap (and whatever is missing before the first segment or after the last) becomes
  black video and silence, encoded with the segments' parameters;
- an overlap is cut: a segment ends where the next one starts (its tail frames are
  dropped, which is safe because the encoder makes no B-frames; the next segment starts
  with an IDR frame);
- the file is `duration_ms` long; so media time equals wall time since the recording's
  start everywhere.

Video frames land on the frame grid (a segment from another recorder is placed at the
nearest frame). AAC packets are laid end to end — an audio track with holes in its
timestamps would drift in players that play packets back to back — so where two recorders'
packet grids meet, the later one is shifted by at most half a packet (10.7 ms at 48 kHz).

`thumbnail(path, at_ms)` is the frame shown at `at_ms` as a JPEG.
"""

from __future__ import annotations

import dataclasses
import fractions
import io
import itertools
import math
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import av
import numpy as np
from av.video.frame import PictureType
from PIL import Image

from multistream.recording.program import BLACK_Y, GREY_UV
from multistream.recording.segments import AAC_FRAME, EncoderSettings, open_encoders


class AssemblyError(Exception):
    """The segments cannot be joined (not the program's segments, or made with different
    sizes, frame rates or sample rates)."""


@dataclasses.dataclass(frozen=True)
class AssembledInfo:
    path: Path
    duration_ms: int
    width: int
    height: int
    fps: int
    sample_rate: int
    video_frames: int
    size_bytes: int
    filled_ms: int
    """Time filled with black and silence (gaps, and before the first or after the last
    segment)."""
    cut_ms: int
    """Time dropped where segments overlapped."""


@dataclasses.dataclass(frozen=True)
class _Format:
    width: int
    height: int
    fps: int
    sample_rate: int


@dataclasses.dataclass(frozen=True)
class _Part:
    path: Path
    start_ms: int
    end_ms: int
    run: int = 0
    """Which recorder's run of back-to-back segments it belongs to (later runs start later)."""


def _probe(path: Path) -> tuple[_Format, int]:
    """The segment's format and its length in ms (its frames)."""
    try:
        with av.open(str(path)) as container:
            video, audio = container.streams.video[0], container.streams.audio[0]
            rate = video.average_rate or video.guessed_rate
            if rate is None or not video.frames:
                raise AssemblyError(f"{path.name}: the video has no frames or no frame rate")
            fps = round(rate)
            form = _Format(video.width, video.height, fps, audio.sample_rate)
            return form, round(video.frames * 1000 / fps)
    except (av.FFmpegError, IndexError) as exc:
        raise AssemblyError(f"{path.name} is not a program segment: {exc}") from exc


def _runs(parts: list[_Part], frame_ms: float) -> list[_Part]:
    """Number the runs: a segment that starts where another ended continues its run."""
    ends: dict[int, int] = {}  # run -> where its last segment ended
    numbered = []
    for part in sorted(parts, key=lambda p: p.start_ms):
        run = next(
            (r for r, end in ends.items() if abs(end - part.start_ms) <= frame_ms / 2),
            len(ends),
        )
        ends[run] = part.end_ms
        numbered.append(dataclasses.replace(part, run=run))
    return numbered


def _pieces(parts: list[_Part], duration_ms: int) -> list[tuple[_Part, int, int]]:
    """What to take from which segment, in time order: at every moment, the segment of
    the run that started last among those covering it (a recorder that took over)."""
    bounds = sorted({0, duration_ms, *(p.start_ms for p in parts), *(p.end_ms for p in parts)})
    pieces: list[tuple[_Part, int, int]] = []
    for lo, hi in itertools.pairwise(b for b in bounds if 0 <= b <= duration_ms):
        covering = [p for p in parts if p.start_ms <= lo and hi <= p.end_ms]
        if not covering:
            continue
        best = max(covering, key=lambda p: (p.run, p.start_ms))
        if pieces and pieces[-1][0] is best and pieces[-1][2] == lo:
            pieces[-1] = (best, pieces[-1][1], hi)
        else:
            pieces.append((best, lo, hi))
    return pieces


class _Filler:
    """Black frames and silent AAC packets made with the segments' parameters, encoded
    once (through an MP4, so they are in the container's form: length-prefixed H.264)
    and reused: a GOP of black, and one packet of silence."""

    def __init__(self, form: _Format) -> None:
        settings = EncoderSettings(
            width=form.width, height=form.height, fps=form.fps, sample_rate=form.sample_rate
        )
        holder, video, audio = open_encoders(settings)
        black = av.VideoFrame(form.width, form.height, "yuv420p")
        for index, value in enumerate((BLACK_Y, GREY_UV, GREY_UV)):
            black.planes[index].update(bytes([value]) * black.planes[index].buffer_size)
        silence = av.AudioFrame.from_ndarray(
            np.zeros((1, AAC_FRAME), dtype=np.float32), format="fltp", layout="mono"
        )
        silence.sample_rate = form.sample_rate
        buffer = io.BytesIO()
        with av.open(buffer, "w", format="mp4") as scratch:
            scratch_video = scratch.add_stream_from_template(video)
            scratch_audio = scratch.add_stream_from_template(audio)
            packets: list[av.Packet[Any]] = []
            for tick in range(settings.gop_seconds * settings.fps):
                black.pts = tick
                black.pict_type = PictureType.I if tick == 0 else PictureType.NONE
                packets.extend(video.codec_context.encode(black))
            packets.extend(video.codec_context.encode(None))
            for packet in packets:
                packet.stream = scratch_video
                scratch.mux(packet)
            for index in range(3):
                silence.pts = index * AAC_FRAME
                for packet in audio.codec_context.encode(silence):
                    packet.stream = scratch_audio
                    scratch.mux(packet)
        holder.close()
        buffer.seek(0)
        self.gop: list[bytes] = []
        sounds: list[bytes] = []
        with av.open(buffer, "r") as written:
            for packet in written.demux():
                if packet.size and packet.stream.type == "video":
                    self.gop.append(bytes(packet))
                elif packet.size:
                    sounds.append(bytes(packet))
        self.silence = sounds[-1]  # past the encoder's priming

    def video(self, count: int) -> Iterator[tuple[bytes, bool]]:
        for index in range(count):
            position = index % len(self.gop)
            yield self.gop[position], position == 0


def assemble(
    segments: Sequence[tuple[Path, int]], *, duration_ms: int, out_path: Path
) -> AssembledInfo:
    """Join `segments` — `(file, start_ms on the recording's clock)` — into one MP4 of
    `duration_ms` at `out_path`. Raises `AssemblyError` when they cannot be joined."""
    if not segments:
        raise AssemblyError("there are no segments to join")
    probed = [(Path(path), int(start), _probe(Path(path))) for path, start in segments]
    forms = {form for _, _, (form, _) in probed}
    if len(forms) != 1:
        raise AssemblyError(f"the segments were recorded in different formats: {forms}")
    form = forms.pop()
    parts = _runs(
        [_Part(path, start, start + length) for path, start, (_, length) in probed],
        1000 / form.fps,
    )
    pieces = _pieces(parts, duration_ms)
    writer = _Writer(out_path, parts[0].path, form, duration_ms)
    try:
        for part, keep_from, keep_to in pieces:
            writer.add(part.path, part.start_ms, keep_from, keep_to)
        used = sum(keep_to - keep_from for _, keep_from, keep_to in pieces)
        recorded = sum(min(p.end_ms, duration_ms) - min(p.start_ms, duration_ms) for p in parts)
        return writer.close(cut_ms=max(0, recorded - used))
    except BaseException:
        writer.abort()
        raise


def _steps(ms: int, per_second: int) -> int:
    """`ms` in frames or samples, halves rounded up (the same way everywhere)."""
    return math.floor(ms * per_second / 1000 + 0.5)


class _Writer:
    def __init__(self, out_path: Path, template: Path, form: _Format, duration_ms: int) -> None:
        self.path = out_path
        self.form = form
        self.total_ticks = math.ceil(duration_ms * form.fps / 1000)
        self.total_samples = _steps(duration_ms, form.sample_rate)
        self.duration_ms = duration_ms
        self.video_tb = fractions.Fraction(1, form.fps)
        self.audio_tb = fractions.Fraction(1, form.sample_rate)
        self.out = av.open(str(out_path), "w", format="mp4", options={"movflags": "+faststart"})
        with av.open(str(template)) as source:
            self.video = self.out.add_stream_from_template(source.streams.video[0])
            self.audio = self.out.add_stream_from_template(source.streams.audio[0])
        self.next_tick = 0
        self.next_sample: int | None = None
        self.filled_ticks = 0
        self._filler: _Filler | None = None

    @property
    def filler(self) -> _Filler:
        if self._filler is None:
            self._filler = _Filler(self.form)
        return self._filler

    def add(self, path: Path, start_ms: int, keep_from: int, keep_to: int) -> None:
        """The packets of the segment that starts at `start_ms` which fall in
        [`keep_from`, `keep_to`); video taken from the middle of a segment begins at its
        next keyframe (black until then)."""
        fps, rate = self.form.fps, self.form.sample_rate
        # All on one grid (`_steps`), so where one piece stops the next one starts.
        start_tick, start_sample = _steps(start_ms, fps), _steps(start_ms, rate)
        from_tick, from_sample = _steps(keep_from, fps), _steps(keep_from, rate)
        if keep_from <= start_ms:
            from_sample = -(1 << 62)  # the segment's first packet may be priming, before 0
        to_tick, to_sample = _steps(keep_to, fps), _steps(keep_to, rate)
        if keep_to >= self.duration_ms:  # the last frame may begin before the end
            to_tick, to_sample = self.total_ticks, self.total_samples
        waiting_for_key = keep_from > start_ms
        with av.open(str(path)) as source:
            for packet in source.demux():
                if packet.pts is None or packet.size == 0:
                    continue
                seconds = float(packet.pts * packet.time_base)
                if packet.stream.type == "video":
                    tick = start_tick + math.floor(seconds * fps + 0.5)
                    if not from_tick <= tick < to_tick or tick < self.next_tick:
                        continue
                    if waiting_for_key and not packet.is_keyframe:
                        continue
                    waiting_for_key = False
                    self._fill_video(tick)
                    self._video_packet(bytes(packet), tick, packet.is_keyframe)
                elif packet.stream.type == "audio":
                    position = start_sample + math.floor(seconds * rate + 0.5)
                    if from_sample <= position < to_sample:
                        self._audio_packet(bytes(packet), position)

    def close(self, *, cut_ms: int) -> AssembledInfo:
        self._fill_video(self.total_ticks)
        while self.next_sample is None or self.next_sample < self.total_samples:
            self._audio_silence(1)
        self.out.close()
        return AssembledInfo(
            path=self.path,
            duration_ms=self.duration_ms,
            width=self.form.width,
            height=self.form.height,
            fps=self.form.fps,
            sample_rate=self.form.sample_rate,
            video_frames=self.next_tick,
            size_bytes=self.path.stat().st_size,
            filled_ms=round(self.filled_ticks * 1000 / self.form.fps),
            cut_ms=cut_ms,
        )

    def abort(self) -> None:
        try:
            self.out.close()
        finally:
            self.path.unlink(missing_ok=True)

    def _fill_video(self, until: int) -> None:
        count = until - self.next_tick
        if count <= 0:
            return
        self.filled_ticks += count
        for data, key in self.filler.video(count):
            self._video_packet(data, self.next_tick, key)

    def _video_packet(self, data: bytes, tick: int, keyframe: bool) -> None:
        self._mux(data, self.video, tick, 1, self.video_tb, keyframe)
        self.next_tick = tick + 1

    def _audio_packet(self, data: bytes, position: int) -> None:
        if self.next_sample is None:
            # The first packet may be the encoder's priming, before 0; anything later
            # than 0 is preceded by silence.
            self.next_sample = min(position, 0)
        offset = position - self.next_sample
        if offset <= -AAC_FRAME // 2:
            return  # overlaps what is written
        if offset >= AAC_FRAME // 2:
            self._audio_silence(round(offset / AAC_FRAME))
        self._mux(data, self.audio, self.next_sample, AAC_FRAME, self.audio_tb, True)
        self.next_sample += AAC_FRAME

    def _audio_silence(self, count: int) -> None:
        for _ in range(count):
            if self.next_sample is None:
                self.next_sample = 0
            self._mux(
                self.filler.silence, self.audio, self.next_sample, AAC_FRAME, self.audio_tb, True
            )
            self.next_sample += AAC_FRAME

    def _mux(
        self,
        data: bytes,
        stream: Any,
        pts: int,
        duration: int,
        time_base: fractions.Fraction,
        keyframe: bool,
    ) -> None:
        packet = av.Packet(data)
        packet.stream = stream
        packet.time_base = time_base
        packet.pts = packet.dts = pts
        packet.duration = duration
        packet.is_keyframe = keyframe
        self.out.mux(packet)


def thumbnail(path: Path, at_ms: int, *, max_width: int = 640, quality: int = 80) -> bytes:
    """The frame shown at `at_ms` in the video at `path`, as a JPEG at most `max_width`
    wide. Raises `AssemblyError` when there is no frame there (or no video at all)."""
    try:
        with av.open(str(path)) as container:
            stream = container.streams.video[0]
            assert stream.time_base is not None
            target = fractions.Fraction(at_ms, 1000)
            container.seek(int(target / stream.time_base), stream=stream, backward=True)
            shown: av.VideoFrame | None = None
            for frame in container.decode(stream):
                if frame.pts is not None and frame.pts * stream.time_base > target:
                    break
                shown = frame
            rate = stream.average_rate or stream.guessed_rate or 1
            if shown is None or (shown.pts or 0) * stream.time_base + 1 / rate <= target:
                raise AssemblyError(f"{path.name} has no frame at {at_ms} ms")
            image = Image.fromarray(shown.to_ndarray(format="rgb24"))
    except (av.FFmpegError, IndexError, OSError) as exc:
        raise AssemblyError(f"{path.name} has no picture at {at_ms} ms: {exc}") from exc
    if image.width > max_width:
        image = image.resize((max_width, round(image.height * max_width / image.width)))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=quality)
    return out.getvalue()
