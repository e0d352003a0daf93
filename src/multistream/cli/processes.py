"""`multistream api | worker | recorder`: run one process of the platform in the
foreground (`multistream up` runs all three)."""

from __future__ import annotations

from typing import Annotated

import typer

from multistream.settings import get_settings


def api(
    host: Annotated[str | None, typer.Option(help="Bind address.")] = None,
    port: Annotated[int | None, typer.Option(help="Port.")] = None,
    reload: Annotated[bool, typer.Option(help="Reload on code changes.")] = False,
) -> None:
    """Run the api (REST, WebSocket gateway, webhooks) with uvicorn."""
    import uvicorn

    from multistream.realtime.connection import UVICORN_OPTIONS

    settings = get_settings()
    uvicorn.run(
        "multistream.app:create_app",
        factory=True,
        host=host or settings.api_host,
        port=port or settings.api_port,
        reload=reload,
        log_config=None,
        # The api believes forwarded addresses from MULTISTREAM_TRUSTED_PROXIES only.
        proxy_headers=False,
        **UVICORN_OPTIONS,
    )


def worker(
    concurrency: Annotated[int, typer.Option(help="Worker processes.")] = 2,
) -> None:
    """Run a Celery worker for the artifact pipeline and other background jobs."""
    import os
    import tempfile

    settings = get_settings()
    if settings.worker_metrics_port:
        # Tasks run in the pool's processes: each writes its metrics to files in this
        # folder (prometheus_client's multiprocess mode, chosen when it is first imported,
        # so before anything imports it), and this process serves their sum.
        os.environ["PROMETHEUS_MULTIPROC_DIR"] = tempfile.mkdtemp(
            prefix="multistream-worker-metrics-"
        )

    from multistream.ops.logging import configure_logging
    from multistream.ops.metrics import serve
    from multistream.pipeline.celery_app import celery_app

    configure_logging(level=settings.log_level, json=settings.log_json)
    serve(settings.worker_metrics_port, "worker")
    celery_app.worker_main(
        [
            "worker",
            "--loglevel",
            settings.log_level,
            "--concurrency",
            str(concurrency),
            "--without-gossip",
            "--without-mingle",
        ]
    )


def recorder(
    concurrency: Annotated[
        int | None,
        typer.Option(help="Classes recorded at once (default: MULTISTREAM_RECORDER_CAPACITY)."),
    ] = None,
) -> None:
    """Run a participant recorder: it claims live classes that need recording, holds them
    with a lease, and stores their recordings (see docs/pipeline.md, Recording)."""
    from multistream.recording import runner

    runner.main(get_settings(), capacity=concurrency)
