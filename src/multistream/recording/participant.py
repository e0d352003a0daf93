"""The participant recorder: a hidden LiveKit participant that writes the class's audio.

It joins the room with a token that may subscribe but not publish and is hidden from the
other participants, subscribes to every audio track published in the room (the teacher,
and students while on stage), and writes their mix, on a wall-clock timeline
(`recording.timeline`), to a 16-bit mono WAV file. When the teacher reconnects, their new
track simply joins the mix again; the time in between is silence.

`record_room` returns when `stop` is set or the room closes.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import time
import wave
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import structlog
from livekit import rtc

from multistream.media.tokens import signed_token
from multistream.recording.engine import EngineCallbacks, SegmentFile, StagePerson
from multistream.recording.timeline import WallClockMixer
from multistream.settings import Settings

log = structlog.get_logger(__name__)

RECORDER_IDENTITY_PREFIX = "recorder-"
WRITE_INTERVAL_SECONDS = 0.02


@dataclass(frozen=True)
class RoomRecording:
    started_at: dt.datetime
    """Wall-clock time of the first sample."""
    duration_ms: int
    path: Path
    sample_rate: int


def recorder_token(settings: Settings, *, room: str, recording_id: str) -> str:
    """A hidden, subscribe-only identity for the recorder (never publishes, never listed)."""
    return signed_token(
        settings,
        room=room,
        identity=f"{RECORDER_IDENTITY_PREFIX}{recording_id}",
        name="Recorder",
        can_publish=False,
        ttl=dt.timedelta(hours=12),
        hidden=True,
    )


async def record_room(
    *,
    url: str,
    token: str,
    path: Path,
    stop: asyncio.Event,
    sample_rate: int = 16_000,
    on_started: Callable[[dt.datetime], None] | None = None,
) -> RoomRecording:
    """Join the room, record until `stop` is set or the room goes away."""
    room = rtc.Room()
    pumps: dict[str, asyncio.Task[None]] = {}
    gone = asyncio.Event()
    mixer: WallClockMixer | None = None

    async def pump(track: rtc.Track, source: str) -> None:
        stream = rtc.AudioStream(track, sample_rate=sample_rate, num_channels=1)
        try:
            async for event in stream:
                if mixer is not None:
                    mixer.push(source, np.frombuffer(event.frame.data, dtype=np.int16).copy())
        finally:
            await stream.aclose()

    def subscribed(
        track: rtc.Track, publication: rtc.RemoteTrackPublication, who: rtc.RemoteParticipant
    ) -> None:
        if track.kind == rtc.TrackKind.KIND_AUDIO:
            source = f"{who.identity}/{publication.sid}"
            pumps[source] = asyncio.create_task(pump(track, source))
            log.info("recorder hears a track", participant=who.identity, track=publication.sid)

    def unsubscribed(
        track: rtc.Track, publication: rtc.RemoteTrackPublication, who: rtc.RemoteParticipant
    ) -> None:
        source = f"{who.identity}/{publication.sid}"
        task = pumps.pop(source, None)
        if task is not None:
            task.cancel()
        if mixer is not None:
            mixer.forget(source)

    room.on("track_subscribed", subscribed)
    room.on("track_unsubscribed", unsubscribed)
    room.on("disconnected", lambda *_: gone.set())

    await room.connect(url, token, rtc.RoomOptions(auto_subscribe=True))
    mixer = WallClockMixer(sample_rate=sample_rate, clock=time.monotonic)
    started_at = dt.datetime.now(dt.UTC)
    if on_started is not None:
        on_started(started_at)
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        with wave.open(str(path), "wb") as out:
            out.setnchannels(1)
            out.setsampwidth(2)
            out.setframerate(sample_rate)
            while not (stop.is_set() or gone.is_set()):
                out.writeframes(mixer.pull().tobytes())
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(stop.wait(), WRITE_INTERVAL_SECONDS)
            out.writeframes(mixer.pull().tobytes())
    finally:
        for task in pumps.values():
            task.cancel()
        await asyncio.gather(*pumps.values(), return_exceptions=True)
        await room.disconnect()
    return RoomRecording(
        started_at=started_at,
        duration_ms=mixer.written_ms,
        path=path,
        sample_rate=sample_rate,
    )


class AudioEngine:
    """The audio-only capture engine (`recording_video = false`): the room's audio mixed to
    one 16 kHz WAV, stored as one segment when the stint ends. Slides and scenes are not
    recorded, so the program setters do nothing."""

    def __init__(self, settings: Settings, callbacks: EngineCallbacks) -> None:
        self._callbacks = callbacks

    def set_scene(self, at: dt.datetime, layout: str | None) -> None:
        pass

    def set_slide(self, at: dt.datetime, asset_id: str | None, page_no: int | None) -> None:
        pass

    def set_stage(self, at: dt.datetime, people: list[StagePerson]) -> None:
        pass

    async def run(self, url: str, token: str, stop: asyncio.Event) -> None:
        path = self._callbacks.workdir / f"audio-{time.monotonic_ns()}.wav"
        result = await record_room(
            url=url,
            token=token,
            path=path,
            stop=stop,
            on_started=self._callbacks.on_started,
        )
        if result.duration_ms > 0:
            self._callbacks.on_segment(
                SegmentFile(
                    path=path,
                    started_at=result.started_at,
                    duration_ms=result.duration_ms,
                    extension="wav",
                    content_type="audio/wav",
                )
            )
