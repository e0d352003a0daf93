"""The program's composition (`recording.program`): the right source lands in the right
rectangle for every layout, with synthetic pictures (no LiveKit)."""

from __future__ import annotations

import io
import itertools

import numpy as np
import pytest
from PIL import Image

from multistream.recording import program
from multistream.recording.program import (
    Picture,
    ProgramComposer,
    ProgramInput,
    Rect,
    StageTile,
    decode_image,
    fit,
    plan,
)
from multistream.studio.models import SceneLayout

W, H = 640, 360
# Distinct colours (Y, U, V) for each source, exact in I420.
CAMERA = (150, 90, 200)
SCREEN = (110, 200, 70)
SLIDE = (180, 60, 60)
GUEST = (90, 170, 170)


def solid(colour: tuple[int, int, int], width: int = W, height: int = H) -> Picture:
    return Picture.solid(width, height, *colour)


def colour_at(frame: Picture, x: int, y: int) -> tuple[int, int, int]:
    return int(frame.y[y, x]), int(frame.u[y // 2, x // 2]), int(frame.v[y // 2, x // 2])


def centre(rect: Rect) -> tuple[int, int]:
    return rect.x + rect.width // 2, rect.y + rect.height // 2


def compose(scene: ProgramInput, composer: ProgramComposer | None = None) -> Picture:
    frame = (composer or ProgramComposer(W, H)).compose(scene)
    assert (frame.width, frame.height, frame.format.name) == (W, H, "yuv420p")
    return Picture.from_video_frame(frame)


def test_every_scene_layout_has_a_plan() -> None:
    for layout in SceneLayout:
        laid = plan(layout.value, width=W, height=H, camera=True, screen=True, slide=True)
        assert laid.main == Rect(0, 0, W, H)
        assert laid.placements or laid.background == "white", layout


@pytest.mark.parametrize(
    ("layout", "main", "colour"),
    [
        ("camera", "camera", CAMERA),
        ("slides", "slide", SLIDE),
        ("screen", "screen", SCREEN),
        ("slides_camera", "slide", SLIDE),
        ("screen_camera", "screen", SCREEN),
    ],
)
def test_the_layout_s_source_fills_the_frame(
    layout: str, main: str, colour: tuple[int, ...]
) -> None:
    scene = ProgramInput(layout, camera=solid(CAMERA), screen=solid(SCREEN), slide=solid(SLIDE))
    frame = compose(scene)
    assert colour_at(frame, 20, 20) == colour
    assert colour_at(frame, W // 2, H // 2) == colour
    laid = plan(layout, width=W, height=H, camera=True, screen=True, slide=True)
    assert laid.placements[0].role == main


@pytest.mark.parametrize(
    ("layout", "colour"), [("slides_camera", SLIDE), ("screen_camera", SCREEN)]
)
def test_the_camera_is_a_corner_picture_over_slides_or_screen(
    layout: str, colour: tuple[int, ...]
) -> None:
    scene = ProgramInput(layout, camera=solid(CAMERA), screen=solid(SCREEN), slide=solid(SLIDE))
    frame = compose(scene)
    corner = plan(layout, width=W, height=H, camera=True, screen=True, slide=True).placements[1]
    assert corner.role == "camera"
    # Bottom right, a quarter of the width, inside the frame.
    assert corner.rect.x + corner.rect.width <= W
    assert corner.rect.y + corner.rect.height <= H
    assert corner.rect.x > W // 2
    assert corner.rect.y > H // 2
    assert corner.rect.width == W // 4
    assert colour_at(frame, *centre(corner.rect)) == CAMERA
    assert colour_at(frame, corner.rect.x - 4, corner.rect.y - 4) == colour
    # Without a camera there is no corner picture.
    alone = compose(ProgramInput(layout, screen=solid(SCREEN), slide=solid(SLIDE)))
    assert colour_at(alone, *centre(corner.rect)) == colour


def test_whiteboard_is_white() -> None:
    frame = compose(ProgramInput("whiteboard", camera=solid(CAMERA), slide=solid(SLIDE)))
    assert colour_at(frame, W // 2, H // 2) == (program.WHITE_Y, 128, 128)
    assert colour_at(frame, 3, 3) == (program.WHITE_Y, 128, 128)


@pytest.mark.parametrize("layout", [None, "None", "a layout from the future"])
def test_no_or_an_unknown_layout_shows_the_camera_else_the_slide_else_black(
    layout: str | None,
) -> None:
    both = compose(ProgramInput(layout, camera=solid(CAMERA), slide=solid(SLIDE)))
    assert colour_at(both, W // 2, H // 2) == CAMERA
    slide_only = compose(ProgramInput(layout, slide=solid(SLIDE), screen=solid(SCREEN)))
    assert colour_at(slide_only, W // 2, H // 2) == SLIDE
    nothing = compose(ProgramInput(layout, screen=solid(SCREEN)))
    assert colour_at(nothing, W // 2, H // 2) == (program.BLACK_Y, 128, 128)


def test_a_layout_whose_source_is_missing_falls_back_like_no_layout() -> None:
    # The screen scene while nothing is shared shows the camera, full.
    frame = compose(ProgramInput("screen_camera", camera=solid(CAMERA), slide=solid(SLIDE)))
    assert colour_at(frame, 20, 20) == CAMERA
    assert colour_at(frame, W - 20, H - 20) == CAMERA


def test_pictures_keep_their_aspect_with_black_bars() -> None:
    four_three = solid(CAMERA, 480, 360)
    frame = compose(ProgramInput("camera", camera=four_three))
    assert colour_at(frame, W // 2, H // 2) == CAMERA
    assert colour_at(frame, 10, H // 2) == (program.BLACK_Y, 128, 128)
    assert colour_at(frame, W - 10, H // 2) == (program.BLACK_Y, 128, 128)
    box = fit(480, 360, Rect(0, 0, W, H))
    assert box == Rect(80, 0, 480, 360)
    assert colour_at(frame, box.x + 2, 2) == CAMERA


def test_a_larger_camera_is_scaled_down_to_the_program() -> None:
    camera = solid(CAMERA, 1920, 1080)
    frame = compose(ProgramInput("camera", camera=camera))
    for x, y in ((0, 0), (W - 1, H - 1), (W // 2, H // 2)):
        got = colour_at(frame, x, y)
        assert all(abs(a - b) <= 1 for a, b in zip(got, CAMERA, strict=True)), (x, y, got)


def test_people_on_stage_are_tiles_below_with_their_camera_or_their_name() -> None:
    scene = ProgramInput(
        "camera",
        camera=solid(CAMERA),
        stage=(StageTile("Ada", solid(GUEST, 320, 180)), StageTile("Grace Hopper")),
    )
    frame = compose(scene)
    laid = plan("camera", width=W, height=H, camera=True, screen=False, slide=False, stage=2)
    tiles = [p for p in laid.placements if p.role == "stage"]
    assert [t.index for t in tiles] == [0, 1]
    assert laid.main.height < H
    for tile in tiles:
        assert tile.rect.y >= laid.main.height
        assert tile.rect.y + tile.rect.height <= H
    assert tiles[0].rect.x + tiles[0].rect.width < tiles[1].rect.x
    # The teacher's camera fills the area above the row.
    assert colour_at(frame, W // 2, laid.main.height // 2) == CAMERA
    # Ada's camera is in her tile; Grace has none: a dark tile.
    ada, grace = tiles[0].rect, tiles[1].rect
    assert colour_at(frame, ada.x + ada.width // 2, ada.y + ada.height // 3) == GUEST
    assert colour_at(frame, grace.x + grace.width // 2, grace.y + grace.height // 3)[0] == (
        program.TILE_Y
    )
    # Each name is drawn at the bottom of its tile: bright text on a dark strip.
    for rect in (ada, grace):
        label = frame.y[
            rect.y + rect.height * 4 // 5 : rect.y + rect.height, rect.x : rect.x + rect.width
        ]
        assert label.max() > 160
        assert np.median(label) < 60


def test_many_people_on_stage_still_fit_in_the_frame() -> None:
    laid = plan("camera", width=W, height=H, camera=True, screen=False, slide=False, stage=9)
    tiles = [p.rect for p in laid.placements if p.role == "stage"]
    assert len(tiles) == 9
    assert tiles[0].x >= 0
    assert tiles[-1].x + tiles[-1].width <= W
    for left, right in itertools.pairwise(tiles):
        assert left.x + left.width <= right.x


def test_a_picture_drawn_again_is_not_scaled_again(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[tuple[int, int]] = []
    scale = program._scale

    def counting(picture: Picture, width: int, height: int) -> Picture:
        calls.append((width, height))
        return scale(picture, width, height)

    monkeypatch.setattr(program, "_scale", counting)
    composer = ProgramComposer(W, H)
    slide, camera = solid(SLIDE, 1600, 900), solid(CAMERA)
    for _ in range(3):
        compose(ProgramInput("slides_camera", camera=camera, slide=slide), composer)
    # The slide once to the main area, the camera once to the corner; not per frame.
    assert len(calls) == 2
    compose(ProgramInput("slides_camera", camera=solid(CAMERA), slide=slide), composer)
    assert len(calls) == 3  # a new camera frame is scaled; the slide is not


def test_i420_buffers_are_read_in_place_with_odd_sizes() -> None:
    width, height = 5, 3
    luma = bytes(range(15))
    chroma = bytes([100] * 6) + bytes([200] * 6)  # 3 x 2 each
    picture = Picture.from_i420(width, height, luma + chroma)
    assert picture.y.shape == (3, 5)
    assert picture.u.shape == (2, 3)
    assert int(picture.v[1, 2]) == 200
    with pytest.raises(ValueError, match="too small"):
        Picture.from_i420(width, height, luma)
    frame = picture.to_video_frame()  # odd last row and column dropped
    assert (frame.width, frame.height) == (4, 2)


def test_a_slide_image_is_decoded_to_fit_the_program() -> None:
    image = Image.new("RGB", (1600, 900), (40, 170, 70))
    data = io.BytesIO()
    image.save(data, "WEBP")
    picture = decode_image(data.getvalue(), max_width=W, max_height=H)
    assert (picture.width, picture.height) == (W, H)
    y, u, v = colour_at(picture, W // 2, H // 2)
    assert abs(y - 119) <= 3
    assert abs(u - 103) <= 3
    assert abs(v - 78) <= 3
    small = io.BytesIO()
    Image.new("RGB", (200, 100), (0, 0, 0)).save(small, "PNG")
    assert decode_image(small.getvalue(), max_width=W, max_height=H).width == 200
    with pytest.raises(ValueError, match="not a readable image"):
        decode_image(b"%PDF-1.4 not an image", max_width=W, max_height=H)


def test_the_composer_refuses_an_odd_size() -> None:
    with pytest.raises(ValueError, match="even size"):
        ProgramComposer(641, 360)
