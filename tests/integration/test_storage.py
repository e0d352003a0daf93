"""Object storage round trips on MinIO and on the filesystem store, over real HTTP."""

from __future__ import annotations

import io
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from multistream.settings import Settings, StorageBackend
from multistream.storage import ObjectNotFound, ObjectStore, make_object_store
from multistream.storage.base import InvalidKey
from tests.throwaway import LiveServer

PAYLOAD = b"%PDF-1.7 not really a deck\n" + bytes(range(256)) * 4096  # ~1 MiB, every byte value


@pytest.fixture(params=[StorageBackend.s3, StorageBackend.filesystem], ids=["minio", "filesystem"])
def served_store(
    request: pytest.FixtureRequest, settings: Settings, tmp_path: Path
) -> Iterator[ObjectStore]:
    """A store of each kind, with the api running so filesystem links can be fetched."""
    store_settings = settings.model_copy(
        update={"storage_backend": request.param, "storage_dir": tmp_path / "storage"}
    )
    with LiveServer(store_settings) as server:
        yield make_object_store(server.settings)


def _key() -> str:
    return f"tests/{uuid.uuid4()}/deck.pdf"


def test_round_trip(served_store: ObjectStore) -> None:
    key = _key()
    info = served_store.put(key, PAYLOAD, content_type="application/pdf")
    assert (info.key, info.size, info.content_type) == (key, len(PAYLOAD), "application/pdf")

    stat = served_store.stat(key)
    assert (stat.size, stat.content_type) == (len(PAYLOAD), "application/pdf")
    assert served_store.get(key) == PAYLOAD
    chunks = list(served_store.stream(key, chunk_size=64 * 1024))
    assert len(chunks) > 1
    assert b"".join(chunks) == PAYLOAD

    url = served_store.presigned_get(key, expires_in=60)
    response = httpx.get(url, timeout=10)
    assert response.status_code == 200
    assert response.content == PAYLOAD
    assert response.headers["content-type"] == "application/pdf"

    served_store.delete(key)
    with pytest.raises(ObjectNotFound):
        served_store.stat(key)
    with pytest.raises(ObjectNotFound):
        served_store.get(key)
    assert httpx.get(url, timeout=10).status_code in (403, 404)
    served_store.delete(key)  # deleting again is not an error


def test_put_from_a_file_object_replaces_the_object(served_store: ObjectStore) -> None:
    key = _key()
    served_store.put(key, b"first version", content_type="text/plain")
    served_store.put(key, io.BytesIO(b"second"), content_type="image/png")
    assert served_store.get(key) == b"second"
    assert served_store.stat(key).content_type == "image/png"
    served_store.delete(key)


def test_presigned_link_expires(served_store: ObjectStore) -> None:
    key = _key()
    served_store.put(key, b"short-lived", content_type="text/plain")
    url = served_store.presigned_get(key, expires_in=1)
    time.sleep(2.1)
    assert httpx.get(url, timeout=10).status_code == 403
    served_store.delete(key)


def test_tampered_link_is_refused(served_store: ObjectStore) -> None:
    key = _key()
    other = _key()
    served_store.put(key, b"mine", content_type="text/plain")
    served_store.put(other, b"someone else's", content_type="text/plain")
    url = served_store.presigned_get(key, expires_in=60)
    forged = url.replace(key.split("/")[1], other.split("/")[1])
    assert httpx.get(forged, timeout=10).status_code == 403
    served_store.delete(key)
    served_store.delete(other)


def test_list_keys_under_a_prefix(served_store: ObjectStore) -> None:
    prefix = f"tests/{uuid.uuid4()}/"
    keys = [f"{prefix}b.txt", f"{prefix}a/deck.pdf", f"{prefix}a.txt"]
    for key in keys:
        served_store.put(key, b"x", content_type="text/plain")
    assert list(served_store.list_keys(prefix)) == sorted(keys)
    assert list(served_store.list_keys(f"{prefix}a/")) == [f"{prefix}a/deck.pdf"]
    for key in keys:
        served_store.delete(key)
    assert list(served_store.list_keys(prefix)) == []


def test_missing_object(served_store: ObjectStore) -> None:
    with pytest.raises(ObjectNotFound):
        served_store.stat(_key())
    with pytest.raises(ObjectNotFound):
        list(served_store.stream(_key()))


@pytest.mark.parametrize("key", ["../etc/passwd", "/abs/path", "a//b", "a/./b", "", "x" * 2000])
def test_unsafe_keys_are_refused(served_store: ObjectStore, key: str) -> None:
    with pytest.raises(InvalidKey):
        served_store.put(key, b"x", content_type="text/plain")
