"""The synthetic camera (`devtools.camera`): its frames carry their index through
compression and scaling, and nothing else reads as an index."""

from __future__ import annotations

import io

import av
import numpy as np
import pytest

from multistream.devtools.camera import SyntheticCamera, frame_index


@pytest.mark.parametrize(("width", "height"), [(1280, 720), (640, 360)])
def test_the_index_survives_h264_at_a_low_bitrate_and_scaling_down(width: int, height: int) -> None:
    camera = SyntheticCamera(width, height)
    indexes = [0, 1, 2, 255, 256, 4095, 40_000, 65_535]
    buffer = io.BytesIO()
    with av.open(buffer, "w", format="mp4") as container:
        stream = container.add_stream(
            "libx264", rate=15, options={"crf": "38", "preset": "ultrafast"}
        )
        stream.width, stream.height, stream.pix_fmt = width, height, "yuv420p"
        for pts, index in enumerate(indexes):
            data = np.frombuffer(camera.frame(index), dtype=np.uint8)
            frame = av.VideoFrame.from_ndarray(
                data.reshape(height * 3 // 2, width), format="yuv420p"
            )
            frame.pts = pts
            container.mux(stream.encode(frame))
        container.mux(stream.encode(None))
    buffer.seek(0)
    with av.open(buffer) as container:
        decoded = list(container.decode(video=0))
    assert [frame_index(f.to_ndarray(format="gray")) for f in decoded] == indexes
    small = [frame_index(f.reformat(320, 180).to_ndarray(format="gray")) for f in decoded]
    assert small == indexes


def test_other_pictures_carry_no_index() -> None:
    rng = np.random.default_rng(7)
    for _ in range(50):
        assert frame_index(rng.integers(0, 256, size=(360, 640), dtype=np.uint8)) is None
    for level in range(0, 256, 15):
        assert frame_index(np.full((360, 640), level, dtype=np.uint8)) is None
    assert frame_index(np.zeros((20, 40), dtype=np.uint8)) is None
    # A damaged stamp (one block flipped) fails its check.
    camera = SyntheticCamera(640, 360)
    luma = np.frombuffer(camera.frame(1234), dtype=np.uint8)[: 640 * 360].reshape(360, 640).copy()
    cell = 640 // 24
    luma[: 360 // 8, 10 * cell : 11 * cell] = 255 - luma[: 360 // 8, 10 * cell : 11 * cell]
    assert frame_index(luma) is None


def test_frames_move() -> None:
    camera = SyntheticCamera(640, 360)
    first, second = camera.frame(10), camera.frame(11)
    assert len(first) == 640 * 360 * 3 // 2
    body = slice(640 * 360 // 8, 640 * 360)  # below the stamp
    assert first[body] != second[body]
