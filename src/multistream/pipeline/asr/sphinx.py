"""The small fallback engine: PocketSphinx with the US English model its wheel ships.

Far less accurate than Whisper (and poor on synthetic voices), but small and quick to
load. It hears one stream of words; they are grouped into segments at pauses.
"""

from __future__ import annotations

import re

from multistream.pipeline.asr.audio import Pcm, pcm_to_int16
from multistream.pipeline.asr.base import Segment, Word, mean_probability

_FRAMES_PER_SECOND = 100
_PAUSE_MS = 500
"""A silence at least this long ends a segment."""
_MAX_SEGMENT_WORDS = 30
_ALTERNATE = re.compile(r"\(\d+\)$")  # "the(2)": the dictionary's second pronunciation


def _is_filler(word: str) -> bool:
    return word.startswith(("<", "[", "++"))


class PocketSphinxEngine:
    name = "pocketsphinx"

    def __init__(self) -> None:
        from pocketsphinx import Decoder

        self._decoder = Decoder(samprate=16_000, loglevel="FATAL")

    def transcribe(self, audio: Pcm) -> list[Segment]:
        if audio.size == 0:
            return []
        decoder = self._decoder
        decoder.start_utt()
        decoder.process_raw(pcm_to_int16(audio).tobytes(), full_utt=True)
        decoder.end_utt()
        ms_per_frame = 1000 // _FRAMES_PER_SECOND
        words = [
            Word(
                word=_ALTERNATE.sub("", piece.word),
                start_ms=piece.start_frame * ms_per_frame,
                end_ms=(piece.end_frame + 1) * ms_per_frame,
                probability=round(float(piece.prob), 4),
            )
            for piece in decoder.seg()
            if not _is_filler(piece.word)
        ]
        return _group(words)


def _group(words: list[Word]) -> list[Segment]:
    groups: list[list[Word]] = []
    for word in words:
        if (
            groups
            and word.start_ms - groups[-1][-1].end_ms < _PAUSE_MS
            and len(groups[-1]) < _MAX_SEGMENT_WORDS
        ):
            groups[-1].append(word)
        else:
            groups.append([word])
    return [
        Segment(
            start_ms=group[0].start_ms,
            end_ms=group[-1].end_ms,
            text=" ".join(w.word for w in group),
            words=tuple(group),
            confidence=round(mean_probability(group), 4),
        )
        for group in groups
    ]
