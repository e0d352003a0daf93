"""The bare baselines of the fan-out benchmark: the least a server can do per delivery.

    python bench/fanout/bare.py websockets --port 8492 --session <uuid>
    python bench/fanout/bare.py starlette --port 8492 --session <uuid>

Both speak just enough of the live protocol for the benchmark's clients (any first frame
is a hello; the answer is a `welcome`), hold one Redis subscription to the session's
channel (`session:<id>`, what the api publishes to) and pass every message on to every
socket as it came, with no token check, no ordering, no filtering and no slow-client
bound:

- `websockets`: the `websockets` library's asyncio server (no compression), each message
  sent to every socket with `websockets.broadcast()`;
- `starlette`: uvicorn (uvloop, httptools, its default WebSocket implementation, no
  compression) serving one Starlette WebSocket route and no middleware; the feed awaits
  `websocket.send_text()` for each socket in turn.

`bench/fanout/run.py --server bare-websockets|bare-starlette` starts one of them instead of
the api, so the same clients, events and measurements give the comparison.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import sys
from typing import Any

import redis.asyncio as aioredis


def welcome(session_id: str) -> str:
    return json.dumps(
        {"type": "welcome", "session_id": session_id, "head": 1, "role": "participant"}
    )


async def feed(redis_url: str, session_id: str, deliver: Any) -> None:
    client = aioredis.Redis.from_url(redis_url)
    pubsub = client.pubsub()
    await pubsub.subscribe(f"session:{session_id}")
    async for message in pubsub.listen():
        if message["type"] == "message":
            await deliver(message["data"].decode())


def serve_websockets(port: int, redis_url: str, session_id: str) -> None:
    import uvloop
    from websockets.asyncio.server import ServerConnection, broadcast, serve

    sockets: set[ServerConnection] = set()

    async def handler(websocket: ServerConnection) -> None:
        await websocket.recv()  # the hello
        await websocket.send(welcome(session_id))
        sockets.add(websocket)
        try:
            await websocket.wait_closed()
        finally:
            sockets.discard(websocket)

    async def deliver(frame: str) -> None:
        broadcast(sockets, frame)

    async def main() -> None:
        async with serve(handler, "127.0.0.1", port, compression=None, backlog=4096):
            print("ready", flush=True)
            await feed(redis_url, session_id, deliver)

    uvloop.run(main())


def serve_starlette(port: int, redis_url: str, session_id: str) -> None:
    import uvicorn
    from starlette.applications import Starlette
    from starlette.routing import Route, WebSocketRoute
    from starlette.websockets import WebSocket, WebSocketDisconnect

    sockets: set[WebSocket] = set()

    async def live(websocket: WebSocket) -> None:
        await websocket.accept()
        await websocket.receive_text()  # the hello
        await websocket.send_text(welcome(session_id))
        sockets.add(websocket)
        try:
            while True:
                await websocket.receive_text()
        except WebSocketDisconnect:
            pass
        finally:
            sockets.discard(websocket)

    async def deliver(frame: str) -> None:
        for websocket in list(sockets):
            with contextlib.suppress(Exception):
                await websocket.send_text(frame)

    async def healthz(request: Any) -> Any:
        from starlette.responses import PlainTextResponse

        return PlainTextResponse("ok")

    @contextlib.asynccontextmanager
    async def lifespan(app: Any) -> Any:
        task = asyncio.create_task(feed(redis_url, session_id, deliver))
        yield
        task.cancel()

    app = Starlette(
        routes=[
            Route("/healthz", healthz),
            WebSocketRoute("/api/v1/sessions/{session_id}/live", live),
        ],
        lifespan=lifespan,
    )
    uvicorn.run(
        app,
        host="127.0.0.1",
        port=port,
        log_level="warning",
        ws_per_message_deflate=False,
        backlog=4096,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("kind", choices=["websockets", "starlette"])
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--session", required=True)
    parser.add_argument("--redis-url", required=True)
    args = parser.parse_args()
    serve = serve_websockets if args.kind == "websockets" else serve_starlette
    with contextlib.suppress(KeyboardInterrupt):
        serve(args.port, args.redis_url, args.session)


if __name__ == "__main__":
    sys.exit(main())
