"""The replay's rows as the pipeline writes them: transcript segments, chapters,
highlights and the artifacts' keys (`replay.service` reads them).

Every write is an upsert keyed as the schema says, plus a delete of what the new result no
longer has, so writing the same result twice leaves what writing it once leaves:

- transcript segments and chapters by `(session_id, idx)`, rows past the new end deleted
  (the chapters' tiling of the recording is checked by the database at commit);
- highlights by `(session_id, kind, ref_id)` or `(session_id, kind, start_ms)`, derived
  ones no longer found deleted, manual ones left alone;
- artifacts by `(session_id, kind)`.

`delete_all` takes them away when the recording they were made from is deleted.
"""

from __future__ import annotations

import bisect
import uuid
from collections.abc import Mapping, Sequence

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.orm import Session

from multistream.pipeline.asr import Segment
from multistream.pipeline.derive import ChapterDraft, HighlightDraft
from multistream.replay.models import (
    Chapter,
    Highlight,
    HighlightKind,
    ReplayArtifact,
    ReplayArtifactKind,
    TranscriptSegment,
)
from multistream.studio.models import SlidePage

DERIVED_HIGHLIGHTS = frozenset(HighlightKind) - {HighlightKind.manual}
TRANSCRIPT_BATCH = 500


def write_artifact(
    db: Session, *, session_id: uuid.UUID, kind: ReplayArtifactKind, key: str
) -> None:
    upsert = pg_insert(ReplayArtifact).values(session_id=session_id, kind=kind, storage_key=key)
    db.execute(
        upsert.on_conflict_do_update(
            index_elements=[ReplayArtifact.session_id, ReplayArtifact.kind],
            set_={"storage_key": upsert.excluded.storage_key},
            where=ReplayArtifact.storage_key.is_distinct_from(upsert.excluded.storage_key),
        )
    )


def write_transcript(db: Session, *, session_id: uuid.UUID, segments: Sequence[Segment]) -> None:
    """Rows 0…n-1 upserted, the rest deleted."""
    rows = []
    for index, segment in enumerate(segments):
        start = max(segment.start_ms, 0)
        rows.append(
            {
                "session_id": session_id,
                "idx": index,
                "start_ms": start,
                "end_ms": max(segment.end_ms, start + 1),
                "text": segment.text.strip(),
                "words": [w.to_json() for w in segment.words],
                "confidence": min(max(float(segment.confidence), 0.0), 1.0),
            }
        )
    for first in range(0, len(rows), TRANSCRIPT_BATCH):
        upsert = pg_insert(TranscriptSegment).values(rows[first : first + TRANSCRIPT_BATCH])
        db.execute(
            upsert.on_conflict_do_update(
                index_elements=[TranscriptSegment.session_id, TranscriptSegment.idx],
                set_={
                    key: upsert.excluded[key]
                    for key in ("start_ms", "end_ms", "text", "words", "confidence")
                },
            )
        )
    db.execute(
        sa.delete(TranscriptSegment).where(
            TranscriptSegment.session_id == session_id, TranscriptSegment.idx >= len(rows)
        )
    )


def write_chapters(
    db: Session,
    *,
    session_id: uuid.UUID,
    chapters: Sequence[ChapterDraft],
    pages: Mapping[tuple[str, int], SlidePage],
    thumbnails: Mapping[int, str],
) -> None:
    """Rows 0…n-1 upserted, the rest deleted; the tiling is checked at commit. A chapter's
    picture is the video's at the change that began it (`extract`), else its deck page's."""
    starts = sorted(thumbnails)
    rows = []
    for index, chapter in enumerate(chapters):
        page = (
            pages.get((str(chapter.slide_asset_id), chapter.slide_page))
            if chapter.slide_asset_id and chapter.slide_page
            else None
        )
        rows.append(
            {
                "session_id": session_id,
                "idx": index,
                "start_ms": chapter.start_ms,
                "end_ms": chapter.end_ms,
                "title": chapter.title,
                "source": chapter.source,
                # A deck deleted since the class: the chapter keeps its title, not the link.
                "slide_asset_id": chapter.slide_asset_id if page is not None else None,
                "slide_page": chapter.slide_page if page is not None else None,
                "thumbnail_key": _picture_at(thumbnails, starts, chapter.start_ms)
                or (page.thumb_key if page is not None else None),
            }
        )
    if rows:
        upsert = pg_insert(Chapter).values(rows)
        db.execute(
            upsert.on_conflict_do_update(
                index_elements=[Chapter.session_id, Chapter.idx],
                set_={
                    key: upsert.excluded[key] for key in rows[0] if key not in ("session_id", "idx")
                },
            )
        )
    db.execute(sa.delete(Chapter).where(Chapter.session_id == session_id, Chapter.idx >= len(rows)))


def _picture_at(thumbnails: Mapping[int, str], starts: Sequence[int], ms: int) -> str | None:
    """The picture of what was on screen at `ms`: the last change at or before it."""
    index = bisect.bisect_right(starts, ms) - 1
    return thumbnails[starts[index]] if index >= 0 else None


def write_highlights(
    db: Session, *, session_id: uuid.UUID, highlights: Sequence[HighlightDraft]
) -> None:
    """Upserted on (kind, ref_id) or (kind, start_ms); derived ones no longer found are
    deleted, manual ones are left alone."""
    for draft in highlights:
        values = {
            "session_id": session_id,
            "kind": draft.kind,
            "start_ms": draft.start_ms,
            "end_ms": draft.end_ms,
            "title": draft.title,
            "score": draft.score,
            "ref_id": draft.ref_id,
        }
        upsert = pg_insert(Highlight).values(values)
        if draft.ref_id is not None:
            statement = upsert.on_conflict_do_update(
                index_elements=[Highlight.session_id, Highlight.kind, Highlight.ref_id],
                index_where=Highlight.ref_id.is_not(None),
                set_={k: upsert.excluded[k] for k in ("start_ms", "end_ms", "title", "score")},
            )
        else:
            statement = upsert.on_conflict_do_update(
                index_elements=[Highlight.session_id, Highlight.kind, Highlight.start_ms],
                index_where=Highlight.ref_id.is_(None),
                set_={k: upsert.excluded[k] for k in ("end_ms", "title", "score")},
            )
        db.execute(statement)
    existing = db.execute(
        sa.select(Highlight.id, Highlight.kind, Highlight.ref_id, Highlight.start_ms).where(
            Highlight.session_id == session_id, Highlight.kind.in_(DERIVED_HIGHLIGHTS)
        )
    ).all()
    wanted = {draft.key for draft in highlights}
    stale = [
        row.id
        for row in existing
        if (row.kind.value, str(row.ref_id) if row.ref_id else f"@{row.start_ms}") not in wanted
    ]
    if stale:
        db.execute(sa.delete(Highlight).where(Highlight.id.in_(stale)))


def delete_all(db: Session, *, session_id: uuid.UUID) -> None:
    """The class's transcript, chapters, highlights and artifact rows (not their files)."""
    for table in (TranscriptSegment, Chapter, Highlight, ReplayArtifact):
        db.execute(sa.delete(table).where(table.session_id == session_id))
