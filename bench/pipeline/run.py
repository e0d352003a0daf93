"""Pipeline benchmark: a synthetic lecture spoken into a live class becomes a replay. How
soon after the class ends is the replay ready, how well was the lecture heard, and how
closely do the chapters follow the slides?

    .venv/bin/python bench/pipeline/run.py --minutes 10

It recreates and migrates a database of its own (`multistream_bench_pipeline`, left in
place afterwards), and starts the platform's own processes on it, with the product's
default pipeline settings unless told otherwise: `multistream api` (port 8492),
`multistream worker` and `multistream recorder`, on a Celery queue of the run's own and
the local Redis, MinIO and LiveKit (`multistream services up`).

Then it does what a teacher does, through the api: signs up, makes a course with one
student, uploads the lecture's deck (`devtools.lecture`: espeak-ng speaking the built-in
photosynthesis lecture, stretched to `--minutes`, with its slide-change times known to the
sample), schedules a recorded class and starts it. Once the recorder has joined, the bot
teacher (`devtools.publisher`) speaks the lecture into the room in real time while the
script turns the slides through the api at the lecture's slide-change times. At the end
the teacher ends the class (the same `end` that LiveKit's `room_finished` webhook runs),
and the script only watches the replay's status. It reports:

- time to replay: from the class's end to `partial` (playable) and to `ready`, in seconds
  and as a fraction of the recording's length; and where the time went (the recorder's
  upload, then each pipeline step's own start and finish, and its attempts);
- word error rate (`jiwer`) of the transcript against the script, with lower case and no
  punctuation on both sides; and the same per chapter's slide;
- chapter boundary error: for each slide after the first, how far its chapter's start is
  from the moment the lecture really changed slide (on the recording's clock), and
  whether every slide has a chapter titled from it;
- search: for three words of each slide's first sentence, whether the best hit (words said,
  a slide or a question) starts within 2 s of a moment the sentence was said (the lecture
  says it again in recaps).

`--json PATH` also writes everything measured as JSON.
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import datetime as dt
import itertools
import json
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any, TypeVar

import httpx
import sqlalchemy as sa

from multistream.devtools import teaching
from multistream.devtools.databases import fresh_database
from multistream.devtools.lecture import Lecture, make_lecture
from multistream.devtools.processes import Recorder, Worker, environment
from multistream.devtools.teaching import (
    Account,
    Api,
    enrol,
    go_live,
    slide_cues,
    teach,
    upload_deck,
    wait_for,
)
from multistream.devtools.wer import word_error_rate
from multistream.settings import Settings

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "correct horse battery staple"  # noqa: S105 - a benchmark account
SEARCH_TOLERANCE_MS = 2_000
T = TypeVar("T")


# --- the platform's processes -----------------------------------------------------------------


def start_api(settings: Settings, log_path: Path) -> subprocess.Popen[bytes]:
    with log_path.open("wb") as log:
        api = subprocess.Popen(
            [sys.executable, "-m", "multistream", "api", "--port", str(settings.api_port)],
            env=environment(settings),
            cwd=ROOT,
            stdout=log,
            stderr=subprocess.STDOUT,
        )

    def healthy() -> bool:
        if api.poll() is not None:
            raise SystemExit(f"the api exited at startup; see {log_path}")
        with contextlib.suppress(httpx.HTTPError):
            return httpx.get(f"{settings.public_url}/healthz", timeout=1).status_code == 200
        return False

    wait_for(healthy, timeout=90, what="the api to start")
    return api


# --- the class, through the api -----------------------------------------------------------------


@dataclasses.dataclass
class LiveClass:
    session_id: str
    teacher: Account
    student: Account
    recording_started: dt.datetime
    lecture_started: dt.datetime
    """Wall-clock moment of the lecture's first sample, as the bot sent it."""
    slide_logged: dict[int, dt.datetime]
    ended_at: float
    """`time.monotonic()` when the api answered the class's end."""
    ended_wall: dt.datetime
    publish_lag_ms: float


