"""Received media on media time (`recording.sources`): audio placed by counting samples,
video by its timestamps, whatever time they reached Python. No LiveKit."""

from __future__ import annotations

import numpy as np

from multistream.recording.program import Picture
from multistream.recording.sources import AudioClock, MediaInbox, VideoClock

RATE = 1000  # 10 samples per 10 ms frame keeps the arithmetic readable
FRAME = 10


def samples(value: int, count: int = FRAME) -> np.ndarray:
    return np.full(count, value, dtype=np.int16)


def test_audio_that_reaches_python_late_is_placed_by_its_sample_count() -> None:
    clock = AudioClock(RATE)
    # Frames are produced every 10 ms from t = 5.000; three arrive 300 ms late in a burst.
    arrivals = [5.0 + 0.01 * n for n in range(10)]
    arrivals[4:7] = [5.36, 5.36, 5.36]
    firsts = [clock.place(arrival, FRAME) for arrival in arrivals]
    assert firsts == [FRAME * n for n in range(10)]
    assert clock.anchor == 5.0
    assert clock.time_of(firsts[5]) == 5.05
    assert clock.reanchors == 0


def test_a_late_first_frame_is_corrected_by_the_next_prompt_one() -> None:
    clock = AudioClock(RATE)
    clock.place(5.2, FRAME)  # the first frame waited 200 ms (the loop was busy)
    clock.place(5.01, FRAME)  # …the second came on time: the first belonged at 5.0
    assert abs(clock.anchor - 5.0) < 1e-9


def test_lateness_that_passes_never_moves_the_anchor() -> None:
    clock = AudioClock(RATE, reanchor_ms=40, reanchor_seconds=2)
    n = 0
    for second in range(6):
        late = 0.1 if second == 2 else 0.0  # a busy second (shorter than the window)
        for _ in range(100):
            clock.place(10.0 + n * 0.01 + late, FRAME)
            n += 1
    assert clock.reanchors == 0
    assert clock.anchor == 10.0


def test_samples_lost_upstream_move_the_anchor_after_a_sustained_offset() -> None:
    clock = AudioClock(RATE, reanchor_ms=40, reanchor_seconds=2)
    n = 0
    for second in range(8):
        # From second 3 on, 100 ms of samples never came: every frame is 100 ms "late".
        lost = 0.1 if second >= 3 else 0.0
        for _ in range(100):
            clock.place(10.0 + n * 0.01 + lost, FRAME)
            n += 1
    assert clock.reanchors == 1
    assert abs(clock.anchor - 10.1) < 1e-9


def test_small_refinements_after_the_start_do_not_move_the_anchor() -> None:
    clock = AudioClock(RATE, refine_ms=2)
    for n in range(200):
        clock.place(10.0 + n * 0.01, FRAME)
    clock.place(10.0 + 200 * 0.01 - 0.001, FRAME)  # 1 ms better: not worth cutting mixed audio
    assert clock.anchor == 10.0
    clock.place(10.0 + 201 * 0.01 - 0.005, FRAME)  # 5 ms better: taken
    assert abs(clock.anchor - 9.995) < 1e-9


def test_video_timestamps_on_the_monotonic_clock_are_used_as_they_are() -> None:
    clock = VideoClock()
    assert clock.place(100.30, 100_008_000) == 100.008  # arrived 292 ms late: placed at 100.008
    assert clock.place(100.01, 100_040_000) == 100.040
    assert clock.place(100.2, 0) == 100.2  # no timestamp: its arrival


def test_video_timestamps_on_another_clock_are_mapped_by_the_smallest_offset() -> None:
    clock = VideoClock()
    assert abs(clock.place(500.05, 7_000_000) - 500.05) < 1e-9
    # A frame that arrives quicker teaches the offset (493.034 s)…
    assert abs(clock.place(500.10, 7_066_000) - 500.10) < 1e-9
    # …and later ones, on time or late, are placed by their timestamp with it.
    assert abs(clock.place(500.14, 7_100_000) - 500.134) < 1e-9
    assert abs(clock.place(501.00, 7_133_000) - 500.167) < 1e-9


def test_the_mix_adds_tracks_clips_and_keeps_silence() -> None:
    inbox = MediaInbox(started=100.0, sample_rate=RATE, fps=10)
    for n in range(10):  # 100 ms of two speakers from t = 100.05
        inbox.push_audio("teacher", 100.05 + n * 0.01, samples(20_000))
        inbox.push_audio("guest", 100.05 + n * 0.01, samples(20_000))
    mixed = inbox.mix(200)
    assert len(mixed) == 200
    assert not mixed[:50].any()
    assert (mixed[50:150] == 32767).all()
    assert not mixed[150:].any()
    assert inbox.stats.audio_samples_too_late == 0
    assert len(inbox.mix(250)) == 50


def test_audio_that_comes_after_its_place_was_mixed_is_counted_not_shifted() -> None:
    inbox = MediaInbox(started=100.0, sample_rate=RATE, fps=10)
    inbox.push_audio("teacher", 100.0, samples(1))
    inbox.mix(100)  # mixed up to 100.1 s
    # The next frames belong at 100.01… but arrive at 100.25 in a burst.
    for _ in range(1, 20):
        inbox.push_audio("teacher", 100.25, samples(2))
    out = inbox.mix(200)
    assert inbox.stats.audio_samples_too_late == 90  # 100.01-100.10 was already written
    assert (out == 2).all()  # the rest is exactly where it belongs


def test_a_track_that_ends_is_mixed_to_its_end_and_dropped() -> None:
    inbox = MediaInbox(started=0.0, sample_rate=RATE, fps=10)
    inbox.push_audio("a", 0.0, samples(5))
    inbox.end_audio("a")
    assert (inbox.mix(20)[:10] == 5).all()
    inbox.push_audio("a", 0.5, samples(7))  # the same name again: a new track, a new clock
    out = inbox.mix(600)
    assert (out[480:490] == 7).all()


def test_each_tick_gets_the_latest_picture_at_its_moment_and_a_gone_source_disappears() -> None:
    inbox = MediaInbox(started=10.0, sample_rate=RATE, fps=10)
    pictures = [Picture.solid(4, 4, value) for value in range(5)]
    key = ("teacher", "camera")
    for n, picture in enumerate(pictures[:4]):  # 20 fps frames from media 0.0
        inbox.push_video(key, 10.0 + n * 0.05, picture, arrival=10.5)
    assert inbox.pictures_at(0.0)[key] is pictures[0]
    # Two frames in one tick: only the later one is kept.
    assert inbox.pictures_at(0.1)[key] is pictures[2]
    assert inbox.pictures_at(0.15)[key] is pictures[3]
    assert inbox.pictures_at(0.3)[key] is pictures[3]  # nothing newer: the last one stays
    inbox.end_video(key, 10.35)
    assert key not in inbox.pictures_at(0.4)
    assert inbox.stats.max_video_lateness == 0.5
    # A frame for a moment already drawn is counted as too late.
    inbox.push_video(key, 10.1, pictures[4], arrival=10.45)
    assert inbox.stats.video_frames_too_late == 1
