"""Object storage in a local folder: the fallback when no S3 service is available.

Each object is a file under `<root>/objects/`, with its content type in a sidecar
`<file>.meta.json`. Presigned URLs point at the api's `/storage/{key}` route and carry an
expiry and an HMAC signature made with the application's secret key.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO
from urllib.parse import quote, urlencode

from multistream.storage.base import (
    DEFAULT_CHUNK_SIZE,
    ObjectInfo,
    ObjectNotFound,
    StorageUnavailable,
    check_key,
)


class UrlSigner:
    """Signs and verifies (key, expiry) pairs for the filesystem store's download route."""

    def __init__(self, secret: str) -> None:
        self._secret = secret.encode()

    def signature(self, key: str, expires: int) -> str:
        message = f"{key}\n{expires}".encode()
        return hmac.new(self._secret, message, hashlib.sha256).hexdigest()

    def verify(self, key: str, expires: int, signature: str, *, now: float | None = None) -> bool:
        if expires < (time.time() if now is None else now):
            return False
        return hmac.compare_digest(self.signature(key, expires), signature)


class FilesystemStore:
    def __init__(self, root: Path, *, signer: UrlSigner, public_url: str) -> None:
        self.root = root
        self._objects = root / "objects"
        self._signer = signer
        self._public_url = public_url.rstrip("/")

    def _path(self, key: str) -> Path:
        return self._objects / check_key(key)

    @staticmethod
    def _meta_path(path: Path) -> Path:
        return path.with_name(path.name + ".meta.json")

    def put(self, key: str, data: bytes | BinaryIO, *, content_type: str) -> ObjectInfo:
        path = self._path(key)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            # Write to a temporary file and rename, so readers never see half an object.
            fd, tmp_name = tempfile.mkstemp(dir=path.parent, prefix=".upload-")
            with os.fdopen(fd, "wb") as tmp:
                if isinstance(data, bytes):
                    tmp.write(data)
                else:
                    while chunk := data.read(DEFAULT_CHUNK_SIZE):
                        tmp.write(chunk)
            size = Path(tmp_name).stat().st_size
            self._meta_path(path).write_text(json.dumps({"content_type": content_type}))
            Path(tmp_name).replace(path)
        except OSError as exc:
            raise StorageUnavailable(f"cannot write {key!r}: {exc.strerror}") from exc
        return ObjectInfo(key=key, size=size, content_type=content_type)

    def stat(self, key: str) -> ObjectInfo:
        path = self._path(key)
        try:
            size = path.stat().st_size
            meta = json.loads(self._meta_path(path).read_text())
        except FileNotFoundError as exc:
            raise ObjectNotFound(key) from exc
        return ObjectInfo(key=key, size=size, content_type=meta["content_type"])

    def get(self, key: str) -> bytes:
        try:
            return self._path(key).read_bytes()
        except FileNotFoundError as exc:
            raise ObjectNotFound(key) from exc

    def stream(self, key: str, *, chunk_size: int = DEFAULT_CHUNK_SIZE) -> Iterator[bytes]:
        try:
            handle = self._path(key).open("rb")
        except FileNotFoundError as exc:
            raise ObjectNotFound(key) from exc
        with handle:
            while chunk := handle.read(chunk_size):
                yield chunk

    def delete(self, key: str) -> None:
        path = self._path(key)
        path.unlink(missing_ok=True)
        self._meta_path(path).unlink(missing_ok=True)

    def list_keys(self, prefix: str = "") -> Iterator[str]:
        # An object is a file with its sidecar: that leaves out the sidecars themselves and
        # the temporary files of uploads under way.
        if not self._objects.is_dir():
            return
        found = [
            path.relative_to(self._objects).as_posix()
            for path in self._objects.rglob("*")
            if path.is_file() and self._meta_path(path).is_file()
        ]
        yield from sorted(key for key in found if key.startswith(prefix))

    def presigned_get(self, key: str, *, expires_in: int) -> str:
        check_key(key)
        expires = int(time.time()) + expires_in
        query = urlencode({"expires": expires, "signature": self._signer.signature(key, expires)})
        return f"{self._public_url}/storage/{quote(key)}?{query}"

    def check(self) -> None:
        try:
            self._objects.mkdir(parents=True, exist_ok=True)
            with tempfile.TemporaryFile(dir=self._objects):
                pass
        except OSError as exc:
            raise StorageUnavailable(f"storage folder {self._objects} is not writable") from exc
