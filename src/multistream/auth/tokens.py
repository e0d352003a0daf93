"""Verify and issue RS256 JSON Web Tokens.

One verification path for both identity providers: the token's key comes from a JWKS
(Clerk's over HTTP, cached and refetched when an unknown `kid` appears; the local
provider's from its key store), and the same checks apply to both:

- the algorithm is pinned to RS256 (`none`, HS256 and friends are refused outright);
- `exp`, `nbf` and `iat` with a small leeway; `iss` must be the configured issuer;
- `azp` (authorized party) must be one of the web app's allowed origins.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
import threading
import time
import uuid
from typing import Any, Protocol

import jwt
import structlog
from cryptography.hazmat.primitives.asymmetric import rsa

from multistream.auth.keys import LocalKeyStore

log = structlog.get_logger(__name__)

ALGORITHM = "RS256"
REQUIRED_CLAIMS = ["exp", "iat", "iss", "sub"]


class InvalidToken(Exception):
    """The token cannot be trusted; the message says why (for logs, not for clients)."""


class KeySource(Protocol):
    def public_key(self, kid: str) -> rsa.RSAPublicKey: ...

    def key_ids(self) -> frozenset[str]:
        """The ids of the keys that verify today: a key missing from it was retired."""
        ...


class RemoteJwks:
    """Keys from a JWKS URL (Clerk), cached; an unknown `kid` triggers one refetch."""

    def __init__(
        self, url: str, *, cache_seconds: int, refresh_cooldown: float, timeout: float = 5.0
    ) -> None:
        self._client = jwt.PyJWKClient(
            url,
            cache_jwk_set=True,
            lifespan=max(cache_seconds, 1),
            timeout=int(timeout),
            cooldown_duration=refresh_cooldown,
        )

    def public_key(self, kid: str) -> rsa.RSAPublicKey:
        try:
            key = self._client.get_signing_key(kid).key
        except (jwt.PyJWTError, ValueError) as exc:  # ValueError: a body that is not JSON
            raise InvalidToken(f"no usable key for kid {kid!r}: {exc}") from exc
        if not isinstance(key, rsa.RSAPublicKey):
            raise InvalidToken(f"key {kid!r} is not an RSA key")
        return key

    def key_ids(self) -> frozenset[str]:
        """The JWKS's key ids, as cached (fetched again after `cache_seconds`)."""
        try:
            return frozenset(str(key.key_id) for key in self._client.get_signing_keys())
        except (jwt.PyJWTError, ValueError) as exc:
            raise InvalidToken(f"the key set could not be read: {exc}") from exc


class LocalJwks:
    """Keys of the built-in provider, read from its key store; each key made once (a key
    id names one key for good: rotation adds keys, it never changes one)."""

    def __init__(self, store: LocalKeyStore) -> None:
        self._store = store
        self._keys: dict[str, rsa.RSAPublicKey] = {}

    def public_key(self, kid: str) -> rsa.RSAPublicKey:
        if (known := self._keys.get(kid)) is not None:
            return known
        for jwk in self._store.jwks()["keys"]:
            if jwk["kid"] == kid:
                key = jwt.PyJWK(jwk).key
                assert isinstance(key, rsa.RSAPublicKey)
                self._keys[kid] = key
                return key
        raise InvalidToken(f"unknown kid {kid!r}")

    def key_ids(self) -> frozenset[str]:
        return self._store.key_ids()


@dataclasses.dataclass(frozen=True)
class VerifiedToken:
    subject: str
    issuer: str
    authorized_party: str
    session_id: str | None
    claims: dict[str, Any]


