"""The receive path of the program recorder: a class's LiveKit tracks into its
`MediaInbox` (`recording.sources`), and nothing else.

It runs on the recorder's asyncio loop. Each subscribed track gets a pump that takes
LiveKit's frames as they come, notes the time, and pushes them (video as I420 pictures
with their render time, audio as 50 ms of mono samples) into the inbox under one short
lock; it never waits on composition, encoding or storage. It also learns each
participant's role from their token's metadata (`{"role": "host"}`), so the program shows
the host's camera and screen, and it asks simulcast publishers for the layer the program
needs (the smallest for people on stage). A camera turned off (muted) ends its picture.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
from typing import Any

import numpy as np
import structlog
from livekit import rtc
from livekit.rtc._ffi_client import FfiClient
from livekit.rtc._proto import ffi_pb2, video_frame_pb2

from multistream.recording.program import Picture
from multistream.recording.sources import MediaInbox, VideoClock

log = structlog.get_logger(__name__)

LOOP_PROBE_SECONDS = 0.05
AUDIO_PULL_MS = 10
"""LiveKit's audio device pulls (plays out) every track's audio 10 ms at a time."""
AUDIO_FRAME_MS = 50
"""Audio frames handed to Python: 50 ms makes a fifth of the events of LiveKit's default
10 ms (about 0.02 of a core less per class, `bench/recorder`). Such a frame is delivered
when its last 10 ms is pulled: its first sample played out 40 ms before it arrived (measured:
a tone is placed 40-45 ms after it was sent with 10 ms frames, 80-85 ms with 50 ms frames
uncorrected, and 40-45 ms again corrected)."""
VIDEO_QUEUE_FRAMES = 30
"""Decoded frames LiveKit's native side may hold for Python (about 2 s at 15 fps)."""


class _VideoStream(rtc.VideoStream):
    """LiveKit's `VideoStream` with a deeper native queue. By default (livekit 1.2) the
    native side keeps one decoded frame for Python and drops the others ("native video
    stream queue overflow") whenever its callback waits more than a frame interval for
    the GIL or the CPU — which a busy machine makes routine. `AudioStream` asks for an
    unbounded queue already."""

    def _create_owned_stream(self) -> Any:
        assert self._track is not None
        request = ffi_pb2.FfiRequest()
        new = request.new_video_stream
        new.track_handle = self._track._ffi_handle.handle
        new.type = video_frame_pb2.VideoStreamType.VIDEO_STREAM_NATIVE
        new.format = video_frame_pb2.VideoBufferType.I420
        new.normalize_stride = True
        new.queue_size_frames = VIDEO_QUEUE_FRAMES
        return FfiClient.instance.request(request).new_video_stream.stream


