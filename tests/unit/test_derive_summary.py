"""The extractive summary, keywords and key phrases (`pipeline.summary`, `pipeline.text`)."""

from __future__ import annotations

from multistream.pipeline import text
from multistream.pipeline.asr.base import Segment, Word
from multistream.pipeline.summary import MAX_SENTENCES, sentences, summarize

LECTURE = [
    "Good morning everyone, let's get started.",
    "Photosynthesis is how green plants turn sunlight into chemical energy.",
    "Plants take in carbon dioxide and water and give off oxygen.",
    "Okay so, um, can everyone see the slides?",
    "Chlorophyll is the green pigment inside the chloroplasts of a leaf.",
    "Chlorophyll absorbs red and blue light and reflects green light.",
    "The Calvin cycle takes place in the stroma of the chloroplast.",
    "An enzyme called rubisco fixes carbon dioxide from the air.",
    "The Calvin cycle builds simple sugars using the stored energy.",
    "Right, any questions so far?",
    "Almost every food chain on Earth starts with photosynthesis.",
    "Forests and ocean algae produce most of the oxygen we breathe.",
]


def spoken(lines: list[str]) -> list[Segment]:
    return [
        Segment(start_ms=4_000 * i, end_ms=4_000 * (i + 1), text=line)
        for i, line in enumerate(lines)
    ]


def test_sentences_keep_their_start_time_from_word_timings() -> None:
    segment = Segment(
        10_000,
        12_600,
        "Plants need light. They also need water!",
        tuple(
            Word(word, start_ms, start_ms + 250, 0.9)
            for word, start_ms in [
                ("Plants", 10_000),
                ("need", 10_300),
                ("light.", 10_600),
                ("They", 11_500),
                ("also", 11_800),
                ("need", 12_000),
                ("water!", 12_300),
            ]
        ),
    )
    assert [(s.text, s.start_ms) for s in sentences([segment])] == [
        ("Plants need light.", 10_000),
        ("They also need water!", 11_500),
    ]
    # Without punctuation (PocketSphinx) a segment is one sentence.
    assert len(sentences([Segment(0, 3_000, "plants need light they also need water")])) == 1


def test_the_summary_picks_telling_sentences_in_the_order_said() -> None:
    result = summarize(spoken(LECTURE), chapters=[" ".join(LECTURE[:6]), " ".join(LECTURE[6:])])
    picked = [s.text for s in result.sentences]
    assert 1 <= len(picked) <= MAX_SENTENCES
    assert picked == [line for line in LECTURE if line in picked]  # in order
    chatter = {LECTURE[0], LECTURE[3], LECTURE[9]}
    assert not chatter & set(picked)
    starts = {s.start_ms for s in result.sentences}
    assert starts <= {4_000 * i for i in range(len(LECTURE))}


def test_keywords_are_what_the_class_is_about() -> None:
    result = summarize(spoken(LECTURE))
    joined = " ".join(result.keywords)
    assert "chlorophyll" in joined
    assert any(word in joined for word in ("calvin cycle", "carbon dioxide"))
    assert not set(result.keywords) & {"okay", "everyone", "right"}


def test_an_empty_transcript_has_an_empty_summary() -> None:
    result = summarize([])
    assert result.sentences == []
    assert result.keywords == []
    assert result.model_dump(mode="json") == {"sentences": [], "keywords": []}


def test_key_phrases_prefer_words_particular_to_a_chapter() -> None:
    chapters = [
        "Photosynthesis needs light. Chlorophyll pigment absorbs light for photosynthesis.",
        "Photosynthesis fixes carbon. The Calvin cycle uses rubisco in photosynthesis.",
    ]
    phrases = text.key_phrases(chapters[1], corpus=chapters[:1], limit=2)
    assert phrases
    assert "photosynthesis" not in phrases[0]
    assert text.title_from(["calvin cycle", "rubisco"]) == "Calvin cycle, rubisco"
    assert text.title_from([]) is None


def test_shorten_cuts_at_a_word_with_an_ellipsis() -> None:
    assert text.shorten("  short   text ", 20) == "short text"
    cut = text.shorten("word " * 100, 30)
    assert len(cut) <= 30
    assert cut.endswith("…")
    assert not cut.endswith(" …")
