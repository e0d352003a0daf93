"""What the benchmarks under bench/ share: the api as a process of its own (optionally
pinned to CPUs with `taskset`), its CPU time from /proc, a class with a teacher, students
written straight into the database and their tokens, percentiles.

A script imports it after putting bench/ on its path:

    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    import shared
"""

from __future__ import annotations

import argparse
import contextlib
import os
import shutil
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import sqlalchemy as sa

ROOT = Path(__file__).resolve().parents[1]
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
PASSWORD = "correct horse battery staple"  # noqa: S105 - a benchmark account


def start_api(
    port: int,
    database_url: str,
    public_url: str,
    *,
    cpus: str | None = None,
    env: dict[str, str] | None = None,
    command: list[str] | None = None,
) -> subprocess.Popen[bytes]:
    """`multistream api` on `port` (pinned to `cpus`, e.g. "0", with taskset), once it
    answers /healthz. `command` replaces `python -m multistream api` (e.g. the api under a
    profiler); `--port` is added to it."""
    environment = {
        **os.environ,
        "DATABASE_URL": database_url,
        "MULTISTREAM_API_PORT": str(port),
        # Every process issues and accepts tokens for the same issuer and origin.
        "MULTISTREAM_PUBLIC_URL": public_url,
        "MULTISTREAM_LOG_LEVEL": "WARNING",
        "MULTISTREAM_WORKER_METRICS_PORT": "0",
        "MULTISTREAM_RECORDER_METRICS_PORT": "0",
        **(env or {}),
    }
    command = [*(command or [sys.executable, "-m", "multistream", "api"]), "--port", str(port)]
    if cpus is not None and shutil.which("taskset"):
        command = ["taskset", "-c", cpus, *command]
    api = subprocess.Popen(
        command, env=environment, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=None
    )
    deadline = time.monotonic() + 90  # importing the app takes a while on a busy machine
    while time.monotonic() < deadline:
        with contextlib.suppress(httpx.HTTPError):
            if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200:
                return api
        if api.poll() is not None:
            raise SystemExit("the api exited at startup")
        time.sleep(0.2)
    api.kill()
    raise SystemExit("the api did not start")


def stop(processes: list[subprocess.Popen[bytes]]) -> None:
    import signal

    for process in processes:
        process.send_signal(signal.SIGINT)
    for process in processes:
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()


def api_pid(process: subprocess.Popen[bytes]) -> int:
    """The api's own pid: `taskset` execs it, so the pid is the same."""
    return process.pid


def cpu_seconds(pid: int) -> float:
    """User + system CPU seconds of a process (all its threads), from /proc."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS


def pin_self(cpus: set[int]) -> None:
    with contextlib.suppress(OSError):
        os.sched_setaffinity(0, cpus)


@dataclass
class Classroom:
    session_id: str
    teacher_token: str
    poll: dict[str, Any]
    course_id: str


def schedule_class(
    http: httpx.Client, teacher: dict[str, str], course_id: str, title: str
) -> dict[str, Any]:
    """Through REST, as the course's teacher (`teacher`: their headers): a one-hour class."""
    response = http.post(
        f"/api/v1/courses/{course_id}/sessions",
        headers=teacher,
        json={
            "title": title,
            "scheduled_start": "2026-12-01T09:00:00Z",
            "scheduled_end": "2026-12-01T10:00:00Z",
        },
    )
    response.raise_for_status()
    return dict(response.json())


