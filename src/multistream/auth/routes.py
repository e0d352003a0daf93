"""The local identity provider, `GET /api/v1/me`, and Clerk's user webhook."""

from __future__ import annotations

import json
from typing import Any

import anyio.to_thread
import structlog
from fastapi import APIRouter, Request
from sqlalchemy.dialects.postgresql import insert as pg_insert
from svix.webhooks import Webhook, WebhookVerificationError

from multistream.auth import service
from multistream.auth.dependencies import CurrentUser
from multistream.auth.schemas import (
    Jwks,
    LoginRequest,
    RefreshRequest,
    SignupRequest,
    TokenPair,
    UserRead,
)
from multistream.db.engine import transaction
from multistream.dependencies import AppResources, ClientAddress, DbSession
from multistream.eventlog.models import WebhookProvider, WebhookReceipt
from multistream.ops.metrics import WEBHOOKS
from multistream.problems import Problem, not_found

log = structlog.get_logger(__name__)

local_router = APIRouter(prefix="/auth/local", tags=["auth"])
me_router = APIRouter(prefix="/api/v1", tags=["auth"])
webhook_router = APIRouter(prefix="/webhooks", tags=["webhooks"])


def _authorized_party(request: Request, resources: AppResources) -> str:
    """The web app origin the tokens are for: the caller's Origin when it is allowed."""
    origin = request.headers.get("origin", "").rstrip("/")
    return origin if origin in resources.settings.web_origins else resources.settings.public_url


def _require_local_provider(resources: AppResources) -> None:
    if resources.settings.auth_provider != "local":
        raise not_found("The local sign-in")


@local_router.post(
    "/signup",
    status_code=201,
    summary="Create a local account",
    responses={429: {"description": "rate-limited: too many sign-ups from the address"}},
)
def signup(
    body: SignupRequest,
    request: Request,
    db: DbSession,
    resources: AppResources,
    address: ClientAddress,
) -> TokenPair:
    _require_local_provider(resources)
    return service.signup(
        db,
        settings=resources.settings,
        keys=resources.keys,
        email=str(body.email),
        password=body.password,
        display_name=body.display_name,
        authorized_party=_authorized_party(request, resources),
        limiter=resources.rate_limiter,
        address=address,
    )


@local_router.post(
    "/login",
    summary="Sign in with email and password",
    responses={
        401: {"description": "invalid-credentials"},
        429: {"description": "too-many-attempts: wait Retry-After seconds"},
    },
)
def login(
    body: LoginRequest, request: Request, resources: AppResources, address: ClientAddress
) -> TokenPair:
    _require_local_provider(resources)
    # Its own transaction: a failed attempt is counted (committed) and then refused.
    with transaction(resources.sessions) as db:
        outcome = service.login(
            db,
            settings=resources.settings,
            keys=resources.keys,
            limiter=resources.rate_limiter,
            address=address,
            email=str(body.email),
            password=body.password,
            authorized_party=_authorized_party(request, resources),
        )
    if isinstance(outcome, service.Refused):
        raise outcome.problem
    return outcome.tokens


@local_router.post(
    "/refresh",
    summary="Exchange a refresh token for new tokens (the refresh token rotates)",
    responses={401: {"description": "invalid-refresh-token"}},
)
def refresh(body: RefreshRequest, request: Request, resources: AppResources) -> TokenPair:
    _require_local_provider(resources)
    with transaction(resources.sessions) as db:
        outcome = service.refresh(
            db,
            settings=resources.settings,
            keys=resources.keys,
            refresh_token=body.refresh_token,
            authorized_party=_authorized_party(request, resources),
        )
    if isinstance(outcome, service.Refused):
        raise outcome.problem
    return outcome.tokens


@local_router.get("/.well-known/jwks.json", summary="Public keys of the local provider")
def jwks(resources: AppResources) -> Jwks:
    _require_local_provider(resources)
    return Jwks.model_validate(resources.keys.jwks())


@me_router.get("/me", summary="The signed-in user")
def me(user: CurrentUser) -> UserRead:
    return UserRead.model_validate(user)


def _bad_signature() -> Problem:
    return Problem(
        401, "invalid-signature", "Invalid signature", "The webhook signature did not verify."
    )


@webhook_router.post(
    "/clerk",
    summary="Clerk user events (Svix-signed)",
    openapi_extra={"x-permission": "signature"},
)
async def clerk_webhook(request: Request, resources: AppResources) -> dict[str, str]:
    secret = resources.settings.clerk_webhook_secret.get_secret_value()
    if not secret:
        raise not_found("The Clerk webhook")
    body = await request.body()
    try:
        # Checks the signature and that the timestamp is within five minutes.
        Webhook(secret).verify(body, dict(request.headers))
    except WebhookVerificationError as exc:
        log.warning("clerk webhook rejected", reason=str(exc))
        WEBHOOKS.labels("clerk", "rejected").inc()
        raise _bad_signature() from exc
    try:
        event: dict[str, Any] = json.loads(body)
    except ValueError as exc:
        WEBHOOKS.labels("clerk", "rejected").inc()
        raise Problem(422, "validation", "Invalid webhook", "The body is not JSON.") from exc
    event_id = request.headers["svix-id"]

    def apply() -> str:
        with transaction(resources.sessions) as db:
            first_time = db.execute(
                pg_insert(WebhookReceipt)
                .values(provider=WebhookProvider.clerk, event_id=event_id)
                .on_conflict_do_nothing()
                .returning(WebhookReceipt.event_id)
            ).scalar_one_or_none()
            if first_time is None:
                return "duplicate"
            service.apply_clerk_event(
                db, event_type=str(event.get("type", "")), data=event.get("data") or {}
            )
        return "processed"

    status = await anyio.to_thread.run_sync(apply)
    WEBHOOKS.labels("clerk", "duplicate" if status == "duplicate" else "accepted").inc()
    return {"status": status}
