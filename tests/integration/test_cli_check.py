"""`multistream check` against the real local services: what an operator runs first."""

from __future__ import annotations

import subprocess
import sys
import uuid
from collections.abc import Iterator

import pytest

from multistream.devtools.processes import environment
from multistream.settings import Settings
from tests.conftest import create_empty_database, drop_database
from tests.throwaway import free_port

CLI = [sys.executable, "-m", "multistream", "check"]


def check(settings: Settings, **variables: str) -> subprocess.CompletedProcess[str]:
    """`multistream check` with the environment that makes `settings`, plus `variables`."""
    return subprocess.run(
        CLI,
        env={**environment(settings), **variables},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def lines_of(result: subprocess.CompletedProcess[str]) -> dict[str, list[str]]:
    """Each subject's lines: `subject STATUS sentence`."""
    found: dict[str, list[str]] = {}
    for line in result.stdout.splitlines():
        subject, _, rest = line.partition(" ")
        status, _, sentence = rest.strip().partition(" ")
        found.setdefault(subject, []).append(f"{status} {sentence.strip()}")
    return found


@pytest.fixture(scope="module")
def migrated(settings: Settings, database_url: str) -> Settings:
    return settings.model_copy(update={"database_url": database_url})


def test_everything_answers(migrated: Settings) -> None:
    result = check(migrated)
    assert result.returncode == 0, result.stdout + result.stderr
    found = lines_of(result)
    for subject in ("postgres", "redis", "object_store", "livekit", "schema"):
        assert found[subject][0].startswith("ok"), (subject, found[subject])
    # A test environment is not a production one, and says so without failing.
    assert any("MULTISTREAM_ENV is test" in line for line in found["settings"])
    assert result.stdout.splitlines()[-1].startswith("ready, ")


def test_a_stopped_or_misconfigured_dependency_is_named_with_its_setting(
    migrated: Settings,
) -> None:
    dead_port = free_port()  # nothing listens there: a stopped Redis
    bucket = f"no-such-bucket-{uuid.uuid4().hex[:8]}"
    result = check(
        migrated,
        REDIS_URL=f"redis://:hunter22@127.0.0.1:{dead_port}/0",
        S3_BUCKET=bucket,
        LIVEKIT_API_SECRET="not-the-secret-livekit-knows-0123456789",
    )
    assert result.returncode == 1
    found = lines_of(result)
    [redis] = found["redis"]
    assert redis.startswith("PROBLEM")
    assert f"Redis did not answer at redis://:***@127.0.0.1:{dead_port}/0" in redis
    assert "Check REDIS_URL" in redis
    assert "hunter22" not in result.stdout
    [store] = found["object_store"]
    assert store.startswith("PROBLEM")
    assert bucket in store
    assert "S3_BUCKET" in store
    [livekit] = found["livekit"]
    assert livekit.startswith("PROBLEM")
    assert "LIVEKIT_API_SECRET" in livekit
    assert found["postgres"][0].startswith("ok")
    assert "3 problems to fix" in result.stderr


def test_a_stopped_database_is_named(migrated: Settings) -> None:
    url = f"postgresql://multistream:secret@127.0.0.1:{free_port()}/multistream"
    result = check(migrated, DATABASE_URL=url)
    assert result.returncode == 1
    [postgres] = lines_of(result)["postgres"]
    assert postgres.startswith("PROBLEM PostgreSQL did not answer at ")
    assert "Check DATABASE_URL" in postgres
    assert "secret" not in postgres
    assert "schema" not in lines_of(result)  # nothing to compare with


@pytest.fixture
def empty_database(settings: Settings, run_tag: str) -> Iterator[str]:
    name = f"multistream_check_{run_tag}"
    yield create_empty_database(settings, name)
    drop_database(settings, name)


def test_a_database_not_migrated_says_to_migrate(migrated: Settings, empty_database: str) -> None:
    result = check(migrated, DATABASE_URL=empty_database)
    assert result.returncode == 1
    [schema] = lines_of(result)["schema"]
    assert schema.startswith("PROBLEM The database is empty: run `multistream migrate`")


def test_production_refuses_development_secrets_and_invalid_values(migrated: Settings) -> None:
    result = check(migrated, MULTISTREAM_ENV="production")
    assert result.returncode == 1
    refused = lines_of(result)["settings"]
    assert all(line.startswith("PROBLEM") for line in refused), refused
    for name in ("MULTISTREAM_SECRET_KEY", "LIVEKIT_API_SECRET", "DATABASE_URL"):
        assert any(name in line for line in refused), name
    assert "postgres" not in lines_of(result)  # settings first: nothing else is tried

    invalid = check(migrated, MULTISTREAM_API_PORT="99999")
    assert invalid.returncode == 1
    assert "MULTISTREAM_API_PORT (it is '99999')" in invalid.stdout