def give_the_class(api: Api, lecture: Lecture) -> LiveClass:
    run = uuid.uuid4().hex[:8]
    teacher = api.sign_up(Account(f"teacher.{run}@example.com", PASSWORD, "Teacher"))
    student = api.sign_up(Account(f"student.{run}@example.com", PASSWORD, "Student"))
    course = api.call("POST", "/api/v1/courses", teacher, json={"title": "Plant biology"})
    enrol(api, teacher, course["id"], [student])
    asset_id = upload_deck(api, teacher, course["id"], lecture)
    session_id, recording_started = go_live(api, teacher, course["id"], "Photosynthesis, live")
    taught = teach(
        api,
        teacher,
        session_id,
        asset_id,
        lecture,
        slide_cues(api, teacher, session_id, lecture),
        say=lambda line: print(line, flush=True),
    )
    return LiveClass(
        session_id=session_id,
        teacher=teacher,
        student=student,
        recording_started=recording_started,
        lecture_started=taught.lecture_started,
        slide_logged={
            int(label.split()[1]): at
            for label, at in taught.cue_times.items()
            if label.startswith("slide ")
        },
        ended_at=taught.ended_at,
        ended_wall=taught.ended_wall,
        publish_lag_ms=taught.publish_lag_ms,
    )


# --- measuring --------------------------------------------------------------------------------


@dataclasses.dataclass
class Timing:
    partial_seconds: float | None
    ready_seconds: float
    statuses: list[tuple[float, str]]


def watch_replay(api: Api, live: LiveClass, timeout: float) -> Timing:
    statuses: list[tuple[float, str]] = []

    def seen(status: str, replay: dict[str, Any]) -> None:
        if not statuses or statuses[-1][1] != status:
            statuses.append((round(time.monotonic() - live.ended_at, 2), status))
            print(f"  replay {status} at {statuses[-1][0]:.1f} s after the end", flush=True)

    teaching.watch_replay(
        api, live.student, live.session_id, timeout=timeout, on_change=seen, every=0.25
    )
    partial = next((at for at, status in statuses if status == "partial"), None)
    return Timing(partial_seconds=partial, ready_seconds=statuses[-1][0], statuses=statuses)


def pipeline_rows(database_url: str, live: LiveClass) -> dict[str, Any]:
    """The recording's upload and each step's times, as seconds after the class's end."""
    engine = sa.create_engine(database_url)
    end = live.ended_wall

    def after_end(at: dt.datetime | None) -> float | None:
        return None if at is None else round((at - end).total_seconds(), 2)

    with engine.connect() as connection:
        recording = connection.execute(
            sa.text(
                "SELECT started_at, ended_at, duration_ms, size_bytes FROM recordings"
                " WHERE session_id = :sid ORDER BY created_at DESC LIMIT 1"
            ),
            {"sid": live.session_id},
        ).one()
        runs = connection.execute(
            sa.text(
                "SELECT id, status, trigger, created_at, started_at, finished_at"
                " FROM pipeline_runs WHERE session_id = :sid ORDER BY created_at"
            ),
            {"sid": live.session_id},
        ).all()
        final = runs[-1]
        steps = connection.execute(
            sa.text(
                "SELECT name, status, attempts, started_at, finished_at FROM pipeline_steps"
                " WHERE run_id = :rid ORDER BY started_at NULLS LAST"
            ),
            {"rid": final.id},
        ).all()
        uploaded = connection.execute(
            sa.text(
                "SELECT occurred_at FROM session_events WHERE session_id = :sid"
                " AND type = 'recording.stopped' ORDER BY seq DESC LIMIT 1"
            ),
            {"sid": live.session_id},
        ).scalar()
    engine.dispose()
    return {
        "recording": {
            "duration_ms": recording.duration_ms,
            "size_bytes": recording.size_bytes,
            "stopped_logged_s": after_end(uploaded),
        },
        "runs": [
            {
                "trigger": str(run.trigger),
                "status": str(run.status),
                "created_s": after_end(run.created_at),
                "started_s": after_end(run.started_at),
                "finished_s": after_end(run.finished_at),
            }
            for run in runs
        ],
        "steps": [
            {
                "name": str(step.name),
                "status": str(step.status),
                "attempts": step.attempts,
                "started_s": after_end(step.started_at),
                "finished_s": after_end(step.finished_at),
                "seconds": None
                if step.started_at is None or step.finished_at is None
                else round((step.finished_at - step.started_at).total_seconds(), 2),
            }
            for step in steps
        ],
    }


