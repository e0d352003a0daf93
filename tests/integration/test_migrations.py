"""The migrations build exactly the schema the models declare, and take all of it down again."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from psycopg.types.json import Jsonb

from multistream.db import migrate
from multistream.settings import Settings
from multistream.tables import metadata
from tests.conftest import create_empty_database, drop_database


@pytest.fixture
def empty_database_url(settings: Settings, run_tag: str) -> Iterator[str]:
    name = f"multistream_migr_{run_tag}"
    url = create_empty_database(settings, name)
    yield url
    drop_database(settings, name)


def _differences(connection: sa.Connection) -> list[Any]:
    context = MigrationContext.configure(
        connection, opts={"compare_type": True, "compare_server_default": True}
    )
    return list(compare_metadata(context, metadata))


def _model_constraint_names() -> set[str]:
    """Names of every constraint and index the models declare.

    Autogenerate does not compare CHECK or exclusion constraints, so names are compared
    here: a CHECK added to a model but not to a migration (or the other way round) fails.
    """
    names: set[str] = set()
    for table in metadata.tables.values():
        names |= {str(constraint.name) for constraint in table.constraints}
        names |= {str(index.name) for index in table.indexes}
    return names


def _database_constraint_names(connection: sa.Connection) -> set[str]:
    constraints = connection.execute(
        sa.text(
            "SELECT c.conname FROM pg_constraint AS c JOIN pg_class AS t ON t.oid = c.conrelid"
            " WHERE t.relnamespace = 'public'::regnamespace AND t.relname <> 'alembic_version'"
            " AND c.contype IN ('c', 'u', 'p', 'f', 'x')"
        )
    ).scalars()
    indexes = connection.execute(
        sa.text(
            "SELECT indexname FROM pg_indexes"
            " WHERE schemaname = 'public' AND tablename <> 'alembic_version'"
        )
    ).scalars()
    return set(constraints) | set(indexes)


LEFTOVERS = {
    "relations": """
        SELECT relkind::text || ' ' || relname FROM pg_class
        WHERE relnamespace = 'public'::regnamespace
          AND relname NOT IN ('alembic_version', 'alembic_version_pkc')
    """,
    "functions": "SELECT proname FROM pg_proc WHERE pronamespace = 'public'::regnamespace",
    "triggers": "SELECT tgname FROM pg_trigger WHERE NOT tgisinternal",
    "types": """
        SELECT typname FROM pg_type
        WHERE typnamespace = 'public'::regnamespace
          AND typname NOT IN ('alembic_version', '_alembic_version')
    """,
    "extensions": "SELECT extname FROM pg_extension WHERE extname <> 'plpgsql'",
    "versions": "SELECT version_num FROM alembic_version",
}


def _leftovers(connection: sa.Connection) -> dict[str, list[str]]:
    found = {
        kind: sorted(connection.execute(sa.text(query)).scalars())
        for kind, query in LEFTOVERS.items()
    }
    return {kind: names for kind, names in found.items() if names}


def test_models_match_the_migrated_database(engine: sa.Engine) -> None:
    with engine.connect() as connection:
        assert _differences(connection) == []
        assert _database_constraint_names(connection) == _model_constraint_names()


def test_upgrade_downgrade_upgrade(empty_database_url: str) -> None:
    head = ScriptDirectory.from_config(migrate.alembic_config(empty_database_url)).get_heads()
    engine = sa.create_engine(empty_database_url)
    try:
        migrate.upgrade(empty_database_url)
        assert migrate.current_heads(empty_database_url) == set(head)
        with engine.connect() as connection:
            built = _leftovers(connection)
            assert _differences(connection) == []
        # the check below would pass on a database the upgrade never touched
        assert {"relations", "functions", "triggers", "extensions", "versions"} <= set(built)

        migrate.downgrade(empty_database_url)
        with engine.connect() as connection:
            assert _leftovers(connection) == {}

        migrate.upgrade(empty_database_url)
        with engine.connect() as connection:
            assert _leftovers(connection) == built
            assert _differences(connection) == []
    finally:
        engine.dispose()


def test_0009_fills_the_poll_counters_from_the_votes_and_downgrades(
    empty_database_url: str,
) -> None:
    """Votes cast before `0009` are counted by it: `polls.voters` and a count per option
    equal to a recount of `poll_votes`; the downgrade removes both again."""
    from tests.integration.test_schema_constraints import Rows

    migrate.upgrade(empty_database_url, "0008")
    engine = sa.create_engine(empty_database_url)
    options = [{"id": o, "text": o.upper()} for o in ("a", "b", "c")]
    try:
        with engine.begin() as connection:
            rows = Rows(connection)
            multiple = rows.add("polls", kind="multiple", status="open", options=Jsonb(options))
            for chosen in (["a"], ["a", "b"], ["b"]):
                rows.add("poll_votes", poll_id=multiple["id"], option_ids=chosen)
            untouched = rows.add("polls", status="open")["id"]
        migrate.upgrade(empty_database_url)
        with engine.connect() as connection:
            counts = connection.execute(
                sa.text(
                    "SELECT p.id, p.voters, c.option_id, c.votes FROM polls p"
                    " JOIN poll_option_counts c ON c.poll_id = p.id ORDER BY p.id, c.option_id"
                )
            ).all()
        assert sorted(tuple(row) for row in counts) == sorted(
            [
                (multiple["id"], 3, "a", 2),
                (multiple["id"], 3, "b", 2),
                (multiple["id"], 3, "c", 0),
                (untouched, 0, "a", 0),
                (untouched, 0, "b", 0),
            ]
        )
        migrate.downgrade(empty_database_url, "0008")
        with engine.connect() as connection:
            columns = connection.execute(
                sa.text(
                    "SELECT column_name FROM information_schema.columns"
                    " WHERE table_name = 'polls' AND column_name = 'voters'"
                )
            ).all()
            tables = connection.execute(sa.text("SELECT to_regclass('poll_option_counts')"))
            assert columns == []
            assert tables.scalar_one() is None
    finally:
        engine.dispose()
