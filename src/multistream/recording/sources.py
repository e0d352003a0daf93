"""Received media placed on the recording's media time: what the capture side hands over
and the program loop takes, with nothing in between that waits.

Media time is seconds since the recording's start, on the monotonic clock
(`time.monotonic()`, CLOCK_MONOTONIC). Nothing here uses the time a frame reached
Python as its place, because on a busy machine that is late by anything up to seconds:

- Video: LiveKit's `VideoFrameEvent.timestamp_us` is WebRTC's render time for the frame,
  on CLOCK_MONOTONIC (measured with livekit 1.2 against livekit-server 1.13: it runs
  ~8 ms ahead of the frame's arrival in Python when nothing is busy, ~30 ms after its
  capture on the publisher, and stays put while Python is late). `VideoClock` uses it
  when it is on that clock and otherwise maps it onto it by the smallest offset seen.
- Audio: LiveKit's `AudioStream` delivers frames continuously in real time from
  subscription on, as its audio device plays the track out — silence included, also while
  the publisher sends nothing (measured: a publisher pausing for 2 s leaves 2 s of silent
  frames; the implied start stays within 1 ms over 10-25 s runs, and no track needed
  re-anchoring in 76 s benchmark runs). So a track's samples are placed by counting them
  from the track's anchor, the earliest implied start (`arrival - samples so far / rate`)
  seen (`AudioClock`), and a frame that reaches Python late (measured with the loop
  blocked for 0.5 s at a time: nothing moves) still lands where it belongs. If the stream
  loses samples (the implied start stays later than the anchor by more than `reanchor_ms`
  for `reanchor_seconds`), the anchor moves and the lost stretch is silence.

`MediaInbox` holds both, thread-safe: capture pushes (`push_video`, `push_audio`), the
program loop takes (`pictures_at`, `mix`), one short lock between them.
"""

from __future__ import annotations

import bisect
import collections
import dataclasses
import math
import threading

import numpy as np
import numpy.typing as npt

from multistream.recording.program import Picture

Samples = npt.NDArray[np.int16]

_EPSILON = 1e-6
"""A frame this close to a tick's moment belongs to that tick (float noise)."""
SAME_CLOCK_SECONDS = 1.0
"""A video timestamp this close to the arrival time is taken to be on the monotonic clock."""


class VideoClock:
    """One video track's frames on the monotonic clock (seconds)."""

    def __init__(self) -> None:
        self._offset: float | None = None

    def place(self, arrival: float, timestamp_us: int) -> float:
        if timestamp_us <= 0:
            return arrival
        stamp = timestamp_us / 1e6
        offset = arrival - stamp
        if self._offset is None or offset < self._offset:
            self._offset = offset
        if abs(self._offset) < SAME_CLOCK_SECONDS:
            return stamp
        return stamp + self._offset


class AudioClock:
    """Where one audio track's samples belong on the monotonic clock."""

    def __init__(
        self,
        sample_rate: int,
        *,
        reanchor_ms: float = 40.0,
        reanchor_seconds: float = 4.0,
        settle_seconds: float = 1.0,
        refine_ms: float = 2.0,
    ) -> None:
        self.sample_rate = sample_rate
        self.anchor: float | None = None
        """Monotonic time of the track's sample 0."""
        self.count = 0
        """Samples received so far."""
        self.reanchors = 0
        self._threshold = reanchor_ms / 1000
        self._window = reanchor_seconds
        self._settle = settle_seconds
        self._refine = refine_ms / 1000
        self._first_arrival: float | None = None
        self._anchored_at = 0.0
        # (arrival, implied start) with increasing implied starts: a sliding-window minimum.
        self._recent: collections.deque[tuple[float, float]] = collections.deque()

    def place(self, arrival: float, samples: int) -> int:
        """Record a frame of `samples` that arrived at `arrival`; returns its first
        sample's index on this track (place it with `time_of`)."""
        first = self.count
        implied = arrival - first / self.sample_rate
        self.count += samples
        if self._first_arrival is None:
            self._first_arrival = arrival
        # Earlier is better (less late); once the track has settled (its start is being
        # mixed), only a clear improvement moves it, so mixed audio is not cut for 0.1 ms.
        settled = arrival - self._first_arrival > self._settle
        if self.anchor is None or implied < self.anchor - (self._refine if settled else 0.0):
            self.anchor = implied
            self._anchored_at = arrival
        while self._recent and self._recent[-1][1] >= implied:
            self._recent.pop()
        self._recent.append((arrival, implied))
        while self._recent[0][0] < arrival - self._window:
            self._recent.popleft()
        lowest = self._recent[0][1]
        if arrival - self._anchored_at >= self._window and lowest - self.anchor > self._threshold:
            # Every frame for a whole window came this much later: samples were lost.
            self.anchor = lowest
            self._anchored_at = arrival
            self.reanchors += 1
        return first

    def time_of(self, index: int) -> float:
        assert self.anchor is not None
        return self.anchor + index / self.sample_rate


@dataclasses.dataclass
class _VideoSlot:
    """Frames of one source (a participant's camera or screen), by media time; one per
    output tick is kept (the latest), a None entry marks the source gone."""

    times: list[float] = dataclasses.field(default_factory=list)
    pictures: list[Picture | None] = dataclasses.field(default_factory=list)


@dataclasses.dataclass
class _AudioTrack:
    clock: AudioClock
    chunks: collections.deque[tuple[int, Samples]] = dataclasses.field(
        default_factory=collections.deque
    )
    ended: bool = False


