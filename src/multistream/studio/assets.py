"""Assets of a course: uploaded slide decks and images, and what reading them returns.

An upload is sniffed (type from its bytes), checked (images must decode), deduplicated
(the same bytes in the same course are one asset, unless that one failed) and stored
under a key made of ids, never of the file name. In one transaction: the row is inserted
as `uploading` (the unique index makes a concurrent duplicate wait here), the object is
stored, and the row moves on to `ready` (images) or `processing` (decks). A store that
does not answer is a 503 and the transaction rolls back, so no row is left behind.

Decks are rendered by the `multistream.studio.render_deck` task (`studio.tasks`), queued
after the commit; `fail` is how it, or a queue that cannot be reached, gives up.
"""

from __future__ import annotations

import unicodedata
import uuid
from typing import TYPE_CHECKING

import sqlalchemy as sa
import structlog
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from multistream.auth.models import User
from multistream.courses.models import Course
from multistream.db.base import new_id
from multistream.db.engine import transaction
from multistream.db.rows import as_schema
from multistream.problems import Problem
from multistream.settings import Settings
from multistream.storage import ObjectStore
from multistream.studio import render
from multistream.studio.models import Asset, AssetKind, AssetStatus, SlidePage
from multistream.studio.render_queue import send_render
from multistream.studio.schemas import AssetList, AssetRead, SlidePageRead, UploadKind
from multistream.studio.sniff import ACCEPTED, Sniffed, describe, sniff

if TYPE_CHECKING:
    from multistream.studio.upload import ReceivedFile

log = structlog.get_logger(__name__)

FILENAME_MAX_CHARS = 255
DEDUPE_INDEX = "uq_assets_course_id_sha256"


def original_key(course_id: uuid.UUID, asset_id: uuid.UUID) -> str:
    return f"courses/{course_id}/assets/{asset_id}/original"


def page_key(course_id: uuid.UUID, asset_id: uuid.UUID, page_no: int) -> str:
    return f"courses/{course_id}/assets/{asset_id}/pages/{page_no}.{render.PAGE_EXTENSION}"


def thumb_key(course_id: uuid.UUID, asset_id: uuid.UUID, page_no: int) -> str:
    return f"courses/{course_id}/assets/{asset_id}/thumbs/{page_no}.{render.PAGE_EXTENSION}"


def clean_filename(name: str, sniffed: Sniffed) -> str:
    """The uploader's file name, made displayable: no folders, no control characters,
    at most 255 characters; `upload.<ext>` when nothing is left."""
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C").strip()
    if len(name) > FILENAME_MAX_CHARS:
        stem, dot, extension = name.rpartition(".")
        if dot and 0 < len(extension) <= 10:
            name = stem[: FILENAME_MAX_CHARS - len(extension) - 1].rstrip() + "." + extension
        else:
            name = name[:FILENAME_MAX_CHARS].rstrip()
    return name or f"upload.{sniffed.extension}"


def _unsupported(detail: str) -> Problem:
    return Problem(415, "unsupported-media-type", "Unsupported file type", detail)


def _storage_unavailable() -> Problem:
    return Problem(
        503,
        "storage-unavailable",
        "Storage unavailable",
        "The file could not be stored because file storage is not answering. "
        "Nothing was saved; try again in a minute.",
        headers={"Retry-After": "30"},
    )


def inspect(upload: ReceivedFile, *, kind: UploadKind | None) -> Sniffed:
    """What the upload is, or the 413/415 problem saying why it is refused."""
    sniffed = sniff(upload.head)
    if sniffed is None:
        raise _unsupported(
            f"The file is {describe(upload.head)}, not {ACCEPTED}. "
            "Export slides as PDF and upload that."
        )
    if kind is not None and sniffed.kind.value != kind:
        wanted = "a slide deck (PDF)" if kind == AssetKind.slide_deck.value else "an image"
        raise _unsupported(f"You uploaded {wanted}, but the file is {sniffed.label}.")
    if sniffed.kind is AssetKind.image:
        try:
            render.inspect_image(upload.file, sniffed)
        except render.NotAnImage as exc:
            raise _unsupported(
                f"The file starts like {sniffed.label} but is not a readable image ({exc})."
            ) from exc
        except render.ImageTooLarge as exc:
            raise Problem(413, "payload-too-large", "Image too large", str(exc)) from exc
    return sniffed


