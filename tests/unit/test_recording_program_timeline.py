"""What the program shows when (`recording.program_timeline`): changes at the moment they
happened, learned late; slide pages loaded off the caller's thread and cached."""

from __future__ import annotations

import datetime as dt
import io
import threading
import time

import pytest
from PIL import Image

from multistream.recording.engine import StagePerson
from multistream.recording.program_timeline import ProgramState, ProgramTimeline, SlideRef

T0 = dt.datetime(2026, 3, 1, 9, 0, tzinfo=dt.UTC)


def at(seconds: float) -> dt.datetime:
    return T0 + dt.timedelta(seconds=seconds)


def png(colour: tuple[int, int, int] = (40, 170, 70)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (160, 90), colour).save(out, "PNG")
    return out.getvalue()


def wait_for(condition: object, seconds: float = 5.0) -> None:
    deadline = time.monotonic() + seconds
    while not condition():  # type: ignore[operator]
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.01)


def test_each_change_holds_from_its_moment_even_when_learned_out_of_order() -> None:
    timeline = ProgramTimeline(load_slide=None, slide_width=320, slide_height=180)
    ada = StagePerson("u-1", "Ada")
    timeline.set_scene(at(0), "camera")
    timeline.set_scene(at(10), "screen")
    timeline.set_scene(at(5), "slides_camera")  # learned after the later one
    timeline.set_slide(at(4), "deck", 3)
    timeline.set_stage(at(7), [ada])
    timeline.set_stage(at(9), [])
    assert timeline.state_at(at(-1)) == ProgramState()
    assert timeline.state_at(at(4.99)) == ProgramState("camera", SlideRef("deck", 3), ())
    assert timeline.state_at(at(5)).layout == "slides_camera"
    assert timeline.state_at(at(8)).stage == (ada,)
    assert timeline.state_at(at(9)).stage == ()
    assert timeline.state_at(at(12)).layout == "screen"
    timeline.set_slide(at(11), None, None)
    assert timeline.state_at(at(12)).slide is None
    timeline.close()


def test_a_change_learned_after_its_moment_was_drawn_lands_at_the_next_frame() -> None:
    timeline = ProgramTimeline(load_slide=None, slide_width=320, slide_height=180)
    timeline.set_scene(at(0), "camera")
    timeline.mark_drawn(at(6))
    timeline.set_scene(at(5), "screen")  # happened at 5 s, learned when 6 s was drawn
    assert timeline.late_changes == 1
    assert timeline.state_at(at(5.5)).layout == "camera"
    assert timeline.state_at(at(6)).layout == "screen"
    timeline.close()


def test_a_naive_datetime_is_refused() -> None:
    timeline = ProgramTimeline(load_slide=None, slide_width=320, slide_height=180)
    with pytest.raises(ValueError, match="aware"):
        timeline.set_scene(dt.datetime(2026, 3, 1, 9, 0), "camera")
    timeline.close()


def test_slides_load_on_a_thread_of_their_own_once_and_the_next_page_ahead() -> None:
    calls: list[tuple[str, int, str]] = []
    release = threading.Event()

    def load(asset_id: str, page_no: int) -> bytes | None:
        calls.append((asset_id, page_no, threading.current_thread().name))
        release.wait(5)
        return png() if page_no <= 2 else None

    timeline = ProgramTimeline(load_slide=load, slide_width=320, slide_height=180)
    began = time.monotonic()
    timeline.set_slide(at(0), "deck", 1)
    assert time.monotonic() - began < 0.5  # the caller never waits for storage
    assert timeline.slide_picture(SlideRef("deck", 1)) is None  # not loaded yet: no slide
    release.set()
    wait_for(lambda: timeline.slide_picture(SlideRef("deck", 1)) is not None)
    picture = timeline.slide_picture(SlideRef("deck", 1))
    assert picture is not None
    assert (picture.width, picture.height) == (160, 90)
    wait_for(lambda: timeline.slide_picture(SlideRef("deck", 2)) is not None)
    for _ in range(3):
        timeline.set_slide(at(1), "deck", 1)
        timeline.slide_picture(SlideRef("deck", 1))
    assert sorted(calls)[:2] == [
        ("deck", 1, calls[0][2]),
        ("deck", 2, calls[1][2]),
    ]
    assert len([c for c in calls if c[1] == 1]) == 1
    assert all(name.startswith("recorder-slides") for _, _, name in calls)
    timeline.close()


def test_a_slide_that_cannot_be_loaded_is_reported_once_and_shows_nothing() -> None:
    problems: list[str] = []

    def load(asset_id: str, page_no: int) -> bytes | None:
        if page_no == 1:
            raise ConnectionError("storage is away")
        return b"not an image"

    timeline = ProgramTimeline(
        load_slide=load, slide_width=320, slide_height=180, on_problem=problems.append
    )
    timeline.set_slide(at(0), "deck", 1)
    wait_for(lambda: len(problems) == 1)
    timeline.set_slide(at(1), "deck", 2)  # page 2 was read ahead (quietly) and failed
    wait_for(lambda: len(problems) == 2)
    for _ in range(5):
        assert timeline.slide_picture(SlideRef("deck", 1)) is None
        assert timeline.slide_picture(SlideRef("deck", 2)) is None
    time.sleep(0.1)
    assert len(problems) == 2
    assert "storage is away" in problems[0]
    assert "Slide 2" in problems[1]
    timeline.close()
