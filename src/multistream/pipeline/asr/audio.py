"""The audio every engine reads: 16 kHz mono, as float32 in memory and 16-bit PCM WAV on
disk (what the pipeline's extract step writes)."""

from __future__ import annotations

import wave
from pathlib import Path

import numpy as np
import numpy.typing as npt

SAMPLE_RATE = 16_000

Pcm = npt.NDArray[np.float32]
"""Mono samples in [-1, 1] at `SAMPLE_RATE`."""


class AudioFormatError(ValueError):
    """The file is not 16 kHz mono 16-bit PCM WAV. Permanent: the input must be remade."""


def ms_to_samples(ms: int, sample_rate: int = SAMPLE_RATE) -> int:
    return ms * sample_rate // 1000


def samples_to_ms(samples: int, sample_rate: int = SAMPLE_RATE) -> int:
    return round(samples * 1000 / sample_rate)


def read_wav(path: Path | str, start_ms: int = 0, end_ms: int | None = None) -> Pcm:
    """Samples of a 16 kHz mono 16-bit WAV, from `start_ms` to `end_ms` (default: the
    end). Only that range is read, so a chunk of a long recording costs its own size."""
    try:
        with wave.open(str(path), "rb") as wav:
            channels, width, rate = wav.getnchannels(), wav.getsampwidth(), wav.getframerate()
            if (channels, width, rate) != (1, 2, SAMPLE_RATE):
                raise AudioFormatError(
                    f"{path} is {rate} Hz, {channels} channel(s), {8 * width}-bit; the speech "
                    f"recogniser needs {SAMPLE_RATE} Hz mono 16-bit PCM WAV"
                )
            total = wav.getnframes()
            first = min(ms_to_samples(start_ms), total)
            last = total if end_ms is None else min(ms_to_samples(end_ms), total)
            wav.setpos(first)
            frames = wav.readframes(max(last - first, 0))
    except (wave.Error, EOFError) as error:
        raise AudioFormatError(f"{path} is not a readable WAV file: {error}") from error
    return pcm_from_int16(np.frombuffer(frames, dtype="<i2"))


def write_wav(path: Path | str, pcm: Pcm) -> None:
    """Write `pcm` as a 16 kHz mono 16-bit WAV."""
    with wave.open(str(path), "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(2)
        wav.setframerate(SAMPLE_RATE)
        wav.writeframes(pcm_to_int16(pcm).tobytes())


def wav_duration_ms(path: Path | str) -> int:
    with wave.open(str(path), "rb") as wav:
        return samples_to_ms(wav.getnframes(), wav.getframerate())


def pcm_from_int16(samples: npt.NDArray[np.int16]) -> Pcm:
    return (samples.astype(np.float32) / 32768.0).astype(np.float32)


def pcm_to_int16(pcm: Pcm) -> npt.NDArray[np.int16]:
    return np.asarray(np.clip(np.round(pcm * 32767.0), -32768, 32767), dtype="<i2")
