"""Joins benchmark: N students join one class within a few seconds, as a lecture starts.

    .venv/bin/python bench/joins/run.py --students 1000 --window 10

It recreates and migrates a database of its own (`multistream_bench_joins`), starts the
real api (`multistream api`) pinned to `--api-cpus` with `taskset` and pins itself to
`--client-cpus`, and through REST makes a teacher and a class (`bench/shared.py`). The
students are written straight into the database and get tokens minted with the api's
signing key (as in bench/votes). Student *n* joins at `window x n / N` (`POST …/join`,
the first join of each: it appends `participant.joined` and answers the class's state),
at most `--concurrency` requests in flight; the api's own limits are left as they ship
(`rate_limit_joins_session` 3000/10 s). It reports:

- answers by status (every one should be 200);
- latency from the moment a join was due (so queueing in the client counts) and from the
  moment it was sent: p50 / p90 / p99 / max;
- how long the joins took to be answered, against the window;
- the api's CPU over the joins, per join; the load average before and after;
- correctness: one `participants` row and one `participant.joined` event per student.

Issue 16's goal: 1,000 joins in 10 s with p99 < 1 s.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import time
from pathlib import Path

import httpx
import sqlalchemy as sa

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
import shared


async def join_all(
    base_url: str, session_id: str, tokens: list[str], *, window: float, concurrency: int
) -> tuple[list[float], list[float], dict[int, int], float]:
    """Every student's first join at its time; (latency from due, from sent, statuses,
    seconds from the first due to the last answer)."""
    gate = asyncio.Semaphore(concurrency)
    from_due: list[float] = []
    from_sent: list[float] = []
    statuses: dict[int, int] = {}
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(base_url=base_url, limits=limits, timeout=60) as client:
        start = time.perf_counter() + 0.5

        async def join(n: int, token: str) -> None:
            due = start + window * n / len(tokens)
            await asyncio.sleep(max(0.0, due - time.perf_counter()))
            async with gate:
                sent = time.perf_counter()
                try:
                    response = await client.post(
                        f"/api/v1/sessions/{session_id}/join",
                        headers={"Authorization": f"Bearer {token}"},
                    )
                    status = response.status_code
                except httpx.HTTPError:
                    status = 0
                done = time.perf_counter()
            statuses[status] = statuses.get(status, 0) + 1
            from_due.append(done - due)
            from_sent.append(done - sent)

        await asyncio.gather(*(join(n, token) for n, token in enumerate(tokens)))
        took = time.perf_counter() - start
    return from_due, from_sent, statuses, took


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--students", type=int, default=1000)
    parser.add_argument("--window", type=float, default=10.0, help="seconds the joins span")
    parser.add_argument("--concurrency", type=int, default=50, help="requests in flight")
    parser.add_argument("--api-cpus", default="0", help="taskset CPU list of the api")
    parser.add_argument("--client-cpus", default="1", help="CPUs of this process")
    parser.add_argument("--port", type=int, default=8494)
    parser.add_argument("--database", default="multistream_bench_joins")
    args = parser.parse_args()

    with shared.lecture(args, args.students) as lecture:
        room, database_url = lecture.room, lecture.database_url
        load_before = os.getloadavg()[0]
        cpu_before = shared.cpu_seconds(lecture.api.pid)
        from_due, from_sent, statuses, took = asyncio.run(
            join_all(
                lecture.base_url,
                room.session_id,
                lecture.tokens,
                window=args.window,
                concurrency=args.concurrency,
            )
        )
        api_cpu = shared.cpu_seconds(lecture.api.pid) - cpu_before

    engine = sa.create_engine(database_url)
    with engine.connect() as db:
        rows = db.scalar(
            sa.text("SELECT count(*) FROM participants WHERE session_id = :s"),
            {"s": room.session_id},
        )
        events = db.scalar(
            sa.text(
                "SELECT count(*) FROM session_events"
                " WHERE session_id = :s AND type = 'participant.joined'"
            ),
            {"s": room.session_id},
        )
    engine.dispose()
    print(f"{args.students} joins over {args.window:g} s, {args.concurrency} in flight")
    print(f"answers: {dict(sorted(statuses.items()))}")
    print(f"latency from due: {shared.percentiles(from_due)}")
    print(f"latency from sent: {shared.percentiles(from_sent)}")
    print(f"answered within: {took:.1f} s (window {args.window:g} s)")
    print(f"api CPU: {1000 * api_cpu / args.students:.2f} ms per join ({api_cpu:.1f} s)")
    print(f"load average: {load_before:.1f} -> {os.getloadavg()[0]:.1f}")
    exact = rows == events == args.students
    print(f"participants {rows}, participant.joined {events}: {'exact' if exact else 'NOT exact'}")


if __name__ == "__main__":
    main()
