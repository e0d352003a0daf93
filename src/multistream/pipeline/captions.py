"""WebVTT captions from transcript segments (the recogniser's `Segment`s).

A cue is a `Segment` too, cut to caption size: at most two lines of LINE_CHARS characters
and CUE_MAX_MS long. A long segment is cut between words, at the words' own timings (or,
without word timings, in proportion to the characters). Cue text is escaped (`&`, `<`,
`>`), so nothing in a transcript can become markup or end a cue early.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import replace

from multistream.pipeline.asr.base import Segment, Word

LINE_CHARS = 42
CUE_CHARS = 2 * LINE_CHARS
CUE_MAX_MS = 7000
MIN_CUE_MS = 1


def timestamp(ms: int) -> str:
    hours, rest = divmod(max(ms, 0), 3_600_000)
    minutes, rest = divmod(rest, 60_000)
    seconds, millis = divmod(rest, 1000)
    return f"{hours:02d}:{minutes:02d}:{seconds:02d}.{millis:03d}"


def escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def wrap(text: str, width: int = LINE_CHARS) -> list[str]:
    """Greedy line wrapping; a word longer than `width` gets a line of its own."""
    lines: list[str] = []
    line = ""
    for word in text.split():
        if line and len(line) + 1 + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}" if line else word
    if line:
        lines.append(line)
    return lines


def _timed_words(segment: Segment) -> list[Word]:
    if segment.words and " ".join(w.word.strip() for w in segment.words).strip():
        return [w for w in segment.words if w.word.strip()]
    # Without word timings, spread the segment over its words by their length (each as
    # sure as the segment).
    plain = segment.text.split()
    total = sum(len(w) + 1 for w in plain) or 1
    span = segment.end_ms - segment.start_ms
    words, position = [], 0
    for word in plain:
        start = segment.start_ms + span * position // total
        position += len(word) + 1
        end = segment.start_ms + span * position // total
        words.append(Word(word, start, end, segment.confidence))
    return words


def cues(segments: Iterable[Segment]) -> list[Segment]:
    """Caption cues in time order, none empty, each ending after it starts."""
    result: list[Segment] = []
    for segment in segments:
        group: list[Word] = []
        for word in _timed_words(segment):
            candidate = " ".join(w.word.strip() for w in [*group, word])
            too_long = len(wrap(candidate)) > 2 or len(candidate) > CUE_CHARS
            if group and (too_long or word.end_ms - group[0].start_ms > CUE_MAX_MS):
                result.append(_cue(group, segment))
                group = []
            group.append(word)
        if group:
            result.append(_cue(group, segment))
    ordered: list[Segment] = []
    for cue in result:
        start = max(cue.start_ms, ordered[-1].start_ms if ordered else 0)
        ordered.append(replace(cue, start_ms=start, end_ms=max(cue.end_ms, start + MIN_CUE_MS)))
    return ordered


def _cue(group: Sequence[Word], segment: Segment) -> Segment:
    start = max(min(group[0].start_ms, group[-1].end_ms), segment.start_ms)
    end = min(max(group[-1].end_ms, start + MIN_CUE_MS), max(segment.end_ms, start + MIN_CUE_MS))
    text = " ".join(w.word.strip() for w in group)
    return Segment(start, end, text, tuple(group), segment.confidence)


def to_webvtt(segments: Iterable[Segment]) -> str:
    """A WebVTT file (UTF-8 text) with one numbered cue per caption."""
    blocks = ["WEBVTT"]
    for number, cue in enumerate(cues(segments), start=1):
        lines = wrap(escape(cue.text)) or ["…"]
        blocks.append(
            f"{number}\n{timestamp(cue.start_ms)} --> {timestamp(cue.end_ms)}\n" + "\n".join(lines)
        )
    return "\n\n".join(blocks) + "\n"
