"""Classes that end by themselves (`sessions.domain.decide_lifetime`): pure rules."""

from __future__ import annotations

import dataclasses
import datetime as dt

from multistream.sessions.domain import LifetimeFacts, LifetimeRules, decide_lifetime
from multistream.sessions.models import SessionStatus

T0 = dt.datetime(2026, 12, 6, 9, 0, tzinfo=dt.UTC)
MIN = dt.timedelta(minutes=1)
RULES = LifetimeRules(abandoned_after=15 * MIN, overtime_grace=30 * MIN, warn_before=2 * MIN)
LIVE = LifetimeFacts(
    status=SessionStatus.live,
    scheduled_start=T0,
    scheduled_end=T0 + 60 * MIN,
    started_at=T0,
    host_seen_at=T0,
    ending_reason=None,
    ending_at=None,
)


def _types(facts: LifetimeFacts, now: dt.datetime) -> list[str]:
    return [event.type for event in decide_lifetime(facts, now=now, rules=RULES)]


def test_a_taught_class_goes_on() -> None:
    facts = dataclasses.replace(LIVE, host_seen_at=T0 + 40 * MIN)
    assert _types(facts, T0 + 41 * MIN) == []


def test_no_host_for_long_warns_then_ends_as_abandoned() -> None:
    assert _types(LIVE, T0 + 12 * MIN) == []
    [warning] = decide_lifetime(LIVE, now=T0 + 13 * MIN, rules=RULES)
    assert warning.type == "session.ending_soon"
    assert warning.payload["reason"] == "abandoned"
    assert warning.payload["ends_at"] == (T0 + 15 * MIN).isoformat()
    assert "teacher opening the studio keeps it going" in warning.payload["detail"]
    warned = dataclasses.replace(LIVE, ending_reason="abandoned", ending_at=T0 + 15 * MIN)
    assert _types(warned, T0 + 14 * MIN) == []  # warned once
    [ended] = decide_lifetime(warned, now=T0 + 15 * MIN, rules=RULES)
    assert ended.type == "session.ended"
    assert ended.payload["reason"] == "abandoned"
    assert ended.payload["detail"] == "No teacher was connected for 15 minutes."


def test_a_host_coming_back_takes_the_warning_back() -> None:
    warned = dataclasses.replace(
        LIVE, host_seen_at=T0 + 14 * MIN, ending_reason="abandoned", ending_at=T0 + 15 * MIN
    )
    [canceled] = decide_lifetime(warned, now=T0 + 14 * MIN, rules=RULES)
    assert (canceled.type, canceled.payload) == ("session.ending_canceled", {"reason": "abandoned"})


def test_far_past_the_scheduled_end_warns_then_ends_and_extending_cancels() -> None:
    taught = dataclasses.replace(LIVE, host_seen_at=T0 + 89 * MIN)
    [warning] = decide_lifetime(taught, now=T0 + 89 * MIN, rules=RULES)
    assert (warning.payload["reason"], warning.payload["ends_at"]) == (
        "overtime",
        (T0 + 90 * MIN).isoformat(),
    )
    assert "Extend the class" in warning.payload["detail"]
    warned = dataclasses.replace(taught, ending_reason="overtime", ending_at=T0 + 90 * MIN)
    [ended] = decide_lifetime(warned, now=T0 + 90 * MIN, rules=RULES)
    assert ended.payload["detail"] == "The class ran 30 minutes past its scheduled end."
    extended = dataclasses.replace(warned, scheduled_end=T0 + 120 * MIN)
    assert _types(extended, T0 + 89 * MIN) == ["session.ending_canceled"]


def test_a_late_start_keeps_the_whole_slot() -> None:
    # Scheduled 09:00-10:00, started at 09:40: it may run to 10:40, plus the grace.
    late = dataclasses.replace(LIVE, started_at=T0 + 40 * MIN, host_seen_at=T0 + 125 * MIN)
    assert _types(late, T0 + 125 * MIN) == []
    assert _types(late, T0 + 128 * MIN) == ["session.ending_soon"]


def test_only_live_classes_end_by_themselves() -> None:
    for status in (SessionStatus.scheduled, SessionStatus.ended, SessionStatus.canceled):
        assert _types(dataclasses.replace(LIVE, status=status), T0 + 600 * MIN) == []
