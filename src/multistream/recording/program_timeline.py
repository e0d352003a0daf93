"""What the program shows over the class's wall-clock time: the scene's layout, the slide
on screen and who is on stage.

The recorder feeds it from the event log (`recording.program_feed`) — `set_scene`,
`set_slide`, `set_stage`, each with `at`, the moment the change happened (the event's
`occurred_at`), learned up to a second or so later — and the program loop asks
`state_at(when)` for every output tick, running a fixed delay behind real time, so a change
learned late still lands exactly where it happened. A change whose moment the loop has
already drawn (`mark_drawn`) lands at the first tick not yet drawn, and is counted in
`late_changes`.

Slide pages come from the recorder's `load_slide(asset_id, page_no) -> bytes | None` (it
reads the deck page's image from object storage). Loading runs on a thread of its own,
never on the receive path or the program loop's: a page is loaded when it is set (and the next
page ahead of time), decoded and scaled to the program's size once, and cached. A page
not loaded yet, or that could not be loaded (reported once to `on_problem`), is drawn as
no slide.

Every method is thread-safe.
"""

from __future__ import annotations

import bisect
import concurrent.futures
import dataclasses
import datetime as dt
import threading
from collections import OrderedDict
from collections.abc import Callable, Sequence
from typing import Generic, TypeVar

from multistream.recording.engine import StagePerson
from multistream.recording.program import Picture, decode_image

SlideLoader = Callable[[str, int], bytes | None]
"""`(asset_id, page_no) -> the page's image (PNG, JPEG, WebP…), or None if there is none`."""

SLIDE_CACHE_PAGES = 24

T = TypeVar("T")


@dataclasses.dataclass(frozen=True)
class SlideRef:
    asset_id: str
    page_no: int


@dataclasses.dataclass(frozen=True)
class ProgramState:
    layout: str | None = None
    slide: SlideRef | None = None
    stage: tuple[StagePerson, ...] = ()


class _Changes(Generic[T]):
    """One kind of change, ordered by when it happened (ties: in the order learned)."""

    def __init__(self, initial: T) -> None:
        self._keys: list[tuple[dt.datetime, int]] = []
        self._values: list[T] = []
        self._initial = initial
        self._learned = 0

    def add(self, at: dt.datetime, value: T) -> None:
        self._learned += 1
        key = (at, self._learned)
        index = bisect.bisect_right(self._keys, key)
        self._keys.insert(index, key)
        self._values.insert(index, value)

    def at(self, when: dt.datetime) -> T:
        index = bisect.bisect_right(self._keys, (when, self._learned + 1))
        return self._values[index - 1] if index else self._initial

    def forget_before(self, when: dt.datetime) -> None:
        """Drop changes superseded before `when` (the one in force at `when` stays)."""
        index = bisect.bisect_right(self._keys, (when, self._learned + 1))
        if index > 1:
            self._initial = self._values[index - 1]
            del self._keys[:index]
            del self._values[:index]


class ProgramTimeline:
    def __init__(
        self,
        *,
        load_slide: SlideLoader | None,
        slide_width: int,
        slide_height: int,
        on_problem: Callable[[str], None] | None = None,
    ) -> None:
        self._lock = threading.Lock()
        self._scenes = _Changes[str | None](None)
        self._slides = _Changes[SlideRef | None](None)
        self._stages = _Changes[tuple[StagePerson, ...]](())
        self._drawn: dt.datetime | None = None
        self.late_changes = 0
        self._load_slide = load_slide
        self._slide_size = (slide_width, slide_height)
        self._on_problem = on_problem
        self._pages: OrderedDict[SlideRef, Picture | None] = OrderedDict()
        self._loading: dict[SlideRef, bool] = {}
        """Pages being loaded, and whether only read ahead (a failure is not reported)."""
        self._loader = concurrent.futures.ThreadPoolExecutor(
            max_workers=1, thread_name_prefix="recorder-slides"
        )
        self._closed = False

    def set_scene(self, at: dt.datetime, layout: str | None) -> None:
        """The scene's layout (a `SceneLayout` value, or None) from `at` on."""
        with self._lock:
            self._scenes.add(self._landing(at), layout)

    def set_slide(self, at: dt.datetime, asset_id: str | None, page_no: int | None) -> None:
        """The slide on screen from `at` on (None: no deck)."""
        ref = SlideRef(str(asset_id), page_no) if asset_id is not None and page_no else None
        with self._lock:
            self._slides.add(self._landing(at), ref)
        if ref is not None:
            self._prefetch(ref)
            self._prefetch(SlideRef(ref.asset_id, ref.page_no + 1), quiet=True)

    def set_stage(self, at: dt.datetime, people: Sequence[StagePerson]) -> None:
        """Who is on stage from `at` on, in stage order."""
        with self._lock:
            self._stages.add(self._landing(at), tuple(people))

    def state_at(self, when: dt.datetime) -> ProgramState:
        with self._lock:
            return ProgramState(self._scenes.at(when), self._slides.at(when), self._stages.at(when))

    def mark_drawn(self, until: dt.datetime) -> None:
        """The program loop has drawn everything before `until`: older changes can go."""
        with self._lock:
            self._drawn = until
            for changes in (self._scenes, self._slides, self._stages):
                changes.forget_before(until)

    def slide_picture(self, ref: SlideRef | None) -> Picture | None:
        """The page's picture, if it is loaded (never waits)."""
        if ref is None:
            return None
        with self._lock:
            if ref in self._pages:
                self._pages.move_to_end(ref)
                return self._pages[ref]
        self._prefetch(ref)
        return None

    def close(self) -> None:
        with self._lock:
            self._closed = True
        self._loader.shutdown(wait=False, cancel_futures=True)

    def _landing(self, at: dt.datetime) -> dt.datetime:
        if at.tzinfo is None:
            raise ValueError("a program change needs an aware datetime (UTC)")
        if self._drawn is not None and at < self._drawn:
            self.late_changes += 1
            return self._drawn
        return at

    def _prefetch(self, ref: SlideRef, *, quiet: bool = False) -> None:
        if self._load_slide is None:
            return
        with self._lock:
            if ref in self._loading and not quiet:
                self._loading[ref] = False  # shown now: a failure must be reported
            if self._closed or ref in self._pages or ref in self._loading:
                return
            self._loading[ref] = quiet
        self._loader.submit(self._load, ref)

    def _load(self, ref: SlideRef) -> None:
        picture: Picture | None = None
        problem: str | None = None
        failed = False
        try:
            assert self._load_slide is not None
            data = self._load_slide(ref.asset_id, ref.page_no)
            if data is not None:
                width, height = self._slide_size
                picture = decode_image(data, max_width=width, max_height=height)
            else:
                problem = f"Slide {ref.page_no} of deck {ref.asset_id} has no image to record."
        except Exception as exc:  # the recording goes on without this page
            failed = True
            problem = f"Slide {ref.page_no} of deck {ref.asset_id} could not be loaded: {exc}"
        with self._lock:
            quiet = self._loading.pop(ref, False)
            # A page read ahead of time that failed is tried again when it is shown.
            if not (failed and quiet):
                self._pages[ref] = picture
                while len(self._pages) > SLIDE_CACHE_PAGES:
                    self._pages.popitem(last=False)
        if problem is not None and not quiet and self._on_problem is not None:
            self._on_problem(problem)
