"""S3-compatible object storage (MinIO locally, any S3 service in production)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, BinaryIO

import boto3
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

from multistream.settings import Settings
from multistream.storage.base import (
    DEFAULT_CHUNK_SIZE,
    ObjectInfo,
    ObjectNotFound,
    StorageUnavailable,
    check_key,
)

if TYPE_CHECKING:
    from mypy_boto3_s3 import S3Client

_MISSING_CODES = {"404", "NoSuchKey", "NotFound"}


class S3Store:
    def __init__(
        self,
        *,
        endpoint_url: str,
        bucket: str,
        access_key_id: str,
        secret_access_key: str,
        region: str = "us-east-1",
        timeout_seconds: float = 5.0,
    ) -> None:
        self.bucket = bucket
        self._client: S3Client = boto3.client(
            "s3",
            endpoint_url=endpoint_url,
            aws_access_key_id=access_key_id,
            aws_secret_access_key=secret_access_key,
            region_name=region,
            config=Config(
                signature_version="s3v4",
                s3={"addressing_style": "path"},
                connect_timeout=timeout_seconds,
                read_timeout=max(timeout_seconds, 30.0),
                retries={"max_attempts": 2, "mode": "standard"},
            ),
        )

    @classmethod
    def from_settings(cls, settings: Settings) -> S3Store:
        return cls(
            endpoint_url=settings.s3_endpoint_url,
            bucket=settings.s3_bucket,
            access_key_id=settings.s3_access_key_id,
            secret_access_key=settings.s3_secret_access_key.get_secret_value(),
            region=settings.s3_region,
        )

    def ensure_bucket(self) -> None:
        """Create the bucket if it does not exist (used by the local service setup)."""
        try:
            self._client.head_bucket(Bucket=self.bucket)
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") not in _MISSING_CODES | {"NoSuchBucket"}:
                raise
            self._client.create_bucket(Bucket=self.bucket)

    def put(self, key: str, data: bytes | BinaryIO, *, content_type: str) -> ObjectInfo:
        check_key(key)
        with _unavailable_on_network_error():
            self._client.put_object(
                Bucket=self.bucket, Key=key, Body=data, ContentType=content_type
            )
        return self.stat(key)

    def stat(self, key: str) -> ObjectInfo:
        check_key(key)
        with _object_errors(key):
            head = self._client.head_object(Bucket=self.bucket, Key=key)
        return ObjectInfo(key=key, size=head["ContentLength"], content_type=head["ContentType"])

    def get(self, key: str) -> bytes:
        return b"".join(self.stream(key))

    def stream(self, key: str, *, chunk_size: int = DEFAULT_CHUNK_SIZE) -> Iterator[bytes]:
        check_key(key)
        with _object_errors(key):
            response = self._client.get_object(Bucket=self.bucket, Key=key)
        body = response["Body"]
        try:
            yield from body.iter_chunks(chunk_size)
        finally:
            body.close()

    def delete(self, key: str) -> None:
        check_key(key)
        with _unavailable_on_network_error():
            self._client.delete_object(Bucket=self.bucket, Key=key)

    def list_keys(self, prefix: str = "") -> Iterator[str]:
        pages = self._client.get_paginator("list_objects_v2").paginate(
            Bucket=self.bucket, Prefix=prefix
        )
        try:
            with _unavailable_on_network_error():
                for page in pages:
                    for entry in page.get("Contents", []):
                        yield entry["Key"]
        except ClientError as exc:
            raise StorageUnavailable(f"cannot list bucket {self.bucket!r}: {exc}") from exc

    def presigned_get(self, key: str, *, expires_in: int) -> str:
        check_key(key)
        return self._client.generate_presigned_url(
            "get_object", Params={"Bucket": self.bucket, "Key": key}, ExpiresIn=expires_in
        )

    def check(self) -> None:
        try:
            with _unavailable_on_network_error():
                self._client.head_bucket(Bucket=self.bucket)
        except ClientError as exc:
            raise StorageUnavailable(f"bucket {self.bucket!r} is not usable: {exc}") from exc


@contextmanager
def _unavailable_on_network_error() -> Iterator[None]:
    """Turn connection failures into StorageUnavailable; leave S3's own answers alone."""
    try:
        yield
    except BotoCoreError as exc:
        raise StorageUnavailable(f"object store unreachable: {exc}") from exc


@contextmanager
def _object_errors(key: str) -> Iterator[None]:
    """For a call about one object: connection failures as StorageUnavailable, and S3's
    "no such key" as ObjectNotFound."""
    try:
        with _unavailable_on_network_error():
            yield
    except ClientError as exc:
        if exc.response.get("Error", {}).get("Code") in _MISSING_CODES:
            raise ObjectNotFound(key) from exc
        raise
