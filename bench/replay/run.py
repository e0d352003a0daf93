"""Replay benchmark: a 90-minute class (about 1,500 transcript segments, 3,000 chat messages,
60 slide changes) — how fast does its replay answer, and how fast does the page show it?

    .venv/bin/python bench/replay/run.py [--browser]

It recreates and migrates a database of its own (`multistream_bench_replay`) and starts the
real api on it (`multistream api`, port 8493, JSON logs at INFO, so each request's own
duration is logged). Through the api a teacher signs up, makes a course and enrols a
student; the class itself is seeded: its log is written event by event on a 90-minute
clock (the session's start and end, the deck and its slide changes, scenes, the chat, the
questions with upvotes and answers, the polls with votes and tallies, the recording and
replay statuses), every projection is rebuilt from that log (`eventlog rebuild`, the real
code), and the replay's own tables are filled as the pipeline would leave them: transcript
segments, chapters (one per slide), highlights, captions, a deck of 60 rendered pages in
MinIO, and a 90-minute MP4 (1 fps, small) as the recording.

Then it measures, `--repeat` times each, the api's own time (the `duration_ms` it logs)
and the client's wall time for: the manifest, the first transcript page (100), the whole
transcript in pages of 500, the chat, a search. With `--browser` it also runs
`bench/replay/page.mjs` (Playwright in Debian's Chromium against the built web app): time
from navigation to the player and the first transcript line on screen, as a student.
`--json PATH` writes the results.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import io
import json
import random
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from fractions import Fraction
from pathlib import Path
from typing import Any

import av
import numpy as np
import sqlalchemy as sa
from PIL import Image

import multistream.tables  # noqa: F401 - every area's event types and projections
from multistream.db.engine import make_engine, make_sessionmaker, transaction
from multistream.devtools.databases import fresh_database
from multistream.devtools.lecture import PHOTOSYNTHESIS
from multistream.devtools.processes import environment
from multistream.devtools.teaching import Account, Api, enrol, wait_for
from multistream.eventlog import catalog
from multistream.eventlog import service as eventlog
from multistream.eventlog.domain import NewEvent
from multistream.eventlog.models import EventAudience
from multistream.pipeline import captions
from multistream.pipeline.asr.base import Segment
from multistream.settings import Settings
from multistream.storage import make_object_store

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "correct horse battery staple"  # noqa: S105 - a benchmark account
SENTENCES = [sentence for _, sentences in PHOTOSYNTHESIS for sentence in sentences]


# --- the class ------------------------------------------------------------------------------


class Log:
    """Events of one class, written in order with the times the class had them."""

    def __init__(
        self, engine: sa.Engine, session_id: str, start: dt.datetime, *, first_seq: int
    ) -> None:
        self.engine = engine
        self.session_id = session_id
        self.start = start
        self.first_seq = first_seq
        self.rows: list[dict[str, Any]] = []

    def add(
        self,
        at_ms: int,
        type_: str,
        payload: dict[str, Any],
        *,
        actor: str | None = None,
        audience: EventAudience = EventAudience.all,
    ) -> int:
        catalog.check(NewEvent(type_, payload, audience))  # what the api would accept
        self.rows.append(
            {
                "type": type_,
                "payload": json.dumps(payload),
                "actor_id": actor,
                "audience": audience.value,
                "occurred_at": self.at(at_ms),
            }
        )
        return self.first_seq + len(self.rows) - 1  # its seq

    def at(self, ms: int) -> dt.datetime:
        return self.start + dt.timedelta(milliseconds=ms)

    def write(self) -> None:
        with self.engine.begin() as connection:
            for seq, row in enumerate(self.rows, start=self.first_seq):
                connection.execute(
                    sa.text(
                        "INSERT INTO session_events (session_id, seq, type, actor_id, audience,"
                        " payload, occurred_at) VALUES (:s, :seq, :type, :actor, :audience,"
                        " CAST(:payload AS jsonb), :at)"
                    ),
                    {
                        "s": self.session_id,
                        "seq": seq,
                        "type": row["type"],
                        "actor": row["actor_id"],
                        "audience": row["audience"],
                        "payload": row["payload"],
                        "at": row["occurred_at"],
                    },
                )


def seed_class(
    settings: Settings,
    api: Api,
    teacher: Account,
    student: Account,
    course_id: str,
    *,
    minutes: float,
    segments: int,
    chat: int,
    slides: int,
    work: Path,
) -> str:
    rng = random.Random(7)  # noqa: S311 - reproducible made-up data
    engine = sa.create_engine(settings.database_url_sync)
    store = make_object_store(settings)
    duration_ms = int(minutes * 60_000)
    start = dt.datetime.now(dt.UTC) - dt.timedelta(minutes=minutes + 10)
    session = api.call(
        "POST",
        f"/api/v1/courses/{course_id}/sessions",
        teacher,
        json={
            "title": "Photosynthesis, the long version",
            "scheduled_start": start.isoformat(),
            "scheduled_end": (start + dt.timedelta(minutes=minutes)).isoformat(),
        },
    )
    session_id = str(session["id"])
    # The scheduling event (seq 1) stays; the class's own events follow it.
    log = Log(engine, session_id, start, first_seq=2)
    deck_id = seed_deck(engine, store, course_id, teacher.user_id, slides, work)
    recording_id = str(uuid.uuid4())
    log.add(0, "session.started", {"started_at": log.at(0).isoformat()}, actor=teacher.user_id)
    log.add(0, "session.media_status", {"media_status": "ok"})
    log.add(
        300,
        "recording.started",
        {
            "recording_id": recording_id,
            "started_at": log.at(0).isoformat(),
            "provider": "participant",
        },
    )
    scene_id = next(
        iter(
            engine.connect()
            .execute(
                sa.text("SELECT id FROM scenes WHERE session_id = :s AND layout = 'slides_camera'"),
                {"s": session_id},
            )
            .scalars()
        )
    )
    log.add(
        500,
        "studio.scene_activated",
        {"scene_id": str(scene_id), "layout": "slides_camera"},
        actor=teacher.user_id,
    )
    log.add(
        800,
        "studio.deck_attached",
        {
            "asset_id": deck_id,
            "filename": "deck.pdf",
            "page_count": slides,
            "page_no": 1,
            "title": None,
        },
        actor=teacher.user_id,
    )
    timeline: list[tuple[int, str, dict[str, Any], str | None, EventAudience]] = []
    for page in range(2, slides + 1):
        at = int(duration_ms * (page - 1) / slides) + rng.randint(-5_000, 5_000)
        timeline.append(
            (
                at,
                "studio.slide_changed",
                {"asset_id": deck_id, "page_no": page, "title": None},
                teacher.user_id,
                EventAudience.all,
            )
        )
    for index in range(chat):
        at = int(duration_ms * (index + rng.random()) / chat)
        message = {
            "id": str(uuid.uuid4()),
            "seq": 0,
            "author_id": student.user_id,
            "author_name": "Student",
            "body": f"{rng.choice(SENTENCES)} ({index})",
            "reply_to_id": None,
            "created_at": log.at(at).isoformat(),
            "deleted": False,
            "pinned": False,
        }
        timeline.append(
            (at, "chat.message_posted", {"message": message}, student.user_id, EventAudience.all)
        )
    for index in range(30):
        at = int(duration_ms * (index + 0.5) / 30)
        question = {
            "id": str(uuid.uuid4()),
            "seq": 0,
            "body": f"Why does {rng.choice(SENTENCES)[:-1]}?",
            "anonymous": False,
            "author_id": student.user_id,
            "author_name": "Student",
            "status": "open",
            "upvotes": 0,
            "voted": False,
            "answer_text": None,
            "answered_at": None,
            "created_at": log.at(at).isoformat(),
        }
        timeline.append(
            (at, "qa.question_asked", {"question": question}, student.user_id, EventAudience.all)
        )
        if index % 2 == 0:
            answered = log.at(at + 60_000).isoformat()
            timeline.append(
                (
                    at + 60_000,
                    "qa.question_answered",
                    {
                        "question_id": question["id"],
                        "answer_text": "Good question.",
                        "answered_at": answered,
                    },
                    teacher.user_id,
                    EventAudience.all,
                )
            )
    for index in range(5):
        at = int(duration_ms * (index + 0.3) / 5)
        poll = {
            "id": str(uuid.uuid4()),
            "question": f"Poll {index + 1}: which is true?",
            "kind": "single",
            "options": [{"id": "a", "text": "Light"}, {"id": "b", "text": "Dark"}],
            "anonymous": False,
            "status": "open",
            "results_visible": True,
            "opened_at": log.at(at).isoformat(),
            "closed_at": None,
            "correct_option_ids": None,
            "counts": None,
            "total_votes": None,
            "my_vote": None,
        }
        draft = {**poll, "status": "draft", "results_visible": False, "opened_at": None}
        timeline.append(
            (at - 1, "poll.created", {"poll": draft}, teacher.user_id, EventAudience.staff)
        )
        timeline.append((at, "poll.opened", {"poll": poll}, teacher.user_id, EventAudience.all))
        timeline.append(
            (
                at + 120_000,
                "poll.closed",
                {
                    "poll_id": poll["id"],
                    "closed_at": log.at(at + 120_000).isoformat(),
                    "correct_option_ids": [],
                    "counts": {"a": 0, "b": 0},
                    "total_votes": 0,
                },
                teacher.user_id,
                EventAudience.all,
            )
        )
    for at, type_, payload, actor, audience in sorted(timeline, key=lambda item: item[0]):
        seq = log.add(
            max(1_000, min(at, duration_ms - 1_000)), type_, payload, actor=actor, audience=audience
        )
        for key in ("message", "question"):
            if key in payload:
                payload[key]["seq"] = seq
                log.rows[-1]["payload"] = json.dumps(payload)
    log.add(
        duration_ms,
        "session.ended",
        {"ended_at": log.at(duration_ms).isoformat(), "reason": "ended_by_host"},
        actor=teacher.user_id,
    )
    log.add(
        duration_ms + 500,
        "recording.stopped",
        {"recording_id": recording_id, "status": "ready", "duration_ms": duration_ms},
    )
    previous = "none"
    for status in ("pending", "processing", "partial", "ready"):
        log.add(
            duration_ms + 1_000,
            "replay.status_changed",
            {"status": status, "previous": previous, "reason": None, "run_id": None},
        )
        previous = status
    log.write()
    factory = make_sessionmaker(make_engine(settings))
    with transaction(factory) as db:
        eventlog.rebuild(db, session_id=uuid.UUID(session_id))
    media_key = f"sessions/{session_id}/recordings/{recording_id}.mp4"
    media = work / "recording.mp4"
    long_silent_video(media, duration_ms)
    with media.open("rb") as body:
        size = store.put(media_key, body, content_type="video/mp4").size
    with engine.begin() as connection:
        connection.execute(
            sa.text(
                "INSERT INTO recordings (id, session_id, provider, status, storage_key, mime,"
                " started_at, ended_at, duration_ms, size_bytes) VALUES (:id, :s,"
                " 'participant', 'ready', :key, 'video/mp4', :start, :end, :ms, :size)"
            ),
            {
                "id": recording_id,
                "s": session_id,
                "key": media_key,
                "start": start,
                "end": log.at(duration_ms),
                "ms": duration_ms,
                "size": size,
            },
        )
    seed_replay(engine, store, session_id, deck_id, slides, duration_ms, segments, rng)
    engine.dispose()
    return session_id


def seed_deck(
    engine: sa.Engine, store: Any, course_id: str, owner_id: str, pages: int, work: Path
) -> str:
    """A rendered deck of `pages` pages (WebP page images and thumbnails in the store)."""
    deck_id = str(uuid.uuid4())
    base = f"courses/{course_id}/assets/{deck_id}"
    with engine.begin() as connection:
        connection.execute(
            sa.text(
                "INSERT INTO assets (id, course_id, owner_id, kind, filename, mime,"
                " size_bytes, sha256, storage_key, status, page_count, pages_rendered)"
                " VALUES (:id, :c, :o, 'slide_deck', 'deck.pdf', 'application/pdf', 1, :sha,"
                " :key, 'ready', :n, :n)"
            ),
            {
                "id": deck_id,
                "c": course_id,
                "o": owner_id,
                "sha": uuid.uuid4().hex * 2,
                "key": f"{base}/original",
                "n": pages,
            },
        )
        for page in range(1, pages + 1):
            title, sentences = PHOTOSYNTHESIS[(page - 1) % len(PHOTOSYNTHESIS)]
            for size, key in (
                ((1280, 720), f"{base}/pages/{page}.webp"),
                ((320, 180), f"{base}/thumbs/{page}.webp"),
            ):
                picture = Image.new("RGB", size, (250, 250, 245))
                out = io.BytesIO()
                picture.save(out, "WEBP")
                store.put(key, out.getvalue(), content_type="image/webp")
            connection.execute(
                sa.text(
                    "INSERT INTO slide_pages (asset_id, page_no, image_key, thumb_key,"
                    " width, height, text, title) VALUES (:a, :p, :i, :t, 1280, 720,"
                    " :text, :title)"
                ),
                {
                    "a": deck_id,
                    "p": page,
                    "i": f"{base}/pages/{page}.webp",
                    "t": f"{base}/thumbs/{page}.webp",
                    "text": " ".join(sentences),
                    "title": f"{title} ({page})",
                },
            )
    return deck_id


def seed_replay(
    engine: sa.Engine,
    store: Any,
    session_id: str,
    deck_id: str,
    slides: int,
    duration_ms: int,
    count: int,
    rng: random.Random,
) -> None:
    """The replay's tables as the pipeline leaves them."""
    step = duration_ms // count
    rows = []
    for index in range(count):
        start = index * step
        text = " ".join(rng.choice(SENTENCES) for _ in range(2))
        words = [
            {
                "word": w,
                "start_ms": start + i * 250,
                "end_ms": start + i * 250 + 200,
                "probability": 0.9,
            }
            for i, w in enumerate(text.split())
        ]
        rows.append(
            {
                "s": session_id,
                "i": index,
                "a": start,
                "b": start + step - 100,
                "t": text,
                "w": json.dumps(words),
            }
        )
    with engine.begin() as connection:
        connection.execute(
            sa.text(
                "INSERT INTO transcript_segments (session_id, idx, start_ms, end_ms, text,"
                " words, confidence) VALUES (:s, :i, :a, :b, :t, CAST(:w AS jsonb), 0.9)"
            ),
            rows,
        )
        spans = connection.execute(
            sa.text(
                "SELECT payload->>'page_no', occurred_at FROM session_events"
                " WHERE session_id = :s AND type IN ('studio.deck_attached',"
                " 'studio.slide_changed') ORDER BY seq"
            ),
            {"s": session_id},
        ).all()
        start_at = connection.execute(
            sa.text("SELECT started_at FROM recordings WHERE session_id = :s"), {"s": session_id}
        ).scalar_one()
        bounds = (
            [0]
            + [max(1, round((at - start_at).total_seconds() * 1000)) for _, at in spans[1:]]
            + [duration_ms]
        )
        for index, (page, _) in enumerate(spans):
            connection.execute(
                sa.text(
                    "INSERT INTO chapters (session_id, idx, start_ms, end_ms, title, source,"
                    " slide_asset_id, slide_page, thumbnail_key) VALUES (:s, :i, :a, :b,"
                    " :t, 'slide', :d, :p, :k)"
                ),
                {
                    "s": session_id,
                    "i": index,
                    "a": bounds[index],
                    "b": bounds[index + 1],
                    "t": f"Chapter {index + 1}",
                    "d": deck_id,
                    "p": int(page),
                    "k": f"courses/x/assets/{deck_id}/thumbs/{page}.webp",
                },
            )
        for index in range(12):
            connection.execute(
                sa.text(
                    "INSERT INTO highlights (id, session_id, kind, start_ms, end_ms, title,"
                    " score) VALUES (:id, :s, 'chat_peak', :a, :b, :t, 3)"
                ),
                {
                    "id": str(uuid.uuid4()),
                    "s": session_id,
                    "a": index * duration_ms // 12,
                    "b": index * duration_ms // 12 + 10_000,
                    "t": f"The chat lit up ({index})",
                },
            )
    vtt = captions.to_webvtt(Segment(row["a"], row["b"], row["t"]) for row in rows).encode()
    key = f"sessions/{session_id}/replay/captions.vtt"
    store.put(key, vtt, content_type="text/vtt; charset=utf-8")
    with engine.begin() as connection:
        connection.execute(
            sa.text(
                "INSERT INTO replay_artifacts (session_id, kind, storage_key) VALUES"
                " (:s, 'captions_vtt', :k)"
            ),
            {"s": session_id, "k": key},
        )


