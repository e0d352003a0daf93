"""The built-in identity provider: sign-up, sign-in with growing waits after failures
(tests/integration/test_abuse_limits.py: per address, and not for the owner elsewhere), the
refresh cookie, its rotation and logout."""

from __future__ import annotations

import datetime as dt
import time
import uuid

import httpx
import sqlalchemy as sa

from multistream.auth.routes import REFRESH_COOKIE
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


def test_the_web_app_is_told_to_sign_in_locally(api: ApiClient) -> None:
    response = api.http.get("/auth/config")
    assert response.status_code == 200
    assert response.json() == {"provider": "local", "clerk_publishable_key": None}


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


def _refresh(api: ApiClient, cookie: str | None, **headers: str) -> httpx.Response:
    if cookie is not None:
        headers["Cookie"] = f"{REFRESH_COOKIE}={cookie}"
    return api.http.post("/auth/local/refresh", headers=headers)


def _logout(api: ApiClient, cookie: str | None, **headers: str) -> httpx.Response:
    if cookie is not None:
        headers["Cookie"] = f"{REFRESH_COOKIE}={cookie}"
    return api.http.post("/auth/local/logout", headers=headers)


def _set_cookies(response: httpx.Response) -> list[dict[str, str]]:
    """The refresh cookies' attributes as the response set them (lower-cased names)."""
    found = []
    for header in response.headers.get_list("set-cookie"):
        if not header.startswith(REFRESH_COOKIE):
            continue
        name_value, *attributes = (part.strip() for part in header.split(";"))
        parsed = {"value": name_value.partition("=")[2]}
        for attribute in attributes:
            key, _, value = attribute.partition("=")
            parsed[key.lower()] = value
        found.append(parsed)
    return found


def _set_cookie(response: httpx.Response) -> dict[str, str]:
    (parsed,) = _set_cookies(response)
    return parsed


def test_the_refresh_token_is_only_in_an_httponly_strict_cookie(api: ApiClient) -> None:
    response = api.http.post(
        "/auth/local/signup",
        json={"email": _email(), "password": PASSWORD, "display_name": "Cookie"},
    )
    assert response.status_code == 201
    assert "refresh_token" not in response.json()
    cookie = _set_cookie(response)
    assert len(cookie["value"]) > 40
    assert cookie["value"] not in response.text
    assert cookie["path"] == "/auth/local"
    assert cookie["samesite"] == "strict"
    assert "httponly" in cookie
    assert "secure" not in cookie  # plain http here; see the TLS test below
    assert int(cookie["max-age"]) == 30 * 86400

    login = api.http.post(
        "/auth/local/login", json={"email": response.json()["user"]["email"], "password": PASSWORD}
    )
    assert "refresh_token" not in login.json()
    assert _set_cookie(login)["value"] not in login.text


def test_the_cookie_is_secure_when_the_api_is_served_over_tls(api_settings: Settings) -> None:
    from multistream.auth.routes import _cookie_attributes

    behind_tls = api_settings.model_copy(update={"public_url": "https://class.example.org"})
    assert _cookie_attributes(behind_tls)["secure"] is True
    assert _cookie_attributes(api_settings)["secure"] is False


def test_refresh_rotates_and_reuse_revokes_the_family(api: ApiClient) -> None:
    person = api.signup("Refresher")
    first = _refresh(api, person.refresh_token)
    assert first.status_code == 200
    rotated = first.json()
    assert "refresh_token" not in rotated
    successor_cookie = _set_cookie(first)["value"]
    assert successor_cookie != person.refresh_token
    me = api.http.get("/api/v1/me", headers={"Authorization": f"Bearer {rotated['access_token']}"})
    assert me.json()["id"] == person.id

    # The old token again: someone copied it. Both it and its successor stop working.
    replay = _refresh(api, person.refresh_token)
    assert replay.status_code == 401
    assert replay.json()["type"] == "invalid-refresh-token"
    assert _set_cookie(replay)["value"] in ("", '""')  # the browser forgets it
    assert _refresh(api, successor_cookie).status_code == 401


def test_unknown_or_missing_refresh_cookie(api: ApiClient) -> None:
    for cookie in ("x" * 64, None):
        response = _refresh(api, cookie)
        assert response.status_code == 401
        assert response.headers["content-type"] == "application/problem+json"
        assert response.json()["type"] == "invalid-refresh-token"


def test_a_refresh_token_in_the_body_is_ignored(api: ApiClient) -> None:
    person = api.signup("Body")
    response = api.http.post("/auth/local/refresh", json={"refresh_token": person.refresh_token})
    assert response.status_code == 401


