"""An extractive summary of a class: its most telling sentences, in the order said, and
its keywords.

Sentences are scored by the weight of their content words (how often the class says the
word, times how few chapters use it), averaged so long sentences do not win by length;
near-repeats of a chosen sentence are skipped. Speech recognisers without punctuation
give segments, not sentences: then each segment is one sentence.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence

from multistream.pipeline import text
from multistream.pipeline.asr.base import Segment
from multistream.replay.schemas import ReplaySummary, SummarySentence

MAX_SENTENCES = 5
SHARE = 0.15
"""About this share of the sentences, between 1 and MAX_SENTENCES."""
MIN_WORDS = 5
KEYWORDS = 10
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")


def sentences(segments: Sequence[Segment]) -> list[SummarySentence]:
    """The transcript cut into sentences, each with the time its first word was said
    (from the segment's word timings when it has them)."""
    found: list[SummarySentence] = []
    for segment in segments:
        pieces = [p.strip() for p in _SENTENCE_END.split(segment.text.strip()) if p.strip()]
        word_index = 0
        for piece in pieces:
            start = segment.start_ms
            if word_index < len(segment.words):
                start = segment.words[word_index].start_ms
            word_index += len(piece.split())
            found.append(SummarySentence(text=piece, start_ms=start))
    return found


def summarize(segments: Sequence[Segment], *, chapters: Sequence[str] = ()) -> ReplaySummary:
    """The summary of a transcript; `chapters` (the text of each chapter) tell words every
    part of the class uses from words particular to some of it."""
    candidates = sentences(segments)
    whole = " ".join(s.text for s in candidates)
    counts = Counter(text.content_words(whole))
    rarity = text.idf(chapters) if len(chapters) > 1 else {}
    weight = {word: count * rarity.get(word, 1.0) for word, count in counts.items()}
    scored = []
    for index, sentence in enumerate(candidates):
        said = text.content_words(sentence.text)
        if len(text.words(sentence.text)) < MIN_WORDS or not said:
            continue
        distinct = set(said)
        score = sum(weight[w] for w in distinct) / math.sqrt(len(text.words(sentence.text)))
        scored.append((score, index, distinct))
    wanted = min(MAX_SENTENCES, max(1, round(len(candidates) * SHARE))) if candidates else 0
    chosen: list[tuple[int, set[str]]] = []
    for _score, index, distinct in sorted(scored, key=lambda item: (-item[0], item[1])):
        if len(chosen) == wanted:
            break
        if any(_overlap(distinct, other) > 0.5 for _, other in chosen):
            continue
        chosen.append((index, distinct))
    picked = [candidates[index] for index, _ in sorted(chosen)]
    return ReplaySummary(sentences=picked, keywords=keywords(whole, chapters=chapters))


def keywords(whole: str, *, chapters: Sequence[str] = (), limit: int = KEYWORDS) -> list[str]:
    """The class's keywords: its key phrases of one or two words."""
    corpus = [c for c in chapters if c.strip()] if len(chapters) > 1 else []
    return text.key_phrases(whole, corpus=corpus, limit=limit, longest=2)


def _overlap(a: set[str], b: set[str]) -> float:
    return len(a & b) / len(a | b) if a | b else 0.0
