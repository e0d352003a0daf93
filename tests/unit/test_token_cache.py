"""The token verifier remembers a verified token until its expiry (or fewer seconds, if
told), never a refusal, and not past its key's retirement."""

from __future__ import annotations

import datetime as dt
import http.server
import json
import threading
import time
import uuid
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

from multistream.auth.keys import LocalKeyStore
from multistream.auth.tokens import (
    InvalidToken,
    LocalJwks,
    RemoteJwks,
    TokenVerifier,
    issue_access_token,
)

ISSUER = "http://multistream.test"
PARTY = "http://multistream.test"


def _token(store: LocalKeyStore, *, ttl: int, now: dt.datetime | None = None) -> str:
    return issue_access_token(
        store,
        issuer=ISSUER,
        subject=uuid.uuid4(),
        session_id=uuid.uuid4(),
        authorized_party=PARTY,
        ttl_seconds=ttl,
        now=now,
    )


def _verifier(store: LocalKeyStore, cache_seconds: float) -> TokenVerifier:
    return TokenVerifier(
        LocalJwks(store),
        issuer=ISSUER,
        allowed_parties=[PARTY],
        leeway_seconds=0,
        cache_seconds=cache_seconds,
    )


def test_a_verified_token_is_remembered(tmp_path: Path) -> None:
    store = LocalKeyStore(tmp_path)
    verifier = _verifier(store, cache_seconds=10)
    token = _token(store, ttl=600)
    first = verifier.verify(token)
    assert verifier.verify(token) is first  # not verified again


def test_a_remembered_token_expires_with_its_exp(tmp_path: Path) -> None:
    store = LocalKeyStore(tmp_path)
    verifier = _verifier(store, cache_seconds=60)
    _token(store, ttl=60)  # the store makes its key now, not inside the seconds below
    # Issued 57.5 s ago with a 60 s life: valid for 1.5 to 2.5 s more (exp in whole seconds).
    issued = dt.datetime.now(dt.UTC) - dt.timedelta(seconds=57.5)
    token = _token(store, ttl=60, now=issued)
    verifier.verify(token)
    time.sleep(3.6)
    with pytest.raises(InvalidToken):
        verifier.verify(token)


def test_a_refused_token_is_not_remembered(tmp_path: Path) -> None:
    store = LocalKeyStore(tmp_path)
    verifier = _verifier(store, cache_seconds=10)
    expired = _token(store, ttl=60, now=dt.datetime.now(dt.UTC) - dt.timedelta(minutes=5))
    for _ in range(2):
        with pytest.raises(InvalidToken):
            verifier.verify(expired)


def test_a_verified_token_is_remembered_until_its_exp(tmp_path: Path) -> None:
    store = LocalKeyStore(tmp_path)
    verifier = TokenVerifier(
        LocalJwks(store), issuer=ISSUER, allowed_parties=[PARTY], leeway_seconds=0
    )
    token = _token(store, ttl=900)
    verifier.verify(token)
    (until, _, _) = verifier._cache[token]
    assert until - time.monotonic() > 800  # not the 10 s it was


def test_tokens_of_a_rotated_key_are_kept(tmp_path: Path) -> None:
    store = LocalKeyStore(tmp_path)
    verifier = TokenVerifier(
        LocalJwks(store),
        issuer=ISSUER,
        allowed_parties=[PARTY],
        leeway_seconds=0,
        key_check_seconds=0,
    )
    token = _token(store, ttl=600)
    first = verifier.verify(token)
    store.rotate()  # adds a key; the old one still verifies
    assert verifier.verify(token) is first
    assert verifier.verify(_token(store, ttl=600)).subject != first.subject


class FakeKeySet:
    """A key source whose set can lose a key (a retirement), or be unreadable."""

    def __init__(self, store: LocalKeyStore) -> None:
        self.jwks = LocalJwks(store)
        self.retired: set[str] = set()
        self.readable = True

    def public_key(self, kid: str) -> rsa.RSAPublicKey:
        if kid in self.retired:
            raise InvalidToken(f"unknown kid {kid!r}")
        return self.jwks.public_key(kid)

    def key_ids(self) -> frozenset[str]:
        if not self.readable:
            raise InvalidToken("the key set could not be read")
        return self.jwks.key_ids() - self.retired


def test_tokens_of_a_retired_key_are_forgotten(tmp_path: Path) -> None:
    store = LocalKeyStore(tmp_path)
    keys = FakeKeySet(store)
    verifier = TokenVerifier(
        keys, issuer=ISSUER, allowed_parties=[PARTY], leeway_seconds=0, key_check_seconds=0
    )
    old_kid = store.signing_key()[0]
    old = _token(store, ttl=600)
    verifier.verify(old)
    store.rotate()
    new = _token(store, ttl=600)
    kept = verifier.verify(new)
    keys.retired.add(old_kid)
    with pytest.raises(InvalidToken):
        verifier.verify(old)
    assert verifier.verify(new) is kept  # the other key's tokens stay remembered


