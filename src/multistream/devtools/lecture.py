"""A synthetic lecture the project makes itself: a slide deck, a spoken script and the
exact moments the slides change, for the pipeline's tests and benchmarks.

    make_lecture(out_dir) -> Lecture(deck.pdf, lecture.wav, slide_changes, phrases, ...)

Every sentence is spoken by espeak-ng (Debian's `espeak-ng`) on its own, trimmed and
resampled to 16 kHz, and the pieces are joined with fixed pauses, so each slide change
and each phrase is known to the sample. The deck is a minimal hand-written PDF with a
Helvetica title (and the slide's sentences) per page: text that any PDF reader extracts.
"""

from __future__ import annotations

import dataclasses
import shutil
import subprocess
import tempfile
import wave
from collections.abc import Iterator, Sequence
from pathlib import Path

import numpy as np

from multistream.pipeline.asr.audio import (
    SAMPLE_RATE,
    Pcm,
    ms_to_samples,
    pcm_from_int16,
    samples_to_ms,
    write_wav,
)

Slide = tuple[str, Sequence[str]]
"""A slide's title and the sentences the teacher says while it is up."""

SENTENCE_PAUSE_MS = 350
SLIDE_PAUSE_MS = 900
_EDGE_MS = 30  # silence kept around each trimmed sentence
_QUIET = 0.01  # below -40 dBFS counts as silence when trimming

PHOTOSYNTHESIS: tuple[Slide, ...] = (
    (
        "What Is Photosynthesis",
        (
            "Photosynthesis is how green plants turn sunlight into chemical energy.",
            "Plants take in carbon dioxide and water and give off oxygen.",
            "The energy is stored in sugar that the plant can use later.",
        ),
    ),
    (
        "Chlorophyll and Light",
        (
            "Chlorophyll is the green pigment inside the chloroplasts of a leaf.",
            "It absorbs red and blue light and reflects green light.",
            "That reflected green light is why leaves look green to us.",
        ),
    ),
    (
        "The Light Reactions",
        (
            "The light reactions happen in the thylakoid membranes.",
            "Light energy splits water molecules and releases oxygen gas.",
            "The reactions store energy in two carrier molecules for the next stage.",
        ),
    ),
    (
        "The Calvin Cycle",
        (
            "The Calvin cycle takes place in the stroma of the chloroplast.",
            "An enzyme called rubisco fixes carbon dioxide from the air.",
            "The cycle builds simple sugars using the stored energy.",
        ),
    ),
    (
        "Limiting Factors",
        (
            "The rate of photosynthesis depends on light, temperature and carbon dioxide.",
            "When one factor is scarce it limits the whole process.",
            "Farmers in greenhouses raise carbon dioxide to grow bigger crops.",
        ),
    ),
    (
        "Why Photosynthesis Matters",
        (
            "Almost every food chain on Earth starts with photosynthesis.",
            "Forests and ocean algae produce most of the oxygen we breathe.",
            "Understanding photosynthesis helps us study climate and grow food.",
        ),
    ),
)

# More to say on each built-in slide, for lectures longer than the default one.
_MORE: dict[str, tuple[str, ...]] = dict(
    zip(
        (title for title, _ in PHOTOSYNTHESIS),
        (
            (
                "The word comes from Greek roots that mean putting together with light.",
                "Algae and some bacteria can also carry out this process.",
                "The leaf is shaped like a flat panel to catch as much light as possible.",
                "Tiny pores called stomata let gases move in and out of the leaf.",
                "Roots pull water from the soil and carry it up the stem.",
            ),
            (
                "A single leaf cell can hold dozens of chloroplasts.",
                "Other pigments such as carotenoids capture colours that chlorophyll misses.",
                "In autumn the chlorophyll breaks down and the yellow pigments show through.",
                "Plants in deep shade often have darker leaves with more chlorophyll.",
                "Each chloroplast has its own membranes stacked like piles of coins.",
            ),
            (
                "The thylakoids are stacked into piles that biologists call grana.",
                "Electrons move along a transport chain like water flowing downhill.",
                "The oxygen we breathe is really a waste product of these reactions.",
                "Without light the reactions stop within a few seconds.",
                "A pump in the membrane builds up a store of energy like a battery.",
            ),
            (
                "The cycle is named after the chemist Melvin Calvin who mapped it.",
                "Rubisco is probably the most common protein on the planet.",
                "The cycle must turn several times to build one molecule of glucose.",
                "Some of the sugar becomes starch that the plant keeps for the night.",
                "Other sugar is turned into cellulose that builds the cell walls.",
            ),
            (
                "On a cold morning the enzymes work slowly even in bright light.",
                "Too much heat damages the enzymes and the rate falls again.",
                "A graph of rate against light rises and then levels off.",
                "Scientists measure the rate by counting bubbles of oxygen from pond weed.",
                "Dry weather makes plants close their stomata to save water.",
            ),
            (
                "Fossil fuels are the remains of plants that captured sunlight long ago.",
                "Plants remove a large share of the carbon dioxide that people release.",
                "Researchers are trying to copy photosynthesis to make clean fuels.",
                "Better crops could feed more people on the same land.",
                "So next time you see a green leaf, think of a tiny solar factory.",
            ),
        ),
        strict=True,
    )
)

