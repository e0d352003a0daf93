"""Upload types come from the first bytes, never from names: `studio.sniff`."""

from __future__ import annotations

import pytest

from multistream.studio.assets import clean_filename
from multistream.studio.models import AssetKind
from multistream.studio.sniff import GIF, JPEG, PDF, PNG, WEBP, describe, sniff
from tests.fixtures.decks import make_deck
from tests.fixtures.images import make_image


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (make_deck(["One"]), PDF),
        (make_image("PNG"), PNG),
        (make_image("JPEG"), JPEG),
        (make_image("GIF"), GIF),
        (make_image("WEBP"), WEBP),
        (b"GIF87a\x01\x00", GIF),
    ],
    ids=["pdf", "png", "jpeg", "gif", "webp", "gif87a"],
)
def test_accepted_formats_are_known_by_their_magic_numbers(data: bytes, expected: object) -> None:
    assert sniff(data[:64]) == expected


def test_kinds_and_mimes_match_the_asset_table() -> None:
    assert (PDF.kind, PDF.mime) == (AssetKind.slide_deck, "application/pdf")
    assert {s.mime for s in (PNG, JPEG, GIF, WEBP)} == {
        "image/png",
        "image/jpeg",
        "image/gif",
        "image/webp",
    }
    assert {s.kind for s in (PNG, JPEG, GIF, WEBP)} == {AssetKind.image}


@pytest.mark.parametrize(
    ("data", "seen"),
    [
        (b"Lecture notes\nThese are not slides.\n", "plain text"),
        ("Süße Grüße, ünïcödé".encode(), "plain text"),
        (b"", "an empty file"),
        (b"PK\x03\x04\x14\x00\x06\x00", "a ZIP archive (PowerPoint, Keynote and Word files"),
        (b"<!DOCTYPE html><html>", "an HTML page"),
        (b"<svg xmlns='http://www.w3.org/2000/svg'>", "an SVG or XML file"),
        (b"RIFF\x00\x00\x00\x00WAVEfmt ", "an unknown binary format"),
        (b"\x00\x01\x02\x03garbage", "an unknown binary format"),
        (b"\x00\x00\x00\x18ftypheic", "a video or HEIC image"),
    ],
)
def test_everything_else_is_refused_with_a_description(data: bytes, seen: str) -> None:
    assert sniff(data[:64]) is None
    assert describe(data[:64]).startswith(seen)


def test_a_pdf_header_must_be_at_the_start() -> None:
    assert sniff(b"   %PDF-1.7") is None
    assert sniff(b"%PDF") is None


def test_a_multibyte_character_cut_by_the_head_is_still_text() -> None:
    head = ("a" * 62 + "é").encode()[:63]
    assert describe(head) == "plain text"


def test_described_accepted_formats_use_their_label() -> None:
    assert describe(make_image("PNG")[:64]) == "a PNG image"
    assert describe(b"%PDF-1.4\n") == "a PDF"


@pytest.mark.parametrize(
    ("name", "kept"),
    [
        ("Week 1: leaves.pdf", "Week 1: leaves.pdf"),
        ("../../etc/passwd", "passwd"),
        ("C:\\Users\\me\\slides.pdf", "slides.pdf"),
        ("evil\u202efdp.exe", "evilfdp.exe"),
        ("tab\there\n.pdf", "tabhere.pdf"),
        ("   ", "upload.pdf"),
        ("folder/", "upload.pdf"),
    ],
)
def test_file_names_are_kept_for_display_only(name: str, kept: str) -> None:
    assert clean_filename(name, PDF) == kept


def test_long_file_names_keep_their_extension() -> None:
    cleaned = clean_filename("a" * 400 + ".pdf", PDF)
    assert len(cleaned) == 255
    assert cleaned.endswith("a.pdf")
    assert clean_filename("b" * 400, PDF) == "b" * 255
