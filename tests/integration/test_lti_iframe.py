"""Inside an LMS: the web app's pages may be framed by the registered platforms only, and
the operator's CLI registers, lists and removes them."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from multistream.settings import Settings
from tests.throwaway import LiveServer

PAGE = "<!doctype html><html><head><script type=module src=/assets/app.js></script></head></html>"
ISSUER = "https://moodle.school.example"


def _cli(database_url: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DATABASE_URL": database_url}
    return subprocess.run(
        [sys.executable, "-m", "multistream", "lti", *args],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        env=env,
    )


def _add(
    database_url: str, client_id: str, *deployments: str, extra: tuple[str, ...] = ()
) -> subprocess.CompletedProcess[str]:
    return _cli(
        database_url,
        "add-platform",
        "--issuer",
        ISSUER,
        "--client-id",
        client_id,
        "--auth-login-url",
        f"{ISSUER}/mod/lti/auth.php",
        "--auth-token-url",
        f"{ISSUER}/mod/lti/token.php",
        "--key-set-url",
        f"{ISSUER}/mod/lti/certs.php",
        *(item for d in deployments for item in ("--deployment-id", d)),
        *extra,
    )


@pytest.fixture(scope="module")
def web_server(api_settings: Settings, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    dist = tmp_path_factory.mktemp("dist")
    (dist / "index.html").write_text(PAGE)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(Settings, "web_dist_dir", property(lambda _: Path(dist)))
        with LiveServer(api_settings) as server:
            yield server.url


def _policy(response: httpx.Response) -> str:
    return response.headers["content-security-policy"]


def test_the_cli_registers_lists_and_removes_platforms(api_settings: Settings) -> None:
    url = api_settings.database_url
    client_id = "cli-client"
    added = _add(url, client_id, "1", "2")
    assert added.returncode == 0, added.stderr
    again = _add(url, client_id, "3")  # the same platform: its deployments grow
    assert again.returncode == 0, again.stderr
    listed = _cli(url, "platforms", "--json")
    assert listed.returncode == 0, listed.stderr
    [platform] = [p for p in json.loads(listed.stdout) if p["client_id"] == client_id]
    assert platform["issuer"] == ISSUER
    assert platform["deployment_ids"] == ["1", "2", "3"]
    assert (
        _cli(url, "remove-platform", "--issuer", ISSUER, "--client-id", client_id).returncode == 0
    )
    missing = _cli(url, "remove-platform", "--issuer", ISSUER, "--client-id", client_id)
    assert missing.returncode == 1
    assert "no platform" in missing.stderr
    bad = _cli(
        url,
        "add-platform",
        "--issuer",
        ISSUER,
        "--client-id",
        "x",
        "--auth-login-url",
        "javascript:alert(1)",
        "--auth-token-url",
        "https://a",
        "--key-set-url",
        "https://b",
        "--deployment-id",
        "1",
    )
    assert bad.returncode == 2


def _frame_ancestors(response: httpx.Response) -> list[str]:
    for directive in _policy(response).split(";"):
        name, *values = directive.split()
        if name == "frame-ancestors":
            return values
    raise AssertionError("no frame-ancestors")


def test_only_registered_platforms_may_frame_the_pages(
    web_server: str, api_settings: Settings
) -> None:
    """(Other LTI tests of this worker register their own test LMS in the same database:
    the policy is checked for this platform's origins, not for an empty list.)"""
    url = api_settings.database_url
    school = "https://school.lms.example"  # where the LMS's pages are, when not the issuer
    assert ISSUER not in _frame_ancestors(httpx.get(web_server + "/courses/x"))

    assert _add(url, "frame-client", "1", extra=("--frame-origin", school)).returncode == 0
    # The api learns of it at the platform's next login (the CLI runs in another process).
    httpx.get(web_server + "/lti/login", params={"iss": ISSUER, "login_hint": "x"})
    try:
        page = httpx.get(web_server + "/courses/x")
        ancestors = _frame_ancestors(page)
        assert ancestors[0] == "'self'"
        assert {ISSUER, school} <= set(ancestors)
        assert "x-frame-options" not in page.headers
        # Everything that is not a page stays unframeable.
        problem = httpx.get(web_server + "/api/v1/me")
        assert _frame_ancestors(problem) == ["'none'"]
        assert problem.headers["x-frame-options"] == "DENY"
    finally:
        removed = _cli(url, "remove-platform", "--issuer", ISSUER, "--client-id", "frame-client")
        assert removed.returncode == 0
    httpx.get(web_server + "/lti/login", params={"iss": ISSUER, "login_hint": "x"})
    assert ISSUER not in _frame_ancestors(httpx.get(web_server + "/courses/x"))