def long_silent_video(path: Path, duration_ms: int) -> None:
    """A small MP4 as long as the class: grey frames at 1 fps, H.264."""
    with av.open(str(path), "w", format="mp4", options={"movflags": "+faststart"}) as out:
        stream = out.add_stream("libx264", rate=1)
        stream.width, stream.height, stream.pix_fmt = 320, 180, "yuv420p"
        stream.options = {"preset": "ultrafast", "crf": "40"}
        grey = np.full((180, 320, 3), 96, dtype=np.uint8)
        for second in range(duration_ms // 1000):
            frame = av.VideoFrame.from_ndarray(grey, format="rgb24")
            frame.pts, frame.time_base = second, Fraction(1, 1)
            for packet in stream.encode(frame):
                out.mux(packet)
        for packet in stream.encode():
            out.mux(packet)


# --- measuring ------------------------------------------------------------------------------


def server_times(log_path: Path, marker: str) -> dict[str, list[float]]:
    """Each request's own duration (ms) from the api's JSON log, by path, after `marker`."""
    times: dict[str, list[float]] = {}
    seen = False
    for line in log_path.read_text().splitlines():
        if marker in line:
            seen = True
        if not seen:
            continue
        with contextlib.suppress(ValueError):
            entry = json.loads(line)
            if entry.get("event") == "request":
                times.setdefault(entry["path"], []).append(float(entry["duration_ms"]))
    return times


def summary(values: list[float]) -> dict[str, float]:
    ordered = sorted(values)
    return {
        "n": len(ordered),
        "p50": round(statistics.median(ordered), 1),
        "p95": round(ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))], 1),
        "max": round(ordered[-1], 1),
    }


