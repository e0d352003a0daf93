"""The api's request pipeline in-process: CPU per request of the app itself (middleware,
routing, dependencies, the route and its queries, the response), without uvicorn, sockets
or a load generator in the way.

    .venv/bin/python bench/commands/stack.py --setup                # a class, students, tokens
    .venv/bin/python bench/commands/stack.py --requests 1000         # measure
    PYTHONPATH=/work/main/src .venv/bin/python bench/commands/stack.py  # the same on main

`--setup` recreates and migrates the database `--database` and, through the app, makes a
teacher, a class with an open four-option poll and a few questions; students are written
into the database and get tokens minted with the api's signing key (as in `run.py`). What
it made is written to `--plan` (JSON), which later runs read, so runs of two checkouts
(`PYTHONPATH`) measure against the same class.

Each run starts `create_app()` with its lifespan (the real database, Redis and the rest of
the services), drives the ASGI app directly (a request is a scope, a body and the messages
the app sends), and for each scenario sends warm-up requests, then `--requests` requests one
at a time and then with `--in-flight` in flight, each as the next student in turn;
`time.process_time()` over them (every thread of this process: the event loop and the
worker threads) divided by the requests is the CPU per request, also per batch of the
requests (`--batches`: the median and the lowest batch are less moved by other work on the
machine). Scenarios as in `run.py`; the event loop is uvloop's, as under `multistream api`.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import os
import statistics
import sys
import tempfile
import time
import uuid
from collections import Counter
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))
import shared
from run import Plan

import multistream

SCENARIOS = ("healthz", "courses", "state", "vote", "chat", "upvote", "join")
PUBLIC_URL = "http://127.0.0.1:8000"


class Driver:
    """Requests straight into an ASGI app: (status, body) of each."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def request(
        self,
        method: str,
        path: str,
        *,
        token: str | None = None,
        body: Any = None,
        headers: dict[str, str] | None = None,
    ) -> tuple[int, bytes]:
        content = b"" if body is None else json.dumps(body).encode()
        raw = [(b"host", b"127.0.0.1:8000"), (b"user-agent", b"bench")]
        if token is not None:
            raw.append((b"authorization", f"Bearer {token}".encode()))
        if body is not None:
            raw += [(b"content-type", b"application/json")]
        raw.append((b"content-length", str(len(content)).encode()))
        raw += [(k.lower().encode(), v.encode()) for k, v in (headers or {}).items()]
        path, _, query = path.partition("?")
        scope = {
            "type": "http",
            "asgi": {"version": "3.0", "spec_version": "2.4"},
            "http_version": "1.1",
            "method": method,
            "scheme": "http",
            "path": path,
            "raw_path": path.encode(),
            "query_string": query.encode(),
            "root_path": "",
            "headers": raw,
            "client": ("127.0.0.1", 50000),
            "server": ("127.0.0.1", 8000),
            "state": {},
        }
        sent = False
        status = 0
        chunks: list[bytes] = []

        async def receive() -> dict[str, Any]:
            nonlocal sent
            if not sent:
                sent = True
                return {"type": "http.request", "body": content, "more_body": False}
            await asyncio.Event().wait()  # a client that stays connected
            raise AssertionError

        async def send(message: dict[str, Any]) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            elif message["type"] == "http.response.body":
                chunks.append(message.get("body", b""))

        await self.app(scope, receive, send)
        return status, b"".join(chunks)

    async def ok(self, method: str, path: str, **kwargs: Any) -> Any:
        status, content = await self.request(method, path, **kwargs)
        if not 200 <= status < 300:
            raise SystemExit(f"{method} {path}: {status} {content[:300]!r}")
        return json.loads(content) if content else None


def saved_plan(saved: dict[str, Any]) -> Plan:
    """The requests' plan for the class `set_up` made (as read back from `--plan`)."""
    return Plan(
        saved["session_id"],
        saved["poll_id"],
        saved["options"],
        saved["question_ids"],
        len(saved["tokens"]),
    )


