"""The live socket of a session, `WS /api/v1/sessions/{session_id}/live`.

The handler does the handshake (hello → admission → welcome, see `protocol`), hands the
socket to the hub, and reads from it to notice the client leaving and to take fresh
tokens (the hub interrupts that read when it cuts the socket off). It closes the socket
when the hub cut it off (4008; 4401 when its token expired with no fresh one sent; 4403;
1011), when a fresh token is refused (4401), or the client broke the protocol (4400).
"""

from __future__ import annotations

import asyncio
import contextlib
import re
from typing import Any

import pydantic
import structlog
from fastapi import APIRouter, WebSocket, WebSocketDisconnect
from starlette.types import Scope

from multistream.ops.middleware import request_id_of
from multistream.realtime.gateway import Hub
from multistream.realtime.protocol import ClientFrame, CloseCode, FreshToken, Hello
from multistream.realtime.service import Refused
from multistream.realtime.subscriber import Subscriber

log = structlog.get_logger(__name__)
router = APIRouter(prefix="/api/v1", tags=["realtime"])

CLOSE_TIMEOUT_SECONDS = 10.0
"""How long closing may wait for a client that does not read (its buffer is full)."""

REASONS = {
    CloseCode.slow_client: "too far behind; reconnect with after=<last seq>",
    CloseCode.unexpected_frame: "send only token or pong frames; commands go over REST",
    CloseCode.unauthenticated: "token expired or refused; refresh it and reconnect",
    CloseCode.internal_error: "gateway error; reconnect with after=<last seq>",
    CloseCode.forbidden: "no longer allowed in this class",
}


@router.websocket("/sessions/{session_id}/live")
async def live(websocket: WebSocket, session_id: str) -> None:
    await serve(websocket, session_id, websocket.app.state.resources.hub)


_LIVE_PATH = re.compile(
    r"^/api/v1/sessions/([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})/live$"
)


def direct_live_socket(scope: Scope) -> str | None:
    """The session id when `scope` is a live socket the app serves directly (`serve`),
    past the middleware, FastAPI's routing and its dependencies; None for anything else.

    A socket's handler runs for the socket's whole life, so each layer it runs under stays
    suspended as long: every frame, wrapper and exit stack is kept per idle socket
    (`bench/fanout/memory.py`). So the app (`app.Multistream.__call__`) hands a live socket
    with a well-formed session id and no query string straight to `serve`, with its request
    id bound to the logs (the caller's `X-Request-ID` when well-formed), all the middleware
    would do for it; what `inputs.check_inputs` would check is then a UUID in the path. Any
    other socket (a query string, a malformed id) takes the full stack and `live`."""
    if (
        scope["type"] != "websocket"
        or scope.get("query_string")
        or (match := _LIVE_PATH.match(scope["path"])) is None
    ):
        return None
    structlog.contextvars.clear_contextvars()
    structlog.contextvars.bind_contextvars(request_id=request_id_of(scope))
    return match.group(1)


async def serve(websocket: WebSocket, session_id: str, hub: Hub) -> None:
    """One live socket, from its handshake to its close."""
    await websocket.accept()
    _forget_handshake(websocket)
    try:
        hello = await _receive_hello(websocket, hub.settings.realtime_hello_timeout_seconds)
        admission = await hub.gate.admit(token=hello.token, session_id=session_id)
        after = hello.after
        del hello  # and its token: the socket lives for hours
    except Refused as refused:
        await _close(websocket, refused.code, refused.reason)
        return
    except WebSocketDisconnect:
        return
    except Exception:
        log.exception("live socket handshake failed")
        await _close(websocket, CloseCode.internal_error, REASONS[CloseCode.internal_error])
        return

    structlog.contextvars.bind_contextvars(
        session_id=str(admission.session_id), user_id=str(admission.viewer.user_id)
    )
    # This handler reads the socket itself; when the hub cuts the socket off it
    # interrupts the read (one task per socket, and none at all while it is live).
    handler = asyncio.current_task()
    assert handler is not None

    def interrupt() -> None:
        handler.cancel()

    subscriber = hub.attach(websocket, admission, after=after, on_cut_off=interrupt)
    code: CloseCode | None = None
    try:
        code = await _read_until_closed(websocket, hub, subscriber)
    except asyncio.CancelledError:
        if subscriber.close_code is None:
            raise  # not the hub's doing: the server is stopping
        handler.uncancel()
    finally:
        hub.detach(subscriber)
        subscriber.stop()
    code = subscriber.close_code or code
    if code is not None:
        await _close(websocket, code, REASONS[code])


def _forget_handshake(websocket: WebSocket) -> None:
    """Let go of the handshake's request and response (their headers, ~4 KB), which
    uvicorn's websockets-sansio connection keeps for its life but reads only before the
    socket is accepted (the ASGI scope has a copy of the request's headers)."""
    protocol = getattr(getattr(websocket, "_receive", None), "__self__", None)
    if protocol is None or not getattr(protocol, "handshake_complete", False):
        return
    for name in ("request", "response"):
        message: Any = getattr(protocol, name, None)
        if message is None:
            continue
        # Emptied too: the websockets parser's suspended generator still holds the request.
        with contextlib.suppress(AttributeError):
            message.headers.clear()
        setattr(protocol, name, None)
    websocket.scope["headers"] = []  # the copy: nothing reads it once the socket is open


async def _receive_hello(websocket: WebSocket, timeout: float) -> Hello:
    try:
        async with asyncio.timeout(timeout):
            message = await websocket.receive()
    except TimeoutError:
        raise Refused(CloseCode.unauthenticated, "no hello in time") from None
    if message["type"] == "websocket.disconnect":
        raise WebSocketDisconnect(message.get("code", 1000))
    try:
        return Hello.model_validate_json(message.get("text") or "")
    except pydantic.ValidationError:
        raise Refused(CloseCode.unauthenticated, "the first frame must be a hello") from None


async def _read_until_closed(
    websocket: WebSocket, hub: Hub, subscriber: Subscriber
) -> CloseCode | None:
    """None when the client leaves; a close code when it sends what it must not. The hub
    cuts the socket off (4401) when its token expires before a fresh one came
    (`Gatekeeper.expire`); a fresh one is checked here and moves that expiry."""
    while True:
        message = await websocket.receive()
        if message["type"] == "websocket.disconnect":
            return None
        try:
            frame = ClientFrame.validate_json(message.get("text") or "")
        except pydantic.ValidationError:
            return CloseCode.unexpected_frame
        if isinstance(frame, FreshToken):
            try:
                subscriber.expires_at = await hub.gate.renew(
                    token=frame.token, admission=subscriber.admission
                )
            except Refused:
                return CloseCode.unauthenticated
            except Exception:
                log.exception("checking a live socket's fresh token failed")
                return CloseCode.internal_error


async def _close(websocket: WebSocket, code: CloseCode, reason: str) -> None:
    with contextlib.suppress(TimeoutError, RuntimeError, OSError, WebSocketDisconnect):
        async with asyncio.timeout(CLOSE_TIMEOUT_SECONDS):
            await websocket.close(int(code), reason)