def classroom(base_url: str) -> Classroom:
    """Through REST: a teacher signs up, schedules a class in a course of theirs, drafts a
    single-choice poll with four options and opens it."""
    http = httpx.Client(base_url=base_url, timeout=30)
    response = http.post(
        "/auth/local/signup",
        json={
            "email": f"teacher.{uuid.uuid4().hex[:8]}@example.com",
            "password": PASSWORD,
            "display_name": "Teacher",
        },
    )
    response.raise_for_status()
    teacher = response.json()
    auth = {"Authorization": f"Bearer {teacher['access_token']}"}
    course = http.post("/api/v1/courses", headers=auth, json={"title": "Bench"}).json()
    session = schedule_class(http, auth, course["id"], "Votes")
    polls = f"/api/v1/sessions/{session['id']}/polls"
    poll = http.post(
        polls,
        headers=auth,
        json={
            "question": "Which stage makes glucose?",
            "kind": "single",
            "options": ["Calvin cycle", "Light reactions", "Glycolysis", "Krebs cycle"],
        },
    ).json()
    http.post(f"{polls}/{poll['id']}/open", headers=auth).raise_for_status()
    http.close()
    return Classroom(session["id"], teacher["access_token"], poll, course["id"])


def enroll_students(database_url: str, course_id: str, count: int) -> list[uuid.UUID]:
    """Users and course memberships written straight into the database (signing up
    thousands of people through argon2 would take minutes)."""
    ids = [uuid.uuid4() for _ in range(count)]
    engine = sa.create_engine(database_url)
    tag = uuid.uuid4().hex[:8]
    with engine.begin() as connection:
        connection.execute(
            sa.text(
                "INSERT INTO users (id, auth_provider, email, display_name)"
                " VALUES (:id, 'local', :email, :name)"
            ),
            [
                {"id": uid, "email": f"s{n}.{tag}@example.com", "name": f"Student {n}"}
                for n, uid in enumerate(ids)
            ],
        )
        connection.execute(
            sa.text(
                "INSERT INTO course_members (course_id, user_id, role)"
                " VALUES (:course, :user, 'student')"
            ),
            [{"course": course_id, "user": uid} for uid in ids],
        )
    engine.dispose()
    return ids


def mint_tokens(user_ids: list[uuid.UUID], public_url: str) -> list[str]:
    """Access tokens minted with the api's own signing key."""
    from multistream.auth.keys import LocalKeyStore
    from multistream.auth.tokens import issue_access_token
    from multistream.settings import Settings

    settings = Settings(public_url=public_url)
    store = LocalKeyStore(settings.keys_dir)
    return [
        issue_access_token(
            store,
            issuer=settings.local_issuer,
            subject=uid,
            session_id=uuid.uuid4(),
            authorized_party=settings.public_url,
            ttl_seconds=3600,
        )
        for uid in user_ids
    ]


def percentiles(values: list[float]) -> str:
    if not values:
        return "n/a"
    ordered = sorted(values)

    def at(fraction: float) -> float:
        return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))] * 1000

    return (
        f"p50 {at(0.5):.0f} / p90 {at(0.9):.0f} / p99 {at(0.99):.0f} / max {ordered[-1] * 1000:.0f}"
        " ms"
    )


@dataclass
class Lecture:
    """A class on an api of its own: the api process, its URL, the class and its students'
    tokens (`lecture`)."""

    api: subprocess.Popen[bytes]
    base_url: str
    database_url: str
    room: Classroom
    tokens: list[str]


@contextlib.contextmanager
def lecture(args: argparse.Namespace, students: int) -> Iterator[Lecture]:
    """This process pinned to `args.client_cpus`; a fresh `args.database`; the api on
    `args.port` pinned to `args.api_cpus`; a class (`classroom`) with `students` students
    and their tokens. The api is stopped on leaving."""
    from multistream.devtools.databases import fresh_database

    pin_self({int(c) for c in args.client_cpus.split(",")})
    database_url = fresh_database(args.database)
    base_url = f"http://127.0.0.1:{args.port}"
    api = start_api(args.port, database_url, base_url, cpus=args.api_cpus)
    try:
        room = classroom(base_url)
        ids = enroll_students(database_url, room.course_id, students)
        yield Lecture(api, base_url, database_url, room, mint_tokens(ids, base_url))
    finally:
        stop([api])