def test_a_key_added_and_retired_between_two_checks_takes_its_tokens(tmp_path: Path) -> None:
    store = LocalKeyStore(tmp_path)
    keys = FakeKeySet(store)
    verifier = TokenVerifier(
        keys, issuer=ISSUER, allowed_parties=[PARTY], leeway_seconds=0, key_check_seconds=3600
    )
    verifier.verify(_token(store, ttl=600))  # the key set read: one key
    new_kid = store.rotate()
    brief = _token(store, ttl=600)
    verifier.verify(brief)  # remembered under a key the last check did not see
    keys.retired.add(new_kid)
    verifier._next_key_check = 0.0  # the next check is due
    with pytest.raises(InvalidToken):
        verifier.verify(brief)


def test_an_unreadable_key_set_forgets_every_token(tmp_path: Path) -> None:
    store = LocalKeyStore(tmp_path)
    keys = FakeKeySet(store)
    verifier = TokenVerifier(
        keys, issuer=ISSUER, allowed_parties=[PARTY], leeway_seconds=0, key_check_seconds=0
    )
    token = _token(store, ttl=600)
    first = verifier.verify(token)
    keys.readable = False
    again = verifier.verify(token)  # verified again: the key itself is still there
    assert again is not first
    assert again == first


def test_a_full_cache_drops_the_expired_then_the_oldest(tmp_path: Path) -> None:
    store = LocalKeyStore(tmp_path)
    verifier = TokenVerifier(
        LocalJwks(store), issuer=ISSUER, allowed_parties=[PARTY], leeway_seconds=0
    )
    verifier.MAX_CACHED = 8
    tokens = [_token(store, ttl=600) for _ in range(8)]
    for token in tokens:
        verifier.verify(token)
    # Two of them expire (as if their exp had passed): room enough once they go.
    for token in tokens[2:4]:
        _, kid, verified = verifier._cache[token]
        verifier._cache[token] = (time.monotonic() - 1, kid, verified)
    ninth = _token(store, ttl=600)
    verifier.verify(ninth)
    assert list(verifier._cache) == [*tokens[:2], *tokens[4:], ninth]
    tenth = _token(store, ttl=600)
    verifier.verify(tenth)
    # Full again with nothing expired: the oldest go, down to three quarters (6).
    eleventh = _token(store, ttl=600)
    verifier.verify(eleventh)
    assert list(verifier._cache) == [*tokens[4:], ninth, tenth, eleventh]
    remembered = verifier._cache[tenth][2]
    assert verifier.verify(tenth) is remembered
    forgotten = verifier.verify(tokens[0])  # verified again, and remembered again
    assert verifier._cache[tokens[0]][2] is forgotten


def test_a_key_retired_from_a_jwks_ends_its_remembered_tokens(tmp_path: Path) -> None:
    """Against a real JWKS over HTTP (as Clerk's): once the key leaves the published set
    and the set is fetched again, its tokens are refused; the other key's still pass."""
    store = LocalKeyStore(tmp_path)
    old_kid = store.signing_key()[0]
    old = _token(store, ttl=600)
    store.rotate()
    new = _token(store, ttl=600)
    published: dict[str, Any] | None = store.jwks()

    class Jwks(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            body = json.dumps(published).encode() if published else b"<html>down</html>"
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Jwks)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}/jwks.json"
        verifier = TokenVerifier(
            RemoteJwks(url, cache_seconds=1, refresh_cooldown=0),
            issuer=ISSUER,
            allowed_parties=[PARTY],
            leeway_seconds=0,
            key_check_seconds=0,
        )
        remembered = verifier.verify(old)
        kept = verifier.verify(new)
        assert verifier.verify(old) is remembered
        published = {"keys": [k for k in published["keys"] if k["kid"] != old_kid]}
        deadline = time.monotonic() + 10
        while True:  # until the JWKS cache (1 s) expires and the set is fetched again
            try:
                verifier.verify(old)
            except InvalidToken:
                break
            assert time.monotonic() < deadline, "a token of a retired key still passes"
            time.sleep(0.05)
        with pytest.raises(InvalidToken):
            verifier.verify(old)
        assert verifier.verify(new) is kept
        # The JWKS answers something that is not JSON: nothing is trusted (a 401, not a 500).
        published = None
        deadline = time.monotonic() + 10
        while True:
            try:
                verifier.verify(new)
            except InvalidToken:
                break
            assert time.monotonic() < deadline, "a token passes with an unreadable key set"
            time.sleep(0.05)
    finally:
        server.shutdown()
        server.server_close()
