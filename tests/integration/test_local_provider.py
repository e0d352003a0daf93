"""The built-in identity provider: sign-up, sign-in with growing waits after failures
(tests/integration/test_abuse_limits.py: per address, and not for the owner elsewhere),
refresh rotation."""

from __future__ import annotations

import time
import uuid

import sqlalchemy as sa

from multistream.settings import Settings
from tests.apiclient import PASSWORD, ApiClient


def _email() -> str:
    return f"user.{uuid.uuid4().hex[:12]}@example.com"


def _login(api: ApiClient, email: str, password: str) -> tuple[int, dict[str, object], str]:
    response = api.http.post("/auth/local/login", json={"email": email, "password": password})
    return response.status_code, response.json(), response.headers.get("retry-after", "")


def test_signup_then_login(api: ApiClient) -> None:
    email = _email()
    person = api.signup("Ada Lovelace", email=email)
    assert person.user["email"] == email
    assert person.user["auth_provider"] == "local"
    status, body, _ = _login(api, email.upper(), PASSWORD)  # emails match case-insensitively
    assert status == 200
    assert body["user"] == person.user


def test_password_is_stored_as_argon2id(api: ApiClient, engine: sa.Engine) -> None:
    person = api.signup("Hashed")
    with engine.connect() as connection:
        stored = connection.execute(
            sa.text("SELECT password_hash FROM local_credentials WHERE user_id = :id"),
            {"id": person.id},
        ).scalar_one()
    assert stored.startswith("$argon2id$")
    assert PASSWORD not in stored


def test_signup_refuses_a_taken_email(api: ApiClient) -> None:
    email = _email()
    api.signup("First", email=email)
    response = api.http.post(
        "/auth/local/signup",
        json={"email": email.title(), "password": PASSWORD, "display_name": "Second"},
    )
    assert response.status_code == 409
    assert response.json()["type"] == "email-taken"


def test_signup_validation_names_the_fields(api: ApiClient) -> None:
    response = api.http.post(
        "/auth/local/signup",
        json={"email": "not-an-email", "password": "short", "display_name": " "},
    )
    assert response.status_code == 422
    fields = {error["field"] for error in response.json()["errors"]}
    assert fields == {"email", "password", "display_name"}


def test_unknown_email_and_wrong_password_answer_the_same(api: ApiClient) -> None:
    email = _email()
    api.signup("Known", email=email)
    wrong = _login(api, email, "not the password")
    unknown = _login(api, _email(), "not the password")
    assert wrong[0] == unknown[0] == 401
    assert {k: v for k, v in wrong[1].items() if k != "instance"} == {
        k: v for k, v in unknown[1].items() if k != "instance"
    }


def test_ten_wrong_passwords_make_the_next_attempt_wait(
    api: ApiClient, api_settings: Settings
) -> None:
    email = _email()
    api.signup("Forgetful", email=email)
    assert api_settings.login_max_failures == 10
    for _ in range(10):
        assert _login(api, email, "wrong password")[0] == 401
    status, body, retry_after = _login(api, email, PASSWORD)  # even the right password
    assert status == 429
    assert body["type"] == "too-many-attempts"
    assert 0 < int(retry_after) <= api_settings.login_lockout_seconds

    time.sleep(api_settings.login_lockout_seconds + 0.5)
    assert _login(api, email, PASSWORD)[0] == 200


def test_unknown_emails_wait_the_same_way(api: ApiClient) -> None:
    email = _email()
    for _ in range(10):
        assert _login(api, email, "guess")[0] == 401
    status, body, retry_after = _login(api, email, "guess")
    assert status == 429
    assert body["type"] == "too-many-attempts"
    assert int(retry_after) > 0


def test_refresh_rotates_and_reuse_revokes_the_family(api: ApiClient) -> None:
    person = api.signup("Refresher")
    first = api.http.post("/auth/local/refresh", json={"refresh_token": person.refresh_token})
    assert first.status_code == 200
    rotated = first.json()
    assert rotated["refresh_token"] != person.refresh_token
    me = api.http.get("/api/v1/me", headers={"Authorization": f"Bearer {rotated['access_token']}"})
    assert me.json()["id"] == person.id

    # The old token again: someone copied it. Both it and its successor stop working.
    replay = api.http.post("/auth/local/refresh", json={"refresh_token": person.refresh_token})
    assert replay.status_code == 401
    assert replay.json()["type"] == "invalid-refresh-token"
    successor = api.http.post(
        "/auth/local/refresh", json={"refresh_token": rotated["refresh_token"]}
    )
    assert successor.status_code == 401


def test_unknown_refresh_token(api: ApiClient) -> None:
    response = api.http.post("/auth/local/refresh", json={"refresh_token": "x" * 64})
    assert response.status_code == 401
    assert response.json()["type"] == "invalid-refresh-token"
