"""Chapters and highlights (`pipeline.derive`): pure functions on a timeline and a transcript."""

from __future__ import annotations

import itertools
import uuid
from typing import Any

from multistream.pipeline.align import Marker, Timeline
from multistream.pipeline.asr.base import Segment
from multistream.pipeline.derive import (
    QUESTION_HIGHLIGHTS,
    ChapterDraft,
    PollFacts,
    QuestionFacts,
    chapters,
    highlights,
)
from multistream.replay.models import ChapterSource, HighlightKind

DECK = "0190f0a1-0000-7000-8000-000000000001"
S = 1000
MIN = 60 * S


def timeline(
    duration_ms: int,
    *markers: tuple[int, str, dict[str, Any]],
    chat: tuple[tuple[int, int], ...] = (),
    reactions: tuple[tuple[int, dict[str, int]], ...] = (),
) -> Timeline:
    return Timeline(
        duration_ms=duration_ms,
        markers=tuple(Marker(i + 1, kind, ms, data) for i, (ms, kind, data) in enumerate(markers)),
        chat=chat,
        reactions=reactions,
    )


def slide(ms: int, page: int, title: str | None = None) -> tuple[int, str, dict[str, Any]]:
    return (ms, "studio.slide_changed", {"asset_id": DECK, "page_no": page, "title": title})


def derive_chapters(
    line: Timeline,
    segments: list[Segment] | None = None,
    *,
    min_ms: int = 5 * S,
    split_ms: int = 10 * MIN,
    titles: dict[tuple[str, int], str] | None = None,
) -> list[ChapterDraft]:
    result = chapters(
        line,
        segments or [],
        min_ms=min_ms,
        split_ms=split_ms,
        slide_titles=titles or {},
        fallback_title="Photosynthesis, week 3",
    )
    # Whatever else is true, chapters tile [0, duration) exactly.
    assert result[0].start_ms == 0
    assert result[-1].end_ms == line.duration_ms
    assert all(a.end_ms == b.start_ms for a, b in itertools.pairwise(result))
    assert all(c.end_ms > c.start_ms for c in result)
    assert all(c.title.strip() and len(c.title) <= 200 for c in result)
    return result


def test_a_chapter_begins_at_every_slide_change_titled_by_the_slide() -> None:
    line = timeline(
        90 * S,
        (0, "studio.deck_attached", {"asset_id": DECK, "page_no": 1, "title": "What Is It"}),
        slide(30 * S, 2, "Chlorophyll and Light"),
        slide(61_500, 3, "The Calvin Cycle"),
    )
    result = derive_chapters(line)
    assert [(c.start_ms, c.title, c.source, c.slide_page) for c in result] == [
        (0, "What Is It", ChapterSource.slide, 1),
        (30 * S, "Chlorophyll and Light", ChapterSource.slide, 2),
        (61_500, "The Calvin Cycle", ChapterSource.slide, 3),
    ]
    assert {c.slide_asset_id for c in result} == {uuid.UUID(DECK)}


def test_every_boundary_is_within_two_seconds_of_a_true_slide_change() -> None:
    """The spec's quality bar, on known change times (a synthetic lecture's)."""
    truth = [0, 14_230, 29_870, 43_120, 58_400, 71_050]
    line = timeline(85_000, *(slide(ms, page) for page, ms in enumerate(truth, start=1)))
    result = derive_chapters(line, min_ms=5 * S)
    assert len(result) == len(truth)
    for chapter in result:
        assert min(abs(chapter.start_ms - t) for t in truth) <= 2_000


def test_slides_flipped_past_merge_into_the_next_chapter() -> None:
    line = timeline(
        100 * S,
        slide(0, 1, "Intro"),
        slide(40 * S, 2, "Skipped"),
        slide(41 * S, 3, "Skipped too"),
        slide(42 * S, 4, "Main point"),
    )
    result = derive_chapters(line, min_ms=10 * S)
    assert [(c.start_ms, c.end_ms, c.title) for c in result] == [
        (0, 40 * S, "Intro"),
        (40 * S, 100 * S, "Main point"),
    ]


