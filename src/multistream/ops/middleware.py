"""Request ids, access logs and request metrics, as one pure ASGI middleware."""

from __future__ import annotations

import re
import time
import uuid

import structlog
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from multistream.ops.metrics import REQUEST_SECONDS

log = structlog.get_logger("multistream.access")
_VALID_REQUEST_ID = re.compile(r"^[A-Za-z0-9._\-]{8,128}$")


def request_id_of(scope: Scope) -> str:
    """The caller's `X-Request-ID` when well-formed, else a new one."""
    incoming = dict(scope["headers"]).get(b"x-request-id", b"").decode("latin-1")
    return incoming if _VALID_REQUEST_ID.match(incoming) else uuid.uuid4().hex


class RequestContextMiddleware:
    """Give every request an id (`X-Request-ID`, kept from the caller when well-formed),
    bind it to the logs, echo it in the response, and time the request."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        request_id = request_id_of(scope)
        scope.setdefault("state", {})["request_id"] = request_id
        structlog.contextvars.clear_contextvars()
        structlog.contextvars.bind_contextvars(request_id=request_id)
        status = 500
        started = time.perf_counter()

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message.setdefault("headers", [])
                message["headers"] = [
                    *message["headers"],
                    (b"x-request-id", request_id.encode()),
                ]
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            elapsed = time.perf_counter() - started
            route = scope.get("route")
            template = getattr(route, "path", "unmatched")
            if scope["type"] == "http":
                REQUEST_SECONDS.labels(scope["method"], template, f"{status // 100}xx").observe(
                    elapsed
                )
                client = scope.get("client")
                log.info(
                    "request",
                    method=scope["method"],
                    path=scope["path"],
                    # The caller's address: behind nginx, the one the proxy middleware took
                    # from X-Forwarded-For (the proxy is in MULTISTREAM_TRUSTED_PROXIES).
                    client=client[0] if client else None,
                    status=status,
                    duration_ms=round(elapsed * 1000, 1),
                )
            structlog.contextvars.clear_contextvars()
