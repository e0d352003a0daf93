"""WebVTT captions from transcript segments (`pipeline.captions`)."""

from __future__ import annotations

import pytest

from multistream.pipeline.asr.base import Segment, Word
from multistream.pipeline.captions import (
    CUE_CHARS,
    CUE_MAX_MS,
    LINE_CHARS,
    timestamp,
    to_webvtt,
)
from tests.webvtt import InvalidWebVtt, parse


def _timed(text: str, start_ms: int, per_word_ms: int = 300) -> Segment:
    words = [
        Word(word, start_ms + i * per_word_ms, start_ms + (i + 1) * per_word_ms - 20, 0.9)
        for i, word in enumerate(text.split())
    ]
    return Segment(start_ms, words[-1].end_ms, text, tuple(words))


def test_timestamps_have_hours_minutes_seconds_and_millis() -> None:
    assert timestamp(0) == "00:00:00.000"
    assert timestamp(3_723_004) == "01:02:03.004"
    assert timestamp(36_000_000 * 3) == "30:00:00.000"


def test_a_short_segment_is_one_cue() -> None:
    document = to_webvtt([_timed("Plants make sugar from light.", 1_000)])
    cues = parse(document)
    assert [(c.start_ms, c.text) for c in cues] == [(1_000, "Plants make sugar from light.")]
    assert cues[0].identifier == "1"


def test_long_segments_are_cut_between_words_at_their_timings() -> None:
    sentence = " ".join(f"word{i}" for i in range(60))
    cues = parse(to_webvtt([_timed(sentence, 5_000)]))
    assert len(cues) > 1
    assert " ".join(c.text for c in cues) == sentence
    for cue in cues:
        assert len(cue.lines) <= 2
        assert all(len(line) <= LINE_CHARS for line in cue.lines)
        assert len(cue.text) <= CUE_CHARS
        assert cue.end_ms - cue.start_ms <= CUE_MAX_MS
    # Each cue starts where its first word does.
    assert cues[1].start_ms == 5_000 + 300 * len(cues[0].text.split())


def test_markup_and_arrows_in_speech_are_escaped() -> None:
    said = "if a < b && c > d --> then <b>bold</b>"
    cues = parse(to_webvtt([Segment(0, 4_000, said)]))
    assert " ".join(c.text for c in cues) == said


def test_segments_without_word_timings_are_spread_by_length() -> None:
    text = " ".join(["chlorophyll"] * 20)
    cues = parse(to_webvtt([Segment(10_000, 20_000, text)]))
    assert len(cues) > 1
    assert cues[0].start_ms == 10_000
    assert cues[-1].end_ms == 20_000
    assert all(10_000 <= c.start_ms < c.end_ms <= 20_000 for c in cues)


def test_cues_stay_in_order_and_never_end_before_they_start() -> None:
    # Overlapping and zero-length segments, as a recogniser may produce at chunk edges.
    segments = [
        Segment(1_000, 1_000, "zero length"),
        Segment(900, 2_000, "starts earlier"),
        _timed("and then more", 2_000),
    ]
    cues = parse(to_webvtt(segments))
    assert [c.text for c in cues] == ["zero length", "starts earlier", "and then more"]


def test_no_segments_is_an_empty_but_valid_file() -> None:
    assert to_webvtt([]) == "WEBVTT\n"
    assert parse(to_webvtt([])) == []


def test_the_parser_is_strict() -> None:
    with pytest.raises(InvalidWebVtt):
        parse("1\n00:00:00.000 --> 00:00:01.000\nno header\n")
    with pytest.raises(InvalidWebVtt):
        parse("WEBVTT\n\n00:00:02.000 --> 00:00:01.000\nbackwards\n")
    with pytest.raises(InvalidWebVtt):
        parse("WEBVTT\n\n00:00:00.000 --> 00:00:01.000\na <b> tag\n")
    with pytest.raises(InvalidWebVtt):
        parse("WEBVTT\n\n0:00.000 --> 00:01.000\nshort minutes\n")
