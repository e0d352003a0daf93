"""Downloads from the filesystem store through its signed, expiring URLs.

S3 presigned URLs go straight to the object store; this route exists so the filesystem
fallback offers the same contract.
"""

from __future__ import annotations

from fastapi import APIRouter, Query, Request
from fastapi.responses import StreamingResponse

from multistream.problems import Problem
from multistream.storage.base import InvalidKey, ObjectNotFound
from multistream.storage.filesystem import FilesystemStore

router = APIRouter(tags=["storage"])


def _link_problem() -> Problem:
    return Problem(
        403,
        "invalid-link",
        "Invalid or expired link",
        "This download link is invalid or has expired; ask for a new one.",
    )


@router.get("/storage/{key:path}", summary="Download an object by its signed URL")
def download(
    request: Request,
    key: str,
    expires: int = Query(...),
    signature: str = Query(..., min_length=64, max_length=64),
) -> StreamingResponse:
    resources = request.app.state.resources
    store = resources.store
    if not isinstance(store, FilesystemStore) or not resources.url_signer.verify(
        key, expires, signature
    ):
        raise _link_problem()
    try:
        info = store.stat(key)
    except (ObjectNotFound, InvalidKey) as exc:
        raise _link_problem() from exc
    return StreamingResponse(
        store.stream(key),
        media_type=info.content_type,
        headers={"Content-Length": str(info.size), "Cache-Control": "private, max-age=60"},
    )
