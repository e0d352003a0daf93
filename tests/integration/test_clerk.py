"""Clerk: its session tokens through the same verifier, and its Svix-signed user webhook."""

from __future__ import annotations

import base64
import datetime as dt
import json
import threading
import uuid
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import httpx
import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from pydantic import SecretStr
from svix.webhooks import Webhook

from multistream.auth.keys import public_jwk
from multistream.settings import Settings
from tests.throwaway import LiveServer, free_port

WEBHOOK_SECRET = "whsec_" + base64.b64encode(b"multistream-test-webhook-secret!").decode()


class FakeClerkJwks:
    """A local JWKS endpoint standing in for Clerk's (a fake of Clerk, not of our code):
    it serves the public halves of keys the test holds."""

    def __init__(self) -> None:
        self.keys: list[rsa.RSAPrivateKey] = []
        self.requests = 0
        self.port = free_port()
        jwks = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                jwks.requests += 1
                body = json.dumps({"keys": [public_jwk(k.public_key()) for k in jwks.keys]})
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.end_headers()
                self.wfile.write(body.encode())

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def issuer(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def add_key(self) -> rsa.RSAPrivateKey:
        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.keys.append(key)
        return key


@pytest.fixture(scope="module")
def clerk() -> Iterator[FakeClerkJwks]:
    jwks = FakeClerkJwks()
    jwks.add_key()
    jwks.thread.start()
    yield jwks
    jwks.server.shutdown()
    jwks.server.server_close()


@pytest.fixture(scope="module")
def clerk_api(settings: Settings, database_url: str, clerk: FakeClerkJwks) -> Iterator[LiveServer]:
    clerk_settings = settings.model_copy(
        update={
            "database_url": database_url,
            "auth_provider": "clerk",
            "clerk_issuer": clerk.issuer,
            "clerk_jwks_url": f"{clerk.issuer}/.well-known/jwks.json",
            "clerk_webhook_secret": SecretStr(WEBHOOK_SECRET),
            "clerk_publishable_key": "pk_test_ZmFrZS5jbGVyay50ZXN0JA",
            "jwks_refresh_cooldown_seconds": 0.0,
            "allowed_origins": ["https://app.example.com"],
            "log_level": "WARNING",
        }
    )
    with LiveServer(clerk_settings) as server:
        yield server


def clerk_token(clerk: FakeClerkJwks, key: rsa.RSAPrivateKey, sub: str, **changes: Any) -> str:
    now = dt.datetime.now(dt.UTC)
    claims = {
        "iss": clerk.issuer,
        "sub": sub,
        "sid": f"sess_{uuid.uuid4().hex[:20]}",
        "azp": "https://app.example.com",
        "iat": now,
        "nbf": now - dt.timedelta(seconds=5),
        "exp": now + dt.timedelta(minutes=1),
        **changes,
    }
    kid = public_jwk(key.public_key())["kid"]
    return jwt.encode(claims, key, algorithm="RS256", headers={"kid": kid})


def me(server: LiveServer, token: str) -> httpx.Response:
    return httpx.get(
        f"{server.url}/api/v1/me", headers={"Authorization": f"Bearer {token}"}, timeout=10
    )


def test_clerk_shaped_token_maps_to_a_user(clerk: FakeClerkJwks, clerk_api: LiveServer) -> None:
    sub = f"user_{uuid.uuid4().hex[:24]}"
    first = me(clerk_api, clerk_token(clerk, clerk.keys[0], sub))
    assert first.status_code == 200, first.text
    assert first.json()["auth_provider"] == "clerk"
    again = me(clerk_api, clerk_token(clerk, clerk.keys[0], sub))
    assert again.json()["id"] == first.json()["id"]  # the same user, not a new one


def test_a_rotated_clerk_key_is_fetched_on_first_sight(
    clerk: FakeClerkJwks, clerk_api: LiveServer
) -> None:
    me(clerk_api, clerk_token(clerk, clerk.keys[0], "user_warmup"))  # JWKS cached now
    fetched = clerk.requests
    new_key = clerk.add_key()
    response = me(clerk_api, clerk_token(clerk, new_key, f"user_{uuid.uuid4().hex[:24]}"))
    assert response.status_code == 200, response.text
    assert clerk.requests == fetched + 1


@pytest.mark.parametrize(
    "changes",
    [{"azp": "https://evil.example"}, {"iss": "https://other.clerk.accounts.dev"}],
    ids=["wrong_azp", "wrong_issuer"],
)
def test_clerk_token_checks(
    clerk: FakeClerkJwks, clerk_api: LiveServer, changes: dict[str, str]
) -> None:
    response = me(clerk_api, clerk_token(clerk, clerk.keys[0], "user_checks", **changes))
    assert response.status_code == 401


def test_the_web_app_is_told_to_sign_in_with_clerk(clerk_api: LiveServer) -> None:
    response = httpx.get(f"{clerk_api.url}/auth/config")
    assert response.status_code == 200
    assert response.json() == {
        "provider": "clerk",
        "clerk_publishable_key": "pk_test_ZmFrZS5jbGVyay50ZXN0JA",
    }
    for path in ("/auth/local/refresh", "/auth/local/logout"):  # the cookie is the local one's
        assert httpx.post(f"{clerk_api.url}{path}").status_code == 404


def test_local_sign_in_is_off_under_clerk(clerk_api: LiveServer) -> None:
    response = httpx.post(
        f"{clerk_api.url}/auth/local/login", json={"email": "a@example.com", "password": "x"}
    )
    assert response.status_code == 404


def _webhook(
    server: LiveServer,
    event: dict[str, Any],
    *,
    msg_id: str,
    when: dt.datetime | None = None,
    secret: str = WEBHOOK_SECRET,
) -> httpx.Response:
    payload = json.dumps(event)
    timestamp = when or dt.datetime.now(dt.UTC)
    signature = Webhook(secret).sign(msg_id, timestamp, payload)
    headers = {
        "svix-id": msg_id,
        "svix-timestamp": str(int(timestamp.timestamp())),
        "svix-signature": signature,
        "content-type": "application/json",
    }
    return httpx.post(f"{server.url}/webhooks/clerk", content=payload, headers=headers)


def _user_event(kind: str, external_id: str, first_name: str = "Grace") -> dict[str, Any]:
    return {
        "type": kind,
        "data": {
            "id": external_id,
            "first_name": first_name,
            "last_name": "Hopper",
            "primary_email_address_id": "idn_1",
            "email_addresses": [{"id": "idn_1", "email_address": "grace@example.com"}],
        },
    }


def test_webhook_keeps_users_in_step(clerk: FakeClerkJwks, clerk_api: LiveServer) -> None:
    external_id = f"user_{uuid.uuid4().hex[:24]}"
    created = _webhook(
        clerk_api, _user_event("user.created", external_id), msg_id="msg_1" + external_id
    )
    assert created.json() == {"status": "processed"}
    profile = me(clerk_api, clerk_token(clerk, clerk.keys[0], external_id)).json()
    assert profile["display_name"] == "Grace Hopper"
    assert profile["email"] == "grace@example.com"

    _webhook(
        clerk_api, _user_event("user.updated", external_id, "Amazing"), msg_id="msg_2" + external_id
    )
    assert (
        me(clerk_api, clerk_token(clerk, clerk.keys[0], external_id)).json()["display_name"]
        == "Amazing Hopper"
    )

    _webhook(
        clerk_api,
        {"type": "user.deleted", "data": {"id": external_id}},
        msg_id="msg_3" + external_id,
    )
    assert me(clerk_api, clerk_token(clerk, clerk.keys[0], external_id)).status_code == 401


def test_webhook_replay_is_processed_once(clerk_api: LiveServer) -> None:
    external_id = f"user_{uuid.uuid4().hex[:24]}"
    event = _user_event("user.created", external_id)
    assert _webhook(clerk_api, event, msg_id="msg_r" + external_id).json()["status"] == "processed"
    assert _webhook(clerk_api, event, msg_id="msg_r" + external_id).json()["status"] == "duplicate"


def test_webhook_with_a_bad_signature_is_refused(clerk_api: LiveServer) -> None:
    other_secret = "whsec_" + base64.b64encode(b"some-other-secret-entirely-12345").decode()
    response = _webhook(
        clerk_api, _user_event("user.created", "user_x"), msg_id="msg_bad", secret=other_secret
    )
    assert response.status_code == 401
    assert response.json()["type"] == "invalid-signature"


def test_webhook_with_an_old_timestamp_is_refused(clerk_api: LiveServer) -> None:
    old = dt.datetime.now(dt.UTC) - dt.timedelta(minutes=10)
    response = _webhook(
        clerk_api, _user_event("user.created", "user_y"), msg_id="msg_old", when=old
    )
    assert response.status_code == 401
