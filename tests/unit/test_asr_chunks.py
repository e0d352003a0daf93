"""Cutting long audio at quiet moments and stitching the chunks' transcripts back together,
on synthetic PCM: tones separated by silences at known places."""

from __future__ import annotations

import itertools
import wave
from pathlib import Path

import numpy as np
import pytest

from multistream.pipeline.asr import (
    SAMPLE_RATE,
    AudioFormatError,
    Chunk,
    Pcm,
    Segment,
    Word,
    plan_chunks,
    read_wav,
    stitch,
    transcribe_chunk,
    write_wav,
)


def tone(seconds: float, amplitude: float = 0.5, hz: float = 440.0) -> Pcm:
    t = np.arange(round(seconds * SAMPLE_RATE)) / SAMPLE_RATE
    return (amplitude * np.sin(2 * np.pi * hz * t)).astype(np.float32)


def silence(seconds: float) -> Pcm:
    return np.zeros(round(seconds * SAMPLE_RATE), dtype=np.float32)


def lay_out(parts: list[tuple[str, float]]) -> tuple[Pcm, list[tuple[int, int]]]:
    """Audio from ("tone"|"gap", seconds) parts, and the gaps' (start_ms, end_ms)."""
    pieces, gaps, at = [], [], 0.0
    for kind, seconds in parts:
        pieces.append(tone(seconds) if kind == "tone" else silence(seconds))
        if kind == "gap":
            gaps.append((round(at * 1000), round((at + seconds) * 1000)))
        at += seconds
    return np.concatenate(pieces), gaps


def assert_covers(chunks: list[Chunk], duration_ms: int, max_seconds: float) -> None:
    assert chunks[0].start_ms == 0
    assert chunks[-1].end_ms == duration_ms
    for before, after in itertools.pairwise(chunks):
        assert before.end_ms == after.start_ms
    assert all(0 < c.duration_ms <= max_seconds * 1000 for c in chunks)


def test_cuts_land_in_the_middle_of_the_silences() -> None:
    audio, gaps = lay_out(
        [
            *[("tone", 9.6), ("gap", 0.8), ("tone", 9.0), ("gap", 1.0)],
            *[("tone", 9.5), ("gap", 0.6), ("tone", 7.0)],
        ]
    )
    chunks = plan_chunks(audio, target_seconds=10, max_seconds=15)
    assert_covers(chunks, round(audio.size * 1000 / SAMPLE_RATE), 15)
    cuts = [c.start_ms for c in chunks[1:]]
    assert len(cuts) == len(gaps)
    for cut, (start, end) in zip(cuts, gaps, strict=True):
        assert start + 150 <= cut <= end - 150  # inside the gap, clear of the tones
        assert abs(cut - (start + end) / 2) <= 30


def test_of_two_silences_the_one_nearer_the_target_wins() -> None:
    audio, gaps = lay_out(
        [("tone", 6.5), ("gap", 0.5), ("tone", 4.0), ("gap", 0.5), ("tone", 12.0)]
    )
    (first, _) = plan_chunks(audio, target_seconds=10, max_seconds=15)
    near = gaps[1]  # 11.0-11.5 s is nearer 10 s than 6.5-7.0 s
    assert near[0] < first.end_ms < near[1]


def test_without_silence_the_cut_takes_the_quietest_moment() -> None:
    audio = np.concatenate([tone(8.0), tone(1.5, amplitude=0.05), tone(12.0)])
    (first, second) = plan_chunks(audio, target_seconds=10, max_seconds=14)
    assert 8000 < first.end_ms < 9500
    assert second.end_ms == 21500


def test_a_long_stretch_without_pauses_is_still_cut_within_the_maximum() -> None:
    audio = tone(40.0)
    chunks = plan_chunks(audio, target_seconds=10, max_seconds=12)
    assert_covers(chunks, 40_000, 12)


def test_short_audio_is_one_chunk() -> None:
    assert plan_chunks(tone(5.0), target_seconds=10, max_seconds=15) == [Chunk(0, 5000)]
    assert plan_chunks(silence(0), target_seconds=10, max_seconds=15) == [Chunk(0, 0)]


def test_planning_from_a_wav_file_matches_planning_from_samples(tmp_path: Path) -> None:
    audio, _ = lay_out([("tone", 9.0), ("gap", 1.0), ("tone", 12.0), ("gap", 0.7), ("tone", 3)])
    path = tmp_path / "lecture.wav"
    write_wav(path, audio)
    assert plan_chunks(path, 10, 15) == plan_chunks(read_wav(path), 10, 15)


