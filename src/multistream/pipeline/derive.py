"""Chapters and highlights from the aligned timeline and the transcript. Pure functions.

Chapters tile [0, duration) exactly (the database checks it too):

1. a chapter begins at every slide or scene change (`align.screen_spans`);
2. chapters shorter than the minimum merge into the next one (the teacher flipped past
   a slide), the last into the one before; the merged chapter keeps the identity of the
   longer part;
3. a chapter longer than the topic-split length is cut where the transcript changes topic
   (TextTiling depth scores at segment boundaries), into parts no shorter than the minimum;
4. titles: the slide's title (from the event, else from the deck), else key phrases of
   what was said, else the class's title.

Highlights: the most upvoted questions (from when they were asked to when they were
answered), polls (open to close, with their vote counts), and moments when chat or
reactions ran well above the class's own baseline.
"""

from __future__ import annotations

import dataclasses
import itertools
import math
import uuid
from collections.abc import Mapping, Sequence

from multistream.pipeline import text
from multistream.pipeline.align import ScreenSpan, Timeline, screen_spans
from multistream.pipeline.asr.base import Segment
from multistream.replay.models import ChapterSource, HighlightKind

TITLE_LIMIT = 200
QUESTION_HIGHLIGHTS = 5
"""The most upvoted questions become highlights (those with at least one vote)."""
QUESTION_UNANSWERED_MS = 60_000
"""A question never answered is highlighted for this long after it was asked."""
PEAK_WINDOW_MS = 10_000
PEAK_RATIO = 3.0
"""A window is a peak when its count is at least this many times the class's average."""
PEAK_MIN_CHAT = 5
PEAK_MIN_REACTIONS = 5
PEAKS_PER_KIND = 5


@dataclasses.dataclass(frozen=True)
class ChapterDraft:
    start_ms: int
    end_ms: int
    title: str
    source: ChapterSource
    slide_asset_id: uuid.UUID | None = None
    slide_page: int | None = None

    @property
    def length(self) -> int:
        return self.end_ms - self.start_ms


@dataclasses.dataclass(frozen=True)
class _Part:
    start_ms: int
    end_ms: int
    span: ScreenSpan
    source: ChapterSource

    @property
    def length(self) -> int:
        return self.end_ms - self.start_ms


def chapters(
    timeline: Timeline,
    segments: Sequence[Segment],
    *,
    min_ms: int,
    split_ms: int,
    slide_titles: Mapping[tuple[str, int], str],
    fallback_title: str,
) -> list[ChapterDraft]:
    """Chapters that tile [0, timeline.duration_ms); none for an empty recording."""
    if timeline.duration_ms <= 0:
        return []
    parts = [
        _Part(span.start_ms, span.end_ms, span, _source(span)) for span in screen_spans(timeline)
    ]
    parts = _merge_short(parts, min_ms)
    pieces: list[_Part] = []
    for part in parts:
        pieces.extend(_split_by_topic(part, segments, min_ms=min_ms, split_ms=split_ms))
    texts = [_said(segments, p.start_ms, p.end_ms) for p in pieces]
    drafts = []
    for index, piece in enumerate(pieces):
        continued = index > 0 and pieces[index - 1].span is piece.span
        title = None
        if not continued:
            title = _slide_title(piece.span, slide_titles)
        if title is None:
            corpus = texts[:index] + texts[index + 1 :]
            title = text.title_from(text.key_phrases(texts[index], corpus=corpus, limit=2))
        has_slide = piece.span.asset_id is not None and piece.span.page_no is not None
        if title is None and has_slide and not continued:
            title = f"Slide {piece.span.page_no}"
        if title is None:
            whole = len(pieces) == 1 and text.shorten(fallback_title, TITLE_LIMIT)
            title = whole or f"Part {index + 1}"
        drafts.append(
            ChapterDraft(
                start_ms=piece.start_ms,
                end_ms=piece.end_ms,
                title=text.shorten(title, TITLE_LIMIT),
                source=ChapterSource.topic if continued else piece.source,
                slide_asset_id=uuid.UUID(piece.span.asset_id) if has_slide else None,
                slide_page=piece.span.page_no if has_slide else None,
            )
        )
    return drafts


def _source(span: ScreenSpan) -> ChapterSource:
    if span.cause == "scene" or (span.asset_id is None and span.scene_id is not None):
        return ChapterSource.scene
    if span.asset_id is not None:
        return ChapterSource.slide
    return ChapterSource.topic


def _slide_title(span: ScreenSpan, slide_titles: Mapping[tuple[str, int], str]) -> str | None:
    if span.asset_id is None or span.page_no is None:
        return None
    if span.layout is not None and span.layout not in ("slides", "slides_camera"):
        return None  # the deck was hidden behind the camera or a shared screen
    title = (span.title or "").strip() or slide_titles.get((span.asset_id, span.page_no), "")
    return title.strip() or None