_RECAPS = ("To recap, {}", "In other words, {}", "Remember that {}", "Keep in mind that {}")


@dataclasses.dataclass(frozen=True)
class Lecture:
    deck_pdf_path: Path
    wav_path: Path
    """16 kHz mono 16-bit PCM."""
    duration_ms: int
    slide_changes: list[tuple[int, int]]
    """(page number from 1, ms from the start of the audio) for every slide."""
    script_text: str
    phrases: list[tuple[str, int]]
    """Each spoken sentence and the ms at which its audio starts."""
    titles: list[str]


def make_lecture(
    out_dir: Path,
    slides: Sequence[Slide] = PHOTOSYNTHESIS,
    *,
    words_per_minute: int = 150,
    minutes: float | None = None,
    voice: str = "en-us",
) -> Lecture:
    """Write `deck.pdf` and `lecture.wav` into `out_dir` and say what is where.

    With `minutes`, every slide talks for its share of that time: its own sentences,
    then (for the built-in lecture) more about its topic, then recaps of what it said."""
    if not slides or any(not sentences for _, sentences in slides):
        raise ValueError("a lecture needs slides, and something said on each")
    if shutil.which("espeak-ng") is None:
        raise RuntimeError("espeak-ng is not installed: apt-get install espeak-ng")
    out_dir.mkdir(parents=True, exist_ok=True)
    share_ms = None if minutes is None else int(minutes * 60_000 / len(slides))
    pieces: list[Pcm] = []
    offset = 0  # samples so far
    slide_changes: list[tuple[int, int]] = []
    phrases: list[tuple[str, int]] = []
    with tempfile.TemporaryDirectory(prefix="lecture-") as scratch:
        for page, (title, sentences) in enumerate(slides, start=1):
            if page > 1:
                pieces.append(_silence(SLIDE_PAUSE_MS))
                offset += pieces[-1].size
            slide_changes.append((page, samples_to_ms(offset)))
            slide_start = offset
            for index, sentence in enumerate(_script(title, sentences, share_ms)):
                speech = _speak(sentence, Path(scratch), words_per_minute, voice)
                pause = _silence(SENTENCE_PAUSE_MS if index else 0)
                if share_ms is not None and index:
                    # Say it only if the slide then ends nearer its share than without it.
                    midpoint = offset - slide_start + pause.size + speech.size // 2
                    if midpoint > ms_to_samples(share_ms):
                        break
                pieces += [pause, speech]
                offset += pause.size
                phrases.append((sentence, samples_to_ms(offset)))
                offset += speech.size
    audio = np.concatenate(pieces)
    wav_path = out_dir / "lecture.wav"
    write_wav(wav_path, audio)
    deck_path = out_dir / "deck.pdf"
    deck_path.write_bytes(deck_pdf(slides))
    return Lecture(
        deck_pdf_path=deck_path,
        wav_path=wav_path,
        duration_ms=samples_to_ms(audio.size),
        slide_changes=slide_changes,
        script_text=" ".join(text for text, _ in phrases),
        phrases=phrases,
        titles=[title for title, _ in slides],
    )


def _script(title: str, sentences: Sequence[str], share_ms: int | None) -> Iterator[str]:
    """What is said on a slide: its sentences once, or (with a time share) on and on."""
    yield from sentences
    if share_ms is None:
        return
    yield from _MORE.get(title, ())
    round_ = 0
    while True:  # the caller stops when the slide's time is used up
        template = _RECAPS[round_ % len(_RECAPS)]
        for sentence in sentences:
            yield template.format(sentence[0].lower() + sentence[1:])
        round_ += 1


def _silence(ms: int) -> Pcm:
    return np.zeros(ms_to_samples(ms), dtype=np.float32)