def media_ms(live: LiveClass, lecture_ms: int) -> int:
    """Where a moment of the lecture falls on the recording's clock."""
    at = live.lecture_started + dt.timedelta(milliseconds=lecture_ms)
    return round((at - live.recording_started).total_seconds() * 1000)


def transcript(api: Api, live: LiveClass) -> list[dict[str, Any]]:
    segments: list[dict[str, Any]] = []
    cursor: str | None = None
    while True:
        params = {"limit": 500} | ({"cursor": cursor} if cursor else {})
        page = api.call(
            "GET",
            f"/api/v1/sessions/{live.session_id}/replay/transcript",
            live.student,
            params=params,
        )
        segments += page["items"]
        cursor = page["next_cursor"]
        if cursor is None:
            return segments


def measure_words(
    lecture: Lecture, live: LiveClass, segments: list[dict[str, Any]]
) -> dict[str, Any]:
    overall = word_error_rate(lecture.script_text, " ".join(s["text"] for s in segments))
    per_slide = []
    bounds = [*(ms for _, ms in lecture.slide_changes), lecture.duration_ms]
    for index, title in enumerate(lecture.titles):
        start, end = bounds[index], bounds[index + 1]
        reference = " ".join(text for text, at in lecture.phrases if start <= at < end)
        lo, hi = media_ms(live, start), media_ms(live, end)
        heard = " ".join(
            s["text"] for s in segments if lo <= (s["start_ms"] + s["end_ms"]) // 2 < hi
        )
        per_slide.append({"slide": title, "wer": round(word_error_rate(reference, heard), 4)})
    return {
        "wer": round(overall, 4),
        "reference_words": len(lecture.script_text.split()),
        "segments": len(segments),
        "per_slide": per_slide,
    }


def measure_chapters(lecture: Lecture, live: LiveClass, replay: dict[str, Any]) -> dict[str, Any]:
    chapters = replay["chapters"]
    boundaries = []
    for page, change_ms in lecture.slide_changes[1:]:
        truth = media_ms(live, change_ms)
        chapter = next((c for c in chapters if c["slide_page"] == page), None)
        logged = live.slide_logged.get(page)
        boundaries.append(
            {
                "slide": page,
                "true_ms": truth,
                "chapter_start_ms": None if chapter is None else chapter["start_ms"],
                "error_ms": None if chapter is None else chapter["start_ms"] - truth,
                "titled_from_slide": chapter is not None
                and chapter["title"] == lecture.titles[page - 1],
                "api_slide_change_late_ms": None
                if logged is None
                else round((logged - live.lecture_started).total_seconds() * 1000 - change_ms),
            }
        )
    errors = [abs(b["error_ms"]) for b in boundaries if b["error_ms"] is not None]
    return {
        "chapters": len(chapters),
        "slides_with_a_chapter": f"{len(errors)}/{len(boundaries)}",
        "all_titled_from_slide": all(b["titled_from_slide"] for b in boundaries),
        "mean_abs_error_ms": round(statistics.fmean(errors)) if errors else None,
        "max_abs_error_ms": max(errors) if errors else None,
        "tiles_the_recording": bool(
            chapters
            and chapters[0]["start_ms"] == 0
            and chapters[-1]["end_ms"] == replay["duration_ms"]
            and all(a["end_ms"] == b["start_ms"] for a, b in itertools.pairwise(chapters))
        ),
        "boundaries": boundaries,
    }