def test_a_short_last_chapter_merges_into_the_one_before() -> None:
    line = timeline(60 * S, slide(0, 1, "Only"), slide(58 * S, 2, "Goodbye"))
    result = derive_chapters(line, min_ms=10 * S)
    assert [(c.start_ms, c.end_ms, c.title) for c in result] == [(0, 60 * S, "Only")]


def test_titles_fall_back_to_the_deck_then_to_what_was_said() -> None:
    line = timeline(
        90 * S,
        slide(0, 1),
        slide(30 * S, 2),
        (60 * S, "studio.scene_activated", {"scene_id": "cam", "layout": "camera"}),
    )
    said = [
        Segment(61 * S, 70 * S, "Stomata are tiny pores in the leaf."),
        Segment(70 * S, 80 * S, "The stomata close when the weather is dry."),
    ]
    result = derive_chapters(line, said, titles={(DECK, 1): "From the deck"})
    assert result[0].title == "From the deck"
    assert result[1].title == "Slide 2"
    assert result[2].source is ChapterSource.scene
    assert "stomata" in result[2].title.lower()


def test_a_recording_without_events_is_one_chapter_named_after_the_class() -> None:
    result = derive_chapters(timeline(30 * S))
    assert [(c.title, c.source) for c in result] == [
        ("Photosynthesis, week 3", ChapterSource.topic)
    ]
    assert (
        chapters(timeline(0), [], min_ms=0, split_ms=MIN, slide_titles={}, fallback_title="x") == []
    )


def _topic(start_s: int, sentences: list[str]) -> list[Segment]:
    return [
        Segment((start_s + 20 * i) * S, (start_s + 20 * i + 18) * S, text)
        for i, text in enumerate(sentences)
    ]


def test_a_slide_up_for_long_is_split_where_the_topic_changes() -> None:
    light = [
        "Chlorophyll absorbs red light and blue light.",
        "Green light is reflected by the chlorophyll pigment.",
        "The pigment chlorophyll sits in the chloroplast membranes.",
        "Light absorbed by chlorophyll excites electrons in the pigment.",
        "Chlorophyll pigment molecules capture light energy.",
        "Red light and blue light drive the chlorophyll reactions.",
    ]
    calvin = [
        "The Calvin cycle fixes carbon dioxide into sugar.",
        "Rubisco is the enzyme that fixes carbon in the cycle.",
        "Each turn of the Calvin cycle adds one carbon atom.",
        "The cycle builds glucose sugar from carbon dioxide.",
        "Rubisco enzyme works slowly so plants make lots of it.",
        "Sugar from the Calvin cycle feeds the whole plant.",
    ]
    said = _topic(0, light) + _topic(120, calvin)
    line = timeline(240 * S, slide(0, 1, "Photosynthesis"))
    result = derive_chapters(line, said, min_ms=30 * S, split_ms=150 * S)
    assert [c.start_ms for c in result] == [0, 120 * S]
    assert result[0].title == "Photosynthesis"
    assert result[1].source is ChapterSource.topic
    assert any(word in result[1].title.lower() for word in ("calvin", "rubisco", "carbon"))
    # Not long enough to split: left alone.
    assert len(derive_chapters(line, said, min_ms=30 * S, split_ms=240 * S)) == 1


def test_chapters_are_the_same_on_every_run() -> None:
    line = timeline(200 * S, slide(0, 1), slide(50 * S, 2), slide(51 * S, 3), slide(120 * S, 4))
    said = _topic(0, ["Leaves trap light."] * 5) + _topic(100, ["Roots drink water."] * 5)
    assert derive_chapters(line, said) == derive_chapters(line, said)


# --- highlights ------------------------------------------------------------------------------


def q(body: str, upvotes: int, *, dismissed: bool = False) -> QuestionFacts:
    return QuestionFacts(uuid.uuid4(), body, upvotes, dismissed)


