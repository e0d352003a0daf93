"""A strict WebVTT parser for tests: it refuses anything the W3C parsing rules would drop
or a browser would read differently (https://www.w3.org/TR/webvtt1/)."""

from __future__ import annotations

import dataclasses
import re

_TIME = r"(?:(\d{2,}):)?([0-5]\d):([0-5]\d)\.(\d{3})"
_TIMING = re.compile(rf"^{_TIME}[ \t]+-->[ \t]+{_TIME}(?:[ \t]+.*)?$")
_ENTITY = re.compile(r"&(amp|lt|gt|nbsp|lrm|rlm);")


class InvalidWebVtt(ValueError):
    pass


@dataclasses.dataclass(frozen=True)
class ParsedCue:
    identifier: str | None
    start_ms: int
    end_ms: int
    lines: list[str]

    @property
    def text(self) -> str:
        plain = " ".join(self.lines)
        return plain.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def _ms(hours: str | None, minutes: str, seconds: str, millis: str) -> int:
    return ((int(hours or 0) * 60 + int(minutes)) * 60 + int(seconds)) * 1000 + int(millis)


def parse(document: str) -> list[ParsedCue]:
    if not re.match(r"^\ufeff?WEBVTT(?:[ \t][^\n]*)?\n", document):
        raise InvalidWebVtt("the file must begin with the line WEBVTT")
    if "\r" in document or "\x00" in document:
        raise InvalidWebVtt("carriage returns or NULs")
    blocks = [b for b in re.split(r"\n{2,}", document.rstrip("\n")) if b]
    header, blocks = blocks[0], blocks[1:]
    if "-->" in header:
        raise InvalidWebVtt("a cue inside the header block")
    cues: list[ParsedCue] = []
    for block in blocks:
        lines = block.split("\n")
        identifier = None
        if "-->" not in lines[0]:
            identifier, lines = lines[0], lines[1:]
        if not lines:
            raise InvalidWebVtt(f"block without timing: {block!r}")
        timing = _TIMING.match(lines[0])
        if timing is None:
            raise InvalidWebVtt(f"bad timing line {lines[0]!r}")
        g = timing.groups()
        start, end = _ms(*g[:4]), _ms(*g[4:])
        if end <= start:
            raise InvalidWebVtt(f"cue ends before it starts: {lines[0]!r}")
        if cues and start < cues[-1].start_ms:
            raise InvalidWebVtt(f"cues out of order at {lines[0]!r}")
        payload = lines[1:]
        if not payload or any(not line.strip() for line in payload):
            raise InvalidWebVtt(f"empty cue text at {lines[0]!r}")
        for line in payload:
            if "-->" in line or "<" in line:
                raise InvalidWebVtt(f"markup or arrow in cue text: {line!r}")
            if "&" in _ENTITY.sub("", line):
                raise InvalidWebVtt(f"unescaped ampersand: {line!r}")
        cues.append(ParsedCue(identifier, start, end, payload))
    return cues
