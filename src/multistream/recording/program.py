"""The program: the one picture students saw at a moment, composed from the class's sources.

Pure: no LiveKit, no threads, no clock. `plan()` says where each source goes for a layout
(`multistream.studio.models.SceneLayout` values); `ProgramComposer.compose()` draws one
yuv420p `av.VideoFrame` of the configured size from the pictures it is given.

    layout           main area                        picture-in-picture
    camera           teacher's camera                 -
    slides           current slide                    -
    slides_camera    current slide                    camera, bottom right
    screen           screen share                     -
    screen_camera    screen share                     camera, bottom right
    whiteboard       white                            -
    None / unknown   camera, else slide, else black   -

A layout whose main source is missing (the screen layout while nothing is shared, a slide
not loaded) is drawn as `None` is. People on stage take a row of tiles along the bottom
(their camera, or a dark tile, with their name); the main area shrinks above the row.
Everything is letterboxed (aspect kept, black bars).

Pictures are I420 (`Picture`: three uint8 planes, as LiveKit delivers decoded video).
Scaling is swscale (PyAV `reformat`, which releases the GIL), only for the pictures a
frame uses, and a picture drawn again at the same size (a still screen, a slide, a frozen
camera) is not scaled again.
"""

from __future__ import annotations

import dataclasses
import functools
import io
from collections.abc import Sequence
from typing import Literal

import av
import numpy as np
import numpy.typing as npt
from av.video.reformatter import Interpolation
from PIL import Image, ImageDraw, ImageFont

Plane = npt.NDArray[np.uint8]

BLACK_Y, WHITE_Y, GREY_UV = 16, 235, 128
"""Video-range luma for black and white, and neutral chroma (what H.264 players expect)."""
TILE_Y = 40
"""Luma of a stage tile without a camera."""

_CAMERA_LAYOUTS = {"slides_camera": "slide", "screen_camera": "screen"}
_FULL_LAYOUTS = {"camera": "camera", "slides": "slide", "screen": "screen"}

Role = Literal["camera", "screen", "slide", "stage"]