def measure_search(api: Api, lecture: Lecture, live: LiveClass) -> dict[str, Any]:
    """For each slide, search three words of its first sentence. The lecture says each
    sentence again in its recaps ("To recap, …"), so the best hit counts as found when it
    starts within 2 s of any moment the sentence was said."""
    probes = []
    bounds = [*(ms for _, ms in lecture.slide_changes), lecture.duration_ms]
    for index in range(len(lecture.titles)):
        sentence = next(
            text for text, ms in lecture.phrases if bounds[index] <= ms < bounds[index + 1]
        )
        words = [w.strip(".,") for w in sentence.split() if len(w.strip(".,")) > 4][:3]
        query = " ".join(words)
        said = sentence.rstrip(".").lower()
        spoken = [media_ms(live, ms) for text, ms in lecture.phrases if said in text.lower()]
        hits = api.call(
            "GET",
            f"/api/v1/sessions/{live.session_id}/replay/search",
            live.student,
            params={"q": query},
        )["items"]
        best = hits[0] if hits else None
        found = best is not None and any(
            abs(best["start_ms"] - ms) <= SEARCH_TOLERANCE_MS for ms in spoken
        )
        probes.append(
            {
                "query": query,
                "spoken_ms": spoken,
                "hits": len(hits),
                "best": None if best is None else (best["kind"], best["start_ms"]),
                "found": found,
            }
        )
    return {"found": f"{sum(p['found'] for p in probes)}/{len(probes)}", "probes": probes}


def measure_direct(settings: Settings, lecture: Lecture) -> dict[str, Any]:
    """The same engine on the lecture's own WAV, in this process: what the room, the codec
    and the recorder's mix cost in words, next to what the recogniser itself misses."""
    from multistream.pipeline.asr import make_engine, plan_chunks, stitch, transcribe_chunk

    engine = make_engine(settings)
    began = time.monotonic()
    chunks = plan_chunks(
        lecture.wav_path, settings.asr_chunk_seconds, settings.asr_chunk_max_seconds
    )
    segments = stitch(transcribe_chunk(engine, lecture.wav_path, chunk) for chunk in chunks)
    seconds = time.monotonic() - began
    hypothesis = " ".join(segment.text for segment in segments)
    return {
        "wer": round(word_error_rate(lecture.script_text, hypothesis), 4),
        "seconds": round(seconds, 1),
        "real_time_factor": round(seconds / (lecture.duration_ms / 1000), 3),
        "chunks": len(chunks),
    }