def test_logout_revokes_the_family_and_clears_the_cookie(api: ApiClient) -> None:
    person = api.signup("Leaver")
    rotated = _refresh(api, person.refresh_token)
    newest, access = _set_cookie(rotated)["value"], rotated.json()["access_token"]
    me = api.http.get("/api/v1/me", headers={"Authorization": f"Bearer {access}"})
    assert me.status_code == 200

    response = _logout(api, newest)
    assert response.status_code == 204
    # Cleared as set by a sign-in here (Strict) and by one inside an LMS's iframe (None).
    clearing = _set_cookies(response)
    assert {cleared["samesite"].lower() for cleared in clearing} == {"strict", "none"}
    for cleared in clearing:
        assert cleared["value"] in ("", '""')
        assert cleared["path"] == "/auth/local"
        assert int(cleared["max-age"]) == 0

    assert _refresh(api, newest).status_code == 401
    # The access tokens of that sign-in die with it (`sid` is the family).
    for token in (person.access_token, access):
        me = api.http.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
        assert me.status_code == 401
        assert me.json()["type"] == "unauthenticated"
    # Another sign-in of the same person is untouched.
    other = api.http.post(
        "/auth/local/login", json={"email": person.user["email"], "password": PASSWORD}
    )
    assert _refresh(api, _set_cookie(other)["value"]).status_code == 200
    # Logging out again, or without a cookie, changes nothing and still answers 204.
    assert _logout(api, newest).status_code == 204
    assert _logout(api, None).status_code == 204


def test_refresh_and_logout_refuse_other_origins(api: ApiClient) -> None:
    """What a page on another site gets if a browser ever sent the cookie along."""
    person = api.signup("Targeted")
    for call in (_refresh, _logout):
        for headers in ({"Origin": "https://evil.example"}, {"Sec-Fetch-Site": "cross-site"}):
            response = call(api, person.refresh_token, **headers)
            assert response.status_code == 403, (call, headers)
            assert response.json()["type"] == "cross-origin-refused"
    assert _refresh(api, person.refresh_token).status_code == 200  # nothing was spent


def test_cors_gives_other_origins_nothing_to_read(api: ApiClient) -> None:
    preflight = api.http.options(
        "/auth/local/refresh",
        headers={"Origin": "https://evil.example", "Access-Control-Request-Method": "POST"},
    )
    assert "access-control-allow-origin" not in preflight.headers
    assert "access-control-allow-credentials" not in preflight.headers


def test_a_class_answers_a_signed_out_token_as_unauthenticated_and_a_live_one_by_role(
    api: ApiClient,
) -> None:
    """The class guard finds the caller and the class in one statement: it must refuse what
    `/me` refuses (a signed-out sign-in) and tell apart a missing class (404), a course
    the caller is not in (404) and a role without the permission (403)."""
    teacher, student, stranger = api.signup("Host"), api.signup("Pupil"), api.signup("Outsider")
    course = api.create_course(teacher)
    assert api.join(student, api.invite(teacher, course["id"], "student")).status_code == 200
    start = dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.UTC)
    scheduled = api.request(
        "POST",
        f"/api/v1/courses/{course['id']}/sessions",
        teacher,
        json={
            "title": "Cells",
            "scheduled_start": start.isoformat(),
            "scheduled_end": (start + dt.timedelta(hours=1)).isoformat(),
        },
    )
    assert scheduled.status_code == 201, scheduled.text
    state = f"/api/v1/sessions/{scheduled.json()['id']}/state"

    assert api.request("GET", state, student).status_code == 200
    assert api.request("GET", state, teacher).status_code == 200
    outsider = api.request("GET", state, stranger)
    assert (outsider.status_code, outsider.json()["type"]) == (404, "not-found")
    missing = api.request("GET", f"/api/v1/sessions/{uuid.uuid4()}/state", student)
    assert (missing.status_code, missing.json()["type"]) == (404, "not-found")
    start_class = f"/api/v1/sessions/{scheduled.json()['id']}/start"
    refused = api.request("POST", start_class, student)
    assert (refused.status_code, refused.json()["type"]) == (403, "forbidden")

    # The student signs out: the access token they still hold dies with the sign-in.
    login = api.http.post(
        "/auth/local/login", json={"email": student.user["email"], "password": PASSWORD}
    )
    assert login.status_code == 200
    access = login.json()["access_token"]
    signed_in = api.http.get(state, headers={"Authorization": f"Bearer {access}"})
    assert signed_in.status_code == 200
    assert _logout(api, _set_cookie(login)["value"]).status_code == 204
    for path in (state, f"/api/v1/sessions/{uuid.uuid4()}/state"):
        gone = api.http.get(path, headers={"Authorization": f"Bearer {access}"})
        assert (gone.status_code, gone.json()["type"]) == (401, "unauthenticated")
