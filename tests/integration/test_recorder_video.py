"""The program recorder against the real LiveKit server: the recording is what students saw,
on the wall clock, with its sound in sync — also while the machine is busy.

A bot teacher (its own process, as a teacher's browser would be) publishes a synthetic
camera and a synthetic screen share whose frames carry their index, and a microphone
that sends a 1 kHz tone with every 30th camera frame; halfway through it leaves the room
and joins again (new tracks). The test plays the studio: it changes the scene (camera →
slides + camera → screen → camera → slides → camera), telling the recorder each change
0.8 s after it happened, as the event log would. For the second half, two busy processes
compete for the CPU. The recorder records 4-second segments; they are assembled and the
file is decoded and checked frame by frame and tone by tone.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import datetime as dt
import io
import json
import math
import multiprocessing
import os
import time
import uuid
from pathlib import Path
from typing import Any

import av
import numpy as np
import pytest
from PIL import Image

from multistream.devtools.camera import (
    CameraLog,
    SyntheticCamera,
    ToneLog,
    frame_index,
    publish_camera,
    publish_tones,
)
from multistream.media.tokens import mint_join_token
from multistream.recording.assemble import assemble
from multistream.recording.capture import CaptureResult, ProgramRecorder
from multistream.recording.participant import recorder_token
from multistream.recording.program import Picture
from multistream.recording.segments import EncoderSettings, SegmentInfo
from multistream.settings import Settings

pytestmark = [pytest.mark.services, pytest.mark.solo, pytest.mark.timeout(120)]

W, H, FPS, RATE = 640, 360, 15, 48_000
CAMERA_FPS = 30
"""The bot's camera and screen: twice the program's rate, so the frame a tick shows is at
most a camera frame (33 ms) older than the newest one that had arrived."""
SCREEN = 40_000
"""Screen-share frames carry indexes from here (camera frames from 0)."""
SLIDE_RGB = (40, 170, 70)
END = 24.0
"""Seconds of class after the bot's epoch."""
RECONNECT_AT = 12.0
HOG_FROM = 13.0
TONE_FRAMES = tuple(range(CAMERA_FPS, int(END * CAMERA_FPS) - 20, 2 * CAMERA_FPS))  # 1 s, 3 s…
SCENES = (
    (4.0, "slides_camera"),
    (7.0, "screen"),
    (10.0, "camera"),
    (16.5, "slides"),
    (19.5, "camera"),
)
LEARNED_AFTER = 0.8
IN_FLIGHT = 0.5
"""Seconds before the hogs start from which media is judged as the busy phase's."""
BOUNDS = {
    "quiet": {"age": 0.1, "heard": 0.12, "sync": 0.1, "whole": 0.17},
    # Two busy processes starve this box's LiveKit server and the recorder's jitter buffers
    # as well: latency grows upstream of the recorder (which places what it receives
    # exactly: see the inbox's counts), so the bounds on arrival are looser. (The test runs
    # alone: with the rest of the suite beside the hogs, arrival was 0.35 s late once.)
    # A starved jitter buffer also catches up by shortening what it holds (WebRTC's NetEq
    # "accelerate"): a 0.2 s tone came out 0.16 s long once in CI, with the recorder
    # reporting nothing late and nothing re-anchored.
    "busy": {"age": 0.3, "heard": 0.3, "sync": 0.2, "whole": 0.13},
}
EXPECTED = {"camera": "camera", "slides_camera": "slides", "screen": "screen", "slides": "slides"}


# --- the bot teacher (a process of its own) -------------------------------------------------


def _bot(url: str, token: str, epoch: float, log_path: str) -> None:
    # The teacher's machine is not the one under test: keep the bot on time while the
    # busy processes compete with the recorder (root may raise its priority).
    with contextlib.suppress(PermissionError):
        os.nice(-10)
    asyncio.run(_teach(url, token, epoch, Path(log_path)))