# --- the run ----------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--minutes", type=float, default=10.0, help="length of the lecture")
    parser.add_argument("--worker-concurrency", type=int, default=2)
    parser.add_argument("--asr-engine", choices=["whisper", "pocketsphinx"], default=None)
    parser.add_argument("--asr-threads", type=int, default=None)
    parser.add_argument("--port", type=int, default=8492)
    parser.add_argument("--database", default="multistream_bench_pipeline")
    parser.add_argument("--json", type=Path, default=None, help="write the results here too")
    parser.add_argument(
        "--direct",
        action="store_true",
        help="afterwards, also transcribe the lecture's WAV itself in this process (no room)",
    )
    args = parser.parse_args()

    base = Settings()
    database_url = fresh_database(args.database, base)
    changes: dict[str, Any] = {
        "database_url": database_url,
        "api_port": args.port,
        "public_url": f"http://127.0.0.1:{args.port}",
        "celery_queue": f"bench-pipeline-{uuid.uuid4().hex[:8]}",
        "log_level": "INFO",
    }
    if args.asr_engine:
        changes["asr_engine"] = args.asr_engine
    if args.asr_threads:
        changes["asr_threads"] = args.asr_threads
    settings = base.model_copy(update=changes)
    if not settings.media_configured:
        raise SystemExit("LiveKit is not configured: run `multistream services up` first")

    work = Path(tempfile.mkdtemp(prefix="bench-pipeline-"))
    print(f"making a {args.minutes:g}-minute lecture in {work}", flush=True)
    lecture = make_lecture(work / "lecture", minutes=args.minutes)
    print(
        f"engine {settings.asr_engine} {settings.asr_model}, {settings.asr_threads} threads,"
        f" chunks {settings.asr_chunk_seconds:g}-{settings.asr_chunk_max_seconds:g} s,"
        f" worker concurrency {args.worker_concurrency}; logs in {work}",
        flush=True,
    )
    api_process = start_api(settings, work / "api.log")
    recorder = Recorder(settings, work / "recorder.log", concurrency=2)
    try:
        with Worker(settings, work / "worker.log", concurrency=args.worker_concurrency):
            recorder.start()
            api = Api(settings.public_url)
            live = give_the_class(api, lecture)
            print("class ended; waiting for the replay", flush=True)
            timing = watch_replay(api, live, timeout=max(600.0, lecture.duration_ms / 1000 * 2))
            replay = api.call("GET", f"/api/v1/sessions/{live.session_id}/replay", live.student)
            segments = transcript(api, live)
            results = {
                "lecture_minutes": round(lecture.duration_ms / 60_000, 2),
                "settings": {
                    "asr_engine": settings.asr_engine,
                    "asr_model": settings.asr_model,
                    "asr_threads": settings.asr_threads,
                    "asr_chunk_seconds": settings.asr_chunk_seconds,
                    "worker_concurrency": args.worker_concurrency,
                },
                "publish_max_lag_ms": live.publish_lag_ms,
                "time_to_replay": {
                    "recording_seconds": round(replay["duration_ms"] / 1000, 1),
                    "partial_seconds": timing.partial_seconds,
                    "ready_seconds": timing.ready_seconds,
                    "ready_fraction_of_recording": round(
                        timing.ready_seconds / (replay["duration_ms"] / 1000), 3
                    ),
                    "statuses": timing.statuses,
                    **pipeline_rows(database_url, live),
                },
                "words": measure_words(lecture, live, segments),
                "chapters": measure_chapters(lecture, live, replay),
                "search": measure_search(api, lecture, live),
            }
    finally:
        recorder.stop()
        api_process.terminate()
        api_process.wait(timeout=20)
    if args.direct:
        print("transcribing the lecture's own WAV in this process", flush=True)
        results["words"]["direct"] = measure_direct(settings, lecture)
    report(results)
    if args.json:
        args.json.write_text(json.dumps(results, indent=2, default=str))


def report(results: dict[str, Any]) -> None:
    timing, words, chapters = results["time_to_replay"], results["words"], results["chapters"]
    print()
    print(f"lecture: {results['lecture_minutes']} min; settings: {results['settings']}")
    print(
        f"time to replay after the class ended: partial {timing['partial_seconds']} s,"
        f" ready {timing['ready_seconds']} s = {timing['ready_fraction_of_recording']:.3f}"
        f" of the {timing['recording_seconds']} s recording"
    )
    recording = timing["recording"]
    print(f"  recording uploaded and logged at {recording['stopped_logged_s']} s")
    for step in timing["steps"]:
        print(
            f"  {step['name']:<11} {step['started_s']:>7} → {step['finished_s']:>7} s"
            f"  ({step['seconds']} s, {step['attempts']} attempt(s), {step['status']})"
        )
    print(
        f"word error rate: {words['wer']:.3f} over {words['reference_words']} words"
        f" ({words['segments']} segments); per slide:"
        f" {', '.join(str(s['wer']) for s in words['per_slide'])}"
    )
    if "direct" in words:
        direct = words["direct"]
        print(
            f"  the same engine on the lecture's WAV itself (no room): WER {direct['wer']:.3f},"
            f" {direct['seconds']} s in one process = {direct['real_time_factor']} x real time"
        )
    print(
        f"chapters: {chapters['chapters']}, slides with one {chapters['slides_with_a_chapter']},"
        f" titled from the slide: {chapters['all_titled_from_slide']},"
        f" tile the recording: {chapters['tiles_the_recording']}"
    )
    print(
        f"chapter boundary error: mean {chapters['mean_abs_error_ms']} ms,"
        f" max {chapters['max_abs_error_ms']} ms"
        f" (signed: {[b['error_ms'] for b in chapters['boundaries']]};"
        f" slide calls late by {[b['api_slide_change_late_ms'] for b in chapters['boundaries']]}"
        " ms)"
    )
    print(f"search, best hit within 2 s of where it was said: {results['search']['found']}")


if __name__ == "__main__":
    main()