async def set_up(driver: Driver, args: argparse.Namespace, database_url: str) -> dict[str, Any]:
    teacher = await driver.ok(
        "POST",
        "/auth/local/signup",
        body={
            "email": f"teacher.{uuid.uuid4().hex[:8]}@example.com",
            "password": shared.PASSWORD,
            "display_name": "Teacher",
        },
    )
    token = teacher["access_token"]
    course = await driver.ok("POST", "/api/v1/courses", token=token, body={"title": "Bench"})
    session = await driver.ok(
        "POST",
        f"/api/v1/courses/{course['id']}/sessions",
        token=token,
        body={
            "title": "Stack",
            "scheduled_start": "2026-12-01T09:00:00Z",
            "scheduled_end": "2026-12-01T10:00:00Z",
        },
    )
    polls = f"/api/v1/sessions/{session['id']}/polls"
    poll = await driver.ok(
        "POST",
        polls,
        token=token,
        body={
            "question": "Which stage makes glucose?",
            "kind": "single",
            "options": ["Calvin cycle", "Light reactions", "Glycolysis", "Krebs cycle"],
        },
    )
    await driver.ok("POST", f"{polls}/{poll['id']}/open", token=token)
    questions = []
    for n in range(args.questions):
        question = await driver.ok(
            "POST",
            f"/api/v1/sessions/{session['id']}/questions",
            token=token,
            body={"body": f"Question {n}: why is the sky blue?"},
            headers={"Idempotency-Key": str(uuid.uuid4())},
        )
        questions.append(question["id"])
    students = shared.enroll_students(database_url, course["id"], args.students)
    return {
        "database_url": database_url,
        "session_id": session["id"],
        "poll_id": poll["id"],
        "options": [option["id"] for option in poll["options"]],
        "question_ids": questions,
        "tokens": shared.mint_tokens(students, PUBLIC_URL),
    }


HOPS: Counter[str] = Counter()
"""Worker-thread hops by the function run in the worker thread, and SQL statements sent
(`--hops`)."""


def count_hops() -> None:
    """Count every `anyio.to_thread.run_sync` (Starlette's `run_in_threadpool` and FastAPI's
    sync dependencies go through it) by what it runs; it still runs."""
    import anyio.to_thread

    run_sync = anyio.to_thread.run_sync

    async def counted(function: Any, *args: Any, **kwargs: Any) -> Any:
        inner = getattr(function, "func", function)  # functools.partial
        inner = getattr(inner, "__self__", inner)  # a bound method: its object
        HOPS[getattr(inner, "__qualname__", None) or type(inner).__qualname__] += 1
        return await run_sync(function, *args, **kwargs)

    anyio.to_thread.run_sync = counted  # type: ignore[assignment]

    import sqlalchemy as sa

    def statement(*_: Any) -> None:
        HOPS["(SQL statements)"] += 1

    sa.event.listen(sa.Engine, "before_cursor_execute", statement)


async def measure(
    driver: Driver,
    plan: Plan,
    tokens: list[str],
    scenario: str,
    requests: int,
    in_flight: int,
    batches: int,
) -> tuple[list[float], float, Counter[int]]:
    """CPU per request (ms) of each of `batches` batches, wall per request (ms), answers."""
    statuses: Counter[int] = Counter()

    async def run(count: int) -> None:
        queue = iter(range(count))

        async def worker() -> None:
            for _ in queue:
                method, path, who, body = plan.next(scenario)
                status, _ = await driver.request(
                    method, path, token=tokens[who] if who is not None else None, body=body
                )
                statuses[status] += 1

        await asyncio.gather(*(worker() for _ in range(in_flight)))

    await run(20)
    statuses.clear()
    HOPS.clear()
    cpus = []
    size = requests // batches
    wall = time.perf_counter()
    for _ in range(batches):
        cpu = time.process_time()
        await run(size)
        cpus.append((time.process_time() - cpu) / size * 1000)
    return cpus, (time.perf_counter() - wall) / (size * batches) * 1000, statuses


