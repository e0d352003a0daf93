"""Security headers on every answer of the real api, and the web app page's CSP."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient

from multistream.app import create_app
from multistream.ops.security_headers import content_security_policy
from multistream.settings import Settings, StorageBackend
from tests.throwaway import LiveServer

PAGE = "<!doctype html><html><head><script type=module src=/assets/app.js></script></head></html>"


@pytest.fixture(scope="module")
def web_server(api_settings: Settings, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The api serving a (tiny) built web app, as `scripts/run.sh` and e2e run it."""
    dist = tmp_path_factory.mktemp("dist")
    (dist / "index.html").write_text(PAGE)
    (dist / "assets").mkdir()
    (dist / "assets" / "app.js").write_text("console.log('hi')")
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(Settings, "web_dist_dir", property(lambda _: Path(dist)))
        with LiveServer(api_settings) as server:
            yield server.url


def _directives(policy: str) -> dict[str, list[str]]:
    parsed = {}
    for directive in policy.split(";"):
        name, *values = directive.split()
        parsed[name] = values
    return parsed


def _assert_common(response: httpx.Response) -> None:
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["referrer-policy"] == "same-origin"
    assert response.headers["x-frame-options"] == "DENY"
    permissions = response.headers["permissions-policy"]
    assert "camera=(self)" in permissions
    assert "microphone=(self)" in permissions
    assert "geolocation=()" in permissions
    assert "frame-ancestors 'none'" in response.headers["content-security-policy"]
    assert "strict-transport-security" not in response.headers  # plain http here


@pytest.mark.parametrize("path", ["/", "/courses/some-course", "/sessions/x/studio"])
def test_the_web_app_page_has_a_strict_policy(
    web_server: str, api_settings: Settings, path: str
) -> None:
    response = httpx.get(web_server + path)
    assert response.status_code == 200
    assert response.text == PAGE
    _assert_common(response)
    policy = _directives(response.headers["content-security-policy"])
    assert policy["script-src"] == ["'self'"]  # no inline script, no eval, no CDN
    assert policy["style-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"]
    assert policy["base-uri"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"]
    # LiveKit (signalling and its HTTP twin) and the object store, named explicitly.
    livekit = api_settings.livekit_url.rstrip("/")
    assert livekit.startswith("ws://")
    assert livekit in policy["connect-src"]
    assert livekit.replace("ws://", "http://") in policy["connect-src"]
    store = api_settings.s3_endpoint_url.rstrip("/")
    assert api_settings.storage_backend is StorageBackend.s3
    for directive in ("img-src", "media-src", "connect-src"):
        assert store in policy[directive], directive
    assert not any("*" in value for values in policy.values() for value in values)


@pytest.mark.parametrize(
    ("method", "path", "status"),
    [
        ("GET", "/healthz", 200),
        ("GET", "/api/v1/me", 401),
        ("GET", "/api/v1/nothing-here", 404),
        ("POST", "/auth/local/refresh", 401),
        ("GET", "/assets/app.js", 200),
    ],
)
def test_every_other_answer_may_run_nothing(
    web_server: str, method: str, path: str, status: int
) -> None:
    response = httpx.request(method, web_server + path)
    assert response.status_code == status
    _assert_common(response)
    assert (
        response.headers["content-security-policy"] == "default-src 'none'; frame-ancestors 'none'"
    )


def test_the_api_reference_page_still_loads_swagger(web_server: str) -> None:
    response = httpx.get(web_server + "/docs")
    assert response.status_code == 200
    _assert_common(response)
    assert response.headers["content-security-policy"] == "frame-ancestors 'none'"


def test_hsts_and_upgrades_when_served_over_tls(settings: Settings) -> None:
    behind_tls = settings.model_copy(update={"public_url": "https://class.example.org"})
    # No lifespan needed: the OpenAPI document is served without the resources.
    response = TestClient(create_app(behind_tls)).get("/openapi.json")
    assert response.headers["strict-transport-security"] == "max-age=31536000; includeSubDomains"
    policy = content_security_policy(behind_tls)
    assert policy.endswith("upgrade-insecure-requests")
    assert "wss://class.example.org" in _directives(policy)["connect-src"]


def test_clerk_adds_its_frontend_origin_only_when_configured(settings: Settings) -> None:
    assert "clerk" not in content_security_policy(settings)
    with_clerk = settings.model_copy(
        update={"auth_provider": "clerk", "clerk_issuer": "https://sound-fox-1.clerk.accounts.dev"}
    )
    policy = _directives(content_security_policy(with_clerk))
    assert "https://sound-fox-1.clerk.accounts.dev" in policy["script-src"]
    assert "https://sound-fox-1.clerk.accounts.dev" in policy["connect-src"]
    assert "'unsafe-eval'" not in policy["script-src"]
    assert "'unsafe-inline'" not in policy["script-src"]
