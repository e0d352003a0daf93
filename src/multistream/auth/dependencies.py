"""`CurrentUser`: the authenticated caller of a request, or a 401 problem."""

from __future__ import annotations

from typing import Annotated

import structlog
from fastapi import Depends, Request

from multistream.auth import service
from multistream.auth.models import User
from multistream.auth.tokens import InvalidToken, VerifiedToken
from multistream.dependencies import AppResources, DbSession
from multistream.problems import Problem

log = structlog.get_logger(__name__)


def unauthenticated(detail: str = "Sign in to continue.") -> Problem:
    return Problem(
        401,
        "unauthenticated",
        "Authentication required",
        detail,
        headers={"WWW-Authenticate": 'Bearer realm="multistream"'},
    )


def bearer_token(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    return token.strip() if scheme.lower() == "bearer" and token.strip() else None


async def verified_token(request: Request, resources: AppResources) -> VerifiedToken:
    """The request's bearer token, verified (signature, issuer, expiry): no database, so
    on the event loop (no worker-thread hop; a token seen before is a dictionary look-up)."""
    token = bearer_token(request)
    if token is None:
        raise unauthenticated()
    try:
        return resources.verifier.verify(token)
    except InvalidToken as exc:
        log.info("token rejected", reason=str(exc))
        raise unauthenticated("Your session is invalid or has expired. Sign in again.") from exc


VerifiedCaller = Annotated[VerifiedToken, Depends(verified_token)]


def caller_is(user: User | None) -> User:
    """The user a token speaks for, now known to the request's log lines; 401 when none."""
    if user is None:
        raise unauthenticated(
            "You were signed out, or this account no longer exists. Sign in again."
        )
    structlog.contextvars.bind_contextvars(user_id=str(user.id))
    return user


def current_user(verified: VerifiedCaller, db: DbSession, resources: AppResources) -> User:
    return caller_is(service.user_for_token(db, settings=resources.settings, token=verified))


CurrentUser = Annotated[User, Depends(current_user)]
