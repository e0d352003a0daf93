"""Abuse limits (issue 18, point 4): sign-ups and failed sign-ins per client address, a
growing wait per account and address that cannot lock the owner out, join limits, and
the client's address taken from trusted proxies only.

Each test runs its own api with tight limits, behind "proxies" at 127.0.0.1 when it
needs clients at several addresses; the counters live in the shared Redis, so every
test uses addresses and emails of its own.
"""

from __future__ import annotations

import random
import time
import uuid
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from multistream.settings import Settings
from tests.apiclient import PASSWORD, ApiClient, Person
from tests.throwaway import LiveServer


@pytest.fixture(scope="module")
def limited(api_settings: Settings) -> Iterator[ApiClient]:
    settings = api_settings.model_copy(
        update={
            "trusted_proxies": ["127.0.0.1"],
            "rate_limit_signups_address": "3/60",
            "rate_limit_login_failures_address": "6/60",
            "login_max_failures": 3,
            "login_lockout_seconds": 3,
            "rate_limit_joins": "2/60",
        }
    )
    with LiveServer(settings) as server:
        client = ApiClient(server.url)
        yield client
        client.close()


def _from(address: str) -> dict[str, str]:
    return {"X-Forwarded-For": address}


def _signup(api: ApiClient, address: str, email: str | None = None) -> httpx.Response:
    email = email or f"campus.{uuid.uuid4().hex[:10]}@example.com"
    return api.http.post(
        "/auth/local/signup",
        json={"email": email, "password": PASSWORD, "display_name": "Student"},
        headers=_from(address),
    )


def _login(api: ApiClient, address: str, email: str, password: str) -> httpx.Response:
    return api.http.post(
        "/auth/local/login",
        json={"email": email, "password": password},
        headers=_from(address),
    )


def _new_address() -> str:
    """An address of the IPv6 documentation range that no other test or run uses."""
    return f"2001:db8:{random.randrange(65536):x}:{random.randrange(65536):x}::1"


@pytest.fixture
def addresses() -> tuple[str, str]:
    return _new_address(), _new_address()


def _problem(response: httpx.Response, status: int, type_: str) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    body: dict[str, Any] = response.json()
    assert body["type"] == type_
    return body


def test_sign_ups_are_limited_per_address(
    limited: ApiClient, api_settings: Settings, addresses: tuple[str, str]
) -> None:
    crowded, other = addresses
    for _ in range(3):
        assert _signup(limited, crowded).status_code == 201
    refused = _signup(limited, crowded)
    body = _problem(refused, 429, "rate-limited")
    assert "sign-ups" in body["detail"]
    assert 0 < int(refused.headers["retry-after"]) <= 60
    assert _signup(limited, other).status_code == 201  # another network is not affected


def test_failed_sign_ins_wait_per_account_and_address_not_for_the_owner(
    limited: ApiClient, api_settings: Settings, addresses: tuple[str, str]
) -> None:
    attacker, owner_address = addresses
    email = f"victim.{uuid.uuid4().hex[:10]}@example.com"
    assert _signup(limited, owner_address, email).status_code == 201

    for _ in range(3):  # login_max_failures
        _problem(_login(limited, attacker, email, "guess"), 401, "invalid-credentials")
    waiting = _problem(_login(limited, attacker, email, PASSWORD), 429, "too-many-attempts")
    assert waiting["retry_after"] == 1

    # The owner, elsewhere, is not locked out by the attacker's failures.
    assert _login(limited, owner_address, email, PASSWORD).status_code == 200

    # The attacker's waits grow (1 s, 2 s, then 4 s…) up to login_lockout_seconds (3).
    waits = []
    for _ in range(2):
        time.sleep(waiting["retry_after"] + 0.1)
        _problem(_login(limited, attacker, email, "guess"), 401, "invalid-credentials")
        waiting = _problem(_login(limited, attacker, email, "guess"), 429, "too-many-attempts")
        waits.append(waiting["retry_after"])
    assert waits == [2, 3]


def test_unknown_emails_wait_the_same_way(
    limited: ApiClient, api_settings: Settings, addresses: tuple[str, str]
) -> None:
    address, _ = addresses
    email = f"nobody.{uuid.uuid4().hex[:10]}@example.com"
    for _ in range(3):
        _problem(_login(limited, address, email, "guess"), 401, "invalid-credentials")
    _problem(_login(limited, address, email, "guess"), 429, "too-many-attempts")


def test_failed_sign_ins_are_limited_per_address(
    limited: ApiClient, api_settings: Settings, addresses: tuple[str, str]
) -> None:
    """Guessing many accounts from one address: past the address's limit, every sign-in
    from it waits, even a right one; other addresses sign in."""
    address, other = addresses
    email = f"known.{uuid.uuid4().hex[:10]}@example.com"
    assert _signup(limited, other, email).status_code == 201
    for index in range(6):
        guess = f"guess.{index}.{uuid.uuid4().hex[:8]}@example.com"
        _problem(_login(limited, address, guess, "guess"), 401, "invalid-credentials")
    refused = _login(limited, address, email, PASSWORD)
    _problem(refused, 429, "too-many-attempts")
    assert 0 < int(refused.headers["retry-after"]) <= 60
    assert _login(limited, other, email, PASSWORD).status_code == 200


def test_forwarded_addresses_count_only_from_trusted_proxies(api_settings: Settings) -> None:
    """Without trusted proxies, X-Forwarded-For is the client's word, not its address: a
    new made-up address per request does not escape the per-address limit."""
    settings = api_settings.model_copy(
        update={"rate_limit_signups_address": "2/60", "trusted_proxies": []}
    )
    # A loopback address of this test's own as the real one (127.0.0.1 is everyone's).
    peer = f"127.{random.randrange(1, 255)}.{random.randrange(256)}.{random.randrange(1, 255)}"
    with LiveServer(settings) as server:
        transport = httpx.HTTPTransport(local_address=peer)
        with httpx.Client(base_url=server.url, transport=transport) as http:
            client = ApiClient(server.url)
            client.http = http
            statuses = [_signup(client, _new_address()).status_code for _ in range(3)]
    assert statuses == [201, 201, 429]


def test_joins_are_limited_per_person(limited: ApiClient) -> None:
    signed_up = _signup(limited, _new_address())
    assert signed_up.status_code == 201, signed_up.text
    teacher = Person(
        signed_up.json()["user"],
        signed_up.json()["access_token"],
        signed_up.cookies["multistream_refresh"],
    )
    course = limited.create_course(teacher)
    session = limited.request(
        "POST",
        f"/api/v1/courses/{course['id']}/sessions",
        teacher,
        json={
            "title": "Joins",
            "scheduled_start": "2026-12-01T09:00:00+00:00",
            "scheduled_end": "2026-12-01T10:00:00+00:00",
        },
    )
    assert session.status_code == 201, session.text
    url = f"/api/v1/sessions/{session.json()['id']}/join"
    assert [limited.request("POST", url, teacher).status_code for _ in range(2)] == [200, 200]
    refused = limited.request("POST", url, teacher)
    body = _problem(refused, 429, "rate-limited")
    assert "joins" in body["detail"]
    assert int(refused.headers["retry-after"]) > 0
