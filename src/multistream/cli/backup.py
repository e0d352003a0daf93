"""`multistream backup create DIR | restore DIR`: the database and the object store to a
folder and back (`ops.backup`; the runbook's "Backup and restore")."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from multistream.settings import Settings, StorageBackend, get_settings

if TYPE_CHECKING:
    from multistream.ops.backup import PostgresTools

app = typer.Typer(
    help="Back up and restore the database and the object store.", no_args_is_help=True
)


def _tools(settings: Settings) -> PostgresTools:
    from multistream.devservices import binaries
    from multistream.ops.backup import PostgresTools

    # The PostgreSQL that `multistream services` installs, else the PATH's.
    return PostgresTools(binaries.find(settings.data_dir).postgres_bin_dir)


@contextlib.contextmanager
def _exit_on_failure(action: str) -> Iterator[None]:
    """A `BackupError` ends the command: `<action> failed: <why>` on stderr, exit status 1."""
    from multistream.ops import backup

    try:
        yield
    except backup.BackupError as exc:
        typer.echo(f"{action} failed: {exc}", err=True)
        raise typer.Exit(1) from exc


def _store_name(settings: Settings) -> str:
    if settings.storage_backend is StorageBackend.filesystem:
        return f"filesystem {settings.filesystem_root}"
    return f"s3 {settings.s3_endpoint_url} bucket {settings.s3_bucket}"


@app.command("create")
def create(
    directory: Annotated[Path, typer.Argument(help="A new (or empty) folder for the backup.")],
) -> None:
    """Back up the database and every object of the store into DIRECTORY.

    The database as pg_dump's custom format, each object's bytes, and a manifest with the
    schema revision, the object count and every file's checksum.
    """
    from multistream.ops import backup
    from multistream.storage import make_object_store

    settings = get_settings()
    tools = _tools(settings)
    with _exit_on_failure("backup"):
        manifest = backup.create(
            directory,
            database_url=settings.database_url_sync,
            store=make_object_store(settings),
            tools=tools,
            source=_store_name(settings),
        )
    typer.echo(
        f"backed up the database at revision {manifest.database.schema_revision}"
        f" ({manifest.database.size} bytes) and {manifest.object_count} objects"
        f" ({manifest.object_bytes} bytes) into {directory}"
    )
    if manifest.skipped_keys:
        typer.echo(
            f"skipped {len(manifest.skipped_keys)} objects whose keys the platform does not"
            f" make (listed in {directory / backup.MANIFEST})",
            err=True,
        )


@app.command("restore")
def restore(
    directory: Annotated[Path, typer.Argument(help="A folder made by `backup create`.")],
    force: Annotated[
        bool,
        typer.Option(
            "--force",
            help="Restore even into a database with tables (its public schema is dropped"
            " first) or a store with objects (the backup's are written over them).",
        ),
    ] = False,
) -> None:
    """Restore the backup in DIRECTORY into an empty database and object store.

    Every file is checked against the manifest first. The targets are the configured ones
    (DATABASE_URL; S3_BUCKET, created if missing, or STORAGE_DIR).
    """
    from multistream.ops import backup
    from multistream.storage import make_object_store
    from multistream.storage.s3 import S3Store

    settings = get_settings()
    tools = _tools(settings)
    store = make_object_store(settings)
    if isinstance(store, S3Store):
        store.ensure_bucket()
    with _exit_on_failure("restore"):
        report = backup.restore(
            directory,
            database_url=settings.database_url_sync,
            store=store,
            tools=tools,
            force=force,
        )
    typer.echo(
        f"restored {report.tables} tables at revision {report.schema_revision} and"
        f" {report.objects_restored} objects"
    )
    if report.objects_not_in_backup:
        typer.echo(
            f"{report.objects_not_in_backup} objects the store already had are not in the"
            " backup; they were left alone"
        )
    heads = backup.code_heads()
    if report.schema_revision not in heads:
        typer.echo(
            f"this code's schema is at {', '.join(sorted(heads))}: run `multistream migrate`"
            " before starting the platform"
        )
