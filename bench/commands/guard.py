"""The class guard alone: CPU per request of finding the caller and the class, two queries
(`user_for_token` + `session_access`) against one (`caller_session_access`).

    .venv/bin/python bench/commands/run.py --scenarios state      # leaves its database
    .venv/bin/python bench/commands/guard.py --calls 2000

Each call is a transaction of its own on the database `bench/commands/run.py` left
(`multistream_bench_commands`), as a request's would be, for the class's members in turn;
`time.process_time()` over the calls is this process's CPU (the ORM, psycopg, the pool),
not PostgreSQL's. The two ways run alternately, twice each.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable

import sqlalchemy as sa
from sqlalchemy.orm import Session

import multistream.tables  # noqa: F401 - every table
from multistream.access import service as access
from multistream.access.policy import Permission
from multistream.access.service import SessionAccess
from multistream.auth import service as auth
from multistream.auth.tokens import VerifiedToken
from multistream.courses.models import CourseMember
from multistream.db.engine import make_sessionmaker
from multistream.sessions.models import LiveSession
from multistream.settings import Settings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--calls", type=int, default=2000)
    parser.add_argument("--database", default="multistream_bench_commands")
    args = parser.parse_args()

    server = Settings().database_url.rsplit("/", 1)[0]
    settings = Settings(database_url=f"{server}/{args.database}")
    factory = make_sessionmaker(sa.create_engine(settings.database_url_sync, pool_size=2))
    with factory() as db:
        session_id = db.scalar(sa.select(LiveSession.id))
        if session_id is None:
            raise SystemExit(f"no class in {args.database}: run bench/commands/run.py first")
        members = db.scalars(
            sa.select(CourseMember.user_id)
            .join(LiveSession, LiveSession.course_id == CourseMember.course_id)
            .where(LiveSession.id == session_id)
            .limit(200)
        ).all()
    tokens = [
        VerifiedToken(subject=str(m), issuer="", authorized_party="", session_id=None, claims={})
        for m in members
    ]

    def two_queries(db: Session, token: VerifiedToken) -> SessionAccess | None:
        user = auth.user_for_token(db, settings=settings, token=token)
        assert user is not None
        return access.session_access(
            db, session_id=session_id, user=user, permission=Permission.session_join
        )

    def one_query(db: Session, token: VerifiedToken) -> SessionAccess | None:
        return access.caller_session_access(
            db, session_id=session_id, token=token, permission=Permission.session_join
        )

    ways: list[tuple[str, Callable[[Session, VerifiedToken], SessionAccess | None]]] = [
        ("user, then class (two queries)", two_queries),
        ("caller and class (one query)", one_query),
    ]
    for name, guard in ways * 2:
        cpu, wall = time.process_time(), time.perf_counter()
        for i in range(args.calls):
            with factory() as db, db.begin():
                assert guard(db, tokens[i % len(tokens)]) is not None
        print(
            f"{name}: {(time.process_time() - cpu) / args.calls * 1000:.3f} ms CPU,"
            f" {(time.perf_counter() - wall) / args.calls * 1000:.3f} ms wall per request"
        )


if __name__ == "__main__":
    main()