def test_bad_arguments_and_bad_files_are_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="target_seconds"):
        plan_chunks(tone(1.0), target_seconds=20, max_seconds=10)
    stereo = tmp_path / "stereo.wav"
    with wave.open(str(stereo), "wb") as wav:
        wav.setnchannels(2)
        wav.setsampwidth(2)
        wav.setframerate(44_100)
        wav.writeframes(b"\0" * 400)
    with pytest.raises(AudioFormatError, match="16000 Hz mono 16-bit"):
        plan_chunks(stereo, 10, 15)
    (tmp_path / "junk.wav").write_bytes(b"not a wav at all")
    with pytest.raises(AudioFormatError, match="not a readable WAV"):
        read_wav(tmp_path / "junk.wav")


class FakeToneEngine:
    """Hears each tone as one segment, with a 'word' every half second of it."""

    name = "fake-tone"

    def transcribe(self, audio: Pcm) -> list[Segment]:
        frame = SAMPLE_RATE // 100  # 10 ms
        frames = audio[: audio.size - audio.size % frame].reshape(-1, frame)
        loud = np.sqrt(np.mean(frames**2, axis=1)) > 0.01
        edges = np.flatnonzero(np.diff(np.concatenate([[0], loud.astype(np.int8), [0]])))
        segments = []
        for start, end in zip(edges[::2], edges[1::2], strict=True):
            start_ms, end_ms = int(start) * 10, int(end) * 10
            words = tuple(
                Word(f"w{at}", at, min(at + 500, end_ms), 0.9)
                for at in range(start_ms, end_ms, 500)
            )
            segments.append(Segment(start_ms, end_ms, "tone", words, 0.9))
        return segments


def test_chunks_transcribed_apart_stitch_back_onto_the_recording_timeline(
    tmp_path: Path,
) -> None:
    audio, _ = lay_out(
        [("gap", 1.0), ("tone", 8.0), ("gap", 1.0), ("tone", 9.0), ("gap", 1.0), ("tone", 6.0)]
    )
    path = tmp_path / "lecture.wav"
    write_wav(path, audio)
    chunks = plan_chunks(path, target_seconds=10, max_seconds=13)
    assert len(chunks) == 3
    engine = FakeToneEngine()
    # As the workers would: each chunk on its own, results gathered in chunk order.
    results = [transcribe_chunk(engine, path, chunk) for chunk in chunks]
    transcript = stitch(results)
    assert [(s.start_ms, s.end_ms) for s in transcript] == [
        (1000, 9000),
        (10_000, 19_000),
        (20_000, 26_000),
    ]
    words = [w for s in transcript for w in s.words]
    assert words[0].start_ms == 1000
    assert all(a.end_ms <= b.start_ms for a, b in itertools.pairwise(words))
    # Transcribing from samples in memory gives the same answer as from the file.
    assert [transcribe_chunk(engine, audio, c) for c in chunks] == results


def test_transcribe_chunk_clamps_times_to_the_chunk() -> None:
    class FakeOverreachingEngine:
        name = "fake-overreaching"

        def transcribe(self, audio: Pcm) -> list[Segment]:
            return [Segment(0, 99_999, "too long", (Word("long", 500, 99_999, 0.5),), 0.5)]

    (segment,) = transcribe_chunk(FakeOverreachingEngine(), tone(3.0), Chunk(1000, 2500))
    assert (segment.start_ms, segment.end_ms) == (1000, 2500)
    assert (segment.words[0].start_ms, segment.words[0].end_ms) == (1500, 2500)


def test_stitch_orders_drops_blanks_and_keeps_word_times_monotonic() -> None:
    late = Segment(5000, 6000, "world", (Word("world", 5000, 6000, 0.8),), 0.8)
    early = Segment(
        1000, 5200, "hello there", (Word("hello", 1000, 2000, 0.9), Word("there", 4000, 5200, 0.7))
    )
    blank = Segment(7000, 7100, "  ", (), 0.1)
    # The second chunk's word starts before the first chunk's last word ends.
    stitched = stitch([[early], [late, blank]])
    assert [s.text for s in stitched] == ["hello there", "world"]
    assert stitched[1].words[0].start_ms == 5200
    assert stitched[1].start_ms == 5000
    assert stitched[1].end_ms == 6000
    assert stitch([[late], [early]])[0].text == "hello there"
    assert stitch([]) == []


def test_segments_round_trip_through_json() -> None:
    segment = Segment(
        10, 900, "Hi there.", (Word("Hi", 10, 300, 0.5), Word("there.", 300, 900, 1.0)), 0.75
    )
    assert Segment.from_json(segment.to_json()) == segment
    assert segment.to_json()["words"][0] == {
        "word": "Hi",
        "start_ms": 10,
        "end_ms": 300,
        "probability": 0.5,
    }
    assert Chunk.from_json(Chunk(1, 2).to_json()) == Chunk(1, 2)
