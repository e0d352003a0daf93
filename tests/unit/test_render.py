"""Slide pages to images, text and titles; image uploads decoded: `studio.render`."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from PIL import Image

from multistream.studio import render
from multistream.studio.sniff import GIF, JPEG, PNG, WEBP, Sniffed
from tests.fixtures.decks import FIVE_PAGE_TITLES, five_page_deck, make_deck
from tests.fixtures.images import make_image


def test_every_page_renders_to_an_image_a_thumbnail_its_text_and_title() -> None:
    deck = render.open_deck(five_page_deck())
    try:
        assert len(deck) == 5
        pages = [render.render_page(deck, n) for n in range(1, 6)]
    finally:
        deck.close()
    assert [page.title for page in pages] == FIVE_PAGE_TITLES
    assert [page.page_no for page in pages] == [1, 2, 3, 4, 5]
    third = pages[2]
    assert third.text == "The Calvin cycle\nSlide 3 of 5"
    assert (third.width, third.height) == (1600, 900)
    with Image.open(io.BytesIO(third.image)) as image:
        assert (image.format, image.size) == ("WEBP", (1600, 900))
    with Image.open(io.BytesIO(third.thumb)) as thumb:
        assert (thumb.format, thumb.size) == ("WEBP", (320, 180))


def test_a_deck_opens_from_a_file(tmp_path: Path) -> None:
    path = tmp_path / "deck.pdf"
    path.write_bytes(make_deck(["Only page"]))
    deck = render.open_deck(path)
    try:
        assert render.render_page(deck, 1, long_side=400, thumb_side=100).width == 400
    finally:
        deck.close()


@pytest.mark.parametrize(
    "data",
    [
        b"%PDF-1.7\nthis is not a PDF at all\n",
        make_deck(["One", "Two"])[:200],
        b"",
    ],
    ids=["garbage", "truncated", "empty"],
)
def test_a_corrupt_pdf_is_refused_with_a_readable_reason(data: bytes) -> None:
    with pytest.raises(render.UnreadablePdf) as caught:
        render.open_deck(data)
    assert (
        str(caught.value) == "The file is not a readable PDF: it is damaged, or not really a PDF."
    )


def test_a_page_past_the_end_is_unreadable() -> None:
    deck = render.open_deck(make_deck(["One"]))
    try:
        with pytest.raises(render.UnreadablePdf, match="Page 2"):
            render.render_page(deck, 2)
    finally:
        deck.close()


def _chars(*lines: tuple[str, float]) -> list[tuple[str, float]]:
    out: list[tuple[str, float]] = []
    for number, (text, size) in enumerate(lines):
        if number:
            out += [("\r", 1.0), ("\n", 1.0)]
        out += [(ch, size) for ch in text]
    return out


def test_the_title_is_the_first_line_in_the_largest_font() -> None:
    chars = _chars(("Week 3", 12), ("Enzymes", 40), ("and catalysis", 40), ("Body", 18))
    assert render.title_from(chars) == "Enzymes"


def test_without_a_larger_font_the_title_is_the_first_line() -> None:
    assert render.title_from(_chars(("First", 18), ("Second", 18))) == "First"


def test_lines_without_letters_or_digits_are_not_titles() -> None:
    assert render.title_from(_chars(("• • •", 60), ("Real title", 30))) == "Real title"
    assert render.title_from(_chars(("   ", 30), ("—", 30))) is None
    assert render.title_from([]) is None


def test_titles_collapse_whitespace_join_surrogates_and_are_bounded() -> None:
    rocket = "\U0001f680"
    units = [chr(u) for u in memoryview(rocket.encode("utf-16-le")).cast("H")]
    chars = [(u, 30.0) for u in ["G", "o", " ", "\t", " "]] + [(u, 30.0) for u in units]
    assert render.title_from(chars) == "Go " + rocket
    assert render.title_from(_chars(("x" * 500, 20))) == "x" * render.TITLE_MAX_CHARS


@pytest.mark.parametrize(
    ("fmt", "sniffed"), [("PNG", PNG), ("JPEG", JPEG), ("GIF", GIF), ("WEBP", WEBP)]
)
def test_images_decode_to_their_size(fmt: str, sniffed: Sniffed) -> None:
    assert render.inspect_image(io.BytesIO(make_image(fmt, (64, 48))), sniffed) == (64, 48)


def test_a_truncated_image_is_not_an_image() -> None:
    data = make_image("PNG", (300, 200))
    with pytest.raises(render.NotAnImage):
        render.inspect_image(io.BytesIO(data[: len(data) // 2]), PNG)


def test_bytes_of_another_format_are_not_the_sniffed_image() -> None:
    with pytest.raises(render.NotAnImage):
        render.inspect_image(io.BytesIO(b"\x89PNG\r\n\x1a\n" + b"text, not chunks" * 10), PNG)
    with pytest.raises(render.NotAnImage):
        render.inspect_image(io.BytesIO(make_image("GIF")), PNG)


def test_an_image_with_too_many_pixels_is_refused() -> None:
    out = io.BytesIO()
    Image.new("1", (9000, 9000)).save(out, "PNG")
    with pytest.raises(render.ImageTooLarge, match="9000 x 9000"):
        render.inspect_image(out, PNG)
