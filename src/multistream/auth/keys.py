"""Signing keys of the local identity provider.

An RSA key pair is generated on first run and kept in the data folder (`keys/`, mode
0600). The JWKS lists every key in the folder, so a new key can be added (`rotate`) while
tokens signed by the previous one still verify; the newest key signs.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import json
import os
import tempfile
import threading
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

_PREFIX = "local-signing-"


def _b64url_uint(value: int) -> str:
    raw = value.to_bytes((value.bit_length() + 7) // 8, "big")
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def public_jwk(key: rsa.RSAPublicKey) -> dict[str, str]:
    numbers = key.public_numbers()
    jwk = {"kty": "RSA", "n": _b64url_uint(numbers.n), "e": _b64url_uint(numbers.e)}
    # RFC 7638 thumbprint as the key id: stable, and derived from the key itself.
    canonical = json.dumps(jwk, separators=(",", ":"), sort_keys=True).encode()
    kid = base64.urlsafe_b64encode(hashlib.sha256(canonical).digest()).rstrip(b"=").decode()
    return {**jwk, "kid": kid, "use": "sig", "alg": "RS256"}


class LocalKeyStore:
    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._lock = threading.Lock()
        self._keys: list[tuple[str, rsa.RSAPrivateKey]] | None = None

    def _load(self) -> list[tuple[str, rsa.RSAPrivateKey]]:
        with self._lock:
            if self._keys is None:
                self.folder.mkdir(parents=True, exist_ok=True)
                files = sorted(self.folder.glob(f"{_PREFIX}*.pem"))
                if not files:
                    files = [self._generate()]
                keys = []
                for path in files:
                    key = serialization.load_pem_private_key(path.read_bytes(), password=None)
                    assert isinstance(key, rsa.RSAPrivateKey)
                    keys.append((public_jwk(key.public_key())["kid"], key))
                self._keys = keys
            return self._keys

    def _generate(self) -> Path:
        """Write the next key file. Several api processes may start at once: the file is
        written aside and linked into place, so exactly one of them creates each name."""
        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        existing = len(list(self.folder.glob(f"{_PREFIX}*.pem")))
        path = self.folder / f"{_PREFIX}{existing + 1:04d}.pem"
        pem = key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        fd, tmp = tempfile.mkstemp(dir=self.folder, prefix=".new-key-")
        try:
            os.write(fd, pem)
            os.close(fd)
            with contextlib.suppress(FileExistsError):  # another process made this one
                os.link(tmp, path)
        finally:
            os.unlink(tmp)
        return path

    def rotate(self) -> str:
        """Add a new signing key; older keys keep verifying. Returns the new key id."""
        with self._lock:
            self.folder.mkdir(parents=True, exist_ok=True)
            self._generate()
            self._keys = None
        return self.signing_key()[0]

    def signing_key(self) -> tuple[str, rsa.RSAPrivateKey]:
        return self._load()[-1]

    def key_ids(self) -> frozenset[str]:
        """The ids of the keys that verify (every key in the folder when it was read)."""
        return frozenset(kid for kid, _ in self._load())

    def jwks(self) -> dict[str, Any]:
        return {"keys": [public_jwk(key.public_key()) for _, key in self._load()]}
