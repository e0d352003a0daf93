"""Object storage: one interface, an S3 implementation (MinIO locally) and a filesystem one.

Callers depend on `ObjectStore` only; `make_object_store(settings)` picks the
implementation the settings name.
"""

from multistream.storage.base import (
    ObjectInfo,
    ObjectNotFound,
    ObjectStore,
    StorageError,
    StorageUnavailable,
)
from multistream.storage.factory import make_object_store

__all__ = [
    "ObjectInfo",
    "ObjectNotFound",
    "ObjectStore",
    "StorageError",
    "StorageUnavailable",
    "make_object_store",
]
