"""Long audio in parallel: cut it at quiet moments, transcribe the chunks anywhere, stitch
the results back onto the recording's timeline.

    plan_chunks(wav, 60, 90)  ->  [Chunk(0, 58_430), Chunk(58_430, 121_900), ...]
    transcribe_chunk(engine, wav, chunk)  ->  segments in recording time  (one per worker)
    stitch([segments of chunk 0, segments of chunk 1, ...])  ->  one ordered transcript

Chunks are contiguous and cover the whole recording; each boundary sits in the quietest
stretch near its target, so no word is cut in two.
"""

from __future__ import annotations

import dataclasses
import itertools
import wave
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from multistream.pipeline.asr.audio import (
    SAMPLE_RATE,
    Pcm,
    ms_to_samples,
    pcm_from_int16,
    read_wav,
    samples_to_ms,
)
from multistream.pipeline.asr.base import AsrEngine, Segment, Word

_FRAME_MS = 10
_FRAME = SAMPLE_RATE * _FRAME_MS // 1000
_SMOOTH_FRAMES = 30
"""Energy is averaged over 300 ms, so a cut lands inside a pause, not between syllables."""
_QUIET_TOLERANCE = 1.05
"""Frames within 5 % of the quietest one count as equally quiet; the cut is the middle of
the quiet run nearest the target."""
_READ_FRAMES = 6000  # one minute of audio per read when planning from a file


@dataclasses.dataclass(frozen=True, slots=True)
class Chunk:
    start_ms: int
    end_ms: int

    @property
    def duration_ms(self) -> int:
        return self.end_ms - self.start_ms

    def to_json(self) -> dict[str, Any]:
        return {"start_ms": self.start_ms, "end_ms": self.end_ms}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Chunk:
        return cls(start_ms=int(data["start_ms"]), end_ms=int(data["end_ms"]))


def plan_chunks(audio: Pcm | Path | str, target_seconds: float, max_seconds: float) -> list[Chunk]:
    """Contiguous chunks covering `audio` (samples, or a 16 kHz mono WAV), each at most
    `max_seconds` long, cut at the quietest moment within reach of every `target_seconds`
    boundary (reach: the smaller of `max - target` and half the target)."""
    if not 0 < target_seconds <= max_seconds:
        raise ValueError("chunks need 0 < target_seconds <= max_seconds")
    energy, total_samples = _frame_energy(audio)
    duration_ms = samples_to_ms(total_samples)
    smoothed = _smooth(energy)
    target = max(round(target_seconds * 1000 / _FRAME_MS), 1)
    longest = max(round(max_seconds * 1000 / _FRAME_MS), target)
    reach = min(longest - target, target // 2)
    cuts: list[int] = []
    position = 0
    while (total_samples - position * _FRAME) > longest * _FRAME:
        position = _quietest(smoothed, position + target - reach, position + target + reach)
        cuts.append(position)
    bounds = [0, *(cut * _FRAME_MS for cut in cuts), duration_ms]
    return [Chunk(start, end) for start, end in itertools.pairwise(bounds)]


def _quietest(energy: npt.NDArray[np.float64], low: int, high: int) -> int:
    """The frame in [low, high] in the middle of the quiet run nearest the window's
    centre (the target boundary)."""
    window = energy[low : high + 1]
    quiet = window <= window.min() * _QUIET_TOLERANCE + 1e-12
    candidates = np.flatnonzero(quiet)
    centre = (high - low) // 2
    best = int(candidates[np.argmin(np.abs(candidates - centre))])
    first = last = best
    while first > 0 and quiet[first - 1]:
        first -= 1
    while last + 1 < len(quiet) and quiet[last + 1]:
        last += 1
    return low + (first + last) // 2


def _smooth(energy: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    if energy.size == 0:
        return energy
    kernel = np.ones(_SMOOTH_FRAMES) / _SMOOTH_FRAMES
    padded = np.pad(energy, _SMOOTH_FRAMES // 2, mode="edge")
    return np.convolve(padded, kernel, mode="same")[_SMOOTH_FRAMES // 2 : -(_SMOOTH_FRAMES // 2)]


def _frame_energy(audio: Pcm | Path | str) -> tuple[npt.NDArray[np.float64], int]:
    """Mean square of every 10 ms frame, and the number of samples."""
    if isinstance(audio, np.ndarray):
        blocks: Iterable[Pcm] = [audio]
        total = int(audio.size)
    else:
        read_wav(audio, 0, 0)  # refuses anything but 16 kHz mono 16-bit
        with wave.open(str(audio), "rb") as wav:
            total = wav.getnframes()
        blocks = _wav_blocks(Path(audio))
    energies = []
    for block in blocks:
        padded = np.pad(block.astype(np.float64), (0, -block.size % _FRAME))
        energies.append(np.mean(padded.reshape(-1, _FRAME) ** 2, axis=1))
    energy = np.concatenate(energies) if energies else np.zeros(0)
    return energy, total


def _wav_blocks(path: Path) -> Iterator[Pcm]:
    with wave.open(str(path), "rb") as wav:
        while frames := wav.readframes(_READ_FRAMES * _FRAME):
            yield pcm_from_int16(np.frombuffer(frames, dtype="<i2"))


def transcribe_chunk(engine: AsrEngine, audio: Pcm | Path | str, chunk: Chunk) -> list[Segment]:
    """Transcribe one chunk of the recording (samples, or the WAV's path: then only the
    chunk is read). Times come back in recording time, within the chunk."""
    if isinstance(audio, np.ndarray):
        samples = audio[ms_to_samples(chunk.start_ms) : ms_to_samples(chunk.end_ms)]
    else:
        samples = read_wav(audio, chunk.start_ms, chunk.end_ms)
    return [
        _clamp(segment.shifted(chunk.start_ms), chunk) for segment in engine.transcribe(samples)
    ]


def _clamp(segment: Segment, chunk: Chunk) -> Segment:
    def inside(ms: int) -> int:
        return min(max(ms, chunk.start_ms), chunk.end_ms)

    return dataclasses.replace(
        segment,
        start_ms=inside(segment.start_ms),
        end_ms=inside(segment.end_ms),
        words=tuple(
            dataclasses.replace(w, start_ms=inside(w.start_ms), end_ms=inside(w.end_ms))
            for w in segment.words
        ),
    )


def stitch(chunk_results: Iterable[Sequence[Segment]]) -> list[Segment]:
    """One transcript from the chunks' segments (given in chunk order): ordered by time,
    empty segments dropped, and word timings made monotonic across chunk boundaries."""
    ordered = sorted(
        (segment for result in chunk_results for segment in result if segment.text.strip()),
        key=lambda segment: segment.start_ms,
    )
    stitched: list[Segment] = []
    cursor = 0  # end of the last word placed
    for segment in ordered:
        words: list[Word] = []
        for word in segment.words:
            start = max(word.start_ms, cursor)
            end = max(word.end_ms, start)
            words.append(dataclasses.replace(word, start_ms=start, end_ms=end))
            cursor = end
        start = min(segment.start_ms, words[0].start_ms) if words else segment.start_ms
        start = max(start, stitched[-1].start_ms if stitched else 0)
        end = max(segment.end_ms, start, words[-1].end_ms if words else start)
        stitched.append(
            dataclasses.replace(segment, start_ms=start, end_ms=end, words=tuple(words))
        )
    return stitched
