"""The api application: `create_app()` wires settings, resources, middleware and routers."""

from __future__ import annotations

import dataclasses
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import redis.asyncio as aioredis
import sqlalchemy as sa
import structlog
from fastapi import FastAPI
from sqlalchemy.orm import Session, sessionmaker

from multistream import problems
from multistream.db.engine import make_engine, make_sessionmaker
from multistream.ops import routes as ops_routes
from multistream.ops.logging import configure_logging
from multistream.ops.middleware import RequestContextMiddleware
from multistream.settings import Settings, get_settings
from multistream.storage import ObjectStore, make_object_store
from multistream.storage import routes as storage_routes
from multistream.storage.filesystem import UrlSigner

log = structlog.get_logger(__name__)


@dataclasses.dataclass
class Resources:
    """Process-wide connections, created at startup and closed at shutdown."""

    settings: Settings
    engine: sa.Engine
    sessions: sessionmaker[Session]
    redis: aioredis.Redis
    store: ObjectStore
    url_signer: UrlSigner

    @classmethod
    def open(cls, settings: Settings) -> Resources:
        engine = make_engine(settings)
        return cls(
            settings=settings,
            engine=engine,
            sessions=make_sessionmaker(engine),
            redis=aioredis.Redis.from_url(
                settings.redis_url,
                socket_connect_timeout=settings.readiness_timeout_seconds,
                socket_timeout=5,
                health_check_interval=30,
            ),
            store=make_object_store(settings),
            url_signer=UrlSigner(settings.secret_key.get_secret_value()),
        )

    async def close(self) -> None:
        await self.redis.aclose()
        self.engine.dispose()


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()
    configure_logging(level=settings.log_level, json=settings.log_json)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        resources = Resources.open(settings)
        app.state.resources = resources
        log.info(
            "api started",
            env=settings.env.value,
            storage=settings.storage_backend.value,
            media="enabled" if settings.media_configured else "disabled",
        )
        try:
            yield
        finally:
            await resources.close()

    app = FastAPI(
        title="Multistream",
        version="0.1.0",
        summary="Teaching-first live classes: sessions, studio, interactions and replay.",
        lifespan=lifespan,
    )
    problems.install(app)
    app.add_middleware(RequestContextMiddleware)
    app.include_router(ops_routes.router)
    app.include_router(storage_routes.router)
    return app