def _speak(text: str, scratch: Path, words_per_minute: int, voice: str) -> Pcm:
    """`text` spoken by espeak-ng, trimmed to the speech (plus a margin), at 16 kHz."""
    path = scratch / "sentence.wav"
    subprocess.run(
        ["espeak-ng", "-v", voice, "-s", str(words_per_minute), "-z", "--stdin", "-w", str(path)],
        input=text.encode(),
        check=True,
        capture_output=True,
        timeout=60,
    )
    with wave.open(str(path), "rb") as wav:
        rate = wav.getframerate()
        samples = pcm_from_int16(np.frombuffer(wav.readframes(wav.getnframes()), dtype="<i2"))
    speech = _trim(samples, rate)
    return _resample(speech, rate, SAMPLE_RATE)


def _trim(samples: Pcm, rate: int) -> Pcm:
    loud = np.flatnonzero(np.abs(samples) > _QUIET)
    if loud.size == 0:
        return samples[:0]
    margin = rate * _EDGE_MS // 1000
    return samples[max(int(loud[0]) - margin, 0) : int(loud[-1]) + margin + 1]


def _resample(samples: Pcm, rate: int, to_rate: int) -> Pcm:
    """Band-limited resampling by the FFT: exact low-pass, numpy only. The clips begin and
    end in silence, so treating them as periodic adds no click."""
    if rate == to_rate or samples.size == 0:
        return samples.astype(np.float32)
    length = round(samples.size * to_rate / rate)
    spectrum = np.fft.rfft(samples.astype(np.float64))
    resized = np.zeros(length // 2 + 1, dtype=np.complex128)
    keep = min(resized.size, spectrum.size)
    resized[:keep] = spectrum[:keep]
    out = np.fft.irfft(resized, n=length) * (length / samples.size)
    return np.clip(out, -1.0, 1.0).astype(np.float32)


# --- the deck ------------------------------------------------------------------------------

_PAGE_WIDTH, _PAGE_HEIGHT = 720, 405  # 16:9 in points
_WRAP = 62  # characters per body line at 18 pt


def deck_pdf(slides: Sequence[Slide]) -> bytes:
    """A PDF with one page per slide: the title in Helvetica-Bold, the sentences below in
    Helvetica. Deterministic: the same slides give the same bytes."""
    objects: list[bytes] = []

    def add(body: bytes) -> int:
        objects.append(body)
        return len(objects)

    catalog = add(b"")  # filled in once the page tree's number is known
    pages = add(b"")
    regular = add(
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>"
    )
    bold = add(
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Bold /Encoding /WinAnsiEncoding >>"
    )
    kids = []
    for title, sentences in slides:
        stream = _page_stream(title, sentences)
        contents = add(b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream))
        kids.append(
            add(
                b"<< /Type /Page /Parent %d 0 R /MediaBox [0 0 %d %d] "
                b"/Resources << /Font << /F1 %d 0 R /F2 %d 0 R >> >> /Contents %d 0 R >>"
                % (pages, _PAGE_WIDTH, _PAGE_HEIGHT, regular, bold, contents)
            )
        )
    objects[catalog - 1] = b"<< /Type /Catalog /Pages %d 0 R >>" % pages
    objects[pages - 1] = b"<< /Type /Pages /Kids [%s] /Count %d >>" % (
        b" ".join(b"%d 0 R" % kid for kid in kids),
        len(kids),
    )
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root %d 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        catalog,
        xref,
    )
    return bytes(out)


def _page_stream(title: str, sentences: Sequence[str]) -> bytes:
    lines = [b"BT /F2 32 Tf 48 330 Td (%s) Tj ET" % _pdf_text(title)]
    y = 270
    for sentence in sentences:
        for index, line in enumerate(_wrap(sentence)):
            prefix = "- " if index == 0 else "  "
            lines.append(b"BT /F1 18 Tf 56 %d Td (%s) Tj ET" % (y, _pdf_text(prefix + line)))
            y -= 24
        y -= 8
    return b"\n".join(lines)


def _wrap(text: str) -> list[str]:
    lines: list[str] = []
    for word in text.split():
        if lines and len(lines[-1]) + 1 + len(word) <= _WRAP:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return lines


def _pdf_text(text: str) -> bytes:
    """A PDF literal string's inside, in WinAnsi (Latin-1 here), specials escaped."""
    raw = text.encode("latin-1", errors="replace")
    return raw.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)")
