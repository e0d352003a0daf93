"""Votes benchmark: N students vote in one poll within a few seconds; is the tally exact, and
how soon does a tally that includes a vote reach the teacher?

    .venv/bin/python bench/votes/run.py --students 2000 --window 10

It recreates and migrates a database of its own (`multistream_bench_votes`), starts the
real api (`multistream api`, `--api-procs` of them on consecutive ports, all on the local
Redis), and through REST signs up a teacher, schedules a class, drafts a single-choice poll
with four options and opens it. The students are written straight into the database (a
user and a course membership each; signing up 2000 people through argon2 would take
minutes) and get access tokens minted with the api's own signing key. The teacher listens
on the live socket (one WebSocket, `hello` after the poll opened).

Each student votes once at an even spread over `--window` seconds (`PUT …/vote` over
HTTP, httpx async, at most `--concurrency` requests in flight, students spread over the api
processes), and a share of them (`--revote`) votes again for another option later in the
window. Then it waits for the last tally and reports:

- the votes: sent, answered 200, errors by status; request latency p50/p90/p99/max;
- correctness: the last `poll.tally` equals the final choices the students made (counted
  client side), each student counted once (`total_votes` and the `poll_votes` rows equal
  the number of students), the counts sum to it;
- vote → tally: for each vote (its `poll.vote_cast` seq, read from the log afterwards), the
  first `poll.tally` with a higher seq includes it (a tally is counted under the log's lock);
  the time from sending the request to receiving that tally on the socket, p50/p90/p99/max,
  and the same from the log's own `occurred_at` times;
- tallies: how many, the least gap between two, whether the socket got every one;
- CPU of the api processes over the voting (user + system, 100% = one core) and of this
  process.
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import datetime as dt
import itertools
import json
import os
import random
import statistics
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import sqlalchemy as sa

from multistream.devtools.databases import fresh_database

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
import shared

RETRIES = 3


# --- voting and listening ---------------------------------------------------------------------


@dataclass
class Vote:
    student: int
    attempt: int
    option: str
    scheduled: float
    sent: float = 0.0
    answered: float = 0.0
    status: int = 0
    retries: int = 0


@dataclass
class Listener:
    tallies: list[tuple[float, dict[str, Any]]] = field(default_factory=list)
    """(received at, envelope) of every `poll.tally` on the socket."""
    errors: list[str] = field(default_factory=list)


async def listen(url: str, token: str, after: int, listener: Listener, stop: asyncio.Event) -> None:
    from websockets.asyncio.client import connect

    try:
        async with connect(url, compression=None, max_queue=None, ping_interval=None) as ws:
            await ws.send(json.dumps({"type": "hello", "token": token, "after": after}))
            welcome = json.loads(await ws.recv())
            assert welcome["type"] == "welcome", welcome
            while not stop.is_set():
                try:
                    frame = await asyncio.wait_for(ws.recv(), timeout=0.2)
                except TimeoutError:
                    continue
                now = time.time()
                entry = json.loads(frame)
                if entry.get("type") == "poll.tally":
                    listener.tallies.append((now, entry))
    except Exception as exc:
        listener.errors.append(f"{type(exc).__name__}: {exc}")


async def vote_all(
    base_urls: list[str],
    session_id: str,
    poll_id: str,
    tokens: list[str],
    votes: list[Vote],
    concurrency: int,
    keys: bool,
) -> float:
    """Cast every vote at its time; return the wall time voting started."""
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    clients = [httpx.AsyncClient(base_url=url, limits=limits, timeout=60) for url in base_urls]
    gate = asyncio.Semaphore(concurrency)
    start = time.time()

    async def cast(vote: Vote) -> None:
        await asyncio.sleep(max(0.0, start + vote.scheduled - time.time()))
        client = clients[vote.student % len(clients)]
        # Retried on a 5xx or a broken connection: a vote replaces the voter's previous
        # one, so sending it twice counts it once (an Idempotency-Key only with --keys).
        headers = {"Authorization": f"Bearer {tokens[vote.student]}"}
        if keys:
            headers["Idempotency-Key"] = str(uuid.uuid4())
        async with gate:
            vote.sent = time.time()
            for attempt in range(RETRIES + 1):
                try:
                    response = await client.put(
                        f"/api/v1/sessions/{session_id}/polls/{poll_id}/vote",
                        headers=headers,
                        json={"option_ids": [vote.option]},
                    )
                    vote.status = response.status_code
                except httpx.HTTPError:
                    vote.status = -1
                if 0 < vote.status < 500 and vote.status != 409:  # 409: request-in-progress
                    break
                vote.retries = attempt + 1
                await asyncio.sleep(0.5 * (attempt + 1))
            vote.answered = time.time()

    async def student(own: list[Vote]) -> None:
        for vote in sorted(own, key=lambda v: v.attempt):  # a revote after the first answer
            await cast(vote)

    by_student: dict[int, list[Vote]] = collections.defaultdict(list)
    for vote in votes:
        by_student[vote.student].append(vote)
    await asyncio.gather(*(student(own) for own in by_student.values()))
    for client in clients:
        await client.aclose()
    return start


def plan_votes(
    count: int, options: list[str], window: float, revote: float, rng: random.Random
) -> list[Vote]:
    votes = [
        Vote(student=n, attempt=0, option=rng.choice(options), scheduled=window * n / count)
        for n in range(count)
    ]
    for first in rng.sample(votes, int(revote * count)):
        other = rng.choice([o for o in options if o != first.option])
        later = rng.uniform(first.scheduled + 0.5, max(first.scheduled + 0.5, window))
        votes.append(Vote(student=first.student, attempt=1, option=other, scheduled=later))
    return votes


# --- the run ----------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--students", type=int, default=2000)
    parser.add_argument("--window", type=float, default=10.0, help="seconds the votes span")
    parser.add_argument("--revote", type=float, default=0.1, help="share who vote again")
    parser.add_argument("--concurrency", type=int, default=200, help="requests in flight")
    parser.add_argument("--api-procs", type=int, default=1)
    parser.add_argument("--keys", action="store_true", help="send an Idempotency-Key per vote")
    parser.add_argument("--port", type=int, default=8492)
    parser.add_argument("--database", default="multistream_bench_votes")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument(
        "--api-cpus",
        help="pin the api processes with taskset: '0' all on CPU 0, '0,1' one per CPU in turn",
    )
    parser.add_argument("--client-cpus", help="pin this process, e.g. '1'")
    args = parser.parse_args()
    if args.client_cpus:
        shared.pin_self({int(c) for c in args.client_cpus.split(",")})
    cpus = args.api_cpus.split(",") if args.api_cpus else [None]

    database_url = fresh_database(args.database)
    public_url = f"http://127.0.0.1:{args.port}"
    ports = [args.port + n for n in range(args.api_procs)]
    apis = [
        shared.start_api(port, database_url, public_url, cpus=cpus[n % len(cpus)])
        for n, port in enumerate(ports)
    ]
    try:
        asyncio.run(run(args, apis, [f"http://127.0.0.1:{p}" for p in ports], database_url))
    finally:
        shared.stop(apis)


async def run(
    args: argparse.Namespace, apis: list[subprocess.Popen[bytes]], base_urls: list[str], db: str
) -> None:
    room = shared.classroom(base_urls[0])
    options = [option["id"] for option in room.poll["options"]]
    students = shared.enroll_students(db, room.course_id, args.students)
    tokens = shared.mint_tokens(students, f"http://127.0.0.1:{args.port}")
    votes = plan_votes(args.students, options, args.window, args.revote, random.Random(args.seed))  # noqa: S311
    print(
        f"{args.students} students, {len(votes)} votes over {args.window:.0f} s,"
        f" {args.concurrency} in flight at most, {len(apis)} api process(es);"
        f" load average before: {os.getloadavg()[0]:.1f}"
    )

    engine = sa.create_engine(db)
    with engine.connect() as connection:
        head = connection.execute(
            sa.text("SELECT last_seq FROM sessions WHERE id = :s"), {"s": room.session_id}
        ).scalar_one()
    listener, stop = Listener(), asyncio.Event()
    ws_url = base_urls[0].replace("http", "ws", 1) + f"/api/v1/sessions/{room.session_id}/live"
    listening = asyncio.create_task(listen(ws_url, room.teacher_token, head, listener, stop))
    await asyncio.sleep(1)

    cpu_before = [shared.cpu_seconds(api.pid) for api in apis]
    own_before = time.process_time()
    started = time.monotonic()
    voting_started = await vote_all(
        base_urls, room.session_id, room.poll["id"], tokens, votes, args.concurrency, args.keys
    )
    voting = time.monotonic() - started
    cpu = [
        shared.cpu_seconds(api.pid) - before for api, before in zip(apis, cpu_before, strict=True)
    ]
    own = time.process_time() - own_before

    # The final choice of each student, as the students made them.
    final: dict[int, str] = {}
    for vote in sorted(votes, key=lambda v: v.attempt):
        if vote.status == 200:
            final[vote.student] = vote.option
    expected = collections.Counter(final.values())
    expected_counts = {option: expected.get(option, 0) for option in options}

    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        if listener.tallies and listener.tallies[-1][1]["payload"]["counts"] == expected_counts:
            break
        await asyncio.sleep(0.1)
    await asyncio.sleep(1)  # anything later would be a bug: catch it
    stop.set()
    await listening

    with engine.connect() as connection:
        logged = connection.execute(
            sa.text(
                "SELECT seq, type, occurred_at, payload FROM session_events"
                " WHERE session_id = :s AND type IN ('poll.vote_cast', 'poll.tally')"
                " ORDER BY seq"
            ),
            {"s": room.session_id},
        ).all()
        rows, voters = connection.execute(
            sa.text("SELECT count(*), count(DISTINCT user_id) FROM poll_votes WHERE poll_id = :p"),
            {"p": room.poll["id"]},
        ).one()
    engine.dispose()

    statuses = collections.Counter(vote.status for vote in votes)
    retried = sum(1 for vote in votes if vote.retries)
    print(f"\nvoting took {voting:.1f} s; answers by status: {dict(statuses)}; retried {retried}")
    print(f"request latency: {shared.percentiles([v.answered - v.sent for v in votes])}")
    late = [v.sent - (voting_started + v.scheduled) for v in votes]
    print(f"waited for a free connection: max {max(late) * 1000:.0f} ms")

    tallies = [row for row in logged if row.type == "poll.tally"]
    last = tallies[-1].payload if tallies else {}
    print("\ncorrectness:")
    print(f"  last tally: {last.get('counts')} total {last.get('total_votes')}")
    print(f"  expected:   {expected_counts} total {len(final)}")
    print(f"  poll_votes rows {rows}, distinct voters {voters}, students {args.students}")
    exact = (
        last.get("counts") == expected_counts
        and last.get("total_votes") == len(final) == rows == voters
        and sum(last.get("counts", {}).values()) == len(final)
    )
    print(f"  exact and each student counted once: {'yes' if exact else 'NO'}")

    # vote -> first tally after it in the log (it includes the vote).
    student_index = {str(uid): n for n, uid in enumerate(students)}
    cast_seqs: dict[int, list[tuple[int, dt.datetime]]] = collections.defaultdict(list)
    for row in logged:
        if row.type == "poll.vote_cast":
            cast_seqs[student_index[row.payload["user_id"]]].append((row.seq, row.occurred_at))
    received = {entry["seq"]: at for at, entry in listener.tallies}
    tally_seqs = [row.seq for row in tallies]
    tally_at = {row.seq: row.occurred_at for row in tallies}
    to_socket: list[float] = []
    in_log: list[float] = []
    uncovered = 0
    for vote in sorted((v for v in votes if v.status == 200), key=lambda v: v.sent):
        attempts = cast_seqs[vote.student]
        if vote.attempt >= len(attempts):
            continue  # a revote the server saw as the same choice (none here)
        seq, occurred = attempts[vote.attempt]
        covering = next((s for s in tally_seqs if s > seq), None)
        if covering is None:
            uncovered += 1
            continue
        in_log.append((tally_at[covering] - occurred).total_seconds())
        if covering in received:
            to_socket.append(received[covering] - vote.sent)
    print("\nvote -> a tally that includes it:")
    print(f"  request sent -> tally on the socket: {shared.percentiles(to_socket)}")
    print(f"  in the log (occurred_at):            {shared.percentiles(in_log)}")
    print(f"  votes without a later tally: {uncovered}")
    times = [row.occurred_at for row in tallies]
    gaps = [(b - a).total_seconds() for a, b in itertools.pairwise(times)]
    print(
        f"\ntallies: {len(tallies)} in the log, {len(listener.tallies)} on the socket;"
        f" least gap {min(gaps) * 1000 if gaps else float('nan'):.0f} ms,"
        f" median gap {statistics.median(gaps) * 1000 if gaps else float('nan'):.0f} ms"
    )
    if listener.errors:
        print(f"socket errors: {listener.errors}")
    print(
        "\nCPU over the voting: api "
        + ", ".join(f"{c / voting:.0%}" for c in cpu)
        + f"; this process {own / voting:.0%}; load average after: {os.getloadavg()[0]:.1f}"
    )


if __name__ == "__main__":
    main()
