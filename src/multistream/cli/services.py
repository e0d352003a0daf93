"""`multistream services install | up | down | status | env`: the local PostgreSQL, Redis,
MinIO and LiveKit (`devservices`), and the environment that points at them."""

from __future__ import annotations

import json
import os
import shlex
import time
from typing import Annotated

import typer

from multistream.devservices import binaries as service_binaries
from multistream.devservices.processes import LocalService, ServiceError
from multistream.devservices.services import SERVICE_NAMES, all_services
from multistream.settings import Settings, get_settings

app = typer.Typer(
    help="Local PostgreSQL, Redis, MinIO and LiveKit for development and tests.",
    no_args_is_help=True,
)

ServiceNames = Annotated[
    list[str] | None,
    typer.Argument(help=f"Services to act on (default: all of {', '.join(SERVICE_NAMES)})."),
]


def _selected(settings: Settings, names: list[str] | None) -> list[LocalService]:
    unknown = sorted(set(names or []) - set(SERVICE_NAMES))
    if unknown:
        raise typer.BadParameter(f"unknown service(s) {', '.join(unknown)}; use {SERVICE_NAMES}")
    found = service_binaries.find(settings.data_dir)
    return [s for s in all_services(settings, found) if not names or s.name in names]


def fallback_environment(settings: Settings) -> dict[str, str]:
    """Environment overrides for a machine without MinIO or LiveKit binaries."""
    found = service_binaries.find(settings.data_dir)
    overrides: dict[str, str] = {}
    if found.minio is None and "STORAGE_BACKEND" not in os.environ:
        overrides["STORAGE_BACKEND"] = "filesystem"
    if found.livekit_server is None and "LIVEKIT_URL" not in os.environ:
        overrides["MULTISTREAM_MEDIA_ENABLED"] = "false"
    return overrides


def settings_with(overrides: dict[str, str]) -> Settings:
    """The settings as they are with `overrides` in the environment."""
    if not overrides:
        return get_settings()
    previous = {key: os.environ.get(key) for key in overrides}
    os.environ.update(overrides)
    try:
        return Settings()
    finally:
        for key, value in previous.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


@app.command("install")
def install(names: ServiceNames = None) -> None:
    """Install missing service binaries (apt or wheels for PostgreSQL/Redis, go for the rest)."""
    settings = get_settings()
    started = time.monotonic()
    outcome = service_binaries.install(settings.data_dir, names)
    failed = False
    for name, result in outcome.items():
        ok = result in ("present", "installed")
        failed |= not ok
        typer.echo(f"{name:<9} {'ok' if ok else 'MISSING'}  {result}")
    typer.echo(f"took {time.monotonic() - started:.0f}s")
    if failed:
        typer.echo(
            "Some services could not be installed. `multistream up` falls back: filesystem "
            "storage without MinIO, classes without live media without LiveKit. PostgreSQL "
            "and Redis are required.",
            err=True,
        )
        if {"postgres", "redis"} & {
            n for n, r in outcome.items() if r not in ("present", "installed")
        }:
            raise typer.Exit(1)


@app.command("up")
def up(names: ServiceNames = None) -> None:
    """Start services on 127.0.0.1 and wait until each accepts connections."""
    settings = get_settings()
    failed = False
    for service in _selected(settings, names):
        if not service.installed:
            typer.echo(
                f"{service.name:<9} not installed (run `multistream services install`)", err=True
            )
            failed |= service.name in ("postgres", "redis") or bool(names)
            continue
        try:
            started = service.start()
        except ServiceError as exc:
            typer.echo(f"{service.name:<9} FAILED: {exc}", err=True)
            failed = True
            continue
        state = "started" if started else "already running"
        typer.echo(f"{service.name:<9} {state} on 127.0.0.1:{service.port}")
    if failed:
        raise typer.Exit(1)


@app.command("down")
def down(names: ServiceNames = None) -> None:
    """Stop services started by `services up`."""
    settings = get_settings()
    for service in reversed(_selected(settings, names)):
        stopped = service.stop()
        typer.echo(f"{service.name:<9} {'stopped' if stopped else 'not running'}")


@app.command("status")
def status(
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Show each service, its port, and whether it answers."""
    settings = get_settings()
    found = service_binaries.find(settings.data_dir)
    rows = []
    for service in all_services(settings, found):
        state = service.status()
        rows.append(
            {
                "name": state.name,
                "port": state.port,
                "installed": state.installed,
                "version": service_binaries.version_of(state.name, found),
                "running": state.running,
                "answers": state.answers,
            }
        )
    if as_json:
        typer.echo(json.dumps(rows, indent=2))
        return
    typer.echo(f"{'service':<9} {'port':>5}  {'state':<14} version")
    for row in rows:
        if not row["installed"]:
            shown = "not installed"
        elif row["answers"]:
            shown = "answers"
        elif row["running"]:
            shown = "not answering"
        else:
            shown = "stopped"
        typer.echo(f"{row['name']:<9} {row['port']:>5}  {shown:<14} {row['version']}")


@app.command("env")
def env() -> None:
    """Print `export` lines for the local services: eval "$(multistream services env)"."""
    settings = settings_with(fallback_environment(get_settings()))
    database_url = settings.database_url_sync.replace("postgresql+psycopg://", "postgresql://", 1)
    values = {
        "DATABASE_URL": database_url,
        "REDIS_URL": settings.redis_url,
        "STORAGE_BACKEND": settings.storage_backend.value,
        "S3_ENDPOINT_URL": settings.s3_endpoint_url,
        "S3_ACCESS_KEY_ID": settings.s3_access_key_id,
        "S3_SECRET_ACCESS_KEY": settings.s3_secret_access_key.get_secret_value(),
        "S3_BUCKET": settings.s3_bucket,
        "LIVEKIT_URL": settings.livekit_url,
        "LIVEKIT_API_KEY": settings.livekit_api_key,
        "LIVEKIT_API_SECRET": settings.livekit_api_secret.get_secret_value(),
        "MULTISTREAM_MEDIA_ENABLED": "true" if settings.media_configured else "false",
    }
    for name, value in values.items():
        typer.echo(f"export {name}={shlex.quote(value)}")
