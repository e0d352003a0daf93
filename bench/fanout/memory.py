"""Where an idle live socket's memory goes in the api: tracemalloc, N idle sockets.

    .venv/bin/python bench/fanout/memory.py --clients 200

Runs the api in this process (uvicorn in a thread, uvloop, no compression, as
`multistream api`) on a database of its own (`multistream_bench_memory`), sets up a class
as `run.py` does, starts tracing allocations only then, connects N sockets from a client
process (hello, welcome, then idle) and prints the Python memory they hold, per socket,
by source file and by line.
"""

from __future__ import annotations

import argparse
import gc
import subprocess
import sys
import threading
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

CLIENT = """
import asyncio, json, sys
from websockets.asyncio.client import connect

async def main(url, token, count):
    sockets = []
    for _ in range(count):
        websocket = await connect(url, compression=None, ping_interval=None)
        await websocket.send(json.dumps({"type": "hello", "token": token, "after": 1}))
        await websocket.recv()
        sockets.append(websocket)
    print("ready", flush=True)
    await asyncio.sleep(3600)

asyncio.run(main(sys.argv[1], sys.argv[2], int(sys.argv[3])))
"""


def main() -> None:
    import uvicorn
    from run import classroom  # bench/fanout/run.py

    from multistream.app import create_app
    from multistream.devtools.databases import fresh_database
    from multistream.realtime.connection import UVICORN_OPTIONS
    from multistream.settings import Settings

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=200)
    parser.add_argument("--port", type=int, default=8791)
    parser.add_argument("--database", default="multistream_bench_memory")
    args = parser.parse_args()

    settings = Settings(
        database_url=fresh_database(args.database),
        api_port=args.port,
        public_url="",
        log_level="WARNING",
    )
    config = uvicorn.Config(
        create_app(settings),
        host="127.0.0.1",
        port=args.port,
        log_config=None,
        proxy_headers=False,  # as `multistream api`
        **UVICORN_OPTIONS,
        lifespan="on",
    )
    server = uvicorn.Server(config)
    threading.Thread(target=server.run, daemon=True).start()
    while not server.started:
        time.sleep(0.1)
    session_id, token, _ = classroom(f"http://127.0.0.1:{args.port}")
    url = f"ws://127.0.0.1:{args.port}/api/v1/sessions/{session_id}/live"
    time.sleep(1)
    gc.collect()
    tracemalloc.start(1)
    before = tracemalloc.take_snapshot()
    clients = subprocess.Popen(
        [sys.executable, "-c", CLIENT, url, token, str(args.clients)], stdout=subprocess.PIPE
    )
    try:
        assert clients.stdout is not None
        clients.stdout.readline()
        time.sleep(2)
        gc.collect()
        after = tracemalloc.take_snapshot()
    finally:
        clients.kill()
        server.should_exit = True
    n = args.clients
    by_file = after.compare_to(before, "filename")
    total = sum(stat.size_diff for stat in by_file)
    print(f"{total / 1024:.0f} KB traced for {n} idle sockets: {total / n / 1024:.1f} KB each")
    print("--- by file (bytes per socket)")
    for stat in by_file[:20]:
        print(f"{stat.size_diff / n:8.0f}  {stat.traceback[0].filename}")
    print("--- by line (bytes per socket, blocks per socket)")
    for stat in after.compare_to(before, "lineno")[:30]:
        frame = stat.traceback[0]
        print(
            f"{stat.size_diff / n:8.0f} {stat.count_diff / n:5.1f}  {frame.filename}:{frame.lineno}"
        )


if __name__ == "__main__":
    main()
