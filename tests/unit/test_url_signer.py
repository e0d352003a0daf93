from __future__ import annotations

import time

from multistream.storage.filesystem import UrlSigner


def test_signature_verifies_until_expiry() -> None:
    signer = UrlSigner("secret")
    expires = int(time.time()) + 60
    signature = signer.signature("a/b.pdf", expires)
    assert signer.verify("a/b.pdf", expires, signature)
    assert not signer.verify("a/b.pdf", expires, signature, now=expires + 1)


def test_signature_binds_key_expiry_and_secret() -> None:
    signer = UrlSigner("secret")
    expires = int(time.time()) + 60
    signature = signer.signature("a/b.pdf", expires)
    assert not signer.verify("a/c.pdf", expires, signature)
    assert not signer.verify("a/b.pdf", expires + 1, signature)
    assert not UrlSigner("other").verify("a/b.pdf", expires, signature)
