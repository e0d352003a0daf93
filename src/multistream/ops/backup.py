"""Back up the platform's data to a folder, and restore it: the PostgreSQL database
(`pg_dump`, custom format) and every object of the object store, with a manifest that says
what the backup holds and lets a restore check every byte before it writes anything.

```
<backup>/
  manifest.json        written last: a folder without it is not a backup
  database.dump        pg_dump --format=custom
  objects/ab/ab12…     each object's bytes, in a file named by its SHA-256
                       (the manifest maps each key to its file, size and content type)
```

The database is dumped first (one consistent snapshot), then the objects are copied: an
object written after the snapshot may be in the backup without a row that refers to it
(harmless), and one deleted meanwhile (a recording being deleted) is missing from it.

A restore goes into an empty database and an empty bucket (or folder), and refuses
anything else unless forced: then the database's `public` schema is dropped first, and
the backup's objects are written over the store's (objects the backup does not have are
left alone and counted).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import sqlalchemy as sa
import structlog
from pydantic import BaseModel
from sqlalchemy.engine import URL, make_url

from multistream.db import migrate
from multistream.storage import ObjectNotFound, ObjectStore
from multistream.storage.base import InvalidKey

log = structlog.get_logger(__name__)

FORMAT = 1
MANIFEST = "manifest.json"
DATABASE_DUMP = "database.dump"
OBJECTS = "objects"
_CHUNK = 1024 * 1024


class BackupError(RuntimeError):
    """The backup or restore cannot go on; the message says why and what to do."""


class BackedUpObject(BaseModel):
    key: str
    size: int
    content_type: str
    sha256: str

    @property
    def path(self) -> str:
        """Where its bytes are, relative to the backup folder."""
        return f"{OBJECTS}/{self.sha256[:2]}/{self.sha256}"


class DatabaseDump(BaseModel):
    file: str
    size: int
    sha256: str
    schema_revision: str
    """The Alembic revision the database was at (`alembic_version`)."""
    pg_dump: str
    """`pg_dump --version` of the dump: pg_restore must be this version or newer."""


class Manifest(BaseModel):
    format: int
    created_at: dt.datetime
    database: DatabaseDump
    object_store: str
    """The store the objects came from (backend and bucket or folder)."""
    object_count: int
    object_bytes: int
    objects: list[BackedUpObject]
    skipped_keys: list[str] = []
    """Objects in the store whose keys the platform never makes (not backed up)."""


class RestoreReport(BaseModel):
    schema_revision: str
    tables: int
    objects_restored: int
    objects_not_in_backup: int
    """Objects the store already had that the backup does not (left alone; only --force)."""


class PostgresTools:
    """`pg_dump`, `pg_restore` and their version: from `bin_dir` (the PostgreSQL that
    `multistream services` installs), else from the PATH."""

    def __init__(self, bin_dir: Path | None) -> None:
        self.bin_dir = bin_dir

    def path(self, tool: str) -> str:
        if self.bin_dir is not None and (self.bin_dir / tool).is_file():
            return str(self.bin_dir / tool)
        found = shutil.which(tool)
        if found is None:
            raise BackupError(
                f"{tool} was not found: install PostgreSQL's client tools (Debian's "
                "postgresql-client, the same major version as the server or newer)."
            )
        return found

    def version(self, tool: str) -> str:
        result = subprocess.run(
            [self.path(tool), "--version"], capture_output=True, text=True, check=False
        )
        return result.stdout.strip()

    def run(self, tool: str, arguments: list[str], *, database_url: str) -> None:
        uri, environment = _libpq(database_url)
        result = subprocess.run(
            [self.path(tool), *arguments, "--dbname", uri],
            env={**os.environ, **environment},
            capture_output=True,
            text=True,
            check=False,
        )
        if result.returncode != 0:
            raise BackupError(f"{tool} failed: {result.stderr.strip() or result.stdout.strip()}")


def _libpq(database_url: str) -> tuple[str, dict[str, str]]:
    """A libpq URI for `database_url` without its password, and the environment that
    carries the password (never on a command line, where `ps` shows it)."""
    url = make_url(database_url)
    bare = URL.create(
        "postgresql",
        username=url.username,
        host=url.host,
        port=url.port,
        database=url.database,
        query=url.query,
    )
    environment = {"PGCONNECT_TIMEOUT": "10"}
    if url.password is not None:
        environment["PGPASSWORD"] = str(url.password)
    return bare.render_as_string(hide_password=False), environment


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _schema_revision(database_url: str) -> str:
    return ",".join(sorted(migrate.current_heads(database_url))) or "base"


def code_heads() -> set[str]:
    """The schema revisions this code's migrations end at."""
    from alembic.script import ScriptDirectory

    return set(ScriptDirectory.from_config(migrate.alembic_config("")).get_heads())


