"""Engines and sessions.

The request (or the Celery task) owns the transaction: code below it receives a
`Session` and never commits by itself.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator
from contextlib import contextmanager

import anyio.to_thread
from sqlalchemy import Engine, create_engine
from sqlalchemy.orm import Session, sessionmaker

from multistream.settings import Settings


def make_engine(
    settings: Settings,
    *,
    pool_size: int = 10,
    max_overflow: int | None = None,
    pool_timeout: float = 5.0,
) -> Engine:
    """`pool_size` connections kept open, and up to `max_overflow` more under load (the
    api's default: 40 in all, as many as the threads that run its requests). A checkout
    that waits `pool_timeout` raises `sqlalchemy.exc.TimeoutError`, which the api answers
    503 `overloaded`."""
    return create_engine(
        settings.database_url_sync,
        pool_size=pool_size,
        max_overflow=max_overflow if max_overflow is not None else max(pool_size, 40 - pool_size),
        pool_pre_ping=True,
        pool_timeout=pool_timeout,
        connect_args={"connect_timeout": 5, "application_name": "multistream"},
    )


def make_sessionmaker(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)


@contextmanager
def transaction(factory: sessionmaker[Session]) -> Iterator[Session]:
    """One unit of work: commit when the block succeeds, roll back when it raises."""
    with factory() as session, session.begin():
        yield session


async def dispose_when_idle(engine: Engine, *, timeout: float = 10.0) -> None:
    """Close the pool once the worker threads of this event loop are done (up to `timeout`).

    A task cancelled at shutdown leaves its thread running with a connection checked out;
    disposing under it would orphan that connection, to be closed by the garbage collector."""
    limiter = anyio.to_thread.current_default_thread_limiter()
    deadline = time.monotonic() + timeout
    while limiter.borrowed_tokens and time.monotonic() < deadline:
        await asyncio.sleep(0.05)
    engine.dispose()
