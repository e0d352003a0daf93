"""The event log on the recording's timeline: `media_ms = occurred_at - recording.started_at`.

```
log:    seq 40 studio.slide_changed 10:03:12.250   seq 41 qa.question_asked 10:03:40.000
                    │                                         │
media:  0 ──────── 192 250 ms ───────────────────────── 220 000 ms ──────── duration
```

Slide, deck and scene changes, stage changes, questions and polls become markers; chat
messages and reactions become per-second rates (a busy class posts thousands). Events
before the recording started count as at 0 (the slide already up when it began), events
after its end are left out. Pure functions: the align step feeds them the log.
"""

from __future__ import annotations

import bisect
import dataclasses
import datetime as dt
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Protocol

SLIDE_TYPES = frozenset({"studio.slide_changed", "studio.deck_attached"})
SCENE_TYPES = frozenset({"studio.scene_activated"})
MARKER_TYPES = (
    SLIDE_TYPES
    | SCENE_TYPES
    | {
        "stage.invited",
        "stage.joined",
        "stage.left",
        "qa.question_asked",
        "qa.question_answered",
        "qa.question_dismissed",
        "qa.question_reopened",
        "poll.opened",
        "poll.closed",
        "poll.results_shown",
    }
)
CHAT_TYPE = "chat.message_posted"
REACTIONS_TYPE = "reactions.burst"
SLIDE_LAYOUTS = frozenset({"slides", "slides_camera"})


class LoggedEvent(Protocol):
    """What alignment reads of a logged event (an `EventEnvelope` has it)."""

    @property
    def seq(self) -> int: ...
    @property
    def type(self) -> str: ...
    @property
    def payload(self) -> dict[str, Any]: ...
    @property
    def occurred_at(self) -> dt.datetime: ...


@dataclasses.dataclass(frozen=True)
class Marker:
    seq: int
    type: str
    media_ms: int
    data: Mapping[str, Any]
    """The payload fields later steps use (ids, titles), not the whole payload."""