async def _teach(url: str, token: str, epoch: float, log_path: Path) -> None:
    from livekit import rtc

    camera = SyntheticCamera(W, H, fps=CAMERA_FPS)
    screen = SyntheticCamera(W, H, fps=CAMERA_FPS, tint=(200, 60))
    camera_log, screen_log, tones = CameraLog(), CameraLog(), ToneLog()
    away: list[tuple[float, float]] = []
    for stint_end in (RECONNECT_AT, END):
        room = rtc.Room()
        await room.connect(url, token)
        if away:
            away[-1] = (away[-1][0], time.time())
        stop = asyncio.Event()
        work = [
            publish_camera(room, camera, fps=CAMERA_FPS, stop=stop, epoch=epoch, log=camera_log),
            publish_camera(
                room,
                screen,
                fps=CAMERA_FPS,
                stop=stop,
                epoch=epoch,
                first_index=SCREEN,
                screen=True,
                log=screen_log,
            ),
            publish_tones(
                room, fps=CAMERA_FPS, epoch=epoch, at_frames=TONE_FRAMES, stop=stop, log=tones
            ),
        ]
        tasks = [asyncio.create_task(job) for job in work]
        await asyncio.sleep(max(0.0, epoch + stint_end - time.monotonic()))
        stop.set()
        await asyncio.gather(*tasks)
        away.append((time.time(), math.inf))
        if stint_end == END:
            # What was sent is written before the last disconnect: the SDK (livekit 1.2.0)
            # aborted the process once inside `room.disconnect()`, after the lesson (a Rust
            # panic in a tokio worker), and the lesson is what the test needs.
            _write_log(log_path, camera_log, screen_log, tones, away[:-1])
        await room.disconnect()


def _write_log(
    path: Path,
    camera_log: CameraLog,
    screen_log: CameraLog,
    tones: ToneLog,
    away: list[tuple[float, float]],
) -> None:
    path.write_text(
        json.dumps(
            {
                "camera": {str(i): sent[0] for i, sent in camera_log.sent.items()},
                "screen": {str(i): sent[0] for i, sent in screen_log.sent.items()},
                "tones": [(frame, wall) for frame, wall, _ in tones.sent],
                "away": away,
                "late": {
                    "camera_skipped": camera_log.skipped,
                    "screen_skipped": screen_log.skipped,
                    "tone_lag_ms": round(tones.max_lag * 1000),
                    "nice": os.nice(0),
                },
            }
        )
    )


def _hog() -> None:
    while True:
        pass


# --- the recorder and the studio (this process) ----------------------------------------------


def _slide(asset_id: str, page_no: int) -> bytes:
    image = Image.new("RGB", (1600, 900), SLIDE_RGB)
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


@dataclasses.dataclass
class Recorded:
    result: CaptureResult
    scenes: list[tuple[dt.datetime, str]]
    hog_from: dt.datetime
    stopped: dt.datetime


async def _record(settings: Settings, room: str, epoch: float, workdir: Path) -> Recorded:
    spawn = multiprocessing.get_context("spawn")
    segments: list[SegmentInfo] = []
    recorder = ProgramRecorder(
        workdir=workdir,
        encoder=EncoderSettings(width=W, height=H, fps=FPS),
        segment_seconds=4.0,
        delay_seconds=2.0,
        load_slide=_slide,
        on_segment=segments.append,
    )
    now = dt.datetime.now(dt.UTC)
    recorder.set_scene(now, "camera")
    recorder.set_slide(now, str(uuid.uuid4()), 1)
    stop = asyncio.Event()
    token = recorder_token(settings, room=room, recording_id=str(uuid.uuid4()))
    recording = asyncio.create_task(recorder.run(settings.livekit_url, token, stop))
    scenes: list[tuple[dt.datetime, str]] = []
    learned: list[asyncio.Task[None]] = []

    async def tell(at: dt.datetime, layout: str) -> None:
        await asyncio.sleep(LEARNED_AFTER)  # the event log is read a moment later
        recorder.set_scene(at, layout)

    hogs: list[Any] = []
    hog_from = now
    try:
        for offset, layout in sorted([(HOG_FROM, "hog"), *SCENES]):
            await asyncio.sleep(max(0.0, epoch + offset - time.monotonic()))
            if layout == "hog":
                hogs = [spawn.Process(target=_hog, daemon=True) for _ in range(2)]
                for hog in hogs:
                    hog.start()
                hog_from = dt.datetime.now(dt.UTC)
                continue
            at = dt.datetime.now(dt.UTC)
            scenes.append((at, layout))
            learned.append(asyncio.create_task(tell(at, layout)))
        await asyncio.sleep(max(0.0, epoch + END - time.monotonic()))
        await asyncio.gather(*learned)
        stopped = dt.datetime.now(dt.UTC)
        stop.set()
        result = await recording
    finally:
        for hog in hogs:
            hog.kill()
    assert result.segments == segments
    return Recorded(result, sorted(scenes), hog_from, stopped)


# --- reading the file ------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class Shown:
    at: float
    stamp: int | None
    kind: str
    """camera | screen | slides | other"""


