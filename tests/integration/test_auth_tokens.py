"""Token verification through the real api: every kind of bad token is a 401 problem."""

from __future__ import annotations

import base64
import datetime as dt
import json
from collections.abc import Callable
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from multistream.auth.keys import LocalKeyStore
from multistream.settings import Settings
from tests.apiclient import ApiClient, Person


@pytest.fixture(scope="module")
def person(api: ApiClient) -> Person:
    return api.signup("Token Tester")


@pytest.fixture(scope="module")
def keys(api_settings: Settings) -> LocalKeyStore:
    return LocalKeyStore(api_settings.keys_dir)


def _claims(api: ApiClient, person: Person, **changes: Any) -> dict[str, Any]:
    now = dt.datetime.now(dt.UTC)
    claims = {
        "iss": f"{api.base_url}/auth/local",
        "sub": person.id,
        "sid": "sess_test",
        "azp": api.base_url,
        "iat": now,
        "nbf": now,
        "exp": now + dt.timedelta(minutes=5),
    }
    claims.update(changes)
    return {k: v for k, v in claims.items() if v is not None}


def _sign(keys: LocalKeyStore, claims: dict[str, Any], **header: Any) -> str:
    kid, private_key = keys.signing_key()
    return jwt.encode(claims, private_key, algorithm="RS256", headers={"kid": kid, **header})


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _alg_none(keys: LocalKeyStore, claims: dict[str, Any]) -> str:
    header = {"alg": "none", "typ": "JWT", "kid": keys.signing_key()[0]}
    body = json.dumps(claims, default=lambda d: int(d.timestamp())).encode()
    return f"{_b64(json.dumps(header).encode())}.{_b64(body)}."


def _hs256_with_public_key(keys: LocalKeyStore, claims: dict[str, Any]) -> str:
    """The classic confusion attack: HMAC-sign with the RSA *public* key as the secret."""
    kid, private_key = keys.signing_key()
    public_pem = private_key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    header = {"alg": "HS256", "typ": "JWT", "kid": kid}
    body = json.dumps(claims, default=lambda d: int(d.timestamp())).encode()
    signing_input = f"{_b64(json.dumps(header).encode())}.{_b64(body)}".encode()
    import hashlib
    import hmac

    signature = hmac.new(public_pem, signing_input, hashlib.sha256).digest()
    return f"{signing_input.decode()}.{_b64(signature)}"


def _tampered(keys: LocalKeyStore, claims: dict[str, Any]) -> str:
    header, body, signature = _sign(keys, claims).split(".")
    other = json.loads(base64.urlsafe_b64decode(body + "=="))
    other["sub"] = "01a2145a-0000-7000-8000-000000000000"
    return f"{header}.{_b64(json.dumps(other).encode())}.{signature}"


def _foreign_key(keys: LocalKeyStore, claims: dict[str, Any]) -> str:
    """Signed by a key the api never published, under the published key id."""
    stranger = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return jwt.encode(claims, stranger, algorithm="RS256", headers={"kid": keys.signing_key()[0]})


HOUR = dt.timedelta(hours=1)
BAD_TOKENS: dict[str, Callable[[LocalKeyStore, ApiClient, Person], str]] = {
    "expired": lambda k, a, p: _sign(
        k, _claims(a, p, exp=dt.datetime.now(dt.UTC) - HOUR, iat=dt.datetime.now(dt.UTC) - 2 * HOUR,
                   nbf=dt.datetime.now(dt.UTC) - 2 * HOUR)
    ),
    "not_yet_valid": lambda k, a, p: _sign(
        k, _claims(a, p, nbf=dt.datetime.now(dt.UTC) + HOUR, exp=dt.datetime.now(dt.UTC) + 2 * HOUR)
    ),
    "tampered": lambda k, a, p: _tampered(k, _claims(a, p)),
    "wrong_issuer": lambda k, a, p: _sign(k, _claims(a, p, iss="https://evil.example/auth")),
    "wrong_azp": lambda k, a, p: _sign(k, _claims(a, p, azp="https://evil.example")),
    "missing_azp": lambda k, a, p: _sign(k, _claims(a, p, azp=None)),
    "missing_exp": lambda k, a, p: _sign(k, _claims(a, p, exp=None)),
    "alg_none": lambda k, a, p: _alg_none(k, _claims(a, p)),
    "hs256_with_public_key": lambda k, a, p: _hs256_with_public_key(k, _claims(a, p)),
    "unknown_kid": lambda k, a, p: _sign(k, _claims(a, p), kid="no-such-key"),
    "foreign_signing_key": lambda k, a, p: _foreign_key(k, _claims(a, p)),
    "garbage": lambda k, a, p: "not.a.jwt",
}  # fmt: skip


def test_a_good_token_is_accepted(api: ApiClient, person: Person, keys: LocalKeyStore) -> None:
    token = _sign(keys, _claims(api, person))
    response = api.http.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200, response.text
    assert response.json()["id"] == person.id


@pytest.mark.parametrize("kind", sorted(BAD_TOKENS))
def test_bad_token_is_rejected(
    api: ApiClient, person: Person, keys: LocalKeyStore, kind: str
) -> None:
    token = BAD_TOKENS[kind](keys, api, person)
    response = api.http.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 401, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["type"] == "unauthenticated"
    assert response.headers["www-authenticate"].startswith("Bearer")


@pytest.mark.parametrize(
    "header", [None, "Basic dXNlcjpwYXNz", "Bearer", "token abc", "Bearer a b"]
)
def test_missing_or_malformed_authorization(api: ApiClient, header: str | None) -> None:
    headers = {"Authorization": header} if header is not None else {}
    response = api.http.get("/api/v1/me", headers=headers)
    assert response.status_code == 401
    assert response.json()["type"] == "unauthenticated"


def test_jwks_publishes_the_signing_key(api: ApiClient, keys: LocalKeyStore) -> None:
    body = api.http.get("/auth/local/.well-known/jwks.json").json()
    kids = [key["kid"] for key in body["keys"]]
    assert keys.signing_key()[0] in kids
    assert all(key["kty"] == "RSA" and key["alg"] == "RS256" for key in body["keys"])
    assert all("d" not in key for key in body["keys"])  # public parts only
