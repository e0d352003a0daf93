"""Segments (`recording.segments`) and one file from them (`recording.assemble`): no services.

The segments are the program's own: synthetic camera frames whose index is the output
tick (so every decoded frame says which moment it is), and 1 kHz tones at known samples.
"""

from __future__ import annotations

import io
import math
from pathlib import Path

import av
import numpy as np
import pytest
from PIL import Image

from multistream.devtools.camera import SyntheticCamera, frame_index, tone
from multistream.recording.assemble import AssemblyError, assemble, thumbnail
from multistream.recording.segments import EncoderSettings, SegmentInfo, SegmentWriter

W, H, FPS, RATE = 320, 180, 15, 48_000
SETTINGS = EncoderSettings(width=W, height=H, fps=FPS, sample_rate=RATE, preset="ultrafast")
TONE = 4800  # 100 ms


def record(
    workdir: Path,
    *,
    seconds: float,
    start_ms: int = 0,
    stamp_offset: int = 0,
    tones_at: tuple[float, ...] = (),
    segment_seconds: float = 2.0,
    prefix: str = "segment-",
) -> list[SegmentInfo]:
    """A recorder's segments: it starts at `start_ms` on the recording's clock, each
    frame carries the recording's tick it will be shown at + `stamp_offset`, tones start
    at the given seconds of the recording."""
    camera = SyntheticCamera(W, H, fps=FPS)
    handed: list[SegmentInfo] = []
    writer = SegmentWriter(
        SETTINGS,
        segment_seconds=segment_seconds,
        workdir=workdir,
        on_segment=handed.append,
        prefix=prefix,
    )
    ticks = round(seconds * FPS)
    first_tick = math.floor(start_ms * FPS / 1000 + 0.5)
    start_sample = math.floor(start_ms * RATE / 1000 + 0.5)
    audio = np.zeros(ticks * RATE // FPS, dtype=np.int16)
    for at in tones_at:
        local = round(at * RATE) - start_sample
        if 0 <= local < len(audio) - TONE:
            audio[local : local + TONE] = tone(1000, TONE, RATE)
    for tick in range(ticks):
        data = np.frombuffer(camera.frame(first_tick + tick + stamp_offset), dtype=np.uint8)
        frame = av.VideoFrame.from_ndarray(data.reshape(H * 3 // 2, W), format="yuv420p")
        writer.write_audio(audio[tick * RATE // FPS : (tick + 1) * RATE // FPS])
        writer.write_video(frame, tick)
    finished = writer.finish(round(seconds * 1000))
    assert finished == handed
    return handed


def decode(path: Path) -> tuple[list[tuple[float, int | None, float]], np.ndarray, float]:
    """(time, stamp, mean luma) of every frame, the mono audio as float, the duration."""
    frames = []
    with av.open(str(path)) as container:
        duration = (container.duration or 0) / 1e6
        for frame in container.decode(video=0):
            luma = frame.to_ndarray(format="gray")
            frames.append((float(frame.time or 0.0), frame_index(luma), float(luma.mean())))
    with av.open(str(path)) as container:
        sound = np.concatenate(
            [f.to_ndarray().reshape(-1) for f in container.decode(audio=0)]
        ).astype(np.float64)
    return frames, sound, duration


def moov_first(path: Path) -> bool:
    """Faststart: the index comes before the media, so a browser can play while loading."""
    data = path.read_bytes()
    return 0 <= data.find(b"moov") < data.find(b"mdat")


def tone_starts(sound: np.ndarray) -> list[float]:
    """Seconds where a tone begins (5 ms windows, first loud window after a quiet one)."""
    window = RATE // 200
    energy = np.array(
        [
            np.sqrt(np.mean(sound[i : i + window] ** 2))
            for i in range(0, len(sound) - window, window)
        ]
    )
    loud = energy > 0.1
    return [i * window / RATE for i in range(1, len(loud)) if loud[i] and not loud[i - 1]]


def test_each_segment_plays_alone_from_a_keyframe_and_they_tile_the_recording(
    tmp_path: Path,
) -> None:
    segments = record(tmp_path, seconds=5.0, tones_at=(1.0, 2.5))
    assert [(s.index, s.start_ms, s.duration_ms) for s in segments] == [
        (0, 0, 2000),
        (1, 2000, 2000),
        (2, 4000, 1000),
    ]
    for segment in segments:
        with av.open(str(segment.path)) as container:
            assert container.streams.video[0].codec_context.name == "h264"
            assert container.streams.audio[0].codec_context.name == "aac"
            first = next(container.demux(video=0))
            assert first.is_keyframe
        assert moov_first(segment.path)
        frames, _, duration = decode(segment.path)
        assert len(frames) == segment.duration_ms * FPS // 1000
        # Tick n of the recording is frame n - start of the segment, at its own time 0…
        first_tick = segment.start_ms * FPS // 1000
        assert [stamp for _, stamp, _ in frames] == list(
            range(first_tick, first_tick + len(frames))
        )
        assert abs(duration - segment.duration_ms / 1000) < 0.05


def test_one_recorders_segments_join_without_a_seam(tmp_path: Path) -> None:
    segments = record(tmp_path, seconds=6.0, tones_at=(0.5, 1.95, 4.2))
    out = tmp_path / "recording.mp4"
    info = assemble([(s.path, s.start_ms) for s in segments], duration_ms=6000, out_path=out)
    assert (info.width, info.height, info.fps, info.video_frames) == (W, H, FPS, 90)
    assert info.filled_ms == 0
    assert info.cut_ms == 0
    assert moov_first(out)
    frames, sound, duration = decode(out)
    assert [stamp for _, stamp, _ in frames] == list(range(90))
    assert [round(t * FPS) for t, _, _ in frames] == list(range(90))
    assert abs(duration - 6.0) < 0.05
    assert abs(len(sound) / RATE - 6.0) < 0.03
    starts = tone_starts(sound)
    assert len(starts) == 3
    for heard, sent in zip(starts, (0.5, 1.95, 4.2), strict=True):
        assert abs(heard - sent) <= 0.006, starts


def test_a_takeover_gap_is_black_and_silent_and_the_next_recorder_lands_on_time(
    tmp_path: Path,
) -> None:
    # Recorder A: [0, 4 s), crashed while writing [4, 6 s), which is lost.
    a = record(tmp_path / "a", seconds=6.0, tones_at=(1.0, 3.0, 5.0))[:2]
    # Recorder B took over at 7.3 s (frames carry 1000 + the global tick).
    b_start_ms = 7300
    b_tick = math.floor(b_start_ms * FPS / 1000 + 0.5)
    b = record(
        tmp_path / "b", seconds=3.0, start_ms=b_start_ms, stamp_offset=1000, tones_at=(8.0, 9.5)
    )
    parts = [(s.path, s.start_ms) for s in a] + [(s.path, b_start_ms + s.start_ms) for s in b]
    out = tmp_path / "recording.mp4"
    info = assemble(parts, duration_ms=11_000, out_path=out)
    frames, sound, duration = decode(out)
    assert info.video_frames == len(frames) == 165
    assert abs(duration - 11.0) < 0.05
    by_tick = {round(t * FPS): (stamp, luma) for t, stamp, luma in frames}
    for tick in range(165):
        stamp, luma = by_tick[tick]
        if tick < 60:
            assert stamp == tick
        elif tick < b_tick or tick >= b_tick + 45:
            assert stamp is None
            assert luma < 20  # black
        else:
            assert stamp == 1000 + tick
    assert info.filled_ms == round((165 - 60 - 45) * 1000 / FPS)
    starts = tone_starts(sound)
    # A's tone at 5 s is in the lost segment; B's land within half an AAC frame.
    assert len(starts) == 4, starts
    for heard, sent in zip(starts, (1.0, 3.0, 8.0, 9.5), strict=True):
        assert abs(heard - sent) <= 0.006 + 512 / RATE, starts
    assert not np.any(np.abs(sound[int(4.1 * RATE) : int(7.2 * RATE)]) > 0.01)


def test_an_overlap_is_cut_where_the_next_recorder_starts(tmp_path: Path) -> None:
    a = record(tmp_path / "a", seconds=6.0, tones_at=(1.0,))
    b_start_ms = 3400
    b_tick = math.floor(b_start_ms * FPS / 1000 + 0.5)
    b = record(tmp_path / "b", seconds=4.0, start_ms=b_start_ms, stamp_offset=1000, tones_at=(5.0,))
    parts = [(s.path, s.start_ms) for s in a] + [(s.path, b_start_ms + s.start_ms) for s in b]
    out = tmp_path / "recording.mp4"
    info = assemble(parts, duration_ms=7400, out_path=out)
    frames, sound, _ = decode(out)
    stamps = [stamp for _, stamp, _ in frames]
    assert stamps == list(range(b_tick)) + [1000 + t for t in range(b_tick, 111)]
    assert info.cut_ms > 0
    assert info.filled_ms == 0
    starts = tone_starts(sound)
    assert len(starts) == 2
    assert abs(starts[1] - 5.0) <= 0.006 + 512 / RATE


def test_segments_in_different_formats_are_refused(tmp_path: Path) -> None:
    a = record(tmp_path / "a", seconds=2.0)
    other = SegmentWriter(
        EncoderSettings(width=W * 2, height=H * 2, fps=FPS, sample_rate=RATE, preset="ultrafast"),
        segment_seconds=2,
        workdir=tmp_path / "b",
        on_segment=lambda _: None,
    )
    frame = av.VideoFrame(W * 2, H * 2, "yuv420p")
    for tick in range(30):
        other.write_video(frame, tick)
        other.write_audio(np.zeros(RATE // FPS, dtype=np.int16))
    b = other.finish(2000)
    with pytest.raises(AssemblyError, match="different formats"):
        assemble([(a[0].path, 0), (b[0].path, 2000)], duration_ms=4000, out_path=tmp_path / "x.mp4")
    assert not (tmp_path / "x.mp4").exists()


def test_a_thumbnail_is_the_frame_shown_at_that_moment(tmp_path: Path) -> None:
    segments = record(tmp_path, seconds=4.0)
    out = tmp_path / "recording.mp4"
    assemble([(s.path, s.start_ms) for s in segments], duration_ms=4000, out_path=out)
    for at_ms in (0, 1000, 2550, 3990):
        jpeg = thumbnail(out, at_ms)
        image = Image.open(io.BytesIO(jpeg))
        assert image.format == "JPEG"
        assert image.size == (W, H)
        assert frame_index(np.asarray(image.convert("L"))) == at_ms * FPS // 1000
    with pytest.raises(AssemblyError, match="no frame"):
        thumbnail(out, 60_000)


def test_a_file_without_video_has_no_thumbnail(tmp_path: Path) -> None:
    sound = tmp_path / "sound.m4a"
    with av.open(str(sound), "w", format="mp4") as container:
        stream = container.add_stream("aac", rate=RATE, layout="mono")
        frame = av.AudioFrame.from_ndarray(
            np.zeros((1, 1024), dtype=np.float32), format="fltp", layout="mono"
        )
        frame.sample_rate = RATE
        frame.pts = 0
        container.mux(stream.encode(frame))
        container.mux(stream.encode(None))
    with pytest.raises(AssemblyError):
        thumbnail(sound, 0)
    with pytest.raises(AssemblyError):
        thumbnail(tmp_path / "missing.mp4", 0)