def _classify(frame: av.VideoFrame) -> Shown:
    picture = Picture.from_video_frame(frame)
    stamp = frame_index(picture.y)
    if stamp is not None:
        kind = "screen" if stamp >= SCREEN else "camera"
    else:
        # The main area's left middle (clear of the camera's corner picture).
        u = float(picture.u[H // 8 : H // 4, W // 20 : W // 5].mean())
        v = float(picture.v[H // 8 : H // 4, W // 20 : W // 5].mean())
        kind = "slides" if abs(u - 103) < 15 and abs(v - 78) < 15 else "other"
    return Shown(float(frame.time or 0.0), stamp, kind)


def _tone_onsets(sound: np.ndarray) -> list[tuple[float, float]]:
    """(start, length) in seconds of each 1 kHz tone, from its level in 5 ms windows (a
    dip of up to 35 ms, as Opus may make at a tone's start after silence, does not split it)."""
    window = RATE // 200
    t = np.arange(window) / RATE
    probe = np.exp(-2j * np.pi * 1000 * t)
    count = len(sound) // window
    levels = np.abs(sound[: count * window].reshape(count, window) @ probe) / window
    loud = np.flatnonzero(levels > 0.05)
    onsets: list[tuple[float, float]] = []
    if not len(loud):
        return onsets
    first = last = int(loud[0])
    for index in map(int, loud[1:]):
        if index - last > 8:
            onsets.append((first * window / RATE, (last + 1 - first) * window / RATE))
            first = index
        last = index
    onsets.append((first * window / RATE, (last + 1 - first) * window / RATE))
    return onsets


def test_the_program_is_recorded_as_students_saw_it_on_the_wall_clock(
    settings: Settings, tmp_path: Path
) -> None:
    if not settings.media_configured:
        pytest.skip("LiveKit is not configured")
    room = f"rec-video-{uuid.uuid4()}"
    teacher = mint_join_token(
        settings, room=room, user_id=uuid.uuid4(), display_name="Teacher", role="host"
    )
    log_path = tmp_path / "bot.json"
    epoch = time.monotonic() + 3.0  # the bot has 3 s to join and publish
    bot = multiprocessing.get_context("spawn").Process(
        target=_bot, args=(settings.livekit_url, teacher, epoch, str(log_path))
    )
    bot.start()
    try:
        recorded = asyncio.run(_record(settings, room, epoch, tmp_path / "segments"))
    finally:
        bot.join(30)
        if bot.is_alive():
            bot.kill()
    # The bot taught its whole lesson if it wrote its log (an abort of the SDK in the last
    # disconnect, after that, is not what is measured here).
    assert log_path.exists(), f"the bot teacher stopped early (exit code {bot.exitcode})"
    sent = json.loads(log_path.read_text())
    result = recorded.result
    start = result.started_at.timestamp()

    out = tmp_path / "recording.mp4"
    info = assemble(
        [(s.path, s.start_ms) for s in result.segments],
        duration_ms=result.duration_ms,
        out_path=out,
    )
    with av.open(str(out)) as container:
        assert (container.streams.video[0].width, container.streams.video[0].height) == (W, H)
        assert container.streams.audio, "the recording has sound"
        shown = [_classify(frame) for frame in container.decode(video=0)]
    with av.open(str(out)) as container:
        sound = np.concatenate([f.to_ndarray().reshape(-1) for f in container.decode(audio=0)])

    # As long as the recording ran (the stop and the last frames' delay are within 2 %).
    wall_ms = (recorded.stopped - result.started_at).total_seconds() * 1000
    assert abs(result.duration_ms - wall_ms) <= 0.02 * wall_ms, (result.duration_ms, wall_ms)
    assert abs(len(shown) / FPS * 1000 - result.duration_ms) <= 1000 / FPS
    assert abs(len(sound) / RATE * 1000 - result.duration_ms) <= 50
    assert info.filled_ms == 0

    # Where each scene should show: from its moment (on the recording's clock) on.
    changes = [(0.0, "camera")] + [((at.timestamp() - start), s) for at, s in recorded.scenes]
    away = [(a - start, b - start) for a, b in sent["away"]]

    def expected(t: float) -> str:
        return EXPECTED[[layout for at, layout in changes if at <= t][-1]]

    first = next(frame.at for frame in shown if frame.kind == "camera")

    def settled(t: float) -> bool:
        """Not at a switch, not while the teacher is away, not before the first picture."""
        return (
            t > first + 0.5
            and all(abs(t - at) > 0.15 for at, _ in changes[1:])
            and all(not (a - 0.2 <= t <= b + 1.5) for a, b in away)
        )

    # The layout switches land on the first frame at or after the moment they happened.
    for at, layout in changes[1:]:
        tick = math.ceil(at * FPS - 1e-9)
        before, after = shown[tick - 1], shown[tick]
        assert after.kind == EXPECTED[layout], (at, layout, before, after)
        assert before.kind != EXPECTED[layout], (at, layout, before, after)

    # The frame shown at media time t is the one published at start + t: never one published
    # later, and never one older than BOUNDS[phase]["age"] (100 ms while the machine is
    # quiet) — unless the bot, busy too, skipped the newer ones. Checked on every settled
    # frame showing the camera or the screen.
    hog_from = recorded.hog_from.timestamp() - start

    def phase(t: float) -> str:
        # What is still on its way when the hogs start (a tone sent 0.1 s before) arrives
        # on a busy machine: it is held to the busy bounds.
        return "busy" if t >= hog_from - IN_FLIGHT else "quiet"

    published = {
        kind: sorted((wall - start, int(index)) for index, wall in sent[kind].items())
        for kind in ("camera", "screen")
    }
    ages: dict[str, list[float]] = {"quiet": [], "busy": []}
    for frame in shown:
        if not settled(frame.at):
            continue
        assert frame.kind == expected(frame.at), frame
        if frame.kind not in ("camera", "screen"):
            continue
        assert frame.stamp is not None
        times = published[frame.kind]
        sent_at = next(at for at, index in times if index == frame.stamp)
        bound = BOUNDS[phase(frame.at)]["age"]
        newest_before = max(index for at, index in times if at <= frame.at - bound)
        assert sent_at <= frame.at + 0.01, ("shown before it was sent", frame, sent_at)
        assert frame.stamp >= newest_before, (frame, newest_before, result.inbox, result.program)
        ages[phase(frame.at)].append(frame.at - sent_at)

    # Every tone is heard, whole, where it was sent, and in sync with the camera frame it
    # was sent with (where the camera shows).
    onsets = _tone_onsets(sound.astype(np.float64))
    late: dict[str, list[float]] = {"quiet": [], "busy": []}
    sync: dict[str, list[float]] = {"quiet": [], "busy": []}
    windows = [(wall - start - 0.05, wall - start + 0.5) for _, wall in sent["tones"]]
    for frame_no, wall in sent["tones"]:
        due = wall - start
        heard = [(at, length) for at, length in onsets if due - 0.05 <= at <= due + 0.5]
        assert heard, ("a tone lost", due, onsets, result.inbox)
        # A starved jitter buffer may stretch a tone and leave a blip after it: the tone
        # starts at its first sound, and all of it is there.
        at, length = heard[0][0], sum(length for _, length in heard)
        late[phase(due)].append(at - due)
        assert 0 <= at - due <= BOUNDS[phase(due)]["heard"], (due, at, result.inbox)
        whole = BOUNDS[phase(due)]["whole"]
        assert length >= whole, ("a tone cut", due, length, onsets, result.inbox)
        if settled(at) and expected(at) == "camera":
            seen = next(f.at for f in shown if f.kind == "camera" and (f.stamp or 0) >= frame_no)
            sync[phase(due)].append(at - seen)
            assert abs(at - seen) <= BOUNDS[phase(due)]["sync"], (frame_no, at, seen)
    # And nothing is heard where no tone was sent.
    assert all(any(lo <= at <= hi for lo, hi in windows) for at, _ in onsets), onsets

    def ms(values: list[float]) -> str:
        return "/".join(f"{v * 1000:.0f}" for v in np.percentile(values, [0, 50, 100]))

    print(
        "frame age min/p50/max ms:",
        {k: ms(v) for k, v in ages.items()},
        "tone lateness:",
        {k: ms(v) for k, v in late.items()},
        "audio - video:",
        {k: ms(v) for k, v in sync.items() if v},
        "bot:",
        sent["late"],
        "recorder:",
        result.inbox,
        result.program,
        f"loop lag max {result.loop_lag_max_ms} ms",
    )
    assert all(len(values) > 40 for values in ages.values()), ages
    assert sync["quiet"], "no tone while the camera showed"
    # Nothing reached the recorder after its moment was drawn: no frame, sample or scene
    # change was dropped for being late.
    assert result.inbox.audio_samples_too_late == 0
    assert result.inbox.video_frames_too_late == 0
    assert result.late_changes == 0
