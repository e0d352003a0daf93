"""Choose the object store the settings name."""

from __future__ import annotations

from multistream.settings import Settings, StorageBackend
from multistream.storage.base import ObjectStore
from multistream.storage.filesystem import FilesystemStore, UrlSigner
from multistream.storage.s3 import S3Store


def make_object_store(settings: Settings) -> ObjectStore:
    if settings.storage_backend is StorageBackend.filesystem:
        return FilesystemStore(
            settings.filesystem_root,
            signer=UrlSigner(settings.secret_key.get_secret_value()),
            public_url=settings.public_url,
        )
    return S3Store.from_settings(settings)
