"""Round 6 (worker-thread hops) measured in one process: the app as it is against the same
app with the request's session and the Idempotency-Key dependency as they were before
(`app.dependency_overrides`), in alternating batches, so that whatever else runs on the
machine weighs on both alike.

    .venv/bin/python bench/commands/stack.py --setup --students 1500
    .venv/bin/python bench/commands/hops.py --batches 20 --size 50

Before: `DbSession` a sync generator (FastAPI enters and ends it in two worker-thread
hops), and `idempotency_key` asking for `CurrentUser` (a worker-thread hop and the user's
query on every command, with a key or without). After: the session opened on the event
loop and ended in one hop; the caller looked up only when a key comes, in the claim's
own hop. Both ways go through `dependency_overrides` (which costs by itself), so the
absolute numbers are above `stack.py`'s; the difference is the change. CPU per request
(`time.process_time()`, every thread) per batch; the median and lowest batch of each are
printed.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import sys
import tempfile
import time
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))
import stack
from fastapi import Request
from sqlalchemy.orm import Session

from multistream import dependencies, idempotency
from multistream.app import create_app
from multistream.auth.dependencies import CurrentUser
from multistream.dependencies import get_resources
from multistream.idempotency import IdempotencyKey
from multistream.settings import Settings


def sync_db_session(request: Request) -> Iterator[Session]:
    """`DbSession` before: a sync generator."""
    with get_resources(request).sessions() as session, session.begin():
        yield session


async def idempotency_key_with_user(
    request: Request, user: CurrentUser
) -> AsyncIterator[IdempotencyKey]:
    """`idempotency_key` before, for requests without a key: the caller looked up."""
    assert request.headers.get(idempotency.HEADER) is None
    yield IdempotencyKey(None)


async def main_async(args: argparse.Namespace) -> None:
    saved = json.loads(args.plan.read_text())
    os.environ.update(
        {
            "DATABASE_URL": saved["database_url"],
            "MULTISTREAM_PUBLIC_URL": stack.PUBLIC_URL,
            "MULTISTREAM_LOG_LEVEL": "WARNING",
            "MULTISTREAM_RATE_LIMIT_CHAT_SESSION": "1000000/10",
            "MULTISTREAM_RATE_LIMIT_VOTES_SESSION": "1000000/10",
            "MULTISTREAM_RATE_LIMIT_JOINS_SESSION": "1000000/10",
        }
    )
    before: dict[Any, Any] = {
        dependencies._db_session: sync_db_session,
        idempotency.idempotency_key: idempotency_key_with_user,
    }
    # Both ways through an override (FastAPI rebuilds a dependency's signature per request
    # when any override is set): "after" overrides each with itself.
    after: dict[Any, Any] = {call: call for call in before}
    app = create_app(Settings())
    driver = stack.Driver(app)
    tokens = saved["tokens"]
    plan = stack.saved_plan(saved)
    async with app.router.lifespan_context(app):
        print(f"load {os.getloadavg()[0]:.2f}")
        print("| scenario | before: median / lowest batch | after: median / lowest batch |")
        print("| --- | --- | --- |")
        for scenario in args.scenarios.split(","):
            cpu: dict[str, list[float]] = {"before": [], "after": []}
            for batch in range(-2, args.batches * 2):  # the first two: warm-up, not counted
                way = "before" if batch % 2 == 0 else "after"
                app.dependency_overrides = dict(before if way == "before" else after)
                started = time.process_time()
                for _ in range(args.size):
                    method, path, who, body = plan.next(scenario)
                    status, content = await asyncio.wait_for(
                        driver.request(
                            method, path, token=tokens[who] if who is not None else None, body=body
                        ),
                        30,
                    )
                    assert 200 <= status < 300, (status, content[:200])
                if batch >= 0:
                    cpu[way].append((time.process_time() - started) / args.size * 1000)
            print(
                f"| {scenario} | {statistics.median(cpu['before']):.3f} /"
                f" {min(cpu['before']):.3f} | {statistics.median(cpu['after']):.3f} /"
                f" {min(cpu['after']):.3f} |",
                flush=True,
            )
        print(f"load {os.getloadavg()[0]:.2f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--plan", type=Path, default=Path(tempfile.gettempdir(), "multistream_bench_stack.json")
    )
    parser.add_argument("--batches", type=int, default=20, help="of each way, alternating")
    parser.add_argument("--size", type=int, default=50, help="requests per batch")
    parser.add_argument("--scenarios", default="courses,state,vote,chat,upvote,join")
    parser.add_argument("--cpus", default="0")
    args = parser.parse_args()
    stack.shared.pin_self({int(c) for c in args.cpus.split(",")})
    import uvloop

    uvloop.run(main_async(args))


if __name__ == "__main__":
    main()
