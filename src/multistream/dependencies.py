"""Request-scoped dependencies shared by every router: resources and the database session.

The request owns the transaction: `DbSession` opens it before the handler runs and
commits it when the handler returns, before the response is sent (scope="function"), so a
client never sees a success that was not committed. Services only flush.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Annotated

from fastapi import Depends, Request
from sqlalchemy.orm import Session

if TYPE_CHECKING:
    from multistream.app import Resources


def get_resources(request: Request) -> Resources:
    resources: Resources = request.app.state.resources
    return resources


AppResources = Annotated["Resources", Depends(get_resources)]


def _db_session(request: Request) -> Iterator[Session]:
    resources = get_resources(request)
    with resources.sessions() as session, session.begin():
        yield session


DbSession = Annotated[Session, Depends(_db_session, scope="function")]
