"""The local identity provider, `GET /api/v1/me`, and Clerk's user webhook.

The refresh token lives only in an HttpOnly cookie (`multistream_refresh`: SameSite=Strict,
Secure when the api is served over TLS, Path=/auth/local so it reaches only refresh and
logout); bodies carry the access token alone, which the web app keeps in memory. Why
cross-site requests cannot use the cookie: docs/identity-and-access.md.
"""

from __future__ import annotations

import json
from typing import Any

import anyio.to_thread
import structlog
from fastapi import APIRouter, Request, Response
from svix.webhooks import Webhook, WebhookVerificationError

from multistream import problems
from multistream.auth import service
from multistream.auth.dependencies import CurrentUser
from multistream.auth.schemas import AccessGrant, Jwks, LoginRequest, SignupRequest, UserRead
from multistream.db.engine import transaction
from multistream.dependencies import AppResources, ClientAddress, DbSession
from multistream.eventlog.models import WebhookProvider
from multistream.media.webhooks import record_receipt
from multistream.ops.metrics import WEBHOOKS
from multistream.problems import Problem, not_found
from multistream.settings import Settings

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


REFRESH_COOKIE = "multistream_refresh"
REFRESH_COOKIE_PATH = "/auth/local"
"""Refresh and logout: the cookie never travels with /api calls, uploads or pages."""
COOKIE_PERMISSION = "refresh-cookie"
"""`x-permission` of the routes that act on the caller's refresh cookie alone."""


def _cookie_attributes(settings: Settings, *, cross_site: bool = False) -> dict[str, Any]:
    """`SameSite=Strict`, except for a sign-in inside an LMS's iframe (an LTI launch): there
    the page is another site's, and only a `SameSite=None; Secure` cookie is sent."""
    return {
        "path": REFRESH_COOKIE_PATH,
        "secure": settings.serves_tls or cross_site,
        "httponly": True,
        "samesite": "none" if cross_site else "strict",
    }


def set_refresh_cookie(response: Response, issued: service.Issued, settings: Settings) -> None:
    response.set_cookie(
        REFRESH_COOKIE,
        issued.refresh_token,
        max_age=settings.refresh_token_ttl_seconds,
        **_cookie_attributes(settings, cross_site=issued.cross_site),
    )


def _issue_cookie(response: Response, issued: service.Issued, settings: Settings) -> AccessGrant:
    set_refresh_cookie(response, issued, settings)
    return issued.grant


def _clearing_cookie(settings: Settings, *, cross_site: bool = False) -> str:
    """A `Set-Cookie` value that makes the browser forget the refresh cookie."""
    response = Response()
    response.delete_cookie(REFRESH_COOKIE, **_cookie_attributes(settings, cross_site=cross_site))
    return response.headers["set-cookie"]


def _refuse_cross_site(request: Request, resources: AppResources) -> None:
    """Refresh and logout answer only the web app's own origins. SameSite=Strict already
    keeps the cookie off cross-site requests; this also refuses same-site neighbours
    (another app on a sibling subdomain) that a browser would send it from."""
    origin = request.headers.get("origin")
    cross_site = request.headers.get("sec-fetch-site") == "cross-site"
    if cross_site or (
        origin is not None and origin.rstrip("/") not in resources.settings.web_origins
    ):
        raise Problem(
            403,
            "cross-origin-refused",
            "Not from this site",
            "Sessions can only be refreshed or ended from the Multistream web app itself.",
        )


@local_router.post(
    "/signup",
    status_code=201,
    summary="Create a local account",
    responses=problems.answers({429: "rate-limited: too many sign-ups from the address"}),
)
def signup(
    body: SignupRequest,
    request: Request,
    response: Response,
    db: DbSession,
    resources: AppResources,
    address: ClientAddress,
) -> AccessGrant:
    _require_local_provider(resources)
    issued = service.signup(
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
    return _issue_cookie(response, issued, resources.settings)


@local_router.post(
    "/login",
    summary="Sign in with email and password",
    responses=problems.answers(
        {401: "invalid-credentials", 429: "too-many-attempts: wait Retry-After seconds"}
    ),
)
def login(
    body: LoginRequest,
    request: Request,
    response: Response,
    resources: AppResources,
    address: ClientAddress,
) -> AccessGrant:
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
    return _issue_cookie(response, outcome, resources.settings)


@local_router.post(
    "/refresh",
    summary="A new access token for the refresh cookie (which rotates)",
    responses=problems.answers(
        {401: "invalid-refresh-token (the cookie is cleared)", 403: "cross-origin-refused"}
    ),
    openapi_extra={"x-permission": COOKIE_PERMISSION},
)
def refresh(request: Request, response: Response, resources: AppResources) -> AccessGrant:
    _require_local_provider(resources)
    _refuse_cross_site(request, resources)
    with transaction(resources.sessions) as db:
        outcome = service.refresh(
            db,
            settings=resources.settings,
            keys=resources.keys,
            refresh_token=request.cookies.get(REFRESH_COOKIE),
            authorized_party=_authorized_party(request, resources),
        )
    if isinstance(outcome, service.Refused):
        outcome.problem.headers["Set-Cookie"] = _clearing_cookie(resources.settings)
        raise outcome.problem
    return _issue_cookie(response, outcome, resources.settings)


@local_router.post(
    "/logout",
    status_code=204,
    summary="Sign out: revoke the refresh cookie's family and clear the cookie",
    responses=problems.answers({403: "cross-origin-refused"}),
    openapi_extra={"x-permission": COOKIE_PERMISSION},
)
def logout(request: Request, resources: AppResources) -> Response:
    _require_local_provider(resources)
    _refuse_cross_site(request, resources)
    with transaction(resources.sessions) as db:
        service.logout(db, refresh_token=request.cookies.get(REFRESH_COOKIE))
    response = Response(status_code=204)
    response.headers["Set-Cookie"] = _clearing_cookie(resources.settings)
    # Inside an LMS's iframe a `Strict` Set-Cookie is ignored: forget an LTI cookie too.
    response.headers.append("Set-Cookie", _clearing_cookie(resources.settings, cross_site=True))
    return response


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
            if not record_receipt(db, event_id, provider=WebhookProvider.clerk):
                return "duplicate"
            service.apply_clerk_event(
                db, event_type=str(event.get("type", "")), data=event.get("data") or {}
            )
        return "processed"

    status = await anyio.to_thread.run_sync(apply)
    WEBHOOKS.labels("clerk", "duplicate" if status == "duplicate" else "accepted").inc()
    return {"status": status}
