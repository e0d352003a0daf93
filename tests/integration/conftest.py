"""Fixtures for integration tests against the real services."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import redis
import sqlalchemy as sa
from sqlalchemy.orm import Session, sessionmaker

from multistream.db import migrate
from multistream.db.engine import make_sessionmaker
from multistream.devtools.processes import Worker
from multistream.eventlog import publisher
from multistream.settings import Settings
from tests.apiclient import ApiClient
from tests.conftest import create_empty_database, drop_database
from tests.throwaway import LiveServer


@pytest.fixture
def connection(engine: sa.Engine) -> Iterator[sa.Connection]:
    """A connection inside a transaction that is always rolled back, whatever the test did."""
    with engine.connect() as connection:
        transaction = connection.begin()
        try:
            yield connection
        finally:
            transaction.rollback()


@pytest.fixture(scope="module")
def api_settings(settings: Settings, database_url: str, run_tag: str) -> Settings:
    """Settings of an api on this worker's test database, with a short lockout and a Celery
    queue of its own (see the `worker` fixture). No recorder runs beside most tests: their
    recorded classes are not reported as unrecorded (`test_recorder_runner` tests that)."""
    return settings.model_copy(
        update={
            "database_url": database_url,
            "login_lockout_seconds": 3,
            "log_level": "WARNING",
            "celery_queue": f"multistream-test-{run_tag}",
            "recorder_claim_timeout_seconds": 600.0,
        }
    )


@pytest.fixture(scope="module")
def api(api_settings: Settings) -> Iterator[ApiClient]:
    with LiveServer(api_settings) as server:
        client = ApiClient(server.url)
        yield client
        client.close()


@pytest.fixture(scope="module")
def publishing(engine: sa.Engine, api_settings: Settings) -> Iterator[sessionmaker[Session]]:
    """Sessions whose appended events are published after commit, as in the api."""
    client = redis.Redis.from_url(api_settings.redis_url)
    factory = make_sessionmaker(engine)
    publisher.install(factory, client)
    yield factory
    client.close()


@pytest.fixture(scope="module")
def worker(api_settings: Settings, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Worker]:
    """A real Celery worker on the `api` fixture's database, store and queue."""
    log_path = tmp_path_factory.mktemp("worker") / "worker.log"
    with Worker(api_settings, log_path) as running:
        yield running


@pytest.fixture(scope="module")
def own_database_url(
    settings: Settings, run_tag: str, request: pytest.FixtureRequest
) -> Iterator[str]:
    """A database of the test module's own, migrated. For modules that run recorders: a
    recorder claims every class that waits for one, so it must not find the (still live)
    recorded classes other tests of this worker left in the shared database."""
    name = f"multistream_{request.module.__name__.rsplit('.', 1)[-1][5:25]}_{run_tag}"
    url = create_empty_database(settings, name)
    migrate.upgrade(url)
    yield url
    drop_database(settings, name)