def _merge_short(parts: list[_Part], min_ms: int) -> list[_Part]:
    parts = list(parts)
    while len(parts) > 1:
        short = next((i for i, p in enumerate(parts) if p.length < min_ms), None)
        if short is None:
            break
        other = short + 1 if short + 1 < len(parts) else short - 1
        first, second = sorted((short, other))
        a, b = parts[first], parts[second]
        keep = a if a.length > b.length else b
        parts[first : second + 1] = [_Part(a.start_ms, b.end_ms, keep.span, keep.source)]
    return parts


def _split_by_topic(
    part: _Part, segments: Sequence[Segment], *, min_ms: int, split_ms: int
) -> list[_Part]:
    if part.length <= split_ms:
        return [part]
    inside = [s for s in segments if part.start_ms <= s.start_ms < part.end_ms and s.text.strip()]
    if len(inside) < 4:
        return [part]
    depths = text.topic_depths([s.text for s in inside])
    wanted = math.ceil(part.length / split_ms) - 1
    # Deepest gaps first (earlier on ties); a gap cuts at the start of the next segment.
    ranked = sorted(range(len(depths)), key=lambda gap: (-depths[gap], gap))
    mean = sum(depths) / len(depths)
    cuts: list[int] = []
    for gap in ranked:
        if len(cuts) == wanted or depths[gap] <= 0 or depths[gap] < mean:
            break
        at = inside[gap + 1].start_ms
        bounds = sorted([part.start_ms, *cuts, at, part.end_ms])
        if all(b - a >= max(min_ms, 1) for a, b in itertools.pairwise(bounds)):
            cuts.append(at)
    bounds = sorted([part.start_ms, *cuts, part.end_ms])
    return [_Part(a, b, part.span, part.source) for a, b in itertools.pairwise(bounds)]


def _said(segments: Sequence[Segment], start_ms: int, end_ms: int) -> str:
    return " ".join(s.text for s in segments if start_ms <= s.start_ms < end_ms)


# --- highlights --------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class HighlightDraft:
    kind: HighlightKind
    start_ms: int
    end_ms: int
    title: str
    score: float
    ref_id: uuid.UUID | None = None

    @property
    def key(self) -> tuple[str, str]:
        """What the row is upserted on: (kind, ref_id) or, without a ref, (kind, start_ms)."""
        return (self.kind.value, str(self.ref_id) if self.ref_id else f"@{self.start_ms}")


@dataclasses.dataclass(frozen=True)
class QuestionFacts:
    id: uuid.UUID
    body: str
    upvotes: int
    dismissed: bool


@dataclasses.dataclass(frozen=True)
class PollFacts:
    id: uuid.UUID
    question: str
    options: Sequence[tuple[str, str]]
    """(option id, text) in the poll's order."""
    counts: Mapping[str, int]


def highlights(
    timeline: Timeline,
    *,
    questions: Sequence[QuestionFacts],
    polls: Sequence[PollFacts],
) -> list[HighlightDraft]:
    found = [
        *question_highlights(timeline, questions),
        *poll_highlights(timeline, polls),
        *peak_highlights(
            [(ms, count) for ms, count in timeline.chat],
            duration_ms=timeline.duration_ms,
            kind=HighlightKind.chat_peak,
            minimum=PEAK_MIN_CHAT,
        ),
        *peak_highlights(
            [(ms, sum(counts.values())) for ms, counts in timeline.reactions],
            duration_ms=timeline.duration_ms,
            kind=HighlightKind.reaction_peak,
            minimum=PEAK_MIN_REACTIONS,
            emoji=[(ms, counts) for ms, counts in timeline.reactions],
        ),
        *stage_highlights(timeline),
    ]
    unique: dict[tuple[str, str], HighlightDraft] = {}
    for draft in found:
        unique.setdefault(draft.key, draft)
    return sorted(unique.values(), key=lambda h: (h.start_ms, h.kind.value, h.key))


def question_highlights(
    timeline: Timeline, questions: Sequence[QuestionFacts]
) -> list[HighlightDraft]:
    asked: dict[str, int] = {}
    answered: dict[str, int] = {}
    for marker in timeline.markers:
        question_id = marker.data.get("question_id")
        if not question_id:
            continue
        if marker.type == "qa.question_asked":
            asked.setdefault(str(question_id), marker.media_ms)
        elif marker.type == "qa.question_answered":
            answered[str(question_id)] = marker.media_ms
    candidates = [q for q in questions if not q.dismissed and q.upvotes > 0 and str(q.id) in asked]
    candidates.sort(key=lambda q: (-q.upvotes, asked[str(q.id)], str(q.id)))
    drafts = []
    for question in candidates[:QUESTION_HIGHLIGHTS]:
        start = asked[str(question.id)]
        end = answered.get(str(question.id), start + QUESTION_UNANSWERED_MS)
        drafts.append(
            HighlightDraft(
                kind=HighlightKind.question,
                start_ms=start,
                end_ms=min(max(end, start), timeline.duration_ms),
                title=text.shorten(question.body, TITLE_LIMIT) or "Question",
                score=float(question.upvotes),
                ref_id=question.id,
            )
        )
    return drafts


