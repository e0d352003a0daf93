"""Fixtures shared by every test.

Integration tests run against the real local services that `multistream services up`
starts; the test command exports their addresses with `multistream services env`. Each
pytest-xdist worker gets a database of its own, migrated once per run.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import make_url

from multistream.db import migrate
from multistream.settings import Settings


@pytest.fixture(scope="session")
def settings() -> Settings:
    # Many workers and recorders run at once: none serves metrics unless a test asks. Every
    # test signs its people up from 127.0.0.1, on one Redis shared by parallel runs: the
    # per-address limits are the tests' own (tests/integration/test_abuse_limits.py).
    return Settings(
        env="test",
        log_json=False,
        worker_metrics_port=0,
        recorder_metrics_port=0,
        rate_limit_signups_address="1000000/1",
        rate_limit_login_failures_address="1000000/1",
    )


def _admin_engine(settings: Settings) -> sa.Engine:
    return sa.create_engine(settings.database_url_sync, isolation_level="AUTOCOMMIT")


def create_empty_database(settings: Settings, name: str) -> str:
    """Drop and create database `name`; return its URL."""
    engine = _admin_engine(settings)
    try:
        with engine.connect() as connection:
            connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
    finally:
        engine.dispose()
    url = make_url(settings.database_url_sync).set(database=name)
    return url.render_as_string(hide_password=False)


def drop_database(settings: Settings, name: str) -> None:
    engine = _admin_engine(settings)
    try:
        with engine.connect() as connection:
            connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    finally:
        engine.dispose()


@pytest.fixture(scope="session")
def run_tag(worker_id: str, testrun_uid: str) -> str:
    """Unique to this worker of this run: test runs on one machine never share databases."""
    return f"{testrun_uid[:8]}_{worker_id}"


@pytest.fixture(scope="session")
def database_url(settings: Settings, run_tag: str) -> Iterator[str]:
    """A database migrated to head, private to this xdist worker of this run."""
    name = f"multistream_test_{run_tag}"
    url = create_empty_database(settings, name)
    migrate.upgrade(url)
    yield url
    drop_database(settings, name)


@pytest.fixture(scope="session")
def engine(database_url: str) -> Iterator[sa.Engine]:
    engine = sa.create_engine(database_url)
    yield engine
    engine.dispose()
