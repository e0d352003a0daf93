"""`multistream up`: everything for development in one command — the local services, the
migrations, then the api, a worker and a recorder as child processes until Ctrl-C."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import typer

from multistream.cli.services import fallback_environment, settings_with
from multistream.devservices import binaries as service_binaries
from multistream.devservices.processes import LocalService, ServiceError
from multistream.devservices.services import all_services
from multistream.settings import Settings, get_settings

PROCESSES = ("api", "worker", "recorder")
"""`multistream <name>` for each, in the order they start."""


def up() -> None:
    """Start everything: services, migrations, api and worker. Ctrl-C stops what it started."""
    settings = get_settings()
    overrides = fallback_environment(settings)
    if "STORAGE_BACKEND" in overrides:
        typer.echo(
            "! MinIO is not installed: objects are stored on the filesystem instead.", err=True
        )
    if "MULTISTREAM_MEDIA_ENABLED" in overrides:
        typer.echo(
            "! LiveKit is not installed: live media is disabled (classes run without it).",
            err=True,
        )
    effective = settings_with(overrides)

    started: list[LocalService] = []
    found = service_binaries.find(settings.data_dir)
    try:
        for service in all_services(settings, found):
            if not service.installed:
                if service.name in ("postgres", "redis"):
                    typer.echo(
                        f"{service.name} is required; run `multistream services install`.",
                        err=True,
                    )
                    raise typer.Exit(1)
                continue
            if service.start():
                started.append(service)
            typer.echo(f"{service.name:<9} ready on 127.0.0.1:{service.port}")
        from multistream.db import migrate as migrations

        migrations.upgrade(effective.database_url_sync)
        typer.echo("database  migrated")
        _run_processes(effective, overrides)
    except ServiceError as exc:
        typer.echo(str(exc), err=True)
        raise typer.Exit(1) from exc
    finally:
        for service in reversed(started):
            service.stop()
            typer.echo(f"{service.name:<9} stopped")


def _run_processes(settings: Settings, overrides: dict[str, str]) -> None:
    env = {**os.environ, **overrides}
    children = {
        name: subprocess.Popen([sys.executable, "-m", "multistream", name], env=env)
        for name in PROCESSES
    }
    base = settings.public_url
    storage = settings.storage_backend.value
    if settings.storage_backend.value == "s3":
        storage += f" (MinIO console http://127.0.0.1:{settings.minio_console_port})"
    media = f"LiveKit {settings.livekit_url}" if settings.media_configured else "disabled"
    typer.echo(
        "\nMultistream is up.\n"
        f"  api       {base}  (OpenAPI docs at {base}/docs)\n"
        f"  ready?    {base}/readyz\n"
        f"  storage   {storage}\n"
        f"  media     {media}\n"
        "Press Ctrl-C to stop.\n"
    )

    def stop(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    # Also SIGINT: a shell that starts `up` in the background makes it ignore SIGINT.
    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    exit_code = 0
    try:
        while True:
            for name, child in children.items():
                if child.poll() is not None:
                    typer.echo(f"{name} exited with code {child.returncode}; stopping.", err=True)
                    exit_code = 1
                    raise KeyboardInterrupt
            time.sleep(0.5)
    except KeyboardInterrupt:
        pass
    finally:
        for child in children.values():
            if child.poll() is None:
                child.terminate()
        deadline = time.monotonic() + 15
        for child in children.values():
            try:
                child.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                child.kill()
    if exit_code:
        raise typer.Exit(exit_code)
