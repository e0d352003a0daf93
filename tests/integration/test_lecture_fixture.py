"""The synthetic lecture (deck, speech, slide-change times) and the bot teacher that plays
it into a real LiveKit room."""

from __future__ import annotations

import asyncio
import itertools
import wave
from pathlib import Path
from typing import Any

import numpy as np
import pypdfium2
import pytest
from livekit import rtc

from multistream.devtools.lecture import (
    PHOTOSYNTHESIS,
    SENTENCE_PAUSE_MS,
    SLIDE_PAUSE_MS,
    Lecture,
    deck_pdf,
    make_lecture,
)
from multistream.devtools.publisher import publish_lecture
from multistream.pipeline.asr import SAMPLE_RATE, read_wav
from tests.apiclient import ApiClient
from tests.integration.test_sessions import schedule


@pytest.fixture(scope="module")
def lecture(tmp_path_factory: pytest.TempPathFactory) -> Lecture:
    return make_lecture(tmp_path_factory.mktemp("lecture"))


def page_texts(path: Path) -> list[str]:
    document = pypdfium2.PdfDocument(str(path))
    try:
        texts = []
        for page in document:
            textpage = page.get_textpage()
            texts.append(textpage.get_text_range())
            textpage.close()
            page.close()
        return texts
    finally:
        document.close()


def test_the_deck_has_a_page_per_slide_with_its_title(lecture: Lecture) -> None:
    texts = page_texts(lecture.deck_pdf_path)
    assert len(texts) == len(PHOTOSYNTHESIS) == 6
    for text, (title, sentences) in zip(texts, PHOTOSYNTHESIS, strict=True):
        lines = text.splitlines()
        assert lines[0].strip() == title
        assert sentences[0].split()[0] in text
    assert lecture.titles == [title for title, _ in PHOTOSYNTHESIS]
    # Deterministic: the same slides make the same file.
    assert lecture.deck_pdf_path.read_bytes() == deck_pdf(PHOTOSYNTHESIS)


def test_slide_changes_increase_and_fit_the_audio(lecture: Lecture) -> None:
    with wave.open(str(lecture.wav_path), "rb") as wav:
        assert (wav.getnchannels(), wav.getsampwidth(), wav.getframerate()) == (1, 2, 16_000)
        assert lecture.duration_ms == round(wav.getnframes() * 1000 / SAMPLE_RATE)
    pages = [page for page, _ in lecture.slide_changes]
    times = [at for _, at in lecture.slide_changes]
    assert pages == list(range(1, 7))
    assert times[0] == 0
    assert all(a < b for a, b in itertools.pairwise(times))
    assert times[-1] < lecture.duration_ms
    assert 50_000 < lecture.duration_ms < 120_000
    # Each slide starts with its first sentence, right after a slide pause.
    starts = dict(lecture.phrases)
    for (_, sentences), at in zip(PHOTOSYNTHESIS, times, strict=True):
        assert starts[sentences[0]] == at
    phrase_times = [at for _, at in lecture.phrases]
    assert all(a < b for a, b in itertools.pairwise(phrase_times))
    assert lecture.script_text == " ".join(s for _, sentences in PHOTOSYNTHESIS for s in sentences)


def test_the_pauses_are_silent_and_the_phrases_are_speech(lecture: Lecture) -> None:
    audio = read_wav(lecture.wav_path)

    def rms(start_ms: int, end_ms: int) -> float:
        piece = audio[start_ms * 16 : end_ms * 16]
        return float(np.sqrt(np.mean(piece.astype(np.float64) ** 2)))

    for (_, at), (_, next_at) in itertools.pairwise(lecture.phrases):
        assert rms(at + 100, at + 1000) > 0.02  # speech
        gap = SLIDE_PAUSE_MS if any(t == next_at for _, t in lecture.slide_changes) else 0
        pause = gap or SENTENCE_PAUSE_MS
        assert rms(next_at - pause + 40, next_at - 40) == 0.0  # the inserted pause


def test_a_longer_lecture_fills_the_minutes_asked_for(tmp_path: Path) -> None:
    slides = [("One", ["The first slide says this."]), ("Two", ["The second slide says that."])]
    lecture = make_lecture(tmp_path, slides, minutes=0.4)
    assert abs(lecture.duration_ms - 24_000) < 3000
    assert len(lecture.phrases) > 4
    assert lecture.slide_changes[1][1] == pytest.approx(12_000, abs=2500)


def test_a_lecture_needs_something_to_say(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="something said"):
        make_lecture(tmp_path, [("Empty", [])])


def test_the_bot_teacher_speaks_into_a_live_class(api: ApiClient, tmp_path: Path) -> None:
    """A host's /join token publishes the lecture as a microphone; a student's token
    subscribes and hears it, while the bot reports its progress on the clock."""
    short = make_lecture(tmp_path, [("Hello", ["Plants turn sunlight into sugar."])])
    teacher, student = api.signup("Teacher"), api.signup("Student")
    course = api.create_course(teacher)
    api.join(student, api.invite(teacher, course["id"]))
    session = schedule(api, teacher, course["id"])
    url = f"/api/v1/sessions/{session['id']}"
    api.request("POST", f"{url}/start", teacher)
    host = api.request("POST", f"{url}/join", teacher).json()
    listener = api.request("POST", f"{url}/join", student).json()
    assert host["role"] == "host"

    async def scenario() -> tuple[list[int], list[Any], Any]:
        heard: list[Any] = []
        subscribed = asyncio.Event()
        done = asyncio.Event()
        room = rtc.Room()

        async def listen(track: rtc.Track) -> None:
            stream = rtc.AudioStream.from_track(track=track, sample_rate=16_000)
            async for event in stream:
                heard.append(event.frame)
                if done.is_set():
                    break
            await stream.aclose()

        tasks: list[asyncio.Task[None]] = []

        @room.on("track_subscribed")
        def on_track(track: rtc.Track, *_: Any) -> None:
            if track.kind == rtc.TrackKind.KIND_AUDIO:
                subscribed.set()
                tasks.append(asyncio.ensure_future(listen(track)))

        await room.connect(listener["livekit_url"], listener["token"])
        progress: list[int] = []
        try:
            published = await publish_lecture(
                host["livekit_url"],
                host["token"],
                short.wav_path,
                on_progress=progress.append,
                wait_for_listener_seconds=10,
            )
            assert subscribed.is_set()
            done.set()
            await asyncio.wait_for(asyncio.gather(*tasks), timeout=10)
        finally:
            await room.disconnect()
        return progress, heard, published

    progress, heard, published = asyncio.run(scenario())

    assert progress == list(range(20, published.duration_ms + 1, 20))
    assert published.duration_ms >= short.duration_ms
    assert heard
    assert {(f.sample_rate, f.num_channels) for f in heard} == {(16_000, 1)}
    samples = np.concatenate([np.frombuffer(bytes(f.data), dtype=np.int16) for f in heard])
    # The listener got (nearly) all of the lecture, and it was sound, not silence.
    assert samples.size > 0.8 * short.duration_ms * 16
    assert np.sqrt(np.mean((samples.astype(np.float64) / 32768) ** 2)) > 0.01
