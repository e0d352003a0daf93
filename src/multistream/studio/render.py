"""Slide deck pages to images and text (pypdfium2), and image uploads checked (Pillow).

No database, no object store and no Celery here: `studio.tasks` drives these functions,
and the unit tests call them on decks they write themselves.
"""

from __future__ import annotations

import dataclasses
import io
import re
import warnings
from collections.abc import Iterable
from pathlib import Path
from typing import BinaryIO

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
from PIL import Image

from multistream.studio.sniff import Sniffed

PAGE_LONG_SIDE = 1600
"""Pixels along the longer side of a rendered slide."""
THUMB_LONG_SIDE = 320
PAGE_MIME, PAGE_EXTENSION = "image/webp", "webp"
TEXT_MAX_CHARS = 20_000
TITLE_MAX_CHARS = 200
MAX_IMAGE_PIXELS = 64_000_000
"""Larger images are refused: decoding one would take a worker's memory."""

_PIL_FORMATS = {"image/png": "PNG", "image/jpeg": "JPEG", "image/gif": "GIF", "image/webp": "WEBP"}

# pdfium's load errors (FPDF_ERR_*), as the end of "The file is not a readable PDF: …".
_LOAD_ERRORS = {
    pdfium_c.FPDF_ERR_FORMAT: "it is damaged, or not really a PDF.",
    pdfium_c.FPDF_ERR_PASSWORD: "it is protected by a password. Upload a copy without one.",
    pdfium_c.FPDF_ERR_SECURITY: "it uses a security handler that is not supported.",
    pdfium_c.FPDF_ERR_FILE: "the file could not be read.",
}


class UnreadablePdf(Exception):
    """The deck cannot be opened or rendered; `str(exc)` is a sentence for the uploader."""


class NotAnImage(Exception):
    """The bytes start like an image but do not decode as one."""


class ImageTooLarge(Exception):
    """The image decodes, but has more pixels than MAX_IMAGE_PIXELS."""


@dataclasses.dataclass(frozen=True)
class RenderedPage:
    page_no: int
    width: int
    height: int
    image: bytes
    """The page as PAGE_MIME, PAGE_LONG_SIDE pixels along its longer side."""
    thumb: bytes
    """The page as PAGE_MIME, THUMB_LONG_SIDE pixels along its longer side."""
    text: str
    title: str | None


def open_deck(source: Path | bytes) -> pdfium.PdfDocument:
    """Open a PDF, or raise UnreadablePdf saying why it cannot be."""
    try:
        return pdfium.PdfDocument(source)
    except pdfium.PdfiumError as exc:
        reason = _LOAD_ERRORS.get(getattr(exc, "err_code", None), f"{exc}")
        raise UnreadablePdf(f"The file is not a readable PDF: {reason}") from exc


def render_page(
    deck: pdfium.PdfDocument,
    page_no: int,
    *,
    long_side: int = PAGE_LONG_SIDE,
    thumb_side: int = THUMB_LONG_SIDE,
) -> RenderedPage:
    """Render page `page_no` (1-based) to an image and a thumbnail, with its text and title."""
    try:
        page = deck[page_no - 1]
    except pdfium.PdfiumError as exc:
        raise UnreadablePdf(f"Page {page_no} of the PDF cannot be read: {exc}") from exc
    try:
        width_pt, height_pt = page.get_size()
        if width_pt <= 0 or height_pt <= 0:
            raise UnreadablePdf(f"Page {page_no} of the PDF has no area.")
        bitmap = page.render(scale=long_side / max(width_pt, height_pt))
        try:
            picture = bitmap.to_pil()
        finally:
            bitmap.close()
        text, title = _text_and_title(page)
    except pdfium.PdfiumError as exc:
        raise UnreadablePdf(f"Page {page_no} of the PDF cannot be rendered: {exc}") from exc
    finally:
        page.close()
    thumb = picture.copy()
    thumb.thumbnail((thumb_side, thumb_side))
    return RenderedPage(
        page_no=page_no,
        width=picture.width,
        height=picture.height,
        image=_webp(picture, quality=82),
        thumb=_webp(thumb, quality=75),
        text=text,
        title=title,
    )


def _webp(picture: Image.Image, *, quality: int) -> bytes:
    out = io.BytesIO()
    picture.save(out, "WEBP", quality=quality, method=4)
    return out.getvalue()


def _text_and_title(page: pdfium.PdfPage) -> tuple[str, str | None]:
    textpage = page.get_textpage()
    try:
        text = textpage.get_text_range()
        count = textpage.count_chars()
        chars = (
            (
                chr(pdfium_c.FPDFText_GetUnicode(textpage, index)),
                float(pdfium_c.FPDFText_GetFontSize(textpage, index)),
            )
            for index in range(count)
        )
        title = title_from(chars)
    finally:
        textpage.close()
    text = "\n".join(line.rstrip() for line in text.replace("\r\n", "\n").split("\n"))
    return text.strip()[:TEXT_MAX_CHARS], title


_SPACES = re.compile(r"\s+")


def title_from(chars: Iterable[tuple[str, float]]) -> str | None:
    """A page's title from its characters and their font sizes, in reading order.

    The first line set in the page's largest font, among lines with a letter or digit;
    pages usually put their title there, and above the body text.
    """
    lines: list[tuple[str, float]] = []
    units: list[str] = []
    size = 0.0

    def end_line() -> None:
        # pdfium gives UTF-16 code units: join surrogate pairs back into characters.
        raw = "".join(units).encode("utf-16-le", "surrogatepass")
        line = _SPACES.sub(" ", raw.decode("utf-16-le", "replace")).strip()
        if any(ch.isalnum() for ch in line):
            lines.append((line, size))

    for unit, font_size in chars:
        if unit == "\n":
            end_line()
            units, size = [], 0.0
        elif unit != "\r":
            units.append(unit)
            if not unit.isspace():
                size = max(size, font_size)
    end_line()
    if not lines:
        return None
    largest = max(font_size for _, font_size in lines)
    title = next(line for line, font_size in lines if font_size >= largest - 0.01)
    return title[:TITLE_MAX_CHARS]


def inspect_image(file: BinaryIO, expected: Sniffed) -> tuple[int, int]:
    """Decode the whole image in `file` as the format it was sniffed as; its (width, height).

    Raises NotAnImage when it does not decode (truncated, corrupt, another format), and
    ImageTooLarge past MAX_IMAGE_PIXELS.
    """
    file.seek(0)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(file, formats=[_PIL_FORMATS[expected.mime]]) as picture:
                width, height = picture.size
                if width * height > MAX_IMAGE_PIXELS:
                    raise ImageTooLarge(_too_large(width, height))
                picture.load()
    except (Image.DecompressionBombWarning, Image.DecompressionBombError) as exc:
        raise ImageTooLarge(f"The image has too many pixels: {exc}") from exc
    except ImageTooLarge:
        raise
    except Exception as exc:  # any decoder failure means "not an image"
        raise NotAnImage(f"{exc}") from exc
    finally:
        file.seek(0)
    return width, height


def _too_large(width: int, height: int) -> str:
    return (
        f"The image is {width} x {height} pixels; at most "
        f"{MAX_IMAGE_PIXELS // 1_000_000} million pixels are allowed. Scale it down."
    )
