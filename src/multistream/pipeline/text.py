"""Plain lexical tools for spoken English: words, key phrases, topic shifts.

Pure functions on strings, shared by chapter titles, topic splits and the summary. No
models and no I/O: transcripts of classes are small enough for counting words, and the
results are the same on every run (ties break by position, never by hash order).
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence

_WORD = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")

STOPWORDS = frozenset(
    """
    a about above after again against all almost also although always am among an and another
    any anyone anything are aren't around as at away back be because been before being below
    between both but by can can't cannot could couldn't did didn't do does doesn't doing done
    don't down during each either else enough even ever every everything few first for from
    further get gets getting go goes going gone got had hadn't has hasn't have haven't having he
    her here hers herself him himself his how however i i'd i'll i'm i've if in into is isn't it
    it's its itself just last least less let let's like likely made make makes many may maybe me
    might more most much must my myself need needs never new next no nor not nothing now of off
    often oh ok okay on once one only onto or other others otherwise our ours ourselves out over
    own part per perhaps please put quite rather really right said same say says see seem seems
    shall she should shouldn't since so some something sometimes still such sure take than that
    that's the their theirs them themselves then there there's these they they're thing things
    think this those though through thus to today together too toward towards two under until up
    upon us use used uses using very via want wants was wasn't way we we'll we're we've well went
    were weren't what what's when where whether which while who whole whom whose why will with
    within without won't would wouldn't yeah yes yet you you'd you'll you're you've your yours
    yourself yourselves um uh erm hmm mm actually basically kind sort lot lots got gonna wanna
    know mean called call let's look looks looking talk talking tell told
    """.split()  # noqa: SIM905 - a word list reads better as words
)


def words(text: str) -> list[str]:
    """Lower-case words of `text` (apostrophes kept inside words: "don't")."""
    return _WORD.findall(text.lower())


def content_words(text: str) -> list[str]:
    """Words that carry meaning: not stopwords, not numbers, at least three letters."""
    return [w for w in words(text) if w not in STOPWORDS and len(w) >= 3 and not w.isdigit()]


def _candidates(text: str, longest: int) -> list[tuple[str, ...]]:
    """Runs of content words between stopwords and punctuation (RAKE's candidates),
    at most `longest` words each (longer runs give their leading words)."""
    phrases: list[tuple[str, ...]] = []
    for clause in re.split(r"[.,;:!?()\[\]\"\n]+", text.lower()):
        run: list[str] = []
        for word in [*_WORD.findall(clause), ""]:
            if word and word not in STOPWORDS and len(word) >= 3 and not word.isdigit():
                run.append(word)
                continue
            if run:
                phrases.append(tuple(run[:longest]))
            run = []
    return phrases


UBIQUITOUS = 0.1
"""The weight factor of a word every document uses (it still counts, barely)."""


def idf(documents: Sequence[str]) -> dict[str, float]:
    """Smoothed inverse document frequency of every content word of `documents`: from
    UBIQUITOUS for a word in all of them, growing as fewer documents use it."""
    frequency: Counter[str] = Counter()
    for document in documents:
        frequency.update(set(content_words(document)))
    total = len(documents)
    return {
        word: math.log((1 + total) / (1 + seen)) + UBIQUITOUS for word, seen in frequency.items()
    }


def key_phrases(
    text: str, *, corpus: Sequence[str] = (), limit: int = 3, longest: int = 3
) -> list[str]:
    """The phrases that best say what `text` is about, most telling first.

    A phrase scores the sum of its words' weights, a word's weight being its count in
    `text` times its rarity across `corpus` (the other chapters), so words every chapter
    uses ("photosynthesis" in a photosynthesis class) count for less. A phrase contained
    in a better one is left out."""
    counts = Counter(content_words(text))
    if not counts:
        return []
    rarity = idf([*corpus, text]) if corpus else {}
    weight = {word: count * rarity.get(word, 1.0) for word, count in counts.items()}
    best: dict[tuple[str, ...], tuple[float, int]] = {}
    for position, candidate in enumerate(_candidates(text, longest)):
        phrase = _trim(candidate, rarity)
        if not phrase:
            continue
        score = sum(weight.get(word, 0.0) for word in phrase)
        if phrase not in best:
            best[phrase] = (score, position)
    ranked = sorted(best.items(), key=lambda item: (-item[1][0], item[1][1]))
    chosen: list[tuple[str, ...]] = []
    for phrase, _ in ranked:
        if any(set(phrase) <= set(other) for other in chosen):
            continue
        chosen = [other for other in chosen if not set(other) < set(phrase)]
        chosen.append(phrase)
        if len(chosen) == limit:
            break
    return [" ".join(phrase) for phrase in chosen]


def _trim(phrase: tuple[str, ...], rarity: dict[str, float]) -> tuple[str, ...]:
    """Drop words every document uses from the ends of a phrase ("photosynthesis fixes
    carbon" in a class all about photosynthesis says "fixes carbon")."""
    if not rarity:
        return phrase
    start, end = 0, len(phrase)
    while start < end and rarity.get(phrase[start], 1.0) <= UBIQUITOUS + 1e-9:
        start += 1
    while end > start and rarity.get(phrase[end - 1], 1.0) <= UBIQUITOUS + 1e-9:
        end -= 1
    return phrase[start:end] or phrase


def title_from(phrases: Sequence[str], *, limit: int = 200) -> str | None:
    """A chapter title from key phrases: "Chlorophyll pigment, green light"."""
    if not phrases:
        return None
    title = ", ".join(phrases)
    title = title[0].upper() + title[1:]
    return shorten(title, limit)


def shorten(text: str, limit: int) -> str:
    """`text` on one line, cut at a word boundary with an ellipsis when too long."""
    line = " ".join(text.split())
    if len(line) <= limit:
        return line
    cut = line[: limit - 1]
    if " " in cut[limit // 2 :]:
        cut = cut[: cut.rindex(" ")]
    return cut.rstrip(" ,;:.-") + "…"


def _cosine(a: Counter[str], b: Counter[str]) -> float:
    if not a or not b:
        return 0.0
    dot = sum(count * b[word] for word, count in a.items() if word in b)
    norm = math.sqrt(sum(c * c for c in a.values())) * math.sqrt(sum(c * c for c in b.values()))
    return dot / norm


def topic_depths(units: Sequence[str], *, window: int = 3) -> list[float]:
    """TextTiling's depth score of each gap between consecutive `units` (gap i lies
    between unit i and i+1): how far lexical cohesion across the gap dips below the peaks
    on either side. Deep gaps are where the topic changes."""
    bags = [Counter(content_words(unit)) for unit in units]
    gaps = len(units) - 1
    if gaps < 1:
        return []
    cohesion = []
    for gap in range(gaps):
        before: Counter[str] = Counter()
        after: Counter[str] = Counter()
        for bag in bags[max(0, gap + 1 - window) : gap + 1]:
            before.update(bag)
        for bag in bags[gap + 1 : gap + 1 + window]:
            after.update(bag)
        cohesion.append(_cosine(before, after))
    depths = []
    for gap, value in enumerate(cohesion):
        left = value
        for other in reversed(cohesion[:gap]):
            if other < left:
                break
            left = other
        right = value
        for other in cohesion[gap + 1 :]:
            if other < right:
                break
            right = other
        depths.append((left - value) + (right - value))
    return depths
