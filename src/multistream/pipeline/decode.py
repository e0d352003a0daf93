"""Recordings to speech-recognition audio: probe a media file and decode its first audio
track to 16 kHz mono 16-bit WAV, with PyAV (FFmpeg's libraries, from the `av` wheel; no
system ffmpeg needed).

Anything that makes a file unusable raises `UnreadableMedia`, whose message is a
sentence for the host: the pipeline fails the run with it and does not retry (the same
bytes will not decode better next time).
"""

from __future__ import annotations

import dataclasses
import wave
from pathlib import Path
from typing import Any

import av
import av.error

SAMPLE_RATE = 16_000
MIN_SALVAGE_MS = 1000
"""A recording cut short by a crash decodes up to the damage: kept when at least this much
audio came out before it."""


class UnreadableMedia(Exception):
    """The recording cannot become audio; `str(exc)` says why, for a person."""


@dataclasses.dataclass(frozen=True)
class Probe:
    container: str
    audio_codec: str
    channels: int
    sample_rate: int
    has_video: bool
    duration_ms: int
    """Of the decoded audio, to the sample (what chapters and captions measure against)."""
    warning: str | None = None
    """Set when decoding stopped at damage after enough audio to keep."""

    def to_json(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


def to_speech_wav(source: Path, target: Path) -> Probe:
    """Decode `source`'s first audio track into `target` (16 kHz, mono, 16-bit PCM)."""
    size = source.stat().st_size
    if size == 0:
        raise UnreadableMedia("The recording is empty (0 bytes): there is nothing to play.")
    try:
        container = av.open(str(source), mode="r")
    except (av.error.FFmpegError, ValueError, OSError) as exc:
        raise UnreadableMedia(
            f"The recording ({size} bytes) is not a media file we can read: {_why(exc)}."
        ) from exc
    with container:
        if not container.streams.audio:
            raise UnreadableMedia(
                "The recording has no audio track, so there is nothing to transcribe."
            )
        stream = container.streams.audio[0]
        codec = stream.codec_context.name if stream.codec_context else "unknown"
        channels = stream.codec_context.channels if stream.codec_context else 0
        rate = stream.codec_context.sample_rate if stream.codec_context else 0
        resampler = av.AudioResampler(format="s16", layout="mono", rate=SAMPLE_RATE)
        samples = 0
        warning = None
        with wave.open(str(target), "wb") as out:
            out.setnchannels(1)
            out.setsampwidth(2)
            out.setframerate(SAMPLE_RATE)
            try:
                for frame in container.decode(stream):
                    for converted in resampler.resample(frame):
                        samples += _write(out, converted)
            except (av.error.FFmpegError, ValueError) as exc:
                decoded_ms = samples * 1000 // SAMPLE_RATE
                if decoded_ms < MIN_SALVAGE_MS:
                    raise UnreadableMedia(
                        f"The recording is damaged: its audio ({codec}) does not decode "
                        f"({_why(exc)})."
                    ) from exc
                warning = f"decoding stopped after {decoded_ms} ms: {_why(exc)}"
            for converted in resampler.resample(None):
                samples += _write(out, converted)
        if samples == 0:
            raise UnreadableMedia("The recording's audio track is empty (no sound was recorded).")
        return Probe(
            container=container.format.name,
            audio_codec=codec,
            channels=channels,
            sample_rate=rate,
            has_video=bool(container.streams.video),
            duration_ms=round(samples * 1000 / SAMPLE_RATE),
            warning=warning,
        )


def _write(out: wave.Wave_write, frame: av.AudioFrame) -> int:
    data = frame.to_ndarray()
    out.writeframes(data.astype("<i2").tobytes())
    return int(data.shape[-1])


def _why(exc: BaseException) -> str:
    if isinstance(exc, av.error.FFmpegError) and exc.strerror:
        return str(exc.strerror).rstrip(".").lower()
    return str(exc).rstrip(".") or type(exc).__name__
