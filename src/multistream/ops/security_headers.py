"""Security headers on every response, and the web app's Content-Security-Policy.

Every HTTP response gets `X-Content-Type-Options: nosniff`, a `Referrer-Policy`, a
`Permissions-Policy` (camera, microphone and screen capture for the app's own origin
only), `X-Frame-Options: DENY` and `frame-ancestors 'none'`, and
`Strict-Transport-Security` when the api is served over TLS (`public_url` is https).

The page of the web app (HTML, served by `webapp`) gets a strict policy: scripts and
styles from the app's own origin only (no inline script), plus exactly the other origins
it talks to: LiveKit's (ws/wss for signalling and its http(s) twin for its validation
call), the object store's (presigned images, slides and replay videos), and Clerk's
frontend API when Clerk signs people in. Every other response (JSON, files) gets
`default-src 'none'`: nothing it contains may run or load anything. FastAPI's own
`/docs` page loads Swagger UI from a CDN with an inline script: it keeps only
`frame-ancestors 'none'`.

Inside an LMS (LTI 1.3): the pages of the web app, and only they, may be framed by the
registered LTI platforms (`Framing`, kept up to date by the LTI routes): their origins
join `frame-ancestors` (and `form-action`, for the deep linking answer posted back to the
LMS), and `X-Frame-Options` is left off those pages (it cannot name origins; browsers
follow `frame-ancestors`). With no platform registered, nothing may frame anything.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from urllib.parse import urlsplit

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from multistream.settings import Settings, StorageBackend

API_DOCUMENTATION = ("/docs", "/redoc")
API_POLICY = "default-src 'none'; frame-ancestors 'none'"
DOCUMENTATION_POLICY = "frame-ancestors 'none'"
PERMISSIONS_POLICY = (
    "camera=(self), microphone=(self), display-capture=(self), fullscreen=(self), "
    "autoplay=(self), geolocation=(), payment=(), usb=(), midi=()"
)
HSTS = "max-age=31536000; includeSubDomains"


def _origin(url: str) -> str | None:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else None


def _twin(origin: str) -> str:
    """ws(s) ⇄ http(s): LiveKit signals over WebSocket and validates over HTTP."""
    swaps = {"ws://": "http://", "wss://": "https://", "http://": "ws://", "https://": "wss://"}
    for prefix, other in swaps.items():
        if origin.startswith(prefix):
            return other + origin.removeprefix(prefix)
    return origin


def clerk_frontend_origin(settings: Settings) -> str | None:
    """Clerk's frontend API (its issuer), whose script and calls the app then allows."""
    return _origin(settings.clerk_issuer) if settings.auth_provider == "clerk" else None


class Framing:
    """The origins that may frame the web app's pages (the registered LTI platforms)."""

    _ORIGIN = re.compile(r"^https?://[A-Za-z0-9.-]+(:[0-9]{1,5})?$")

    def __init__(self) -> None:
        self.origins: tuple[str, ...] = ()

    def update(self, origins: Iterable[str]) -> None:
        # Only well-formed origins reach the header: no quotes, spaces or semicolons.
        self.origins = tuple(sorted({o for o in origins if self._ORIGIN.match(o)}))


def content_security_policy(settings: Settings, framers: Iterable[str] = ()) -> str:
    """The web app page's policy, with the origins this deployment talks to."""
    framers = list(framers)
    own = _origin(settings.public_url)
    connect = ["'self'", *([_twin(own)] if own else [])]
    store: list[str] = []
    if settings.storage_backend is StorageBackend.s3 and (s3 := _origin(settings.s3_endpoint_url)):
        store.append(s3)
    if settings.media_configured and (livekit := _origin(settings.livekit_url)):
        connect += [livekit, _twin(livekit)]
    scripts, styles, images, frames = ["'self'"], ["'self'"], ["'self'", "data:", "blob:"], []
    if clerk := clerk_frontend_origin(settings):
        # Clerk's components: its script and API, avatars from img.clerk.com, the bot
        # check of Cloudflare Turnstile, and the styles it injects at run time.
        scripts += [clerk, "https://challenges.cloudflare.com"]
        connect.append(clerk)
        images.append("https://img.clerk.com")
        frames.append("https://challenges.cloudflare.com")
        styles.append("'unsafe-inline'")
    directives = {
        "default-src": ["'self'"],
        "script-src": scripts,
        "style-src": styles,
        "img-src": [*images, *store],
        "media-src": ["'self'", "blob:", *store],
        "connect-src": list(dict.fromkeys([*connect, *store])),
        "font-src": ["'self'"],
        "worker-src": ["'self'", "blob:"],
        "frame-src": frames or ["'none'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "form-action": ["'self'", *framers],
        "frame-ancestors": ["'self'", *framers] if framers else ["'none'"],
    }
    policy = "; ".join(f"{name} {' '.join(values)}" for name, values in directives.items())
    return policy + ("; upgrade-insecure-requests" if settings.serves_tls else "")


class SecurityHeadersMiddleware:
    """Adds the headers above to every HTTP response (pure ASGI: streaming stays intact)."""

    def __init__(self, app: ASGIApp, settings: Settings, framing: Framing | None = None) -> None:
        self.app = app
        self._settings = settings
        self._framing = framing or Framing()
        self._framers: tuple[str, ...] = ()
        self._page_policy = content_security_policy(settings).encode()
        self._common = [
            (b"x-content-type-options", b"nosniff"),
            (b"referrer-policy", b"same-origin"),
            (b"permissions-policy", PERMISSIONS_POLICY.encode()),
            (b"cross-origin-opener-policy", b"same-origin"),
            *([(b"strict-transport-security", HSTS.encode())] if settings.serves_tls else []),
        ]

    def _policy_for_pages(self) -> bytes:
        if self._framing.origins != self._framers:
            self._framers = self._framing.origins
            self._page_policy = content_security_policy(self._settings, self._framers).encode()
        return self._page_policy

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path: str = scope["path"]
        documentation = path.startswith(API_DOCUMENTATION)

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                content_type = next((v for k, v in headers if k.lower() == b"content-type"), b"")
                page = content_type.startswith(b"text/html") and not documentation
                if documentation:
                    policy = DOCUMENTATION_POLICY.encode()
                elif page:
                    policy = self._policy_for_pages()
                else:
                    policy = API_POLICY.encode()
                framed = page and bool(self._framers)
                message["headers"] = [
                    *headers,
                    *self._common,
                    *([] if framed else [(b"x-frame-options", b"DENY")]),
                    (b"content-security-policy", policy),
                ]
            await send(message)

        await self.app(scope, receive, send_with_headers)
