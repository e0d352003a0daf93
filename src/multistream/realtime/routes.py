"""The live socket of a session, `WS /api/v1/sessions/{session_id}/live`.

The handler does the handshake (hello → admission → welcome, see `protocol`), hands the
socket to the hub, and reads from it to notice the client leaving and to take fresh
tokens (the hub interrupts that read when it cuts the socket off). It closes the socket
when the hub cut it off (4008, 4403, 1011), when its token expired with no fresh one sent
(4401), or the client broke the protocol (4400).
"""

from __future__ import annotations

import asyncio
import contextlib
import time

import pydantic
import structlog
from fastapi import APIRouter, WebSocket, WebSocketDisconnect

from multistream.realtime.gateway import Hub
from multistream.realtime.protocol import ClientFrame, CloseCode, FreshToken, Hello
from multistream.realtime.service import Admission, Refused

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
    hub: Hub = websocket.app.state.resources.hub
    await websocket.accept()
    try:
        hello = await _receive_hello(websocket, hub.settings.realtime_hello_timeout_seconds)
        admission = await hub.admit(token=hello.token, session_id=session_id)
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

    subscriber = hub.attach(websocket, admission, after=hello.after, on_cut_off=interrupt)
    code: CloseCode | None = None
    try:
        code = await _read_until_closed(websocket, hub, admission)
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
    websocket: WebSocket, hub: Hub, admission: Admission
) -> CloseCode | None:
    """None when the client leaves; a close code when it sends what it must not, or when
    its token expires (with the verifier's leeway) before it sent a fresh one."""
    leeway = hub.settings.jwt_leeway_seconds
    expires_at = admission.token_expires_at
    while True:
        try:
            async with asyncio.timeout(max(0.0, expires_at + leeway - time.time())):
                message = await websocket.receive()
        except TimeoutError:
            log.info("live socket closed: token expired")
            return CloseCode.unauthenticated
        if message["type"] == "websocket.disconnect":
            return None
        try:
            frame = ClientFrame.validate_json(message.get("text") or "")
        except pydantic.ValidationError:
            return CloseCode.unexpected_frame
        if isinstance(frame, FreshToken):
            try:
                expires_at = await hub.renew(token=frame.token, admission=admission)
            except Refused:
                return CloseCode.unauthenticated
            except Exception:
                log.exception("checking a live socket's fresh token failed")
                return CloseCode.internal_error


async def _close(websocket: WebSocket, code: CloseCode, reason: str) -> None:
    with contextlib.suppress(TimeoutError, RuntimeError, OSError, WebSocketDisconnect):
        async with asyncio.timeout(CLOSE_TIMEOUT_SECONDS):
            await websocket.close(int(code), reason)