@dataclasses.dataclass
class InboxStats:
    video_frames: int = 0
    video_frames_too_late: int = 0
    """Frames whose moment the program loop had already drawn when they arrived."""
    audio_samples: int = 0
    audio_samples_too_late: int = 0
    """Samples whose place the program loop had already mixed when they arrived."""
    audio_reanchors: int = 0
    max_video_lateness: float = 0.0
    """Longest a frame took from its timestamp to reaching the inbox, seconds."""
    max_audio_lateness: float = 0.0
    """Longest an audio frame reached the inbox after its place on the clock, seconds."""


class MediaInbox:
    """Received media of one recording, by source, on media time."""

    def __init__(
        self, *, started: float, sample_rate: int, fps: int, max_video_frames: int = 64
    ) -> None:
        self.started = started
        """Monotonic time of media time 0."""
        self.sample_rate = sample_rate
        self.fps = fps
        self.stats = InboxStats()
        self._max_frames = max_video_frames
        self._lock = threading.Lock()
        self._video: dict[tuple[str, str], _VideoSlot] = {}
        self._audio: dict[str, _AudioTrack] = {}
        self._drawn = -math.inf
        self._mixed = 0

    # Capture side ------------------------------------------------------------------------

    def push_video(self, key: tuple[str, str], at: float, picture: Picture, arrival: float) -> None:
        """A frame of source `key` (identity, "camera" | "screen") for monotonic time `at`."""
        media = at - self.started
        with self._lock:
            self.stats.video_frames += 1
            self.stats.max_video_lateness = max(self.stats.max_video_lateness, arrival - at)
            if media < self._drawn - 1 / self.fps:
                self.stats.video_frames_too_late += 1
            self._insert(self._video.setdefault(key, _VideoSlot()), media, picture)

    def end_video(self, key: tuple[str, str], at: float) -> None:
        """Source `key` stopped (unpublished, left) at monotonic time `at`."""
        with self._lock:
            slot = self._video.get(key)
            if slot is not None:
                self._insert(slot, at - self.started, None)

    def push_audio(self, track: str, arrival: float, samples: Samples) -> None:
        """A frame of mono samples of audio track `track` that arrived at `arrival`."""
        with self._lock:
            entry = self._audio.get(track)
            if entry is None or entry.ended:
                entry = self._audio[track] = _AudioTrack(AudioClock(self.sample_rate))
            reanchors = entry.clock.reanchors
            index = entry.clock.place(arrival, len(samples))
            self.stats.audio_reanchors += entry.clock.reanchors - reanchors
            self.stats.audio_samples += len(samples)
            due = entry.clock.time_of(index)
            self.stats.max_audio_lateness = max(self.stats.max_audio_lateness, arrival - due)
            entry.chunks.append((index, samples))

    def end_audio(self, track: str) -> None:
        """The track is gone: what it delivered is still mixed, then it is dropped."""
        with self._lock:
            entry = self._audio.get(track)
            if entry is not None:
                entry.ended = True

    # Engine side --------------------------------------------------------------------------

    def keys(self) -> list[tuple[str, str]]:
        with self._lock:
            return list(self._video)

    def pictures_at(self, media: float) -> dict[tuple[str, str], Picture]:
        """The latest picture of every source at media time `media` (sources without one,
        or gone, are left out); older frames are let go."""
        found: dict[tuple[str, str], Picture] = {}
        with self._lock:
            self._drawn = media
            for key, slot in list(self._video.items()):
                index = bisect.bisect_right(slot.times, media + _EPSILON) - 1
                if index < 0:
                    continue
                del slot.times[:index]
                del slot.pictures[:index]
                picture = slot.pictures[0]
                if picture is not None:
                    found[key] = picture
                elif len(slot.times) == 1:
                    del self._video[key]  # gone, and nothing newer
        return found

    def mix(self, end: int) -> Samples:
        """The room's audio from the last mixed sample up to sample `end` (media time *
        sample rate): every track added, clipped; silence where there was none."""
        with self._lock:
            start = self._mixed
            if end <= start:
                return np.zeros(0, dtype=np.int16)
            out = np.zeros(end - start, dtype=np.int32)
            for track, entry in list(self._audio.items()):
                self._mix_track(entry, start, end, out)
                if entry.ended and not entry.chunks:
                    del self._audio[track]
            self._mixed = end
        return np.clip(out, -32768, 32767).astype(np.int16)

    # -------------------------------------------------------------------------------------

    def _insert(self, slot: _VideoSlot, media: float, picture: Picture | None) -> None:
        index = bisect.bisect_right(slot.times, media)
        tick = math.ceil(media * self.fps - _EPSILON * self.fps)
        if index > 0 and math.ceil(slot.times[index - 1] * self.fps - _EPSILON * self.fps) == tick:
            # Same output tick as the frame before: only the later one can be drawn.
            slot.times[index - 1] = media
            slot.pictures[index - 1] = picture
        else:
            slot.times.insert(index, media)
            slot.pictures.insert(index, picture)
        if len(slot.times) > self._max_frames:
            del slot.times[0]
            del slot.pictures[0]

    def _mix_track(
        self, entry: _AudioTrack, start: int, end: int, out: npt.NDArray[np.int32]
    ) -> None:
        rate = self.sample_rate
        late = 0
        while entry.chunks:
            index, samples = entry.chunks[0]
            first = round((entry.clock.time_of(index) - self.started) * rate)
            last = first + len(samples)
            if first >= end:
                break
            if last <= start:
                late += max(0, last - max(first, 0))
                entry.chunks.popleft()
                continue
            lo, hi = max(first, start), min(last, end)
            late += max(0, start - max(first, 0))
            out[lo - start : hi - start] += samples[lo - first : hi - first]
            if last <= end:
                entry.chunks.popleft()
            else:
                # Keep the rest for the next mix.
                entry.chunks[0] = (index + (end - first), samples[end - first :])
                break
        self.stats.audio_samples_too_late += late
