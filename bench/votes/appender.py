"""Group commit in process: many threads voting in one class, with and without
`eventlog.appender`, back to back in one process (no HTTP, no authentication).

    .venv/bin/python bench/votes/appender.py --threads 20 --votes 2000 --rounds 2

It recreates and migrates `--database`, starts the api once to make a teacher, a class and
an open poll through REST (`bench/shared.classroom`), writes `--students` students straight
into the database and stops the api. Then, `--rounds` times, each mode in turn:

- `inline`: each thread calls `polls.vote` in a transaction of its own (what the api does
  without an appender: the vote's write waits for the class's lock in PostgreSQL);
- `appender`: the same, with the process's `Appender` (the route's path).

`--threads` threads vote `--votes` times in all, each vote the next student's, alternating
options (so each vote is a change and appends an event), events published to Redis after
the commit as in the api. It reports, per mode and round: votes per second, process CPU
per vote (every thread: `time.process_time`), and for the appender the transactions
written (votes per transaction). The log is checked at the end: gapless, and the counters
equal a recount.
"""

from __future__ import annotations

import argparse
import itertools
import os
import sys
import threading
import time
import uuid
from pathlib import Path

import redis
import sqlalchemy as sa

import multistream.tables  # noqa: F401 - every table, so foreign keys resolve
from multistream.auth.models import User
from multistream.db.engine import make_engine, make_sessionmaker, transaction
from multistream.devtools.databases import fresh_database
from multistream.eventlog import appender, publisher
from multistream.polls import service as polls
from multistream.polls.schemas import PollBallot
from multistream.ratelimit import RateLimiter
from multistream.sessions.act import Act
from multistream.sessions.models import LiveSession
from multistream.settings import Settings

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
import shared


def vote_many(
    sessions: sa.orm.sessionmaker[sa.orm.Session],
    *,
    session_id: uuid.UUID,
    poll_id: uuid.UUID,
    options: list[str],
    students: list[uuid.UUID],
    votes: int,
    threads: int,
    limiter: RateLimiter,
    with_appender: appender.Appender | None,
    turn: int,
) -> float:
    """Wall seconds for `votes` votes from `threads` threads."""
    numbers = itertools.count()
    lock = threading.Lock()
    errors: list[BaseException] = []

    def voter() -> None:
        while True:
            with lock:
                n = next(numbers)
            if n >= votes:
                return
            student = students[n % len(students)]
            option = options[(n // len(students) + turn + n) % len(options)]
            try:
                with transaction(sessions) as db:
                    live = db.get(LiveSession, session_id)
                    assert live is not None
                    polls.vote(
                        db,
                        act=Act(live, User(id=student), staff=False),
                        poll_id=poll_id,
                        ballot=PollBallot(option_ids=[option]),
                        rate_limiter=limiter,
                        appender=with_appender,
                    )
            except BaseException as error:  # reported below
                errors.append(error)
                return

    workers = [threading.Thread(target=voter) for _ in range(threads)]
    started = time.monotonic()
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    if errors:
        raise errors[0]
    return time.monotonic() - started


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--threads", type=int, default=20)
    parser.add_argument("--votes", type=int, default=2000, help="per mode and round")
    parser.add_argument("--students", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--port", type=int, default=8494)
    parser.add_argument("--database", default="multistream_bench_appender")
    args = parser.parse_args()

    database_url = fresh_database(args.database)
    public_url = f"http://127.0.0.1:{args.port}"
    api = shared.start_api(args.port, database_url, public_url)
    try:
        room = shared.classroom(public_url)
    finally:
        shared.stop([api])
    students = shared.enroll_students(database_url, room.course_id, args.students)
    options = [option["id"] for option in room.poll["options"]]
    session_id, poll_id = uuid.UUID(room.session_id), uuid.UUID(room.poll["id"])

    settings = Settings(
        database_url=database_url,
        rate_limit_votes="1000000/10",
        rate_limit_votes_session="1000000/10",
    )
    engine = make_engine(settings)
    sessions = make_sessionmaker(engine)
    client = redis.Redis.from_url(settings.redis_url)
    publisher.install(sessions, client)
    limiter = RateLimiter(client, settings)
    line = appender.Appender(sessions)
    print(
        f"{args.threads} threads, {args.votes} votes per run, one class;"
        f" load average before: {os.getloadavg()[0]:.1f}"
    )
    turn = 0
    for round_ in range(1, args.rounds + 1):
        for mode in ("inline", "appender"):
            batches = line.batches
            cpu = time.process_time()
            wall = vote_many(
                sessions,
                session_id=session_id,
                poll_id=poll_id,
                options=options,
                students=students,
                votes=args.votes,
                threads=args.threads,
                limiter=limiter,
                with_appender=line if mode == "appender" else None,
                turn=turn,
            )
            cpu = time.process_time() - cpu
            turn += 2  # each vote a change, across runs too
            written = line.batches - batches
            per_transaction = (
                f", {args.votes / written:.1f} votes per transaction" if written else ""
            )
            print(
                f"round {round_} {mode:8}: {args.votes / wall:6.0f} votes/s,"
                f" {cpu / args.votes * 1000:.2f} ms CPU per vote{per_transaction};"
                f" load {os.getloadavg()[0]:.1f}"
            )

    with engine.connect() as connection:
        seqs = (
            connection.execute(
                sa.text("SELECT seq FROM session_events WHERE session_id = :s ORDER BY seq"),
                {"s": session_id},
            )
            .scalars()
            .all()
        )
        kept = connection.execute(
            sa.text("SELECT option_id, votes FROM poll_option_counts WHERE poll_id = :p"),
            {"p": poll_id},
        ).all()
        recount = connection.execute(
            sa.text(
                "SELECT o, count(*) FROM poll_votes, unnest(option_ids) AS o"
                " WHERE poll_id = :p GROUP BY o"
            ),
            {"p": poll_id},
        ).all()
    gapless = list(seqs) == list(range(1, len(seqs) + 1))
    exact = sorted(map(tuple, kept)) == sorted(map(tuple, recount))
    print(f"log gapless: {'yes' if gapless else 'NO'}; counters exact: {'yes' if exact else 'NO'}")
    engine.dispose()
    client.close()


if __name__ == "__main__":
    main()
