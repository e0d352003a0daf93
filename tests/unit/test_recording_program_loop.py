"""The program loop (`recording.program_loop`): each output tick is drawn from the pictures,
scene and sound of its moment, however late they came in. Its clock is pushed far ahead,
so it draws the whole recording at once; no LiveKit."""

from __future__ import annotations

import datetime as dt
import io
import time
from pathlib import Path

import av
import numpy as np
from PIL import Image

from multistream.devtools.camera import SyntheticCamera, frame_index, tone
from multistream.recording.assemble import assemble
from multistream.recording.program import Picture, ProgramComposer
from multistream.recording.program_loop import ProgramLoop
from multistream.recording.program_timeline import ProgramTimeline, SlideRef
from multistream.recording.segments import EncoderSettings, SegmentInfo, SegmentWriter
from multistream.recording.sources import MediaInbox

W, H, FPS, RATE = 320, 180, 15, 48_000
STARTED = 1000.0
WALL = dt.datetime(2026, 3, 1, 9, 0, tzinfo=dt.UTC)


def slide_png(asset_id: str, page_no: int) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (320, 180), (40, 170, 70)).save(out, "PNG")
    return out.getvalue()


def test_each_tick_shows_its_moment_and_a_late_scene_change_lands_where_it_happened(
    tmp_path: Path,
) -> None:
    inbox = MediaInbox(started=STARTED, sample_rate=RATE, fps=FPS)
    camera = SyntheticCamera(W, H, fps=30)
    for n in range(90):  # 3 s of a 30 fps camera, frame n captured at n / 30
        picture = Picture.from_i420(W, H, camera.frame(n))
        inbox.push_video(("teacher", "camera"), STARTED + n / 30, picture, arrival=STARTED + 2)
    sound = np.zeros(3 * RATE, dtype=np.int16)
    sound[2 * RATE : 2 * RATE + RATE // 5] = tone(1000, RATE // 5, RATE)
    for n in range(300):  # 10 ms frames, all reaching Python 400 ms late after the first
        arrival = STARTED + n * 0.01 + (0.4 if n else 0.0)
        inbox.push_audio("teacher/mic", arrival, sound[n * 480 : (n + 1) * 480])

    problems: list[str] = []
    timeline = ProgramTimeline(
        load_slide=slide_png, slide_width=W, slide_height=H, on_problem=problems.append
    )
    timeline.set_scene(WALL, "camera")
    timeline.set_slide(WALL, "deck", 1)
    timeline.set_scene(WALL + dt.timedelta(seconds=1.0), "slides")  # at 1.0 s: tick 15
    deadline = time.monotonic() + 5
    while timeline.slide_picture(SlideRef("deck", 1)) is None:
        assert time.monotonic() < deadline
        time.sleep(0.01)

    segments: list[SegmentInfo] = []
    writer = SegmentWriter(
        EncoderSettings(width=W, height=H, fps=FPS, sample_rate=RATE, preset="ultrafast"),
        segment_seconds=2,
        workdir=tmp_path,
        on_segment=segments.append,
    )
    loop = ProgramLoop(
        inbox=inbox,
        timeline=timeline,
        composer=ProgramComposer(W, H),
        writer=writer,
        roles=lambda: {"teacher": "host"},
        wall_start=WALL,
        delay=2.0,
        clock=lambda: STARTED + 100.0,  # far ahead: draw everything now
        on_problem=problems.append,
        niceness=0,
    )
    loop.finish(3.0)
    loop.start()
    assert loop.join(30)
    assert loop.error is None
    assert loop.stats.ticks == 45
    assert loop.duration_ms == 3000
    assert [(s.start_ms, s.duration_ms) for s in segments] == [(0, 2000), (2000, 1000)]
    assert any("behind real time" in problem for problem in problems)
    timeline.close()

    out = tmp_path / "recording.mp4"
    assemble([(s.path, s.start_ms) for s in segments], duration_ms=3000, out_path=out)
    with av.open(str(out)) as container:
        frames = [Picture.from_video_frame(f) for f in container.decode(video=0)]
    assert len(frames) == 45
    for tick, frame in enumerate(frames):
        if tick < 15:
            assert frame_index(frame.y) == 2 * tick  # the camera frame of that moment
        else:
            assert frame_index(frame.y) is None  # the slide, from the moment it was set
            assert abs(int(frame.u[H // 4, W // 4]) - 103) < 8
    with av.open(str(out)) as container:
        audio = np.concatenate([f.to_ndarray().reshape(-1) for f in container.decode(audio=0)])
    loud = np.flatnonzero(np.abs(audio) > 0.2)
    assert abs(loud[0] / RATE - 2.0) < 0.005  # where it was said, not when it arrived
    assert abs(loud[-1] / RATE - 2.2) < 0.005
    assert inbox.stats.audio_samples_too_late == 0
