"""The class guard alone: CPU per request of finding the caller and the class, two queries
(`user_for_token` + `session_access`) against one (`caller_session_access`), and against
what a per-process cache of the caller and their role would leave on a hit (the class and
its course: one query without the user and the membership). Then the caller alone, as the
routes that ask for `CurrentUser` find them, against nothing in their place (each with a
`SELECT 1` after it: a request's transaction has its own statement to run, which checks
out the connection if the caller's did not).

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
import uuid
from collections.abc import Callable

import sqlalchemy as sa
from sqlalchemy.orm import Session

import multistream.tables  # noqa: F401 - every table
from multistream.access import service as access
from multistream.access.policy import Permission
from multistream.access.service import SessionAccess
from multistream.auth import service as auth
from multistream.auth.models import User
from multistream.auth.tokens import VerifiedToken
from multistream.courses.models import Course, CourseMember
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
        known = {
            user.id: (user, role)
            for user, role in db.execute(
                sa.select(User, CourseMember.role)
                .join(CourseMember, CourseMember.user_id == User.id)
                .join(LiveSession, LiveSession.course_id == CourseMember.course_id)
                .where(LiveSession.id == session_id, User.id.in_(members))
            ).all()
        }
        db.expunge_all()
    tokens = [
        VerifiedToken(subject=str(m), issuer="", authorized_party="", session_id=None, claims={})
        for m in members
    ]
    the_class = (
        sa.select(LiveSession, Course)
        .join(Course, Course.id == LiveSession.course_id)
        .where(LiveSession.id == session_id)
    )

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

    def cache_hit(db: Session, token: VerifiedToken) -> SessionAccess | None:
        user, role = known[uuid.UUID(token.subject)]  # as a cache would have them
        session, course = db.execute(the_class).one()
        return SessionAccess(session=session, course=course, user=user, role=role)

    def caller(db: Session, token: VerifiedToken) -> object:
        found = auth.user_for_token(db, settings=settings, token=token)
        db.execute(sa.select(1))
        return found

    def no_caller(db: Session, token: VerifiedToken) -> object:
        return db.execute(sa.select(1)).scalar()

    ways: list[tuple[str, Callable[[Session, VerifiedToken], object]]] = [
        ("user, then class (two queries)", two_queries),
        ("caller and class (one query)", one_query),
        ("class only (a cache hit of the caller and role)", cache_hit),
        ("caller (user_for_token) + SELECT 1", caller),
        ("SELECT 1 only (a cache hit of the caller)", no_caller),
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