class TokenVerifier:
    """Verifies tokens, and remembers a verified token until its `exp` (or `cache_seconds`,
    if sooner): a client sends the same access token with every request, and checking its
    signature again would find the same until it expires. What may change in the meantime
    (a revoked sign-in, a deleted account, a membership) is not the token's to say: it is
    checked on every request (`auth.service.user_for_token`, `access.service`).

    The one thing that can end a signature's validity early is its key leaving the key set
    (a key retired from Clerk's JWKS): every remembered token is kept with its key id, the
    key set is read again at most every `key_check_seconds` (Clerk's is fetched again as
    its JWKS cache expires), and the tokens of a key no longer in it are forgotten; if the
    key set cannot be read, every remembered token is. (The local key store only adds keys
    while a process runs: a key file removed from its folder is retired when the api
    processes restart, which empties this cache too.)

    At most `MAX_CACHED` tokens are kept: a class of 10,000 students, each with a token and
    at most one earlier one not yet expired. When full, the expired go first, then, if more
    than three quarters remain, the oldest remembered (soonest to expire) down to three
    quarters: a sweep frees at least a quarter of the room, so its cost stays small per
    token remembered, and a forgotten token is only verified again. A remembered local
    token takes about 2 KB (the token and its claims): 40 MB at the bound."""

    MAX_CACHED = 20_000

    def __init__(
        self,
        keys: KeySource,
        *,
        issuer: str,
        allowed_parties: list[str],
        leeway_seconds: int,
        cache_seconds: float = math.inf,
        key_check_seconds: float = 1.0,
    ) -> None:
        self._keys = keys
        self._issuer = issuer
        self._allowed_parties = {party.rstrip("/") for party in allowed_parties}
        self._leeway = leeway_seconds
        self._cache_seconds = cache_seconds
        self._key_check_seconds = key_check_seconds
        self._cache: dict[str, tuple[float, str, VerifiedToken]] = {}
        """token -> (remembered until, on the monotonic clock; its key id; what it says)"""
        self._cache_lock = threading.Lock()
        self._cached_kids: set[str] = set()
        """The key ids of the remembered tokens (some may have gone with a sweep)."""
        self._next_key_check = 0.0

    def verify(self, token: str) -> VerifiedToken:
        """The token's verified claims, or `InvalidToken`."""
        now = time.monotonic()
        if now >= self._next_key_check:
            self._check_keys(now)
        cached = self._cache.get(token)
        if cached is not None and cached[0] > now:
            return cached[2]
        kid, verified = self._verify(token)
        if self._cache_seconds > 0:
            left = float(verified.claims["exp"]) - time.time()
            if left > 0:
                self._remember(token, now + min(self._cache_seconds, left), kid, verified)
        return verified

    def _remember(self, token: str, until: float, kid: str, verified: VerifiedToken) -> None:
        with self._cache_lock:
            if len(self._cache) >= self.MAX_CACHED:
                now = time.monotonic()
                kept = [(k, v) for k, v in self._cache.items() if v[0] > now]
                # Insertion order is about expiry order (tokens live alike): drop the oldest.
                self._cache = dict(kept[max(0, len(kept) - self.MAX_CACHED * 3 // 4) :])
            self._cache[token] = (until, kid, verified)
            self._cached_kids.add(kid)

    def _check_keys(self, now: float) -> None:
        """Forget the tokens of keys that left the key set (all of them, if it is unreadable)."""
        self._next_key_check = now + self._key_check_seconds
        try:
            key_ids = self._keys.key_ids()
        except InvalidToken as exc:
            log.warning("signing keys not read; remembered tokens forgotten", error=str(exc))
            key_ids = frozenset()
        with self._cache_lock:
            if not self._cached_kids <= key_ids:
                self._cache = {k: v for k, v in self._cache.items() if v[1] in key_ids}
                self._cached_kids &= key_ids

    def _verify(self, token: str) -> tuple[str, VerifiedToken]:
        try:
            header = jwt.get_unverified_header(token)
        except jwt.PyJWTError as exc:
            raise InvalidToken(f"malformed token: {exc}") from exc
        if header.get("alg") != ALGORITHM:
            raise InvalidToken(f"algorithm {header.get('alg')!r} is not allowed")
        kid = header.get("kid")
        if not isinstance(kid, str) or not kid:
            raise InvalidToken("token has no key id")
        try:
            claims: dict[str, Any] = jwt.decode(
                token,
                self._keys.public_key(kid),
                algorithms=[ALGORITHM],
                issuer=self._issuer,
                leeway=self._leeway,
                options={"require": REQUIRED_CLAIMS, "verify_aud": False},
            )
        except jwt.PyJWTError as exc:
            raise InvalidToken(f"token rejected: {exc}") from exc
        party = claims.get("azp")
        if not isinstance(party, str) or party.rstrip("/") not in self._allowed_parties:
            raise InvalidToken(f"authorized party {party!r} is not an allowed origin")
        return kid, VerifiedToken(
            subject=str(claims["sub"]),
            issuer=str(claims["iss"]),
            authorized_party=party,
            session_id=claims.get("sid"),
            claims=claims,
        )


def issue_access_token(
    store: LocalKeyStore,
    *,
    issuer: str,
    subject: uuid.UUID,
    session_id: uuid.UUID,
    authorized_party: str,
    ttl_seconds: int,
    now: dt.datetime | None = None,
) -> str:
    """A short-lived access token of the local provider, shaped like Clerk's."""
    kid, private_key = store.signing_key()
    issued = now or dt.datetime.now(dt.UTC)
    claims = {
        "iss": issuer,
        "sub": str(subject),
        "sid": str(session_id),
        "azp": authorized_party,
        "iat": issued,
        "nbf": issued,
        "exp": issued + dt.timedelta(seconds=ttl_seconds),
    }
    return jwt.encode(claims, private_key, algorithm=ALGORITHM, headers={"kid": kid})
