"""Recorder benchmark: what the program recorder (`recording.capture.ProgramRecorder`)
costs per recorded class, and how many classes one recorder process can take.

    eval "$(.venv/bin/multistream services env)"
    .venv/bin/python bench/recorder/run.py --size 1280x720 --fps 15 --classes 1
    .venv/bin/python bench/recorder/run.py --matrix           # 640x360 and 1280x720, 15 and 30 fps
    .venv/bin/python bench/recorder/run.py --capacity 1280x720@15 --max-classes 8

Three processes, all on this machine and the local LiveKit server:

- bots (`--role bots`): one teacher per class, each in a room of its own, publishing a
  camera and a microphone. The camera is the synthetic camera (`devtools.camera`, with
  sensor-like noise added) at the recording's size and frame rate, encoded once to VP8
  (libvpx, realtime, `--camera-kbps`) and looped as pre-encoded frames, so the bots cost
  next to nothing and what is measured is the recorder; the loop restarts at its keyframe
  whenever a subscriber asks for one. The microphone is speech-like sound (tones in
  syllables, with noise) through LiveKit's own Opus encoder.
- the recorder (`--role recorder`): one Python process with one asyncio loop, recording
  every class with a `ProgramRecorder` (the settings given, 10 s segments, the default
  2 s delay), as `multistream recorder` does; segments are deleted as they are handed
  over (no upload).
- this script: starts both, waits `--warmup` seconds, then reads the recorder's CPU time
  (user + system of every thread, from /proc: LiveKit's native receive and VP8 decode
  included) over `--seconds`, and the CPU of each thread by name; then stops the
  recorder and reads what each class's recording reported.

"Keeps up" means, for every class: the program loop was never more than 1 s behind its
schedule (beyond the fixed delay), no frame or sample reached the recorder after its
moment was drawn, and it received at least 95 % of the camera frames the bots sent.
`--json PATH` writes everything measured.
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import contextlib
import fractions
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

import numpy as np

HERE = Path(__file__).resolve()
TICKS = os.sysconf("SC_CLK_TCK")


# --- bots --------------------------------------------------------------------------------------


def _camera_loop(
    width: int, height: int, fps: int, kbps: int, seconds: int
) -> list[tuple[bytes, bool]]:
    """The synthetic camera with noise, VP8-encoded once: (frame, is keyframe), looped."""
    import av

    from multistream.devtools.camera import SyntheticCamera

    camera = SyntheticCamera(width, height, fps=fps)
    rng = np.random.default_rng(1)
    noise = [rng.integers(-5, 6, size=(height, width), dtype=np.int16) for _ in range(7)]
    context = av.CodecContext.create("libvpx", "w")
    context.width, context.height, context.pix_fmt = width, height, "yuv420p"
    context.time_base = fractions.Fraction(1, fps)
    context.framerate = fps
    context.bit_rate = kbps * 1000
    context.options = {
        "deadline": "realtime",
        "cpu-used": "6",
        "lag-in-frames": "0",
        "g": str(2 * fps),
    }
    frames: list[tuple[bytes, bool]] = []
    for index in range(seconds * fps):
        data = (
            np.frombuffer(camera.frame(index), dtype=np.uint8)
            .reshape(height * 3 // 2, width)
            .copy()
        )
        luma = data[:height].astype(np.int16) + noise[index % len(noise)]
        data[:height] = np.clip(luma, 16, 235).astype(np.uint8)
        frame = av.VideoFrame.from_ndarray(data, format="yuv420p")
        frame.pts = index
        frames.extend((bytes(p), p.is_keyframe) for p in context.encode(frame))
    frames.extend((bytes(p), p.is_keyframe) for p in context.encode(None))
    return frames


def _speech(rate: int, seconds: int) -> np.ndarray:
    """Speech-like sound: 150-250 ms syllables of a few harmonics, pauses, a little noise."""
    rng = np.random.default_rng(2)
    out = (rng.normal(0, 200, rate * seconds)).astype(np.float64)
    at = 0
    while at < len(out):
        length = int(rate * rng.uniform(0.15, 0.25))
        pitch = rng.uniform(110, 220)
        t = np.arange(min(length, len(out) - at)) / rate
        envelope = np.sin(np.pi * t / (length / rate))
        out[at : at + len(t)] += (
            sum(np.sin(2 * np.pi * pitch * k * t) / k for k in (1, 2, 3)) * 6000 * envelope
        )
        at += length + int(rate * rng.uniform(0.03, 0.4))
    return np.clip(out, -32768, 32767).astype(np.int16)


async def _teach(
    url: str,
    token: str,
    loop_frames: list[tuple[bytes, bool]],
    width: int,
    height: int,
    fps: int,
    stop: asyncio.Event,
    sent: list[int],
) -> None:
    from livekit import rtc

    room = rtc.Room()
    await room.connect(url, token)
    source = rtc.EncodedVideoSource(width, height)
    track = rtc.LocalVideoTrack.create_video_track("camera", source)
    options = rtc.TrackPublishOptions(
        source=rtc.TrackSource.SOURCE_CAMERA,
        simulcast=False,
        video_codec=rtc.VideoCodec.VP8,
        video_encoding=rtc.VideoEncoding(max_bitrate=4_000_000, max_framerate=fps),
    )
    options.video_encoder = rtc.VideoEncoderBackend.ENCODER_BACKEND_PRE_ENCODED
    await room.local_participant.publish_track(track, options)
    rate = 48_000
    mic = rtc.AudioSource(rate, 1, queue_size_ms=200)
    await room.local_participant.publish_track(
        rtc.LocalAudioTrack.create_audio_track("microphone", mic),
        rtc.TrackPublishOptions(source=rtc.TrackSource.SOURCE_MICROPHONE),
    )
    speech = _speech(rate, 20)

    async def talk() -> None:
        began, block = time.monotonic(), 0
        while not stop.is_set():
            await asyncio.sleep(max(0.0, began + block / 100 - time.monotonic()))
            start = (block * 480) % (len(speech) - 480)
            await mic.capture_frame(
                rtc.AudioFrame(speech[start : start + 480].tobytes(), rate, 1, 480)
            )
            block += 1

    talking = asyncio.create_task(talk())
    began, number, position = time.monotonic(), 0, 0
    try:
        while not stop.is_set():
            await asyncio.sleep(max(0.0, began + number / fps - time.monotonic()))
            if source.take_feedback().keyframe_requested:
                position = 0
            data, key = loop_frames[position % len(loop_frames)]
            kind = (
                rtc.EncodedFrameType.ENCODED_FRAME_KEY
                if key
                else rtc.EncodedFrameType.ENCODED_FRAME_DELTA
            )
            source.capture_frame(
                rtc.EncodedVideoFrame(
                    data=data,
                    width=width,
                    height=height,
                    codec=rtc.VideoCodec.VP8,
                    frame_type=kind,
                    timestamp_us=int(time.monotonic() * 1e6),
                )
            )
            sent[0] += 1
            number += 1
            position += 1
    finally:
        stop.set()
        await talking
        await room.disconnect()


def bots(args: argparse.Namespace) -> None:
    from multistream.media.tokens import mint_join_token
    from multistream.settings import Settings

    settings = Settings()
    width, height = args.width, args.height
    loop_frames = _camera_loop(width, height, args.fps, args.camera_kbps, 4)
    kbps = sum(len(data) for data, _ in loop_frames) * 8 / 4 / 1000
    stop = asyncio.Event()
    sent = [[0] for _ in args.rooms]

    async def run() -> None:
        loop = asyncio.get_running_loop()
        loop.add_signal_handler(signal.SIGTERM, stop.set)
        tokens = [
            mint_join_token(
                settings, room=room, user_id=uuid.uuid4(), display_name="Bot", role="host"
            )
            for room in args.rooms
        ]
        teachers = [
            asyncio.create_task(
                _teach(
                    settings.livekit_url, token, loop_frames, width, height, args.fps, stop, counter
                )
            )
            for token, counter in zip(tokens, sent, strict=True)
        ]
        print(json.dumps({"bots": "ready", "camera_kbps": round(kbps)}), flush=True)
        await stop.wait()
        await asyncio.gather(*teachers, return_exceptions=True)

    asyncio.run(run())
    print(json.dumps({"bots": "done", "sent": [c[0] for c in sent]}), flush=True)


# --- the recorder --------------------------------------------------------------------------------


def recorder(args: argparse.Namespace) -> None:
    from multistream.recording.capture import ProgramRecorder
    from multistream.recording.participant import recorder_token
    from multistream.recording.segments import EncoderSettings
    from multistream.settings import Settings

    settings = Settings()
    workdir = Path(tempfile.mkdtemp(prefix="bench-recorder-"))
    handed: collections.Counter[str] = collections.Counter()
    sizes: collections.Counter[str] = collections.Counter()

    async def run() -> list[Any]:
        stop = asyncio.Event()
        asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stop.set)
        jobs = []
        for room in args.rooms:

            def gone(segment: Any, room: str = room) -> None:
                handed[room] += 1
                sizes[room] += segment.size_bytes
                segment.path.unlink(missing_ok=True)

            recorder = ProgramRecorder(
                workdir=workdir / room,
                encoder=EncoderSettings(
                    width=args.width,
                    height=args.height,
                    fps=args.fps,
                    preset=args.preset,
                    crf=args.crf,
                ),
                segment_seconds=10,
                on_segment=gone,
            )
            token = recorder_token(settings, room=room, recording_id=room)
            jobs.append(asyncio.create_task(recorder.run(settings.livekit_url, token, stop)))
        print(json.dumps({"recorder": "ready", "pid": os.getpid()}), flush=True)
        return list(await asyncio.gather(*jobs))

    results = run_results = asyncio.run(run())
    del run_results
    out = []
    for room, result in zip(args.rooms, results, strict=True):
        out.append(
            {
                "room": room,
                "duration_ms": result.duration_ms,
                "segments": handed[room],
                "kbps": round(sizes[room] * 8 / max(result.duration_ms, 1)),
                "end_reason": result.end_reason,
                "error": result.error,
                "loop_lag_max_ms": result.loop_lag_max_ms,
                "inbox": vars(result.inbox),
                "program": vars(result.program),
            }
        )
    print(json.dumps({"recorder": "done", "classes": out}), flush=True)


# --- the measurement -----------------------------------------------------------------------------


def _cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS


def _threads(pid: int) -> dict[str, float]:
    """CPU seconds by thread name (threads of one name summed)."""
    by_name: collections.Counter[str] = collections.Counter()
    for task in Path(f"/proc/{pid}/task").iterdir():
        with contextlib.suppress(OSError):
            stat = (task / "stat").read_text()
            name = stat[stat.index("(") + 1 : stat.rindex(")")]
            fields = stat.rsplit(")", 1)[1].split()
            by_name[name] += (int(fields[11]) + int(fields[12])) / TICKS
    return dict(by_name)


def _spawn(role: str, args: argparse.Namespace, rooms: list[str]) -> subprocess.Popen[str]:
    command = [
        sys.executable,
        str(HERE),
        "--role",
        role,
        "--size",
        f"{args.width}x{args.height}",
        "--fps",
        str(args.fps),
        "--camera-kbps",
        str(args.camera_kbps),
        "--preset",
        args.preset,
        "--crf",
        str(args.crf),
        "--rooms",
        *rooms,
    ]
    return subprocess.Popen(command, stdout=subprocess.PIPE, text=True)


def _message(process: subprocess.Popen[str], key: str) -> dict[str, Any]:
    assert process.stdout is not None
    for line in process.stdout:
        with contextlib.suppress(json.JSONDecodeError):
            message = json.loads(line)
            if key in message:
                return dict(message)
    raise RuntimeError(f"the {key} process ended early")


def measure(args: argparse.Namespace, classes: int) -> dict[str, Any]:
    rooms = [f"bench-recorder-{uuid.uuid4().hex[:8]}" for _ in range(classes)]
    recorder_process = _spawn("recorder", args, rooms)
    ready = _message(recorder_process, "recorder")
    pid = int(ready["pid"])
    bots_process = _spawn("bots", args, rooms)
    bots_ready = _message(bots_process, "bots")
    try:
        time.sleep(args.warmup)
        cpu0, threads0, wall0 = _cpu_seconds(pid), _threads(pid), time.monotonic()
        time.sleep(args.seconds)
        cpu1, threads1, wall1 = _cpu_seconds(pid), _threads(pid), time.monotonic()
    finally:
        recorder_process.send_signal(signal.SIGTERM)
        done = _message(recorder_process, "recorder")
        bots_process.send_signal(signal.SIGTERM)
        bots_done = _message(bots_process, "bots")
        recorder_process.wait(30)
        bots_process.wait(30)
    elapsed = wall1 - wall0
    cores = (cpu1 - cpu0) / elapsed
    threads = {
        name: round((threads1.get(name, 0.0) - seconds) / elapsed, 3)
        for name, seconds in threads0.items()
    }
    sent = bots_done["sent"]
    per_class = done["classes"]
    keeps_up = all(
        c["program"]["max_behind_seconds"] < 1.0
        and c["inbox"]["video_frames_too_late"] == 0
        and c["inbox"]["audio_samples_too_late"] == 0
        and c["inbox"]["video_frames"] >= 0.95 * s
        and c["error"] is None
        for c, s in zip(per_class, sent, strict=True)
    )
    return {
        "size": f"{args.width}x{args.height}",
        "fps": args.fps,
        "preset": args.preset,
        "crf": args.crf,
        "classes": classes,
        "cores": round(cores, 3),
        "cores_per_class": round(cores / classes, 3),
        "keeps_up": keeps_up,
        "camera_kbps": bots_ready["camera_kbps"],
        "frames_sent": sent,
        "threads": dict(sorted(threads.items(), key=lambda item: -item[1])),
        "per_class": per_class,
    }


def _summary(result: dict[str, Any]) -> str:
    classes = result["per_class"]
    received = sum(c["inbox"]["video_frames"] for c in classes) / max(1, sum(result["frames_sent"]))
    behind = max(c["program"]["max_behind_seconds"] for c in classes)
    lag = max(c["loop_lag_max_ms"] for c in classes)
    encode = (
        sum(c["program"]["encode_seconds"] for c in classes)
        / sum(c["duration_ms"] for c in classes)
        * 1000
    )
    compose = (
        sum(c["program"]["compose_seconds"] for c in classes)
        / sum(c["duration_ms"] for c in classes)
        * 1000
    )
    top = ", ".join(f"{name} {share:.3f}" for name, share in list(result["threads"].items())[:6])
    return (
        f"{result['size']}@{result['fps']} {result['preset']}/crf {result['crf']} "
        f"x{result['classes']}: {result['cores']:.3f} cores "
        f"({result['cores_per_class']:.3f}/class), keeps up: {result['keeps_up']}, frames received "
        f"{received:.1%}, behind max {behind:.2f} s, loop lag max {lag:.0f} ms, encode "
        f"{encode:.3f} + compose {compose:.3f} core-s/s per class (wall), output "
        f"{classes[0]['kbps']} kbit/s, camera {result['camera_kbps']} kbit/s\n    threads: {top}"
    )


def gil(args: argparse.Namespace) -> None:
    """How long the program loop's work keeps the asyncio loop from running: the loop
    sleeps 1 ms at a time and records how late it wakes, alone, then beside a thread
    that composes and encodes program frames back to back (more than any class needs),
    then beside a thread of pure Python (which holds the GIL for up to the 5 ms switch
    interval at a time)."""
    import threading

    from multistream.devtools.camera import SyntheticCamera
    from multistream.recording.program import Picture, ProgramComposer, ProgramInput
    from multistream.recording.segments import EncoderSettings, SegmentWriter

    width, height = args.width, args.height
    camera = SyntheticCamera(width, height)
    pictures = [Picture.from_i420(width, height, camera.frame(n)) for n in range(30)]
    slide = Picture.solid(1600, 900, 119, 103, 78)
    stop = threading.Event()

    def encode() -> None:
        workdir = Path(tempfile.mkdtemp(prefix="bench-gil-"))
        writer = SegmentWriter(
            EncoderSettings(width=width, height=height, fps=args.fps, preset=args.preset),
            segment_seconds=10,
            workdir=workdir,
            on_segment=lambda info: info.path.unlink(),
        )
        composer = ProgramComposer(width, height)
        tick = 0
        while not stop.is_set():
            layout = "slides_camera" if (tick // 30) % 2 else "camera"
            scene = ProgramInput(layout, camera=pictures[tick % 30], slide=slide)
            writer.write_audio(np.zeros(48_000 // args.fps, dtype=np.int16))
            writer.write_video(composer.compose(scene), tick)
            tick += 1
        writer.finish(round(tick * 1000 / args.fps))
        print(f"  encoded {tick} frames")

    def spin() -> None:
        while not stop.is_set():
            pass

    async def probe(seconds: float) -> list[float]:
        late = []
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            began = time.perf_counter()
            await asyncio.sleep(0.001)
            late.append(time.perf_counter() - began - 0.001)
        return late

    for name, work in (
        ("alone", None),
        ("beside compose+encode", encode),
        ("beside pure Python", spin),
    ):
        stop.clear()
        thread = threading.Thread(target=work) if work else None
        if thread:
            thread.start()
        late = np.array(asyncio.run(probe(10.0))) * 1000
        stop.set()
        if thread:
            thread.join()
        print(
            f"{name:24s} loop late by p50 {np.percentile(late, 50):.2f} ms, p99 "
            f"{np.percentile(late, 99):.2f} ms, p99.9 {np.percentile(late, 99.9):.2f} ms, "
            f"max {late.max():.2f} ms ({len(late)} wakes)",
            flush=True,
        )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--role", choices=["main", "bots", "recorder", "gil"], default="main")
    parser.add_argument("--size", default="1280x720")
    parser.add_argument("--fps", type=int, default=15)
    parser.add_argument("--classes", type=int, default=1)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--warmup", type=float, default=15.0)
    parser.add_argument(
        "--camera-kbps", type=int, default=0, help="default: 1500 at 720p, 600 below"
    )
    parser.add_argument("--preset", default="superfast", help="x264 preset of the recording")
    parser.add_argument("--crf", type=int, default=26)
    parser.add_argument("--matrix", action="store_true")
    parser.add_argument("--capacity", help="SIZE@FPS: add classes until the recorder falls behind")
    parser.add_argument("--max-classes", type=int, default=8)
    parser.add_argument("--rooms", nargs="*", default=[])
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    args.width, args.height = (int(v) for v in args.size.split("x"))
    if args.role == "bots":
        return bots(args)
    if args.role == "recorder":
        return recorder(args)
    if args.role == "gil":
        return gil(args)

    def run(size: str, fps: int, classes: int) -> dict[str, Any]:
        args.width, args.height = (int(v) for v in size.split("x"))
        args.fps = fps
        if not args.camera_kbps or args.size != size:
            args.camera_kbps = 1500 if args.height >= 720 else 600
        args.size = size
        result = measure(args, classes)
        print(_summary(result), flush=True)
        return result

    results = []
    if args.matrix:
        for size in ("640x360", "1280x720"):
            for fps in (15, 30):
                results.append(run(size, fps, 1))
    elif args.capacity:
        size, fps = args.capacity.split("@")
        classes = 1
        while classes <= args.max_classes:
            result = run(size, int(fps), classes)
            results.append(result)
            if not result["keeps_up"]:
                break
            classes = classes * 2 if classes < 4 else classes + 1
    else:
        results.append(run(args.size, args.fps, args.classes))
    if args.json:
        args.json.write_text(json.dumps(results, indent=2))
    return None


if __name__ == "__main__":
    main()
