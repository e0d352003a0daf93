"""Request-scoped dependencies shared by every router: resources, the database session and
the client's address.

The request owns the transaction: `DbSession` opens it before the handler runs and
commits it when the handler returns, before the response is sent (scope="function"), so a
client never sees a success that was not committed. Services only flush.

A handler that appends to a class's log ends with `committed(db, result)`: its commit
then runs in the handler's own worker thread, so the class's lock is released there. Left
to the dependency, it would wait for FastAPI's validation of the returned model, which
takes another worker thread from the pool (a sync endpoint's): with more requests on one
class in flight than the pool has threads, every thread could be waiting for the lock
that the request holding it cannot release for want of a thread.

`DbSession` is an async dependency: opening a session and its transaction does no I/O (the
connection is taken at the first statement, in the worker thread that runs it), so it
happens on the event loop; only the end (commit or rollback, and returning the connection)
goes to a worker thread. A sync generator would take two worker-thread hops, one to open
and one to end (~50 µs of CPU each).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import ExitStack
from typing import TYPE_CHECKING, Annotated, TypeVar

import anyio.to_thread
from anyio import CancelScope, CapacityLimiter
from fastapi import Depends, Request
from sqlalchemy.orm import Session
from starlette.requests import HTTPConnection

if TYPE_CHECKING:
    from multistream.app import Resources


async def _resources(request: Request) -> Resources:
    """`get_resources` as a dependency: async, so FastAPI calls it on the event loop
    instead of handing it to a worker thread."""
    return get_resources(request)


def get_resources(request: Request) -> Resources:
    resources: Resources = request.app.state.resources
    return resources


AppResources = Annotated["Resources", Depends(_resources)]


async def _db_session(request: Request) -> AsyncIterator[Session]:
    opened = ExitStack()
    session = opened.enter_context(get_resources(request).sessions())
    opened.enter_context(session.begin())
    # Ended as `with sessions() as session, session.begin()` ends (commit, or rollback on
    # an error, then close), in a worker thread of its own: not one of the pool's, which
    # may all be taken by requests waiting for the connection this one holds. Shielded: a
    # cancelled request still gives its connection back.
    try:
        yield session
    except BaseException as error:
        with CancelScope(shield=True):
            suppressed = await anyio.to_thread.run_sync(
                opened.__exit__, type(error), error, error.__traceback__, limiter=_limiter()
            )
        if not suppressed:
            raise
    else:
        with CancelScope(shield=True):
            await anyio.to_thread.run_sync(opened.__exit__, None, None, None, limiter=_limiter())


def _limiter() -> CapacityLimiter:
    return CapacityLimiter(1)


DbSession = Annotated[Session, Depends(_db_session, scope="function")]

T = TypeVar("T")


def committed(db: Session, result: T) -> T:
    """Commit the request's transaction now, in the calling worker thread, and return
    `result` (the dependency's own end then has nothing left to commit)."""
    db.commit()
    return result


def _client_address(connection: HTTPConnection) -> str:
    """Where the request comes from: the connection's peer, or, behind the proxies of
    `trusted_proxies`, the address they forwarded (`create_app` puts uvicorn's
    ProxyHeadersMiddleware in front)."""
    return connection.client.host if connection.client else "unknown"


ClientAddress = Annotated[str, Depends(_client_address)]