async def main_async(args: argparse.Namespace) -> None:
    os.environ.update(
        {
            "MULTISTREAM_PUBLIC_URL": PUBLIC_URL,
            "MULTISTREAM_LOG_LEVEL": "WARNING",
            "MULTISTREAM_RATE_LIMIT_CHAT_SESSION": "1000000/10",
            "MULTISTREAM_RATE_LIMIT_VOTES_SESSION": "1000000/10",
            "MULTISTREAM_RATE_LIMIT_JOINS_SESSION": "1000000/10",
        }
    )
    from multistream.app import create_app
    from multistream.settings import Settings

    if args.setup:
        from multistream.devtools.databases import fresh_database

        database_url = fresh_database(args.database)
    else:
        database_url = json.loads(args.plan.read_text())["database_url"]
    os.environ["DATABASE_URL"] = database_url
    app = create_app(Settings())
    driver = Driver(app)
    async with app.router.lifespan_context(app):
        if args.setup:
            args.plan.write_text(json.dumps(await set_up(driver, args, database_url)))
            print(f"wrote {args.plan}")
            return
        saved = json.loads(args.plan.read_text())
        tokens = saved["tokens"]
        plan = saved_plan(saved)
        # Each run starts at another student (first joins, unvoted questions).
        for counter in ("join", "upvote"):
            plan.counters[counter] = itertools.count(args.offset)
        source = Path(multistream.__file__).parent
        print(f"multistream from {source}; load {os.getloadavg()[0]:.2f}")
        print(
            "| scenario | in flight | CPU per request (ms), all | median / lowest of"
            f" {args.batches} batches | wall per request (ms) | statuses |"
        )
        print("| --- | --- | --- | --- | --- | --- |")
        for scenario in args.scenarios.split(","):
            for in_flight in (1, args.in_flight):
                cpus, wall, statuses = await measure(
                    driver, plan, tokens, scenario, args.requests, in_flight, args.batches
                )
                print(
                    f"| {scenario} | {in_flight} | {statistics.mean(cpus):.3f} |"
                    f" {statistics.median(cpus):.3f} / {min(cpus):.3f} | {wall:.3f} |"
                    f" {dict(statuses)} |",
                    flush=True,
                )
                if args.hops:
                    statements = HOPS.pop("(SQL statements)", 0) / args.requests
                    each = {k: round(v / args.requests, 2) for k, v in HOPS.most_common()}
                    total = sum(HOPS.values()) / args.requests
                    print(
                        f"  worker-thread hops per request: {total:.2f} {each};"
                        f" SQL statements per request: {statements:.2f}"
                    )
        print(f"load {os.getloadavg()[0]:.2f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--setup", action="store_true", help="make the database and the plan")
    parser.add_argument("--database", default="multistream_bench_stack")
    parser.add_argument(
        "--plan", type=Path, default=Path(tempfile.gettempdir(), "multistream_bench_stack.json")
    )
    parser.add_argument("--students", type=int, default=1000)
    parser.add_argument("--questions", type=int, default=5)
    parser.add_argument("--requests", type=int, default=500, help="per scenario and mode")
    parser.add_argument("--in-flight", type=int, default=20)
    parser.add_argument(
        "--batches",
        type=int,
        default=10,
        help="the requests in batches, each measured: on a shared machine the lowest and"
        " the median are steadier than the whole",
    )
    parser.add_argument("--scenarios", default="healthz,courses,state,vote")
    parser.add_argument("--offset", type=int, default=0, help="the first student of join/upvote")
    parser.add_argument("--cpus", default="0", help="CPUs of this process (all of it)")
    parser.add_argument(
        "--hops",
        action="store_true",
        help="count worker-thread hops (and what they run) and SQL statements per request",
    )
    args = parser.parse_args()
    if args.hops:
        count_hops()
    shared.pin_self({int(c) for c in args.cpus.split(",")})
    import uvloop  # as uvicorn runs the api

    uvloop.run(main_async(args))


if __name__ == "__main__":
    main()
