"""The `multistream` command against the real local services."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from multistream.pipeline.celery_app import make_celery
from multistream.settings import Settings

CLI = [sys.executable, "-m", "multistream"]


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*CLI, *args], capture_output=True, text=True, timeout=60, check=False)


def test_services_env_exports_every_connection_variable() -> None:
    result = run_cli("services", "env")
    assert result.returncode == 0, result.stderr
    # Evaluate the output the way the README tells people to, then read the variables back.
    shell = subprocess.run(
        ["bash", "-c", 'eval "$1" && env', "bash", result.stdout],
        capture_output=True,
        text=True,
        check=True,
        env={"PATH": os.environ["PATH"]},
    )
    exported = dict(line.split("=", 1) for line in shell.stdout.splitlines() if "=" in line)
    for name in (
        "DATABASE_URL",
        "REDIS_URL",
        "S3_ENDPOINT_URL",
        "S3_ACCESS_KEY_ID",
        "S3_SECRET_ACCESS_KEY",
        "S3_BUCKET",
        "LIVEKIT_URL",
        "LIVEKIT_API_KEY",
        "LIVEKIT_API_SECRET",
    ):
        assert exported.get(name), name
    assert exported["DATABASE_URL"].startswith("postgresql://")
    assert exported["REDIS_URL"].startswith("redis://127.0.0.1:")
    assert exported["LIVEKIT_URL"].startswith("ws://127.0.0.1:")


def test_services_status_shows_every_service_answering() -> None:
    result = run_cli("services", "status", "--json")
    assert result.returncode == 0, result.stderr
    rows = {row["name"]: row for row in json.loads(result.stdout)}
    assert set(rows) == {"postgres", "redis", "minio", "livekit"}
    for name, row in rows.items():
        assert row["installed"], name
        assert row["running"], name
        assert row["answers"], name
        assert row["port"] > 1024
        assert row["version"], name


def test_unknown_service_name_is_refused() -> None:
    result = run_cli("services", "up", "mysql")
    assert result.returncode != 0
    assert "unknown service" in result.stderr


@pytest.fixture
def worker(settings: Settings) -> Iterator[subprocess.Popen[bytes]]:
    process = subprocess.Popen(
        [*CLI, "worker", "--concurrency", "1"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    yield process
    process.terminate()
    process.wait(timeout=30)


def test_worker_consumes_tasks(settings: Settings, worker: subprocess.Popen[bytes]) -> None:
    celery = make_celery(settings)
    result = celery.send_task("multistream.ping")
    assert result.get(timeout=60) == "pong"
    assert worker.poll() is None


def test_services_install_is_idempotent() -> None:
    result = run_cli("services", "install")
    assert result.returncode == 0, result.stderr
    lines = [line.split() for line in result.stdout.splitlines() if not line.startswith("took")]
    assert {line[0]: line[2] for line in lines} == dict.fromkeys(
        ("postgres", "redis", "minio", "livekit", "promtool"), "present"
    )


def test_without_go_install_says_so_and_env_falls_back(tmp_path: Path) -> None:
    """A machine without Go: MinIO and LiveKit cannot be built, and the platform falls back."""
    without_go = [d for d in os.environ["PATH"].split(":") if not Path(d, "go").exists()]
    env = {
        "PATH": ":".join(without_go),
        "MULTISTREAM_DATA_DIR": str(tmp_path),
        "HOME": str(tmp_path),
    }
    install = subprocess.run(
        [*CLI, "services", "install", "minio", "livekit"],
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
        check=False,
    )
    assert install.returncode == 0, install.stderr
    assert "minio     MISSING  Go is not installed" in install.stdout
    assert "livekit   MISSING  Go is not installed" in install.stdout
    assert "falls back" in install.stderr

    exported = subprocess.run(
        [*CLI, "services", "env"], capture_output=True, text=True, env=env, check=True
    ).stdout
    assert "export STORAGE_BACKEND=filesystem" in exported
    assert "export MULTISTREAM_MEDIA_ENABLED=false" in exported
    assert "export LIVEKIT_URL=''" in exported
