"""Readiness: is each dependency reachable, and how fast does it answer?

Every check runs concurrently under one timeout, so a dead dependency costs the probe
at most `readiness_timeout_seconds`. LiveKit is required only when live media is
configured; without it the api runs classes without media and says so.
"""

from __future__ import annotations

import asyncio
import dataclasses
import functools
import time
from collections.abc import Awaitable, Callable
from typing import Literal

import aiohttp
import redis.asyncio as aioredis
import sqlalchemy as sa
from livekit import api as livekit_api

from multistream.ops.metrics import DEPENDENCY_UP
from multistream.settings import Settings
from multistream.storage import ObjectStore

Status = Literal["ok", "down", "disabled"]


@dataclasses.dataclass(frozen=True)
class DependencyHealth:
    name: str
    status: Status
    required: bool
    latency_ms: float | None
    detail: str = ""
    backend: str = ""


@dataclasses.dataclass(frozen=True)
class Readiness:
    dependencies: list[DependencyHealth]

    @property
    def ready(self) -> bool:
        return all(d.status == "ok" for d in self.dependencies if d.required)

    @property
    def failing(self) -> list[str]:
        return [d.name for d in self.dependencies if d.required and d.status != "ok"]


async def _timed(
    name: str, check: Callable[[], Awaitable[None]], *, timeout: float, required: bool = True
) -> DependencyHealth:
    started = time.perf_counter()
    try:
        await asyncio.wait_for(check(), timeout=timeout)
    except TimeoutError:
        result = DependencyHealth(name, "down", required, None, f"no answer within {timeout:g}s")
    except Exception as exc:  # any failure means "down"; the detail says which
        detail = f"{type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}"
        result = DependencyHealth(name, "down", required, None, detail[:300])
    else:
        latency = round((time.perf_counter() - started) * 1000, 2)
        result = DependencyHealth(name, "ok", required, latency)
    DEPENDENCY_UP.labels(name, result.status).inc()
    return result


@functools.cache
def _probe_engine(url: str) -> sa.Engine:
    """Connections of the probe's own, closed as soon as it is done: a probe abandoned at
    its timeout must not hand a connection back to the app's pool after the app closed it
    (the connection would be left to the garbage collector)."""
    return sa.create_engine(
        url,
        poolclass=sa.pool.NullPool,
        connect_args={"connect_timeout": 5, "application_name": "multistream-probe"},
    )


async def check_readiness(
    *,
    settings: Settings,
    engine: sa.Engine,
    redis: aioredis.Redis,
    store: ObjectStore,
) -> Readiness:
    timeout = settings.readiness_timeout_seconds

    async def postgres() -> None:
        probe = _probe_engine(engine.url.render_as_string(hide_password=False))

        def select_one() -> None:
            with probe.connect() as connection:
                connection.execute(sa.text("SELECT 1"))

        await asyncio.to_thread(select_one)

    async def redis_ping() -> None:
        await redis.ping()

    async def object_store() -> None:
        await asyncio.to_thread(store.check)

    async def livekit() -> None:
        http_url = settings.livekit_url.replace("ws://", "http://").replace("wss://", "https://")
        client = livekit_api.LiveKitAPI(
            http_url,
            settings.livekit_api_key,
            settings.livekit_api_secret.get_secret_value(),
            timeout=aiohttp.ClientTimeout(total=timeout),
            failover=False,
        )
        try:
            await client.room.list_rooms(livekit_api.ListRoomsRequest())
        finally:
            await client.aclose()

    checks = [
        _timed("postgres", postgres, timeout=timeout),
        _timed("redis", redis_ping, timeout=timeout),
        _timed("object_store", object_store, timeout=timeout),
    ]
    if settings.media_configured:
        checks.append(_timed("livekit", livekit, timeout=timeout))
    results = list(await asyncio.gather(*checks))
    results[2] = dataclasses.replace(results[2], backend=settings.storage_backend.value)
    if not settings.media_configured:
        results.append(
            DependencyHealth("livekit", "disabled", False, None, "live media is disabled")
        )
    return Readiness(results)