class RoomFeed:
    """The receive path: LiveKit's tracks into a `MediaInbox`, nothing else."""

    def __init__(self, room: rtc.Room, *, sample_rate: int, high_quality: bool) -> None:
        self.inbox: MediaInbox | None = None
        self.loop_lag_max = 0.0
        self._sample_rate = sample_rate
        self._quality = (
            rtc.VideoQuality.VIDEO_QUALITY_HIGH
            if high_quality
            else rtc.VideoQuality.VIDEO_QUALITY_MEDIUM
        )
        self._roles: dict[str, str] = {}
        self._pumps: dict[str, asyncio.Task[None]] = {}
        room.on("track_subscribed", self._subscribed)
        room.on("track_unsubscribed", self._unsubscribed)
        room.on("track_muted", self._muted)
        room.on("participant_connected", self._learn_role)
        room.on("participant_metadata_changed", lambda who, *_: self._learn_role(who))

    def roles(self) -> dict[str, str]:
        """identity -> "host" | "moderator" | "participant" (safe from any thread)."""
        return self._roles.copy()

    def _learn_role(self, who: rtc.RemoteParticipant) -> None:
        with contextlib.suppress(ValueError, TypeError, AttributeError):
            role = json.loads(who.metadata or "{}").get("role")
            if isinstance(role, str):
                self._roles[who.identity] = role

    def _subscribed(
        self, track: rtc.Track, publication: rtc.RemoteTrackPublication, who: rtc.RemoteParticipant
    ) -> None:
        self._learn_role(who)
        key = f"{who.identity}/{publication.sid}"
        if track.kind == rtc.TrackKind.KIND_AUDIO:
            self._pumps[key] = asyncio.create_task(self._audio(track, key))
        elif track.kind == rtc.TrackKind.KIND_VIDEO:
            screen = publication.source == rtc.TrackSource.SOURCE_SCREENSHARE
            presenter = self._roles.get(who.identity) in ("host", "moderator")
            if publication.simulcasted:  # the layer to decode: a tile needs the smallest
                publication.set_video_quality(
                    self._quality if screen or presenter else rtc.VideoQuality.VIDEO_QUALITY_LOW
                )
            source = (who.identity, "screen" if screen else "camera")
            self._pumps[key] = asyncio.create_task(self._video(track, source))
        log.info("recorder subscribed", participant=who.identity, track=publication.sid)

    def _muted(self, who: rtc.Participant, publication: rtc.TrackPublication) -> None:
        """A camera turned off shows as gone (as in the class), not as its last frame."""
        if publication.kind == rtc.TrackKind.KIND_VIDEO and self.inbox is not None:
            screen = publication.source == rtc.TrackSource.SOURCE_SCREENSHARE
            self.inbox.end_video((who.identity, "screen" if screen else "camera"), time.monotonic())

    def _unsubscribed(
        self, track: rtc.Track, publication: rtc.RemoteTrackPublication, who: rtc.RemoteParticipant
    ) -> None:
        task = self._pumps.pop(f"{who.identity}/{publication.sid}", None)
        if task is not None:
            task.cancel()

    async def _video(self, track: rtc.Track, source: tuple[str, str]) -> None:
        stream = _VideoStream(track, format=rtc.VideoBufferType.I420)
        clock = VideoClock()
        try:
            async for event in stream:
                arrival = time.monotonic()
                inbox = self.inbox
                if inbox is None:
                    continue
                frame = event.frame
                if frame.type != rtc.VideoBufferType.I420:
                    frame = frame.convert(rtc.VideoBufferType.I420)
                picture = Picture.from_i420(frame.width, frame.height, frame.data)
                inbox.push_video(source, clock.place(arrival, event.timestamp_us), picture, arrival)
        finally:
            if self.inbox is not None:
                self.inbox.end_video(source, time.monotonic())
            await stream.aclose()

    async def _audio(self, track: rtc.Track, key: str) -> None:
        stream = rtc.AudioStream(
            track,
            sample_rate=self._sample_rate,
            num_channels=1,
            frame_size_ms=AUDIO_FRAME_MS,
        )
        try:
            async for event in stream:
                # The frame's first sample was pulled one frame less one pull earlier.
                arrival = time.monotonic() - (AUDIO_FRAME_MS - AUDIO_PULL_MS) / 1000
                if self.inbox is not None:
                    samples = np.frombuffer(event.frame.data, dtype=np.int16)
                    self.inbox.push_audio(key, arrival, samples)
        finally:
            if self.inbox is not None:
                self.inbox.end_audio(key)
            await stream.aclose()

    async def watch_loop(self) -> None:
        """How late the loop runs: what a frame may have waited to be received."""
        while True:
            began = time.monotonic()
            await asyncio.sleep(LOOP_PROBE_SECONDS)
            self.loop_lag_max = max(
                self.loop_lag_max, time.monotonic() - began - LOOP_PROBE_SECONDS
            )

    async def close(self) -> None:
        for task in self._pumps.values():
            task.cancel()
        await asyncio.gather(*self._pumps.values(), return_exceptions=True)
        self._pumps.clear()