def _database_label(database_url: str) -> str:
    url = make_url(database_url)
    return f"{url.host}:{url.port or 5432}/{url.database}"


# --- back up ---------------------------------------------------------------------------


def create(
    directory: Path, *, database_url: str, store: ObjectStore, tools: PostgresTools, source: str
) -> Manifest:
    """Back up the database at `database_url` and every object of `store` into
    `directory` (new, or empty). `source` names the store in the manifest."""
    if directory.exists() and any(directory.iterdir()):
        raise BackupError(f"{directory} is not empty: back up into a new folder.")
    (directory / OBJECTS).mkdir(parents=True, exist_ok=True)

    revision = _schema_revision(database_url)
    dump = directory / DATABASE_DUMP
    tools.run("pg_dump", ["--format=custom", f"--file={dump}"], database_url=database_url)
    database = DatabaseDump(
        file=DATABASE_DUMP,
        size=dump.stat().st_size,
        sha256=_sha256(dump),
        schema_revision=revision,
        pg_dump=tools.version("pg_dump"),
    )
    log.info("database dumped", database=_database_label(database_url), size=database.size)

    objects: list[BackedUpObject] = []
    skipped: list[str] = []
    for key in store.list_keys():
        try:
            objects.append(_copy_out(store, key, directory))
        except InvalidKey:
            skipped.append(key)
        except ObjectNotFound:
            continue  # deleted since it was listed
    manifest = Manifest(
        format=FORMAT,
        created_at=dt.datetime.now(dt.UTC),
        database=database,
        object_store=source,
        object_count=len(objects),
        object_bytes=sum(o.size for o in objects),
        objects=objects,
        skipped_keys=skipped,
    )
    if skipped:
        log.warning("objects with keys the platform does not make were skipped", keys=skipped)
    _write_atomically(directory / MANIFEST, manifest.model_dump_json(indent=2))
    return manifest


def _copy_out(store: ObjectStore, key: str, directory: Path) -> BackedUpObject:
    info = store.stat(key)
    digest = hashlib.sha256()
    size = 0
    fd, temporary = tempfile.mkstemp(dir=directory / OBJECTS, prefix=".copy-")
    try:
        with os.fdopen(fd, "wb") as handle:
            for chunk in store.stream(key):
                digest.update(chunk)
                size += len(chunk)
                handle.write(chunk)
        copied = BackedUpObject(
            key=key, size=size, content_type=info.content_type, sha256=digest.hexdigest()
        )
        target = directory / copied.path
        target.parent.mkdir(exist_ok=True)
        Path(temporary).replace(target)  # the same bytes under two keys are kept once
    finally:
        Path(temporary).unlink(missing_ok=True)
    return copied


def _write_atomically(path: Path, text: str) -> None:
    temporary = path.with_name(f".{path.name}.tmp")
    temporary.write_text(text)
    temporary.replace(path)


# --- restore -------------------------------------------------------------------------------


def read_manifest(directory: Path) -> Manifest:
    try:
        manifest = Manifest.model_validate_json((directory / MANIFEST).read_text())
    except FileNotFoundError as exc:
        raise BackupError(
            f"{directory} has no {MANIFEST}: it is not a backup, or its backup did not finish."
        ) from exc
    except ValueError as exc:
        raise BackupError(f"{directory / MANIFEST} is not a backup manifest: {exc}") from exc
    if manifest.format != FORMAT:
        raise BackupError(
            f"backup format {manifest.format} is not {FORMAT}: use a matching version"
        )
    return manifest


