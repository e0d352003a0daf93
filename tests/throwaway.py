"""Throwaway service instances and a live api server, for tests that stop things.

Stopping the shared services would break every other test running in parallel, so a test
that needs a dependency to die starts its own instance of it (same binaries, same
devservices code, a private data folder and free ports) and stops that one.
"""

from __future__ import annotations

import random
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import uvicorn

from multistream.app import create_app
from multistream.devservices import binaries
from multistream.devservices.processes import LocalService
from multistream.devservices.services import SERVICE_CLASSES
from multistream.realtime.connection import UVICORN_OPTIONS
from multistream.settings import Settings

# Below Linux's ephemeral range (32768-60999): a port picked there can be taken by any
# outgoing connection between the pick and the server's bind.
_PORT_RANGE = (20000, 32000)


def _pick_port(kind: socket.SocketKind) -> int:
    for _ in range(200):
        port = random.randrange(*_PORT_RANGE)
        with socket.socket(socket.AF_INET, kind) as sock:
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError("no free port found")


def free_port() -> int:
    return _pick_port(socket.SOCK_STREAM)


def _udp_free_port() -> int:
    return _pick_port(socket.SOCK_DGRAM)


def connection_overrides(name: str, service_settings: Settings) -> dict[str, Any]:
    """Settings fields that point the api at `service_settings`' instance of `name`."""
    if name == "postgres":
        return {"database_url": service_settings.database_url}
    if name == "redis":
        return {"redis_url": service_settings.redis_url}
    if name == "minio":
        return {"s3_endpoint_url": service_settings.s3_endpoint_url}
    if name == "livekit":
        return {"livekit_url": service_settings.livekit_url}
    raise ValueError(name)


@contextmanager
def throwaway_service(name: str, base: Settings, tmp_path: Path) -> Iterator[LocalService]:
    """Start a private instance of service `name`; yield it; stop it and remove its data."""
    ports = {
        "postgres_port": free_port(),
        "redis_port": free_port(),
        "minio_port": free_port(),
        "minio_console_port": free_port(),
        "livekit_port": free_port(),
        "livekit_rtc_tcp_port": free_port(),
        "livekit_rtc_udp_port": _udp_free_port(),
    }
    password = base.postgres_password.get_secret_value()
    urls = {
        "database_url": f"postgresql+psycopg://{base.postgres_user}:{password}"
        f"@127.0.0.1:{ports['postgres_port']}/{base.postgres_db}",
        "redis_url": f"redis://127.0.0.1:{ports['redis_port']}/0",
        "s3_endpoint_url": f"http://127.0.0.1:{ports['minio_port']}",
        "livekit_url": f"ws://127.0.0.1:{ports['livekit_port']}",
    }
    settings = base.model_copy(update={"data_dir": tmp_path / name, **ports, **urls})
    kinds = {cls.name: cls for cls in SERVICE_CLASSES}
    service = kinds[name](settings, binaries.find(base.data_dir))
    service.start()
    try:
        yield service
    finally:
        service.stop()
        shutil.rmtree(service.data_dir, ignore_errors=True)


class LiveServer:
    """The real api on a free port, served by uvicorn in a background thread."""

    def __init__(self, settings: Settings, *, port: int | None = None) -> None:
        self.port = port or free_port()
        self.settings = settings.model_copy(
            update={"api_port": self.port, "public_url": f"http://127.0.0.1:{self.port}"}
        )
        config = uvicorn.Config(
            create_app(self.settings),
            host="127.0.0.1",
            port=self.port,
            log_config=None,
            lifespan="on",
            # A test's client keeps its connection across tests that leave it idle for
            # longer than uvicorn's 5 s: a request sent as the server closes the idle
            # connection is lost ("Server disconnected without sending a response").
            timeout_keep_alive=300,
            **UVICORN_OPTIONS,
        )
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def __enter__(self) -> LiveServer:
        self.thread.start()
        deadline = time.monotonic() + 20
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("the api did not start")
            time.sleep(0.05)
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)
