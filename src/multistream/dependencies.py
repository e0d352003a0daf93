"""Request-scoped dependencies shared by every router: resources, the database session and
the client's address.

The request owns the transaction: `DbSession` opens it before the handler runs and
commits it when the handler returns, before the response is sent (scope="function"), so a
client never sees a success that was not committed. Services only flush.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Annotated

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


def _db_session(request: Request) -> Iterator[Session]:
    resources = get_resources(request)
    with resources.sessions() as session, session.begin():
        yield session


DbSession = Annotated[Session, Depends(_db_session, scope="function")]


def _client_address(connection: HTTPConnection) -> str:
    """Where the request comes from: the connection's peer, or, behind the proxies of
    `trusted_proxies`, the address they forwarded (`create_app` puts uvicorn's
    ProxyHeadersMiddleware in front)."""
    return connection.client.host if connection.client else "unknown"


ClientAddress = Annotated[str, Depends(_client_address)]
