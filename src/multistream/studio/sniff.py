"""What an upload is, read from its first bytes, never from its name or declared type.

`sniff(head)` knows the formats the studio accepts (PDF; PNG, JPEG, WebP and GIF images)
by their magic numbers, and names a few common others so a refusal can say what it saw.
"""

from __future__ import annotations

import dataclasses

from multistream.studio.models import AssetKind

HEAD_BYTES = 64
"""How much of the start of a file `sniff` needs."""


@dataclasses.dataclass(frozen=True)
class Sniffed:
    mime: str
    kind: AssetKind
    label: str
    """How a person would name the format: "a PDF", "a PNG image"."""
    extension: str


PDF = Sniffed("application/pdf", AssetKind.slide_deck, "a PDF", "pdf")
PNG = Sniffed("image/png", AssetKind.image, "a PNG image", "png")
JPEG = Sniffed("image/jpeg", AssetKind.image, "a JPEG image", "jpg")
GIF = Sniffed("image/gif", AssetKind.image, "a GIF image", "gif")
WEBP = Sniffed("image/webp", AssetKind.image, "a WebP image", "webp")

ACCEPTED = "a PDF, or a PNG, JPEG, WebP or GIF image"


def sniff(head: bytes) -> Sniffed | None:
    """The accepted format `head` (the first HEAD_BYTES of a file) starts, or None."""
    # PDF readers accept a header within the first 1024 bytes; we only take it at the start.
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith((b"GIF87a", b"GIF89a")):
        return GIF
    if len(head) >= 12 and head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return WEBP
    return None


_OTHER_SIGNATURES: list[tuple[bytes, str]] = [
    (b"PK\x03\x04", "a ZIP archive (PowerPoint, Keynote and Word files are ZIP archives)"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "an old Microsoft Office file"),
    (b"\x1f\x8b", "a gzip archive"),
    (b"7z\xbc\xaf\x27\x1c", "a 7-Zip archive"),
    (b"Rar!", "a RAR archive"),
    (b"II*\x00", "a TIFF image"),
    (b"MM\x00*", "a TIFF image"),
    (b"\x00\x00\x01\x00", "an icon file"),
    (b"\x7fELF", "a program"),
]


def describe(head: bytes) -> str:
    """What `head` looks like, for a refusal: "plain text", "a ZIP archive (…)", …"""
    if not head:
        return "an empty file"
    found = sniff(head)
    if found is not None:
        return found.label
    for signature, label in _OTHER_SIGNATURES:
        if head.startswith(signature):
            return label
    if len(head) >= 12 and head[4:8] == b"ftyp":
        return "a video or HEIC image"
    if b"\x00" not in head:
        try:
            text = head.decode("utf-8")
        except UnicodeDecodeError as exc:
            # A multi-byte character cut at the end of the head is still text.
            if exc.start < len(head) - 3:
                return "an unknown binary format"
            text = head[: exc.start].decode("utf-8")
        stripped = text.lstrip().lower()
        if stripped.startswith(("<svg", "<?xml")):
            return "an SVG or XML file"
        if stripped.startswith(("<!doctype html", "<html")):
            return "an HTML page"
        return "plain text"
    return "an unknown binary format"
