"""What every speech recogniser returns, and the interface it implements.

An engine turns 16 kHz mono audio into `Segment`s: stretches of speech with their text,
each word's timing and probability, and a confidence for the whole segment. Times are in
whole milliseconds from the start of the audio the engine was given; `chunks` shifts
them onto the recording's timeline.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from typing import Any, Protocol

from multistream.pipeline.asr.audio import Pcm


class AsrError(Exception):
    """A speech recogniser cannot run as configured. Permanent: retrying will not help."""


@dataclasses.dataclass(frozen=True, slots=True)
class Word:
    word: str
    start_ms: int
    end_ms: int
    probability: float

    def to_json(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Word:
        return cls(
            word=str(data["word"]),
            start_ms=int(data["start_ms"]),
            end_ms=int(data["end_ms"]),
            probability=float(data["probability"]),
        )


@dataclasses.dataclass(frozen=True, slots=True)
class Segment:
    """A stretch of speech: its text, words with timings, and a confidence in [0, 1]."""

    start_ms: int
    end_ms: int
    text: str
    words: tuple[Word, ...] = ()
    confidence: float = 0.0

    def shifted(self, offset_ms: int) -> Segment:
        """The same segment `offset_ms` later (chunk time to recording time)."""
        return dataclasses.replace(
            self,
            start_ms=self.start_ms + offset_ms,
            end_ms=self.end_ms + offset_ms,
            words=tuple(
                dataclasses.replace(w, start_ms=w.start_ms + offset_ms, end_ms=w.end_ms + offset_ms)
                for w in self.words
            ),
        )

    def to_json(self) -> dict[str, Any]:
        """A plain dict (for Celery's JSON and the transcript artifact)."""
        return {
            "start_ms": self.start_ms,
            "end_ms": self.end_ms,
            "text": self.text,
            "words": [w.to_json() for w in self.words],
            "confidence": self.confidence,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Segment:
        return cls(
            start_ms=int(data["start_ms"]),
            end_ms=int(data["end_ms"]),
            text=str(data["text"]),
            words=tuple(Word.from_json(w) for w in data.get("words", ())),
            confidence=float(data.get("confidence", 0.0)),
        )


def mean_probability(words: Iterable[Word], default: float = 0.0) -> float:
    probabilities = [w.probability for w in words]
    return sum(probabilities) / len(probabilities) if probabilities else default


class AsrEngine(Protocol):
    """A speech recogniser. Implementations hold a loaded model: build one per process
    and reuse it; they are not safe to call from two threads at once."""

    name: str

    def transcribe(self, audio: Pcm) -> list[Segment]:
        """Segments of `audio` (float32, mono, 16 kHz), in order, times from its start."""
        ...
