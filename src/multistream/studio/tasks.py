"""The deck renderer: `multistream.studio.render_deck(asset_id)`, run by the Celery worker.

It downloads the uploaded PDF, checks it opens and is not too long, then renders page
after page: both images go to the object store, then the page's row is upserted and
`pages_rendered` moves on, committed per page so clients can show progress. The last
commit makes the deck `ready`.

Anything that makes the deck unusable fails it (`studio.assets.fail`): a readable reason,
and no page rows. The soft time limit (settings) lands as SoftTimeLimitExceeded and fails
the deck the same way; the hard limit, later, kills a worker stuck inside the renderer.

Idempotent, as every task here must be (late acknowledgement redelivers a task whose
worker died): a re-run renders again and upserts the same rows. A deck that is already
`ready` or `failed` is left as it is.
"""

from __future__ import annotations

import tempfile
import uuid
from pathlib import Path

import pypdfium2 as pdfium
import sqlalchemy as sa
import structlog
from celery import Task
from celery.exceptions import SoftTimeLimitExceeded
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker

from multistream.db.engine import transaction
from multistream.pipeline.celery_app import celery_app
from multistream.pipeline.worker import worker_resources
from multistream.settings import Settings, get_settings
from multistream.storage import ObjectNotFound, ObjectStore, StorageUnavailable
from multistream.studio import assets, render
from multistream.studio.models import Asset, AssetKind, AssetStatus, SlidePage
from multistream.studio.render_queue import TASK_NAME

log = structlog.get_logger(__name__)

MAX_RETRIES = 3
"""Tries again after the object store or the database did not answer, then fails the deck."""
MISSING_ORIGINAL = "The uploaded file is missing from storage. Upload it again."
STORE_UNAVAILABLE = (
    "The deck could not be rendered because file storage was not answering. "
    "Upload it again in a few minutes."
)
INTERNAL_ERROR = (
    "The deck could not be rendered because of an error on our side. Upload it again, or "
    "export it again from your slide program."
)


class DeckRefused(Exception):
    """The deck cannot become ready; the message is its reason for the uploader."""


def render_asset(
    *, sessions: sessionmaker[Session], store: ObjectStore, settings: Settings, asset_id: uuid.UUID
) -> AssetStatus | None:
    """Render the deck `asset_id`; its status afterwards (None if it no longer exists).

    Fails the deck for what is wrong with the file; lets everything else out (the task
    decides: retry, or fail the deck).
    """
    with transaction(sessions) as db:
        asset = db.get(Asset, asset_id)
        if asset is None:
            log.info("render skipped: no such asset", asset_id=str(asset_id))
            return None
        if asset.kind is not AssetKind.slide_deck or asset.status is not AssetStatus.processing:
            log.info("render skipped", asset_id=str(asset_id), status=asset.status.value)
            return asset.status
        course_id, original = asset.course_id, asset.storage_key

    try:
        with tempfile.TemporaryDirectory(prefix="multistream-deck-") as folder:
            path = Path(folder) / "original.pdf"
            with path.open("wb") as out:
                for chunk in store.stream(original):
                    out.write(chunk)
            deck = render.open_deck(path)
            try:
                _render_pages(deck, sessions, store, settings, course_id, asset_id)
            finally:
                deck.close()
    except (render.UnreadablePdf, DeckRefused) as exc:
        _fail(sessions, store, asset_id, str(exc))
        return AssetStatus.failed
    except ObjectNotFound:
        _fail(sessions, store, asset_id, MISSING_ORIGINAL)
        return AssetStatus.failed
    log.info("deck rendered", asset_id=str(asset_id))
    return AssetStatus.ready


