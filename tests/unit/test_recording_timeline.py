"""The recorder's mixer keeps media time equal to wall-clock time."""

from __future__ import annotations

import numpy as np

from multistream.recording.timeline import WallClockMixer


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def tone(count: int, value: int = 1000) -> np.ndarray:
    return np.full(count, value, dtype=np.int16)


def test_nothing_published_is_written_as_silence_for_the_elapsed_time() -> None:
    clock = FakeClock()
    mixer = WallClockMixer(sample_rate=16_000, clock=clock)
    clock.now += 2.5
    out = mixer.pull()
    assert len(out) == 40_000
    assert not out.any()
    assert mixer.written_ms == 2500


def test_audio_lands_at_the_time_it_arrived_after_a_silence() -> None:
    clock = FakeClock()
    mixer = WallClockMixer(sample_rate=1000, clock=clock)
    clock.now += 1.0
    silence = mixer.pull()
    mixer.push("teacher", tone(500))
    clock.now += 0.5
    speech = mixer.pull()
    assert len(silence) == 1000
    assert not silence.any()
    assert len(speech) == 500
    assert (speech == 1000).all()


def test_two_speakers_add_up_and_clip_to_int16() -> None:
    clock = FakeClock()
    mixer = WallClockMixer(sample_rate=1000, clock=clock)
    mixer.push("a", tone(100, 20_000))
    mixer.push("b", tone(100, 20_000))
    mixer.push("c", tone(50, 5))
    clock.now += 0.1
    out = mixer.pull()
    assert (out == 32767).all()


def test_a_short_frame_is_padded_and_the_rest_waits_for_the_next_pull() -> None:
    clock = FakeClock()
    mixer = WallClockMixer(sample_rate=1000, clock=clock)
    mixer.push("a", tone(30))
    clock.now += 0.02
    first = mixer.pull()
    clock.now += 0.02
    second = mixer.pull()
    assert list(first) == [1000] * 20
    assert list(second) == [1000] * 10 + [0] * 10


def test_a_late_burst_is_cut_to_the_backlog_bound_so_time_does_not_shift() -> None:
    clock = FakeClock()
    mixer = WallClockMixer(sample_rate=1000, clock=clock, max_backlog_ms=200)
    mixer.push("a", np.arange(1, 1001, dtype=np.int16))
    clock.now += 1.0
    out = mixer.pull()
    assert len(out) == 1000
    assert list(out[:200]) == list(range(801, 1001))
    assert not out[200:].any()


def test_a_forgotten_source_contributes_nothing() -> None:
    clock = FakeClock()
    mixer = WallClockMixer(sample_rate=1000, clock=clock)
    mixer.push("a", tone(100))
    mixer.forget("a")
    clock.now += 0.1
    assert not mixer.pull().any()