@dataclasses.dataclass(frozen=True)
class Timeline:
    duration_ms: int
    markers: tuple[Marker, ...]
    chat: tuple[tuple[int, int], ...]
    """(second's start in media ms, messages posted in it), seconds with none left out."""
    reactions: tuple[tuple[int, Mapping[str, int]], ...]
    """(second's start in media ms, {emoji: count})."""

    def to_json(self) -> dict[str, Any]:
        return {
            "duration_ms": self.duration_ms,
            "markers": [
                {"seq": m.seq, "type": m.type, "media_ms": m.media_ms, "data": dict(m.data)}
                for m in self.markers
            ],
            "chat": [list(pair) for pair in self.chat],
            "reactions": [[ms, dict(counts)] for ms, counts in self.reactions],
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Timeline:
        return cls(
            duration_ms=int(data["duration_ms"]),
            markers=tuple(
                Marker(int(m["seq"]), str(m["type"]), int(m["media_ms"]), dict(m["data"]))
                for m in data["markers"]
            ),
            chat=tuple((int(ms), int(count)) for ms, count in data["chat"]),
            reactions=tuple(
                (int(ms), {str(k): int(v) for k, v in counts.items()})
                for ms, counts in data["reactions"]
            ),
        )


@dataclasses.dataclass(frozen=True)
class ScreenSpan:
    """What was on screen from `start_ms` to `end_ms`: a slide, a scene, or neither."""

    start_ms: int
    end_ms: int
    asset_id: str | None
    page_no: int | None
    title: str | None
    scene_id: str | None
    layout: str | None
    cause: str | None
    """What began the span: "slide", "scene", or None for the start of the recording."""


def media_ms(at: dt.datetime, started_at: dt.datetime) -> int:
    return round((at - started_at).total_seconds() * 1000)


def _data(event: LoggedEvent) -> dict[str, Any]:
    payload = event.payload
    kind = event.type
    if kind in SLIDE_TYPES:
        return {
            "asset_id": payload.get("asset_id"),
            "page_no": payload.get("page_no"),
            "title": payload.get("title"),
        }
    if kind in SCENE_TYPES:
        return {"scene_id": payload.get("scene_id"), "layout": payload.get("layout")}
    if kind.startswith("stage."):
        return {"user_id": payload.get("user_id"), "display_name": payload.get("display_name")}
    if kind == "qa.question_asked":
        return {"question_id": (payload.get("question") or {}).get("id")}
    if kind.startswith("qa."):
        return {"question_id": payload.get("question_id")}
    if kind == "poll.opened":
        poll = payload.get("poll") or {}
        return {"poll_id": poll.get("id"), "question": poll.get("question")}
    return {"poll_id": payload.get("poll_id")}


def build_timeline(
    events: Iterable[LoggedEvent], *, started_at: dt.datetime, duration_ms: int
) -> Timeline:
    markers: list[Marker] = []
    chat: Counter[int] = Counter()
    reactions: dict[int, Counter[str]] = {}
    for event in events:
        if event.type == REACTIONS_TYPE:
            second = event.payload.get("second")
            at = dt.datetime.fromisoformat(second) if second else event.occurred_at
            ms = media_ms(at, started_at)
            if 0 <= ms < duration_ms:
                bucket = reactions.setdefault(ms - ms % 1000, Counter())
                for emoji, count in (event.payload.get("counts") or {}).items():
                    bucket[str(emoji)] += int(count)
            continue
        ms = media_ms(event.occurred_at, started_at)
        if ms >= duration_ms:
            continue
        if event.type == CHAT_TYPE:
            if ms >= 0:
                chat[ms - ms % 1000] += 1
        elif event.type in MARKER_TYPES:
            markers.append(Marker(event.seq, event.type, max(ms, 0), _data(event)))
    markers.sort(key=lambda m: (m.media_ms, m.seq))
    return Timeline(
        duration_ms=duration_ms,
        markers=tuple(markers),
        chat=tuple(sorted(chat.items())),
        reactions=tuple(
            (ms, dict(sorted(counts.items()))) for ms, counts in sorted(reactions.items())
        ),
    )


def screen_spans(timeline: Timeline) -> list[ScreenSpan]:
    """What was on screen, as spans that tile [0, duration); a new span begins at every
    slide, deck or scene change (the same slide shown again begins none)."""
    state: dict[str, Any] = {
        "asset_id": None,
        "page_no": None,
        "title": None,
        "scene_id": None,
        "layout": None,
    }
    spans: list[ScreenSpan] = []
    start, cause = 0, None
    for marker in timeline.markers:
        if marker.type in SLIDE_TYPES:
            change = {k: marker.data.get(k) for k in ("asset_id", "page_no", "title")}
            new_cause = "slide"
        elif marker.type in SCENE_TYPES:
            change = {k: marker.data.get(k) for k in ("scene_id", "layout")}
            new_cause = "scene"
        else:
            continue
        if all(state[k] == v for k, v in change.items()):
            continue
        if marker.media_ms > start:
            spans.append(ScreenSpan(start, marker.media_ms, cause=cause, **state))
            start, cause = marker.media_ms, new_cause
        elif start == 0 and cause is None and marker.media_ms == 0:
            pass  # what was up before the recording began: it opens the first span
        else:
            cause = new_cause  # two changes at one instant: the later one wins
        state.update(change)
    if timeline.duration_ms > start:
        spans.append(ScreenSpan(start, timeline.duration_ms, cause=cause, **state))
    return spans


def span_at(spans: Sequence[ScreenSpan], ms: int) -> ScreenSpan | None:
    """The span on screen at `ms` (spans as `screen_spans` returns them)."""
    starts = [span.start_ms for span in spans]
    index = bisect.bisect_right(starts, ms) - 1
    return spans[index] if 0 <= index < len(spans) else None