def _render_pages(
    deck: pdfium.PdfDocument,
    sessions: sessionmaker[Session],
    store: ObjectStore,
    settings: Settings,
    course_id: uuid.UUID,
    asset_id: uuid.UUID,
) -> None:
    page_count = len(deck)
    if page_count == 0:
        raise DeckRefused("The PDF has no pages.")
    if page_count > settings.deck_max_pages:
        raise DeckRefused(
            f"The deck has {page_count} pages; at most {settings.deck_max_pages} are allowed. "
            "Split it into smaller decks."
        )
    with transaction(sessions) as db:
        _update(db, asset_id, page_count=page_count, pages_rendered=0)
    for page_no in range(1, page_count + 1):
        page = render.render_page(deck, page_no)
        image_key = assets.page_key(course_id, asset_id, page_no)
        thumb_key = assets.thumb_key(course_id, asset_id, page_no)
        store.put(image_key, page.image, content_type=render.PAGE_MIME)
        store.put(thumb_key, page.thumb, content_type=render.PAGE_MIME)
        row = {
            "asset_id": asset_id,
            "page_no": page_no,
            "image_key": image_key,
            "thumb_key": thumb_key,
            "width": page.width,
            "height": page.height,
            "text": page.text,
            "title": page.title,
        }
        with transaction(sessions) as db:
            upsert = pg_insert(SlidePage).values(row)
            db.execute(
                upsert.on_conflict_do_update(
                    index_elements=[SlidePage.asset_id, SlidePage.page_no],
                    set_={key: upsert.excluded[key] for key in row if key != "page_no"},
                )
            )
            _update(db, asset_id, pages_rendered=page_no)
    with transaction(sessions) as db:
        _update(db, asset_id, status=AssetStatus.ready, error=None)


def _update(db: Session, asset_id: uuid.UUID, **values: object) -> None:
    """Update a deck that is still being rendered (not one failed meanwhile)."""
    db.execute(
        sa.update(Asset)
        .where(Asset.id == asset_id, Asset.status == AssetStatus.processing)
        .values(**values)
    )


def _fail(
    sessions: sessionmaker[Session], store: ObjectStore, asset_id: uuid.UUID, reason: str
) -> None:
    with transaction(sessions) as db:
        dropped = assets.fail(db, asset_id=asset_id, reason=reason)
    for key in dropped:
        try:
            store.delete(key)
        except Exception as exc:  # the rows are gone; a stray image is harmless
            log.warning("page image not deleted", key=key, error=str(exc))


def _give_up(asset_id: uuid.UUID, reason: str) -> str:
    """Fail the deck if the database lets us; the status to return from the task."""
    try:
        worker = worker_resources()
        _fail(worker.sessions, worker.store, asset_id, reason)
    except Exception:
        log.exception("deck not marked failed", asset_id=str(asset_id), reason=reason)
    return AssetStatus.failed.value


def too_slow(limit_seconds: int) -> str:
    return (
        f"Rendering took longer than {limit_seconds} s, the time allowed. "
        "Split the deck into smaller files, or simplify its heaviest pages."
    )


_limits = get_settings()


@celery_app.task(
    name=TASK_NAME,
    bind=True,
    ignore_result=True,
    soft_time_limit=_limits.render_soft_time_limit_seconds,
    time_limit=_limits.render_hard_time_limit_seconds,
    max_retries=MAX_RETRIES,
)
def render_deck(self: Task[[str], str | None], asset_id: str) -> str | None:
    """Render a slide deck's pages; the deck's status afterwards.

    Whatever goes wrong ends with the deck failed and a reason, except a dependency that
    did not answer, which is tried again first (MAX_RETRIES times, backing off).
    """
    deck_id = uuid.UUID(asset_id)
    try:
        worker = worker_resources()
        status = render_asset(
            sessions=worker.sessions, store=worker.store, settings=worker.settings, asset_id=deck_id
        )
    except (StorageUnavailable, OperationalError) as exc:
        if self.request.retries < MAX_RETRIES:
            log.warning("render will be retried", asset_id=asset_id, error=str(exc))
            raise self.retry(exc=exc, countdown=5 * 2**self.request.retries) from exc
        return _give_up(deck_id, STORE_UNAVAILABLE)
    except SoftTimeLimitExceeded:
        return _give_up(deck_id, too_slow(_limits.render_soft_time_limit_seconds))
    except Exception:
        log.exception("render failed", asset_id=asset_id)
        return _give_up(deck_id, INTERNAL_ERROR)
    return status.value if status is not None else None
