"""The token verifier remembers a verified token for a few seconds, never past its
expiry, and never remembers a refusal."""

from __future__ import annotations

import datetime as dt
import time
import uuid
from pathlib import Path

import pytest

from multistream.auth.keys import LocalKeyStore
from multistream.auth.tokens import InvalidToken, LocalJwks, TokenVerifier, issue_access_token

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
    # Issued 58.5 s ago with a 60 s life: valid for about 1.5 s more (exp in whole seconds).
    issued = dt.datetime.now(dt.UTC) - dt.timedelta(seconds=58.5)
    token = _token(store, ttl=60, now=issued)
    verifier.verify(token)
    time.sleep(2.6)
    with pytest.raises(InvalidToken):
        verifier.verify(token)


def test_a_refused_token_is_not_remembered(tmp_path: Path) -> None:
    store = LocalKeyStore(tmp_path)
    verifier = _verifier(store, cache_seconds=10)
    expired = _token(store, ttl=60, now=dt.datetime.now(dt.UTC) - dt.timedelta(minutes=5))
    for _ in range(2):
        with pytest.raises(InvalidToken):
            verifier.verify(expired)