def test_the_most_upvoted_questions_from_asked_to_answered() -> None:
    top, other, unvoted, dismissed = (
        q("Why green?", 9),
        q("And red?", 3),
        q("Hm", 0),
        q("x", 50, dismissed=True),
    )
    many = [q(f"Question {i}", 1) for i in range(10)]
    asked = [top, other, unvoted, dismissed, *many]
    line = timeline(
        600 * S,
        *(
            (10 * S + i, "qa.question_asked", {"question_id": str(x.id)})
            for i, x in enumerate(asked)
        ),
        (70 * S, "qa.question_answered", {"question_id": str(top.id)}),
    )
    found = [
        h for h in highlights(line, questions=asked, polls=[]) if h.kind is HighlightKind.question
    ]
    assert len(found) == QUESTION_HIGHLIGHTS
    assert found[0].ref_id == top.id
    assert (found[0].start_ms, found[0].end_ms, found[0].title, found[0].score) == (
        10 * S,
        70 * S,
        "Why green?",
        9.0,
    )
    by_id = {h.ref_id for h in found}
    assert other.id in by_id
    assert unvoted.id not in by_id
    assert dismissed.id not in by_id
    unanswered = next(h for h in found if h.ref_id == other.id)
    assert unanswered.end_ms - unanswered.start_ms == 60 * S


def test_polls_from_open_to_close_with_their_results() -> None:
    poll = PollFacts(
        uuid.uuid4(), "Which gas?", [("a", "Oxygen"), ("b", "Nitrogen")], {"a": 3, "b": 1}
    )
    never_opened = PollFacts(uuid.uuid4(), "Draft", [("a", "x"), ("b", "y")], {})
    line = timeline(
        300 * S,
        (100 * S, "poll.opened", {"poll_id": str(poll.id), "question": "Which gas?"}),
        (160 * S, "poll.closed", {"poll_id": str(poll.id)}),
    )
    found = highlights(line, questions=[], polls=[poll, never_opened])
    assert [(h.kind, h.start_ms, h.end_ms, h.score, h.ref_id) for h in found] == [
        (HighlightKind.poll, 100 * S, 160 * S, 4.0, poll.id)
    ]
    assert found[0].title == "Poll: Which gas? — Oxygen 75%, Nitrogen 25%"


def test_chat_peaks_are_measured_against_the_class_baseline() -> None:
    steady = tuple((ms, 1) for ms in range(0, 600 * S, 10 * S))  # one message per 10 s
    burst = tuple((ms, 2) for ms in range(300 * S, 310 * S, S))  # twenty in ten seconds
    chat = tuple(sorted(steady + burst))
    found = highlights(timeline(600 * S, chat=chat), questions=[], polls=[])
    assert [(h.kind, h.start_ms, h.end_ms) for h in found] == [
        (HighlightKind.chat_peak, 300 * S, 310 * S)
    ]
    assert found[0].title == "Lively chat: 21 messages"
    assert found[0].score > 3
    # Busy all along is the baseline, not a peak.
    assert (
        highlights(
            timeline(600 * S, chat=tuple((ms, 5) for ms in range(0, 600 * S, S))),
            questions=[],
            polls=[],
        )
        == []
    )


def test_reaction_peaks_name_their_emoji() -> None:
    reactions = tuple((ms, {"👏": 4, "🎉": 1}) for ms in range(200 * S, 205 * S, S))
    found = highlights(timeline(600 * S, reactions=reactions), questions=[], polls=[])
    assert [(h.kind, h.start_ms, h.title) for h in found] == [
        (HighlightKind.reaction_peak, 200 * S, "Reactions: 👏 20, 🎉 5")
    ]


def test_stage_appearances_and_unique_keys() -> None:
    user = {"user_id": "u1", "display_name": "Ada"}
    line = timeline(
        100 * S,
        (10 * S, "stage.invited", user),
        (40 * S, "stage.left", {"user_id": "u1"}),
        (50 * S, "stage.invited", user),
    )
    found = highlights(line, questions=[], polls=[])
    assert [(h.start_ms, h.end_ms, h.title) for h in found] == [
        (10 * S, 40 * S, "On stage: Ada"),
        (50 * S, 100 * S, "On stage: Ada"),
    ]
    assert len({h.key for h in found}) == len(found)