def create(
    db: Session,
    *,
    store: ObjectStore,
    settings: Settings,
    course: Course,
    owner: User,
    upload: ReceivedFile,
    kind: UploadKind | None,
) -> tuple[AssetRead, bool]:
    """Store an upload as an asset of `course`; (the asset, whether it is new).

    The same bytes already in the course (and not failed) are that asset, stored once.
    """
    sniffed = inspect(upload, kind=kind)
    existing = _find_duplicate(db, course.id, upload.sha256)
    if existing is not None:
        return read(db, existing, store=store, settings=settings), False

    asset_id = new_id()
    asset = Asset(
        id=asset_id,
        course_id=course.id,
        owner_id=owner.id,
        kind=sniffed.kind,
        filename=clean_filename(upload.filename, sniffed),
        mime=sniffed.mime,
        size_bytes=upload.size,
        sha256=upload.sha256,
        storage_key=original_key(course.id, asset_id),
        status=AssetStatus.uploading,
    )
    try:
        with db.begin_nested():
            db.add(asset)
    except IntegrityError as exc:
        if DEDUPE_INDEX not in str(exc.orig):
            raise
        # The same file was uploaded concurrently and that upload committed first.
        existing = _find_duplicate(db, course.id, upload.sha256)
        if existing is None:
            raise
        return read(db, existing, store=store, settings=settings), False

    try:
        store.put(asset.storage_key, upload.file, content_type=sniffed.mime)
    except Exception as exc:
        log.warning("asset upload not stored", asset_id=str(asset_id), error=str(exc))
        raise _storage_unavailable() from exc
    asset.status = AssetStatus.ready if sniffed.kind is AssetKind.image else AssetStatus.processing
    db.flush()
    log.info(
        "asset uploaded",
        asset_id=str(asset_id),
        course_id=str(course.id),
        kind=asset.kind.value,
        size_bytes=upload.size,
    )
    return read(db, asset, store=store, settings=settings, pages=[]), True


def _find_duplicate(db: Session, course_id: uuid.UUID, sha256: str) -> Asset | None:
    return db.scalar(
        sa.select(Asset).where(
            Asset.course_id == course_id,
            Asset.sha256 == sha256,
            Asset.status != AssetStatus.failed,
        )
    )


def read(
    db: Session,
    asset: Asset,
    *,
    store: ObjectStore,
    settings: Settings,
    pages: list[SlidePage] | None = None,
) -> AssetRead:
    """The asset as clients see it, with presigned URLs for its image or its pages."""
    ttl = settings.presigned_url_ttl_seconds
    if pages is None:
        pages = (
            list(
                db.scalars(
                    sa.select(SlidePage)
                    .where(SlidePage.asset_id == asset.id)
                    .order_by(SlidePage.page_no)
                )
            )
            if asset.status is AssetStatus.ready and asset.kind is AssetKind.slide_deck
            else []
        )
    return _read(asset, pages, store=store, ttl=ttl)


def _read(asset: Asset, pages: list[SlidePage], *, store: ObjectStore, ttl: int) -> AssetRead:
    ready_image = asset.status is AssetStatus.ready and asset.kind is AssetKind.image
    return as_schema(
        AssetRead,
        asset,
        url=store.presigned_get(asset.storage_key, expires_in=ttl) if ready_image else None,
        pages=[
            as_schema(
                SlidePageRead,
                page,
                image_url=store.presigned_get(page.image_key, expires_in=ttl),
                thumb_url=store.presigned_get(page.thumb_key, expires_in=ttl),
            )
            for page in pages
        ],
    )


def list_for_course(
    db: Session, *, course: Course, store: ObjectStore, settings: Settings
) -> AssetList:
    """The course's assets, newest first, each with its pages."""
    rows = list(
        db.scalars(
            sa.select(Asset)
            .where(Asset.course_id == course.id)
            .order_by(Asset.created_at.desc(), Asset.id.desc())
        )
    )
    ready_decks = [
        row.id
        for row in rows
        if row.status is AssetStatus.ready and row.kind is AssetKind.slide_deck
    ]
    pages: dict[uuid.UUID, list[SlidePage]] = {asset_id: [] for asset_id in ready_decks}
    if ready_decks:
        for page in db.scalars(
            sa.select(SlidePage)
            .where(SlidePage.asset_id.in_(ready_decks))
            .order_by(SlidePage.asset_id, SlidePage.page_no)
        ):
            pages[page.asset_id].append(page)
    ttl = settings.presigned_url_ttl_seconds
    return AssetList(
        items=[_read(row, pages.get(row.id, []), store=store, ttl=ttl) for row in rows]
    )


def fail(db: Session, *, asset_id: uuid.UUID, reason: str) -> list[str]:
    """Mark the asset failed with `reason` and drop its page rows; the object keys of the
    dropped pages (for the caller to delete once committed). A failed asset stays failed."""
    dropped = db.execute(
        sa.delete(SlidePage)
        .where(SlidePage.asset_id == asset_id)
        .returning(SlidePage.image_key, SlidePage.thumb_key)
    ).all()
    db.execute(
        sa.update(Asset)
        .where(Asset.id == asset_id)
        .values(status=AssetStatus.failed, error=reason, pages_rendered=0)
    )
    log.info("asset failed", asset_id=str(asset_id), reason=reason)
    return [key for row in dropped for key in row]


QUEUE_UNAVAILABLE = (
    "Rendering could not be started because the task queue is not answering. "
    "Upload the file again in a minute."
)


def queue_render(
    settings: Settings, sessions: sessionmaker[Session], *, asset_id: uuid.UUID
) -> None:
    """Send the deck to a worker, after the upload committed. A queue that cannot be
    reached fails the asset with a reason saying to upload again (failed assets do not
    count for deduplication), rather than leaving it `processing` for ever."""
    try:
        send_render(settings, asset_id)
    except Exception as exc:
        log.error("render not queued", asset_id=str(asset_id), error=str(exc))
        with transaction(sessions) as db:
            fail(db, asset_id=asset_id, reason=QUEUE_UNAVAILABLE)
