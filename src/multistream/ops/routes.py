"""Health, readiness and metrics endpoints (unauthenticated, no user data)."""

from __future__ import annotations

from typing import Any

import anyio.to_thread
from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, generate_latest

from multistream import problems
from multistream.ops.health import check_readiness

router = APIRouter(tags=["ops"])


@router.get("/healthz", summary="The process is up")
async def healthz() -> dict[str, str]:
    return {"status": "ok"}


@router.get(
    "/readyz",
    summary="Every required dependency answers",
    responses=problems.answers({503: "A required dependency is down; `failing` names it"}),
)
async def readyz(request: Request) -> JSONResponse:
    resources = request.app.state.resources
    readiness = await check_readiness(
        settings=resources.settings,
        engine=resources.engine,
        redis=resources.redis,
        store=resources.store,
    )
    body: dict[str, Any] = {
        "status": "ready" if readiness.ready else "not_ready",
        "failing": readiness.failing,
        "dependencies": {
            d.name: {
                "status": d.status,
                "required": d.required,
                "latency_ms": d.latency_ms,
                **({"detail": d.detail} if d.detail else {}),
                **({"backend": d.backend} if d.backend else {}),
            }
            for d in readiness.dependencies
        },
    }
    return JSONResponse(body, status_code=200 if readiness.ready else 503)


@router.get("/metrics", summary="Prometheus metrics", include_in_schema=False)
async def metrics(request: Request) -> Response:
    # The process's metrics, then what is read now (queue lengths, the oldest run): a
    # registry per scrape, as each app of a process has its own connections.
    scraped = CollectorRegistry(auto_describe=False)
    scraped.register(request.app.state.resources.backlog)
    backlog = await anyio.to_thread.run_sync(generate_latest, scraped)
    return Response(generate_latest() + backlog, media_type=CONTENT_TYPE_LATEST)