def verify(directory: Path, manifest: Manifest) -> None:
    """Check every file of the backup against its size and checksum in the manifest."""
    files = [(manifest.database.file, manifest.database.size, manifest.database.sha256)]
    files += [(o.path, o.size, o.sha256) for o in manifest.objects]
    for relative, size, sha256 in dict.fromkeys(files):
        path = directory / relative
        if not path.is_file():
            raise BackupError(f"the backup is incomplete: {path} is missing")
        if path.stat().st_size != size or _sha256(path) != sha256:
            raise BackupError(f"the backup is damaged: {path} does not match its checksum")


def table_count(database_url: str) -> int:
    """Tables, views and sequences outside PostgreSQL's own schemas: 0 for a new database."""
    engine = sa.create_engine(database_url, poolclass=sa.NullPool)
    try:
        with engine.connect() as connection:
            return int(
                connection.execute(
                    sa.text(
                        "SELECT count(*) FROM pg_class c"
                        " JOIN pg_namespace n ON n.oid = c.relnamespace"
                        " WHERE c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f')"
                        " AND n.nspname NOT IN ('pg_catalog', 'information_schema')"
                        " AND n.nspname NOT LIKE 'pg\\_toast%'"
                        " AND n.nspname NOT LIKE 'pg\\_temp%'"
                    )
                ).scalar_one()
            )
    finally:
        engine.dispose()


def _drop_public_schema(database_url: str) -> None:
    engine = sa.create_engine(database_url, poolclass=sa.NullPool)
    try:
        with engine.begin() as connection:
            connection.execute(sa.text("DROP SCHEMA IF EXISTS public CASCADE"))
            connection.execute(sa.text("CREATE SCHEMA public"))
    finally:
        engine.dispose()


def _first_key(store: ObjectStore) -> str | None:
    keys: Iterator[str] = store.list_keys()
    return next(keys, None)


def restore(
    directory: Path,
    *,
    database_url: str,
    store: ObjectStore,
    tools: PostgresTools,
    force: bool = False,
) -> RestoreReport:
    """Restore the backup in `directory` into the database at `database_url` and `store`.

    Checks the whole backup and both targets before writing anything. Without `force`,
    a database with tables or a store with objects is refused.
    """
    manifest = read_manifest(directory)
    verify(directory, manifest)
    tables = table_count(database_url)
    first_key = _first_key(store)
    if not force and (tables or first_key is not None):
        occupied = []
        if tables:
            occupied.append(f"the database {_database_label(database_url)} has {tables} tables")
        if first_key is not None:
            occupied.append(f"the object store already holds objects ({first_key!r}, …)")
        raise BackupError(
            f"{' and '.join(occupied)}: restore into an empty database and an empty bucket,"
            " or pass --force to replace the database and write over the objects."
        )
    if tables:
        log.warning("dropping the database's public schema", database=_database_label(database_url))
        _drop_public_schema(database_url)
    tools.run(
        "pg_restore",
        [
            "--no-owner",
            "--no-privileges",
            "--single-transaction",
            "--exit-on-error",
            str(directory / manifest.database.file),
        ],
        database_url=database_url,
    )
    for backed_up in manifest.objects:
        with (directory / backed_up.path).open("rb") as handle:
            store.put(backed_up.key, handle, content_type=backed_up.content_type)
    restored = {o.key for o in manifest.objects}
    extra = sum(1 for key in store.list_keys() if key not in restored) if first_key else 0
    revision = _schema_revision(database_url)
    if revision != manifest.database.schema_revision:
        raise BackupError(
            f"the restored database is at revision {revision}, the backup says"
            f" {manifest.database.schema_revision}"
        )
    return RestoreReport(
        schema_revision=revision,
        tables=table_count(database_url),
        objects_restored=len(manifest.objects),
        objects_not_in_backup=extra,
    )