@dataclasses.dataclass(frozen=True, eq=False)
class Picture:
    """An I420 image: a full-size luma plane and two half-size chroma planes."""

    width: int
    height: int
    y: Plane
    u: Plane
    v: Plane

    @classmethod
    def from_i420(cls, width: int, height: int, data: bytes | bytearray | memoryview) -> Picture:
        """Views into a contiguous I420 buffer (LiveKit's decoded frame), not a copy."""
        chroma_w, chroma_h = (width + 1) // 2, (height + 1) // 2
        luma, chroma = width * height, chroma_w * chroma_h
        flat = np.frombuffer(data, dtype=np.uint8)
        if flat.size < luma + 2 * chroma:
            raise ValueError(f"{flat.size} bytes is too small for I420 {width}x{height}")
        return cls(
            width,
            height,
            flat[:luma].reshape(height, width),
            flat[luma : luma + chroma].reshape(chroma_h, chroma_w),
            flat[luma + chroma : luma + 2 * chroma].reshape(chroma_h, chroma_w),
        )

    @classmethod
    def from_video_frame(cls, frame: av.VideoFrame) -> Picture:
        """Views into a yuv420p frame's planes (the frame stays alive with them)."""
        if frame.format.name != "yuv420p":
            frame = frame.reformat(format="yuv420p")
        planes = [_plane_view(frame, index) for index in range(3)]
        return cls(frame.width, frame.height, planes[0], planes[1], planes[2])

    @classmethod
    def solid(cls, width: int, height: int, y: int, u: int = GREY_UV, v: int = GREY_UV) -> Picture:
        chroma = ((height + 1) // 2, (width + 1) // 2)
        return cls(
            width,
            height,
            np.full((height, width), y, dtype=np.uint8),
            np.full(chroma, u, dtype=np.uint8),
            np.full(chroma, v, dtype=np.uint8),
        )

    def to_video_frame(self) -> av.VideoFrame:
        """A copy in a new (aligned) yuv420p frame; an odd last row or column is dropped."""
        width, height = max(2, self.width // 2 * 2), max(2, self.height // 2 * 2)
        frame = av.VideoFrame(width, height, "yuv420p")
        for index, plane in enumerate((self.y, self.u, self.v)):
            target = _plane_view(frame, index)
            rows, cols = target.shape
            target[:, :] = plane[:rows, :cols]
        return frame


def _plane_view(frame: av.VideoFrame, index: int) -> Plane:
    plane = frame.planes[index]
    rows = np.frombuffer(memoryview(plane), dtype=np.uint8).reshape(plane.height, plane.line_size)
    return rows[:, : plane.width]


def decode_image(data: bytes, *, max_width: int, max_height: int) -> Picture:
    """A still image (a slide page: PNG, JPEG, WebP…) as I420, at most `max_width` x
    `max_height` (aspect kept). Raises `ValueError` when the bytes are not an image."""
    try:
        with Image.open(io.BytesIO(data)) as image:
            image.load()
            rgb = image.convert("RGB")
    except (OSError, Image.DecompressionBombError) as exc:
        raise ValueError(f"not a readable image: {exc}") from exc
    if rgb.width <= max_width and rgb.height <= max_height:
        width, height = _even(rgb.width), _even(rgb.height)
    else:
        box = fit(rgb.width, rgb.height, Rect(0, 0, max_width, max_height))
        width, height = box.width, box.height
    frame = av.VideoFrame.from_ndarray(np.asarray(rgb), format="rgb24").reformat(
        width, height, "yuv420p", interpolation=Interpolation.AREA
    )
    return Picture.from_video_frame(frame)


@dataclasses.dataclass(frozen=True)
class Rect:
    x: int
    y: int
    width: int
    height: int


def _even(value: float) -> int:
    return max(2, int(value) // 2 * 2)


def fit(width: int, height: int, box: Rect) -> Rect:
    """The largest rectangle of `width`:`height` inside `box`, centred, on even pixels."""
    scale = min(box.width / max(width, 1), box.height / max(height, 1))
    fitted_w, fitted_h = (
        min(_even(width * scale), box.width),
        min(_even(height * scale), box.height),
    )
    x = box.x + (box.width - fitted_w) // 4 * 2
    y = box.y + (box.height - fitted_h) // 4 * 2
    return Rect(x, y, fitted_w, fitted_h)


@dataclasses.dataclass(frozen=True)
class Placement:
    role: Role
    rect: Rect
    index: int = 0
    """For `stage`: which person on stage (in stage order)."""


@dataclasses.dataclass(frozen=True)
class Plan:
    background: Literal["black", "white"]
    main: Rect
    placements: tuple[Placement, ...]


def plan(
    layout: str | None,
    *,
    width: int,
    height: int,
    camera: bool,
    screen: bool,
    slide: bool,
    stage: int = 0,
) -> Plan:
    """Where each source goes in a `width` x `height` frame (see the module's table);
    `camera`, `screen`, `slide` say which sources have a picture, `stage` how many people
    are on stage. Placements are in drawing order."""
    main = Rect(0, 0, width, height)
    tiles: list[Placement] = []
    if stage > 0:
        strip = _even(height / 5)
        main = Rect(0, 0, width, height - strip)
        tiles = [
            Placement("stage", rect, index)
            for index, rect in enumerate(_tiles(stage, main, strip, width))
        ]
    available = {"camera": camera, "screen": screen, "slide": slide}
    placements: list[Placement] = []
    background: Literal["black", "white"] = "black"
    if layout == "whiteboard":
        background = "white"
    elif layout in _FULL_LAYOUTS and available[_FULL_LAYOUTS[layout]]:
        placements.append(Placement(_role(_FULL_LAYOUTS[layout]), main))
    elif layout in _CAMERA_LAYOUTS and available[_CAMERA_LAYOUTS[layout]]:
        placements.append(Placement(_role(_CAMERA_LAYOUTS[layout]), main))
        if camera:
            placements.append(Placement("camera", _corner(main)))
    elif camera:
        placements.append(Placement("camera", main))
    elif slide:
        placements.append(Placement("slide", main))
    return Plan(background, main, (*placements, *tiles))


def _role(name: str) -> Role:
    if name == "camera":
        return "camera"
    if name == "screen":
        return "screen"
    return "slide"


def _corner(main: Rect) -> Rect:
    """The picture-in-picture: a quarter of the main area's width, 16:9, bottom right."""
    margin = _even(main.height / 40)
    pip_w = _even(main.width / 4)
    pip_h = _even(pip_w * 9 / 16)
    return Rect(
        main.x + main.width - pip_w - margin, main.y + main.height - pip_h - margin, pip_w, pip_h
    )


def _tiles(count: int, main: Rect, strip: int, width: int) -> list[Rect]:
    margin = _even(strip / 16)
    tile_h = strip - 2 * margin
    tile_w = _even(tile_h * 16 / 9)
    if count * tile_w + (count + 1) * margin > width:
        tile_w = _even((width - (count + 1) * margin) / count)
        tile_h = min(tile_h, _even(tile_w * 9 / 16))
    total = count * tile_w + (count - 1) * margin
    left = (width - total) // 4 * 2
    top = main.y + main.height + (strip - tile_h) // 4 * 2
    return [Rect(left + index * (tile_w + margin), top, tile_w, tile_h) for index in range(count)]


@dataclasses.dataclass(frozen=True)
class StageTile:
    """Someone on stage: their name and, if their camera is on, its latest picture."""

    name: str
    picture: Picture | None = None


@dataclasses.dataclass(frozen=True)
class ProgramInput:
    """What the program shows at one output tick."""

    layout: str | None
    camera: Picture | None = None
    screen: Picture | None = None
    slide: Picture | None = None
    stage: Sequence[StageTile] = ()


class ProgramComposer:
    """Draws program frames of one size; keeps the scaled pictures it may reuse."""

    def __init__(self, width: int, height: int) -> None:
        if width < 16 or height < 16 or width % 2 or height % 2:
            raise ValueError(
                f"the program needs an even size of at least 16x16, not {width}x{height}"
            )
        self.width = width
        self.height = height
        self._scaled: dict[tuple[str, Rect], tuple[Picture, Picture]] = {}

    def compose(self, scene: ProgramInput) -> av.VideoFrame:
        """One yuv420p frame of the program for `scene`."""
        layout_plan = plan(
            scene.layout,
            width=self.width,
            height=self.height,
            camera=scene.camera is not None,
            screen=scene.screen is not None,
            slide=scene.slide is not None,
            stage=len(scene.stage),
        )
        frame = av.VideoFrame(self.width, self.height, "yuv420p")
        canvas = Picture.from_video_frame(frame)
        canvas.y[:, :] = BLACK_Y
        canvas.u[:, :] = GREY_UV
        canvas.v[:, :] = GREY_UV
        if layout_plan.background == "white":
            _fill(canvas, layout_plan.main, WHITE_Y)
        used: set[tuple[str, Rect]] = set()
        for placement in layout_plan.placements:
            if placement.role == "stage":
                tile = scene.stage[placement.index]
                self._draw_tile(canvas, placement, tile, used)
                continue
            picture = {"camera": scene.camera, "screen": scene.screen, "slide": scene.slide}[
                placement.role
            ]
            if placement.role == "camera" and placement.rect != layout_plan.main:
                _fill(canvas, placement.rect, BLACK_Y)  # the corner picture's frame
            if picture is not None:
                self._draw(canvas, placement.role, picture, placement.rect, used)
        for key in set(self._scaled) - used:
            del self._scaled[key]
        return frame

    def _draw_tile(
        self,
        canvas: Picture,
        placement: Placement,
        tile: StageTile,
        used: set[tuple[str, Rect]],
    ) -> None:
        rect = placement.rect
        _fill(canvas, rect, TILE_Y)
        if tile.picture is not None:
            self._draw(canvas, f"stage:{placement.index}", tile.picture, rect, used)
        label_h = min(rect.height, max(14, _even(rect.height / 4)))
        label = _label(tile.name, rect.width, label_h)
        top = rect.y + rect.height - label_h
        canvas.y[top : top + label_h, rect.x : rect.x + rect.width] = label
        canvas.u[top // 2 : (top + label_h) // 2, rect.x // 2 : (rect.x + rect.width) // 2] = (
            GREY_UV
        )
        canvas.v[top // 2 : (top + label_h) // 2, rect.x // 2 : (rect.x + rect.width) // 2] = (
            GREY_UV
        )

    def _draw(
        self,
        canvas: Picture,
        key: str,
        picture: Picture,
        box: Rect,
        used: set[tuple[str, Rect]],
    ) -> None:
        rect = fit(picture.width, picture.height, box)
        cache_key = (key, rect)
        used.add(cache_key)
        cached = self._scaled.get(cache_key)
        if cached is not None and cached[0] is picture:
            scaled = cached[1]
        else:
            scaled = _scale(picture, rect.width, rect.height)
            self._scaled[cache_key] = (picture, scaled)
        _blit(canvas, scaled, rect)


def _scale(picture: Picture, width: int, height: int) -> Picture:
    if (picture.width, picture.height) == (width, height):
        return picture
    source = picture.to_video_frame()
    # Area averaging keeps text legible when shrinking; bilinear is cheaper for growing.
    method = Interpolation.AREA if width < source.width else Interpolation.BILINEAR
    return Picture.from_video_frame(source.reformat(width, height, interpolation=method))


def _blit(canvas: Picture, picture: Picture, rect: Rect) -> None:
    x, y, w, h = rect.x, rect.y, rect.width, rect.height
    canvas.y[y : y + h, x : x + w] = picture.y[:h, :w]
    canvas.u[y // 2 : (y + h) // 2, x // 2 : (x + w) // 2] = picture.u[: h // 2, : w // 2]
    canvas.v[y // 2 : (y + h) // 2, x // 2 : (x + w) // 2] = picture.v[: h // 2, : w // 2]


def _fill(canvas: Picture, rect: Rect, luma: int) -> None:
    x, y, w, h = rect.x, rect.y, rect.width, rect.height
    canvas.y[y : y + h, x : x + w] = luma
    canvas.u[y // 2 : (y + h) // 2, x // 2 : (x + w) // 2] = GREY_UV
    canvas.v[y // 2 : (y + h) // 2, x // 2 : (x + w) // 2] = GREY_UV


@functools.lru_cache(maxsize=64)
def _label(name: str, width: int, height: int) -> Plane:
    """A name in white on a dark strip, as luma (drawn once per name and size)."""
    image = Image.new("L", (width, height), 24)
    size = max(8, int(height * 0.7))
    font = ImageFont.load_default(size=size)
    text = name
    draw = ImageDraw.Draw(image)
    while text and draw.textlength(text, font=font) > width - 4:
        text = text[:-1]
    if text != name and len(text) > 1:
        text = text[:-1] + "…"
    draw.text((3, (height - size) // 2), text, fill=WHITE_Y, font=font)
    return np.asarray(image, dtype=np.uint8)