def poll_highlights(timeline: Timeline, polls: Sequence[PollFacts]) -> list[HighlightDraft]:
    opened: dict[str, int] = {}
    closed: dict[str, int] = {}
    for marker in timeline.markers:
        poll_id = marker.data.get("poll_id")
        if marker.type == "poll.opened" and poll_id:
            opened.setdefault(str(poll_id), marker.media_ms)
        elif marker.type == "poll.closed" and poll_id:
            closed[str(poll_id)] = marker.media_ms
    drafts = []
    for poll in polls:
        start = opened.get(str(poll.id))
        if start is None:
            continue
        end = closed.get(str(poll.id), timeline.duration_ms)
        total = sum(poll.counts.values())
        drafts.append(
            HighlightDraft(
                kind=HighlightKind.poll,
                start_ms=start,
                end_ms=max(end, start),
                title=text.shorten(f"Poll: {poll.question} — {_results(poll)}", TITLE_LIMIT),
                score=float(total),
                ref_id=poll.id,
            )
        )
    return drafts


def _results(poll: PollFacts) -> str:
    total = sum(poll.counts.values())
    if total == 0:
        return "no votes"
    shares = [
        f"{option_text} {round(100 * poll.counts.get(option_id, 0) / total)}%"
        for option_id, option_text in poll.options
    ]
    return ", ".join(shares)


def peak_highlights(
    per_second: Sequence[tuple[int, int]],
    *,
    duration_ms: int,
    kind: HighlightKind,
    minimum: int,
    emoji: Sequence[tuple[int, Mapping[str, int]]] = (),
) -> list[HighlightDraft]:
    """Windows of PEAK_WINDOW_MS whose count is at least PEAK_RATIO times the average
    window of the whole recording (and at least `minimum`); neighbouring peak windows
    join into one highlight, scored by its busiest window over the average."""
    if duration_ms <= 0 or not per_second:
        return []
    windows = max(1, math.ceil(duration_ms / PEAK_WINDOW_MS))
    counts = [0] * windows
    for ms, count in per_second:
        counts[min(ms // PEAK_WINDOW_MS, windows - 1)] += count
    baseline = sum(counts) / windows
    threshold = max(minimum, PEAK_RATIO * baseline)
    runs: list[tuple[int, int]] = []  # [first, last] window of each run of peaks
    for index, count in enumerate(counts):
        if count < threshold:
            continue
        if runs and runs[-1][1] == index - 1:
            runs[-1] = (runs[-1][0], index)
        else:
            runs.append((index, index))
    drafts = []
    for first, last in runs:
        start = first * PEAK_WINDOW_MS
        end = min((last + 1) * PEAK_WINDOW_MS, duration_ms)
        busiest = max(counts[first : last + 1])
        total = sum(counts[first : last + 1])
        if kind is HighlightKind.reaction_peak:
            tally: dict[str, int] = {}
            for ms, by_emoji in emoji:
                if start <= ms < end:
                    for symbol, n in by_emoji.items():
                        tally[symbol] = tally.get(symbol, 0) + n
            top = sorted(tally.items(), key=lambda item: (-item[1], item[0]))[:3]
            title = "Reactions: " + ", ".join(f"{symbol} {n}" for symbol, n in top)
        else:
            title = f"Lively chat: {total} messages"
        drafts.append(
            HighlightDraft(
                kind=kind,
                start_ms=start,
                end_ms=end,
                title=text.shorten(title, TITLE_LIMIT),
                score=round(busiest / max(baseline, 1e-9), 3),
            )
        )
    drafts.sort(key=lambda d: (-d.score, d.start_ms))
    return sorted(drafts[:PEAKS_PER_KIND], key=lambda d: d.start_ms)


def stage_highlights(timeline: Timeline) -> list[HighlightDraft]:
    """Each time someone was brought on stage, until they left it."""
    drafts = []
    for index, marker in enumerate(timeline.markers):
        if marker.type != "stage.invited":
            continue
        user_id = marker.data.get("user_id")
        end = next(
            (
                later.media_ms
                for later in timeline.markers[index + 1 :]
                if later.type == "stage.left" and later.data.get("user_id") == user_id
            ),
            timeline.duration_ms,
        )
        name = marker.data.get("display_name") or "a participant"
        drafts.append(
            HighlightDraft(
                kind=HighlightKind.stage,
                start_ms=marker.media_ms,
                end_ms=max(end, marker.media_ms),
                title=text.shorten(f"On stage: {name}", TITLE_LIMIT),
                score=1.0,
            )
        )
    return drafts
