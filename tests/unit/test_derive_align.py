"""The event log on the media timeline (`pipeline.align`)."""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

from multistream.pipeline.align import Timeline, build_timeline, screen_spans, span_at

T0 = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)
DECK = "0190f0a1-0000-7000-8000-000000000001"


@dataclasses.dataclass(frozen=True)
class Logged:
    seq: int
    type: str
    payload: dict[str, Any]
    occurred_at: dt.datetime


def at(seconds: float) -> dt.datetime:
    return T0 + dt.timedelta(seconds=seconds)


def log(*entries: tuple[float, str, dict[str, Any]]) -> list[Logged]:
    return [Logged(i + 1, kind, payload, at(s)) for i, (s, kind, payload) in enumerate(entries)]


def slide(page: int, title: str | None = None) -> dict[str, Any]:
    return {"asset_id": DECK, "page_no": page, "title": title}


def test_media_time_is_event_time_minus_recording_start() -> None:
    events = log(
        (12.25, "studio.slide_changed", slide(2, "Chlorophyll")),
        (40, "qa.question_asked", {"question": {"id": "q1", "body": "Why green?"}}),
        (41, "qa.vote_cast", {"question_id": "q1"}),  # per-person: not on the timeline
    )
    timeline = build_timeline(events, started_at=T0, duration_ms=60_000)
    assert [(m.type, m.media_ms, dict(m.data)) for m in timeline.markers] == [
        ("studio.slide_changed", 12_250, slide(2, "Chlorophyll")),
        ("qa.question_asked", 40_000, {"question_id": "q1"}),
    ]


def test_events_before_the_recording_count_as_at_zero_and_after_it_are_dropped() -> None:
    events = log(
        (-30, "studio.deck_attached", slide(1, "Intro")),
        (-5, "studio.slide_changed", slide(2, "Second")),
        (61, "studio.slide_changed", slide(3, "After the end")),
    )
    timeline = build_timeline(events, started_at=T0, duration_ms=60_000)
    assert [(m.seq, m.media_ms) for m in timeline.markers] == [(1, 0), (2, 0)]
    spans = screen_spans(timeline)
    assert [(s.start_ms, s.end_ms, s.page_no, s.cause) for s in spans] == [(0, 60_000, 2, None)]


def test_chat_and_reactions_are_rates_per_second() -> None:
    events = log(
        (1.1, "chat.message_posted", {"message": {"id": "m1", "body": "hi"}}),
        (1.9, "chat.message_posted", {"message": {"id": "m2", "body": "hello"}}),
        (5, "chat.message_posted", {"message": {"id": "m3", "body": "!"}}),
        (9, "reactions.burst", {"second": at(7).isoformat(), "counts": {"👏": 3, "🎉": 1}}),
    )
    timeline = build_timeline(events, started_at=T0, duration_ms=60_000)
    assert timeline.chat == ((1_000, 2), (5_000, 1))
    # A burst counts at the second it describes, not when it was logged.
    assert timeline.reactions == ((7_000, {"🎉": 1, "👏": 3}),)
    assert timeline.markers == ()


def test_screen_spans_tile_the_recording_and_follow_slides_and_scenes() -> None:
    events = log(
        (0, "studio.deck_attached", slide(1, "One")),
        (10, "studio.slide_changed", slide(2, "Two")),
        (10, "studio.scene_activated", {"scene_id": "s-cam", "layout": "camera"}),
        (20, "studio.slide_changed", slide(2, "Two")),  # the same slide again: no new span
        (30, "studio.scene_activated", {"scene_id": "s-slides", "layout": "slides"}),
    )
    spans = screen_spans(build_timeline(events, started_at=T0, duration_ms=45_000))
    assert [(s.start_ms, s.end_ms, s.page_no, s.layout, s.cause) for s in spans] == [
        (0, 10_000, 1, None, None),
        (10_000, 30_000, 2, "camera", "scene"),
        (30_000, 45_000, 2, "slides", "scene"),
    ]
    assert span_at(spans, 9_999) is spans[0]
    assert span_at(spans, 10_000) is spans[1]
    assert span_at(spans, 44_999) is spans[2]


def test_timeline_round_trips_through_json() -> None:
    events = log(
        (3, "studio.slide_changed", slide(2, "Two")),
        (4, "chat.message_posted", {"message": {"id": "m"}}),
        (5, "reactions.burst", {"second": at(5).isoformat(), "counts": {"👍": 2}}),
        (6, "poll.opened", {"poll": {"id": "p", "question": "Which?"}}),
    )
    timeline = build_timeline(events, started_at=T0, duration_ms=10_000)
    assert Timeline.from_json(timeline.to_json()) == timeline
