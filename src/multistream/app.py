"""The api application: `create_app()` wires settings, resources, middleware and routers."""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import redis.asyncio as aioredis
import sqlalchemy as sa
import structlog
from fastapi import APIRouter, Depends, FastAPI, Request, Response, WebSocket
from fastapi.middleware.cors import CORSMiddleware
from fastapi.routing import APIRoute
from redis import Redis as SyncRedis
from sqlalchemy.orm import Session, sessionmaker
from starlette.types import Receive, Scope, Send
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

import multistream.areas  # noqa: F401 - every area wired into the event log
from multistream import inputs, problems, webapp
from multistream.access.dependencies import route_permission
from multistream.aggregator.service import Aggregator
from multistream.auth import config_routes as auth_config_routes
from multistream.auth import routes as auth_routes
from multistream.auth.keys import LocalKeyStore
from multistream.auth.tokens import LocalJwks, RemoteJwks, TokenVerifier
from multistream.chat import routes as chat_routes
from multistream.courses import routes as course_routes
from multistream.db.engine import dispose_when_idle, make_engine, make_sessionmaker, transaction
from multistream.eventlog import publisher
from multistream.idempotency import StoredResponse
from multistream.lti import roster_queue as lti_roster_queue
from multistream.lti import routes as lti_routes
from multistream.lti import service as lti_service
from multistream.lti.tool import ToolKey
from multistream.ops import routes as ops_routes
from multistream.ops.logging import configure_logging
from multistream.ops.metrics import BacklogCollector
from multistream.ops.middleware import RequestContextMiddleware
from multistream.ops.security_headers import Framing, SecurityHeadersMiddleware
from multistream.pipeline import routes as pipeline_routes
from multistream.pipeline import runs as pipeline_runs
from multistream.polls import routes as poll_routes
from multistream.qa import routes as qa_routes
from multistream.ratelimit import RateLimiter
from multistream.reactions import routes as reaction_routes
from multistream.realtime import routes as realtime_routes
from multistream.realtime.gateway import Hub
from multistream.recording.watch import RecorderWatch
from multistream.replay import routes as replay_routes
from multistream.sessions import routes as session_routes
from multistream.sessions import state as session_state
from multistream.sessions.lifetime import LifetimeWatch
from multistream.sessions.media_watch import MediaWatch
from multistream.settings import Settings, get_settings
from multistream.storage import ObjectStore, make_object_store
from multistream.storage import routes as storage_routes
from multistream.storage.filesystem import UrlSigner
from multistream.studio import asset_routes
from multistream.studio import routes as studio_routes

log = structlog.get_logger(__name__)


@dataclasses.dataclass
class Resources:
    """Process-wide connections, created at startup and closed at shutdown."""

    settings: Settings
    engine: sa.Engine
    sessions: sessionmaker[Session]
    redis: aioredis.Redis
    redis_sync: SyncRedis
    store: ObjectStore
    url_signer: UrlSigner
    keys: LocalKeyStore
    verifier: TokenVerifier
    hub: Hub
    media_watch: MediaWatch
    lifetime_watch: LifetimeWatch
    recorder_watch: RecorderWatch
    rate_limiter: RateLimiter
    aggregator: Aggregator
    backlog: BacklogCollector
    """What waits for the workers, read at each /metrics scrape (`ops.routes`)."""
    backlog_redis: SyncRedis
    lti_key: ToolKey
    framing: Framing = dataclasses.field(default_factory=Framing)
    """Who may frame the web app's pages: the registered LTI platforms."""

    @classmethod
    def open(cls, settings: Settings) -> Resources:
        engine = make_engine(
            settings,
            pool_size=settings.db_pool_size,
            max_overflow=settings.db_max_overflow,
            pool_timeout=settings.db_pool_timeout_seconds,
        )
        keys = LocalKeyStore(settings.keys_dir)
        sessions = make_sessionmaker(engine)
        redis_sync = SyncRedis.from_url(
            settings.redis_url, socket_connect_timeout=1, socket_timeout=2
        )
        publisher.install(sessions, redis_sync)
        pipeline_runs.install(sessions, settings)
        lti_roster_queue.install(sessions, settings, redis_sync)
        session_state.install(sessions)
        verifier = make_verifier(settings, keys)
        aggregator = Aggregator.open(settings, redis_sync)
        aggregator.watch(sessions)
        # Its own client, with short timeouts: Redis down makes a scrape wait 0.5 s at most.
        backlog_redis = SyncRedis.from_url(
            settings.redis_url, socket_connect_timeout=0.5, socket_timeout=0.5
        )
        return cls(
            settings=settings,
            engine=engine,
            sessions=sessions,
            redis=aioredis.Redis.from_url(
                settings.redis_url,
                socket_connect_timeout=settings.readiness_timeout_seconds,
                socket_timeout=5,
                health_check_interval=30,
            ),
            redis_sync=redis_sync,
            store=make_object_store(settings),
            url_signer=UrlSigner(settings.secret_key.get_secret_value()),
            keys=keys,
            verifier=verifier,
            hub=Hub(settings=settings, sessions=sessions, verifier=verifier),
            media_watch=MediaWatch(settings, sessions),
            lifetime_watch=LifetimeWatch(settings, sessions),
            recorder_watch=RecorderWatch(settings, sessions),
            rate_limiter=RateLimiter(redis_sync, settings),
            aggregator=aggregator,
            backlog=BacklogCollector(
                queue_length=functools.partial(celery_queue_length, backlog_redis),
                queues=[settings.celery_queue, settings.asr_queue],
                oldest_unfinished=functools.partial(_oldest_unfinished_run, sessions),
            ),
            backlog_redis=backlog_redis,
            lti_key=ToolKey(settings),
        )

    async def close(self) -> None:
        await self.media_watch.stop()
        await self.lifetime_watch.stop()
        await self.recorder_watch.stop()
        await self.aggregator.stop()
        await self.hub.stop()
        await self.redis.aclose()
        self.redis_sync.close()
        self.backlog_redis.close()
        await dispose_when_idle(self.engine)


