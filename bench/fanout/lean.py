"""A lean WebSocket client for the fan-out benchmark: what the benchmark needs, no more.

The `websockets` asyncio client costs ~30 µs of CPU per frame it reads (its protocol
object, the frame assembler, a future per `recv`). At 10,000 sockets x 2 events/s the
four client processes then spend most of their one core reading, and each event's
10,000 frames take ~0.3 s to read: the last frames of a burst are *measured* late
because the clients are behind, whichever server sent them (the bare `websockets` server
measured a p99 of 418-460 ms that way). This client is an `asyncio.Protocol` that parses
the server's frames itself (RFC 6455: unmasked, unfragmented text, ping and close frames;
a ping is answered, as any client must) and stamps the time once per `data_received`, before
parsing, so a frame's latency is when its bytes reached the client's loop.

It speaks only the live protocol's client side: an HTTP/1.1 upgrade, a masked `hello`,
then reading. Anything else the server sends (a fragmented or binary frame, a bad
handshake) is a failure, reported as the `websockets` client's exceptions were.
"""

from __future__ import annotations

import asyncio
import base64
import json
import os
import time
from array import array
from datetime import datetime
from urllib.parse import urlsplit

TEXT, CLOSE, PING, PONG = 0x1, 0x8, 0x9, 0xA
NORMAL_CLOSES = {1000, 1001}


def masked_frame(opcode: int, payload: bytes) -> bytes:
    """A client frame (RFC 6455 §5.3: every client frame is masked)."""
    key = os.urandom(4)
    size = len(payload)
    if size < 126:
        header = bytes([0x80 | opcode, 0x80 | size])
    elif size < 1 << 16:
        header = bytes([0x80 | opcode, 0x80 | 126]) + size.to_bytes(2, "big")
    else:
        header = bytes([0x80 | opcode, 0x80 | 127]) + size.to_bytes(8, "big")
    mask = int.from_bytes((key * (size // 4 + 1))[:size], "big")
    body = (int.from_bytes(payload, "big") ^ mask).to_bytes(size, "big") if size else b""
    return header + key + body


def parse_frames(buffer: bytearray) -> list[tuple[int, bytes]]:
    """Take every whole server frame off the front of `buffer`: (opcode, payload) pairs.
    What is left is the start of a frame still arriving."""
    frames: list[tuple[int, bytes]] = []
    at, end = 0, len(buffer)
    while end - at >= 2:
        first, second = buffer[at], buffer[at + 1]
        if not first & 0x80 or second & 0x80:
            raise ValueError("a fragmented or masked frame from the server")
        size, start = second & 0x7F, at + 2
        if size == 126:
            if end - at < 4:
                break
            size, start = int.from_bytes(buffer[at + 2 : at + 4], "big"), at + 4
        elif size == 127:
            if end - at < 10:
                break
            size, start = int.from_bytes(buffer[at + 2 : at + 10], "big"), at + 10
        if end - start < size:
            break
        frames.append((first & 0x0F, bytes(buffer[start : start + size])))
        at = start + size
    del buffer[:at]
    return frames


class Timestamps:
    """`occurred_at` → epoch seconds, parsed once per event (every socket gets the same)."""

    def __init__(self) -> None:
        self._seen: dict[str, float] = {}

    def __call__(self, iso: str) -> float:
        when = self._seen.get(iso)
        if when is None:
            when = self._seen[iso] = datetime.fromisoformat(iso.replace("Z", "+00:00")).timestamp()
        return when


class LeanSocket(asyncio.Protocol):
    """One student's socket: says hello, then records each event's seq and latency."""

    def __init__(
        self,
        url: str,
        hello: dict[str, object],
        latencies: array[float],
        timestamps: Timestamps,
    ) -> None:
        parts = urlsplit(url)
        key = base64.b64encode(os.urandom(16)).decode()
        self._request = (
            f"GET {parts.path} HTTP/1.1\r\nHost: {parts.netloc}\r\nUpgrade: websocket\r\n"
            f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n"
        ).encode()
        self._hello = masked_frame(TEXT, json.dumps(hello).encode())
        self._latencies, self._timestamps = latencies, timestamps
        self._buffer = bytearray()
        self._upgraded = self._closing = False
        self.received: list[int] = []
        self.welcomed: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self.closed: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self.transport: asyncio.Transport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]  # uvloop's is not a subclass
        transport.write(self._request)

    def data_received(self, data: bytes) -> None:
        now = time.time()
        self._buffer += data
        try:
            if not self._upgraded and not self._upgrade():
                return
            for opcode, payload in parse_frames(self._buffer):
                if opcode == TEXT:
                    self._text(payload, now)
                elif opcode == PING:  # the server's keepalive (uvicorn's, websockets')
                    assert self.transport is not None
                    self.transport.write(masked_frame(PONG, payload))
                elif opcode == PONG:
                    pass
                elif opcode == CLOSE:
                    code = int.from_bytes(payload[:2], "big") if len(payload) >= 2 else 1005
                    self._fail(None if code in NORMAL_CLOSES else f"closed {code}")
                else:
                    raise ValueError(f"an unexpected frame (opcode {opcode})")
        except Exception as exc:
            self._fail(f"{type(exc).__name__}: {exc}")

    def _upgrade(self) -> bool:
        head, found, rest = bytes(self._buffer).partition(b"\r\n\r\n")
        if not found:
            return False
        if not head.startswith(b"HTTP/1.1 101"):
            raise ValueError(head.split(b"\r\n", 1)[0].decode(errors="replace"))
        self._upgraded = True
        self._buffer[:] = rest
        assert self.transport is not None
        self.transport.write(self._hello)
        return True

    def _text(self, payload: bytes, now: float) -> None:
        entry = json.loads(payload)
        if not self.welcomed.done():
            if entry.get("type") != "welcome":
                raise ValueError(f"no welcome: {payload[:100]!r}")
            self.welcomed.set_result(None)
            return
        seq = entry.get("seq")
        if seq is None:  # a ping
            return
        self.received.append(seq)
        self._latencies.append(now - self._timestamps(entry["occurred_at"]))

    def _fail(self, reason: str | None) -> None:
        if self._closing:
            reason = None
        for future in (self.welcomed, self.closed):
            if not future.done():
                if reason is None:
                    future.set_result(None)
                else:
                    future.set_exception(ConnectionError(reason))
        if self.transport is not None:
            self.transport.close()

    def connection_lost(self, exc: Exception | None) -> None:
        self._fail(f"connection lost: {exc}" if exc else "connection lost")

    def close(self) -> None:
        self._closing = True
        if self.transport is not None and not self.transport.is_closing():
            self.transport.write(masked_frame(CLOSE, (1000).to_bytes(2, "big")))
            self.transport.close()
