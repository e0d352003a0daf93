"""A database of its own for a benchmark: dropped if it exists, created and migrated."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.engine import make_url

from multistream.db import migrate
from multistream.settings import Settings


def fresh_database(name: str, settings: Settings | None = None) -> str:
    """Recreate database `name` on the server of `settings` (the environment's by default),
    migrate it to head, and return its URL (with the password)."""
    url = make_url((settings or Settings()).database_url_sync)
    admin = sa.create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    database_url = url.set(database=name).render_as_string(hide_password=False)
    migrate.upgrade(database_url)
    return database_url