def celery_queue_length(redis: SyncRedis, queue: str) -> int:
    """Tasks waiting in a Celery queue on the Redis broker: its list, and the lists kombu
    keeps for the other priority steps (`{queue}\x06\x16{priority}`)."""
    keys = [queue, *(f"{queue}\x06\x16{priority}" for priority in (3, 6, 9))]
    with redis.pipeline(transaction=False) as pipe:
        for key in keys:
            pipe.llen(key)
        return sum(int(length) for length in pipe.execute())


def _oldest_unfinished_run(sessions: sessionmaker[Session]) -> float | None:
    with transaction(sessions) as db:
        return pipeline_runs.oldest_unfinished(db)


def make_verifier(settings: Settings, keys: LocalKeyStore) -> TokenVerifier:
    """The one token verifier, fed by Clerk's JWKS or by the local key store."""
    source = (
        RemoteJwks(
            settings.clerk_jwks_url,
            cache_seconds=settings.jwks_cache_seconds,
            refresh_cooldown=settings.jwks_refresh_cooldown_seconds,
        )
        if settings.auth_provider == "clerk"
        else LocalJwks(keys)
    )
    return TokenVerifier(
        source,
        issuer=settings.token_issuer,
        allowed_parties=settings.web_origins,
        leeway_seconds=settings.jwt_leeway_seconds,
    )


def _document_permissions(router: APIRouter) -> APIRouter:
    """Write each operation's required permission, and the 409 any command may meet, into
    the OpenAPI document."""
    for route in router.routes:
        if isinstance(route, APIRoute):
            extra = route.openapi_extra or {}
            # A route may say it itself, e.g. webhooks authenticated by their signature.
            extra.setdefault("x-permission", route_permission(route.dependant))
            route.openapi_extra = extra
            problems.document_conflicts(route)
    return router


async def _replay(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, StoredResponse)
    return exc.response()


class Multistream(FastAPI):
    """The api. A live socket is served before the middleware and routing (see
    `realtime.routes.direct_live_socket`): it lives for hours, and every layer it runs
    under would stay suspended that long."""

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        session_id = realtime_routes.direct_live_socket(scope)
        if session_id is None:
            await super().__call__(scope, receive, send)
            return
        websocket = WebSocket(scope, receive, send)
        await realtime_routes.serve(websocket, session_id, self.state.resources.hub)


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()
    configure_logging(level=settings.log_level, json=settings.log_json)
    framing = Framing()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        resources = Resources.open(settings)
        resources.framing = framing
        try:
            with transaction(resources.sessions) as db:
                framing.update(lti_service.platform_origins(db))
        except sa.exc.SQLAlchemyError as exc:  # the first LTI login fills it in later
            log.warning("lti platforms not read at startup", error=str(exc))
        app.state.resources = resources
        await resources.hub.start()
        resources.media_watch.start()
        resources.lifetime_watch.start()
        resources.recorder_watch.start()
        resources.aggregator.start()
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

    app = Multistream(
        title="Multistream",
        version="0.1.0",
        summary="Teaching-first live classes: sessions, studio, interactions and replay.",
        lifespan=lifespan,
        responses=problems.PROBLEM_RESPONSES,
        # Text without control characters, numbers in range: every route, one check.
        dependencies=[Depends(inputs.check_inputs)],
    )
    # Middleware, innermost first: the last one added sees the request first.
    problems.install(app)
    app.add_exception_handler(StoredResponse, _replay)
    app.add_middleware(inputs.JsonBodyLimit, max_bytes=settings.json_body_max_bytes)
    app.add_middleware(
        CORSMiddleware,
        allow_origins=settings.web_origins,
        allow_methods=["GET", "POST", "PUT", "PATCH", "DELETE"],
        allow_headers=["Authorization", "Content-Type", "Idempotency-Key", "X-Request-ID"],
        expose_headers=["X-Request-ID", "Retry-After"],
    )
    app.add_middleware(RequestContextMiddleware)
    if settings.trusted_proxies:
        # The client's address and scheme as the proxies forwarded them, for everything after.
        app.add_middleware(ProxyHeadersMiddleware, trusted_hosts=settings.trusted_proxies)
    # Outermost: every answer, problems included, carries the security headers.
    app.add_middleware(SecurityHeadersMiddleware, settings=settings, framing=framing)
    for router in (
        ops_routes.router,
        storage_routes.router,
        auth_config_routes.router,
        auth_routes.local_router,
        auth_routes.me_router,
        auth_routes.webhook_router,
        course_routes.router,
        session_routes.router,
        session_routes.webhook_router,
        realtime_routes.router,
        asset_routes.router,
        studio_routes.router,
        chat_routes.router,
        qa_routes.router,
        poll_routes.router,
        reaction_routes.router,
        replay_routes.router,
        pipeline_routes.router,
        lti_routes.router,
        lti_routes.api_router,
    ):
        app.include_router(_document_permissions(router))
    webapp.mount(app, settings.web_dist_dir)

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = problems.problem_media_type(FastAPI.openapi(app))
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
    return app