def measure(api: Api, student: Account, session_id: str, repeat: int) -> dict[str, Any]:
    base = f"/api/v1/sessions/{session_id}/replay"
    calls = {
        "manifest": (base, {}),
        "transcript page 1 (100)": (f"{base}/transcript", {"limit": 100}),
        "chat (all)": (f"{base}/chat", {}),
        "search": (f"{base}/search", {"q": "chlorophyll"}),
    }
    results: dict[str, Any] = {}
    sizes: dict[str, int] = {}
    for name, (path, params) in calls.items():
        walls = []
        for _ in range(repeat):
            began = time.perf_counter()
            response = api.http.get(
                path, params=params, headers={"Authorization": f"Bearer {student.token}"}
            )
            walls.append((time.perf_counter() - began) * 1000)
            response.raise_for_status()
            sizes[name] = len(response.content)
        results[name] = {"client_ms": summary(walls), "bytes": sizes[name]}
    # The whole transcript in pages of 500, as the page loads it after the first.
    began = time.perf_counter()
    cursor: str | None = None
    pages = 0
    while True:
        params: dict[str, Any] = {"limit": 500} | ({"cursor": cursor} if cursor else {})
        page = api.call("GET", f"{base}/transcript", student, params=params)
        pages += 1
        cursor = page["next_cursor"]
        if cursor is None:
            break
    results["whole transcript"] = {
        "pages": pages,
        "client_ms": round((time.perf_counter() - began) * 1000, 1),
    }
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--minutes", type=float, default=90)
    parser.add_argument("--segments", type=int, default=1500)
    parser.add_argument("--chat", type=int, default=3000)
    parser.add_argument("--slides", type=int, default=60)
    parser.add_argument("--repeat", type=int, default=50)
    parser.add_argument("--port", type=int, default=8493)
    parser.add_argument("--browser", action="store_true", help="also time the page in Chromium")
    parser.add_argument("--json", type=Path, default=None)
    args = parser.parse_args()

    base = Settings()
    database_url = fresh_database("multistream_bench_replay", base)
    settings = base.model_copy(
        update={
            "database_url": database_url,
            "api_port": args.port,
            "public_url": f"http://127.0.0.1:{args.port}",
            "log_level": "INFO",
            "log_json": True,
            "celery_queue": f"bench-replay-{uuid.uuid4().hex[:8]}",
        }
    )
    work = Path(tempfile.mkdtemp(prefix="bench-replay-"))
    log_path = work / "api.log"
    with log_path.open("wb") as log_file:
        process = subprocess.Popen(
            [sys.executable, "-m", "multistream", "api", "--port", str(args.port)],
            env=environment(settings),
            cwd=ROOT,
            stdout=log_file,
            stderr=subprocess.STDOUT,
        )
    api = Api(settings.public_url)
    try:
        wait_for(api.healthy, timeout=90, what="the api to start")
        run = uuid.uuid4().hex[:8]
        teacher = api.sign_up(Account(f"teacher.{run}@example.com", PASSWORD, "Teacher"))
        student = api.sign_up(Account(f"student.{run}@example.com", PASSWORD, "Student"))
        course = api.call("POST", "/api/v1/courses", teacher, json={"title": "Biology"})
        enrol(api, teacher, course["id"], [student])
        began = time.monotonic()
        session_id = seed_class(
            settings,
            api,
            teacher,
            student,
            course["id"],
            minutes=args.minutes,
            segments=args.segments,
            chat=args.chat,
            slides=args.slides,
            work=work,
        )
        print(f"seeded the class in {time.monotonic() - began:.1f} s", flush=True)
        replay = api.call("GET", f"/api/v1/sessions/{session_id}/replay", student)
        chat_items = len(
            api.call("GET", f"/api/v1/sessions/{session_id}/replay/chat", student)["items"]
        )
        shape = {
            "duration_min": round(replay["duration_ms"] / 60_000, 1),
            "slides_spans": len(replay["slides"]),
            "chapters": len(replay["chapters"]),
            "questions": len(replay["questions"]),
            "polls": len(replay["polls"]),
            "chat": chat_items,
            "segments": args.segments,
        }
        print(f"class: {shape}", flush=True)
        marker = f"bench-replay-measure-{run}"
        api.http.get("/healthz", headers={"X-Request-ID": marker})
        for _ in range(3):  # warm the api's caches and connection pool
            measure(api, student, session_id, repeat=2)
        marker = f"bench-replay-measure-{run}-x"
        api.http.get("/healthz", headers={"X-Request-ID": marker})
        client = measure(api, student, session_id, args.repeat)
        time.sleep(0.5)
        server = server_times(log_path, marker)
        base_path = f"/api/v1/sessions/{session_id}/replay"
        paths = {
            "manifest": base_path,
            "transcript page 1 (100)": f"{base_path}/transcript",
            "chat (all)": f"{base_path}/chat",
            "search": f"{base_path}/search",
        }
        results: dict[str, Any] = {"class": shape, "requests": {}}
        for name, path in paths.items():
            own = server.get(path, [])
            if name == "transcript page 1 (100)":
                own = own[: args.repeat]  # the whole-transcript pages come after
            results["requests"][name] = {**client[name], "server_ms": summary(own)}
        results["requests"]["whole transcript"] = client["whole transcript"]
        if args.browser:
            page = subprocess.run(
                ["node", str(ROOT / "bench/replay/page.mjs")],
                env={
                    **environment(settings),
                    "BENCH_BASE_URL": settings.public_url,
                    "BENCH_EMAIL": student.email,
                    "BENCH_PASSWORD": PASSWORD,
                    "BENCH_SESSION_ID": session_id,
                },
                cwd=ROOT / "web",
                capture_output=True,
                text=True,
                check=False,
            )
            if page.returncode != 0:
                print(page.stdout, page.stderr, file=sys.stderr)
                raise SystemExit("the browser measurement failed")
            results["browser"] = json.loads(page.stdout.strip().splitlines()[-1])
    finally:
        api.close()
        process.terminate()
        process.wait(timeout=20)
    report(results)
    if args.json:
        args.json.write_text(json.dumps(results, indent=2))


def report(results: dict[str, Any]) -> None:
    print()
    print(f"class: {results['class']}")
    for name, row in results["requests"].items():
        if "server_ms" in row:
            print(
                f"  {name:<24} server p50 {row['server_ms']['p50']:>6} ms"
                f"  p95 {row['server_ms']['p95']:>6} ms   client p50"
                f" {row['client_ms']['p50']:>6} ms  p95 {row['client_ms']['p95']:>6} ms"
                f"  {row['bytes'] / 1024:.0f} KiB"
            )
        else:
            print(f"  {name:<24} {row}")
    if "browser" in results:
        print(f"browser: {results['browser']}")


if __name__ == "__main__":
    main()
