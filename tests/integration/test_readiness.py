"""/readyz against the real services, and against a dependency that is stopped."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from multistream.settings import Settings
from tests.throwaway import LiveServer, connection_overrides, throwaway_service

DEPENDENCY_NAME = {
    "postgres": "postgres",
    "redis": "redis",
    "minio": "object_store",
    "livekit": "livekit",
}


def test_readyz_reports_every_dependency_ok(settings: Settings) -> None:
    with LiveServer(settings) as server:
        response = httpx.get(f"{server.url}/readyz", timeout=10)
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ready"
    assert set(body["dependencies"]) == {"postgres", "redis", "object_store", "livekit"}
    for name, dependency in body["dependencies"].items():
        assert dependency["status"] == "ok", name
        assert dependency["latency_ms"] >= 0


def test_healthz_answers_without_dependencies(settings: Settings) -> None:
    with LiveServer(settings) as server:
        response = httpx.get(f"{server.url}/healthz", timeout=10)
    assert response.json() == {"status": "ok"}


@pytest.mark.parametrize("service", ["postgres", "redis", "minio", "livekit"])
def test_readyz_names_a_stopped_service(settings: Settings, tmp_path: Path, service: str) -> None:
    with throwaway_service(service, settings, tmp_path) as instance:
        app_settings = settings.model_copy(
            update={
                **connection_overrides(service, instance.settings),
                "readiness_timeout_seconds": 1.5,
            }
        )
        with LiveServer(app_settings) as server:
            before = httpx.get(f"{server.url}/readyz", timeout=10)
            assert before.status_code == 200, before.text
            instance.stop()
            after = httpx.get(f"{server.url}/readyz", timeout=10)

    assert after.status_code == 503
    body = after.json()
    name = DEPENDENCY_NAME[service]
    assert body["status"] == "not_ready"
    assert body["failing"] == [name]
    assert body["dependencies"][name]["status"] == "down"
    assert body["dependencies"][name]["detail"]
    others = {k: v["status"] for k, v in body["dependencies"].items() if k != name}
    assert set(others.values()) == {"ok"}


def test_livekit_disabled_is_not_required(settings: Settings) -> None:
    app_settings = settings.model_copy(update={"media_enabled": False})
    with LiveServer(app_settings) as server:
        response = httpx.get(f"{server.url}/readyz", timeout=10)
    assert response.status_code == 200
    assert response.json()["dependencies"]["livekit"]["status"] == "disabled"


def test_metrics_exposes_request_latency(settings: Settings) -> None:
    with LiveServer(settings) as server:
        httpx.get(f"{server.url}/healthz", timeout=10)
        response = httpx.get(f"{server.url}/metrics", timeout=10)
    assert response.status_code == 200
    assert 'multistream_http_request_duration_seconds_count{method="GET",route="/healthz"' in (
        response.text
    )
