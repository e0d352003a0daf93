"""A bot teacher: joins a class's LiveKit room and speaks a WAV into it as a microphone,
in real time, telling the caller how far it has got (so slides can change on cue).

    await publish_lecture(url, host_token, lecture.wav_path, on_progress=change_slides)
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import inspect
import time
import wave
from collections.abc import Awaitable, Callable
from pathlib import Path

from livekit import rtc

from multistream.devtools.camera import CameraLog, SyntheticCamera, publish_camera

FRAME_MS = 20

ProgressCallback = Callable[[int], Awaitable[None] | None]
"""Called with the media position in ms after every frame is sent (sync or async)."""


@dataclasses.dataclass(frozen=True)
class Published:
    duration_ms: int
    frames: int
    max_lag_ms: float
    """How far behind the clock the bot ever fell (a busy machine shows up here)."""


async def publish_lecture(
    livekit_url: str,
    token: str,
    wav_path: Path,
    on_progress: ProgressCallback | None = None,
    *,
    track_name: str = "microphone",
    frame_ms: int = FRAME_MS,
    wait_for_listener_seconds: float = 0.0,
    camera: SyntheticCamera | None = None,
    camera_fps: int = 15,
) -> Published:
    """Connect with `token` (which must allow publishing), play `wav_path` (16-bit mono
    PCM) as a microphone track paced by the clock, then leave the room.

    With `wait_for_listener_seconds`, the clock starts only once someone has subscribed
    to the track (or that long has passed), so a listener hears it from the first word.
    With `camera`, the bot also publishes that synthetic camera from the same connection
    (one identity may hold one connection) while it speaks."""
    with wave.open(str(wav_path), "rb") as wav:
        if (wav.getnchannels(), wav.getsampwidth()) != (1, 2):
            raise ValueError(f"{wav_path} must be mono 16-bit PCM")
        rate = wav.getframerate()
        pcm = wav.readframes(wav.getnframes())
    samples_per_frame = rate * frame_ms // 1000
    bytes_per_frame = samples_per_frame * 2
    room = rtc.Room()
    listening = asyncio.Event()
    room.on("local_track_subscribed", lambda _track: listening.set())
    await room.connect(livekit_url, token)
    filming: asyncio.Task[CameraLog] | None = None
    stop_filming = asyncio.Event()
    try:
        if camera is not None:
            filming = asyncio.create_task(
                publish_camera(room, camera, fps=camera_fps, stop=stop_filming)
            )
        source = rtc.AudioSource(rate, 1, queue_size_ms=200)
        track = rtc.LocalAudioTrack.create_audio_track(track_name, source)
        options = rtc.TrackPublishOptions(source=rtc.TrackSource.SOURCE_MICROPHONE)
        await room.local_participant.publish_track(track, options)
        if wait_for_listener_seconds > 0:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(listening.wait(), wait_for_listener_seconds)
        started = time.monotonic()
        frames = 0
        max_lag = 0.0
        for offset in range(0, len(pcm), bytes_per_frame):
            # Wait for this frame's moment on the clock, so media time stays wall time.
            due = started + frames * frame_ms / 1000
            delay = due - time.monotonic()
            if delay > 0:
                await asyncio.sleep(delay)
            else:
                max_lag = max(max_lag, -delay * 1000)
            data = pcm[offset : offset + bytes_per_frame].ljust(bytes_per_frame, b"\0")
            await source.capture_frame(rtc.AudioFrame(data, rate, 1, samples_per_frame))
            frames += 1
            if on_progress is not None:
                result = on_progress(frames * frame_ms)
                if inspect.isawaitable(result):
                    await result
        await source.wait_for_playout()
        await source.aclose()  # leaving the room unpublishes the track
    finally:
        stop_filming.set()
        if filming is not None:
            with contextlib.suppress(Exception):
                await filming
        await room.disconnect()
    return Published(duration_ms=frames * frame_ms, frames=frames, max_lag_ms=round(max_lag, 1))
