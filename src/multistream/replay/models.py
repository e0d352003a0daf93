"""Tables of replays: transcript segments, chapters, highlights and replay artifacts.

The pipeline writes every table here with idempotent upserts keyed by the primary key (or,
for highlights, by the partial unique indexes), so running a step twice leaves what one run
leaves. Chapters tile the recording: no overlap (an exclusion constraint) and no gaps (a
deferred constraint trigger, `ck_chapters_tile`, in the migration): ordered by `idx`,
which runs 0, 1, 2…, the first chapter starts at 0 and each starts where the previous one
ends. Both are checked at commit, so rewrite a session's chapters in one transaction.
"""

from __future__ import annotations

import enum
import uuid

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import TSVECTOR, ExcludeConstraint
from sqlalchemy.orm import Mapped, mapped_column

from multistream.db import columns
from multistream.db.base import Base

ChapterSource = enum.StrEnum("ChapterSource", "slide scene topic manual")

HighlightKind = enum.StrEnum("HighlightKind", "question poll reaction_peak chat_peak stage manual")

ReplayArtifactKind = enum.StrEnum(
    "ReplayArtifactKind", "audio captions_vtt transcript_json thumbnails summary"
)


class Span:
    """The columns of a stretch of a class's replay, the `idx`-th of its kind: a transcript
    segment, a chapter. Not empty: `span_check()` in the table's arguments."""

    session_id: Mapped[columns.SessionKey]
    idx: Mapped[columns.Ordinal] = columns.nonnegative()
    start_ms: Mapped[columns.BigInt] = columns.nonnegative()
    end_ms: Mapped[columns.BigInt]


def span_check() -> sa.CheckConstraint:
    """The CHECK that a `Span` ends after it starts."""
    return sa.CheckConstraint("end_ms > start_ms", name="end_after_start")


class TranscriptSegment(Span, Base):
    __tablename__ = "transcript_segments"
    __table_args__ = (
        span_check(),
        sa.CheckConstraint("confidence BETWEEN 0 AND 1", name="confidence_range"),
        sa.CheckConstraint("jsonb_typeof(words) = 'array'", name="words_array"),
        sa.Index("ix_transcript_segments_search_vector", "search_vector", postgresql_using="gin"),
    )

    text: Mapped[columns.Text]
    words: Mapped[columns.JsonList]
    """Word timings, as the recogniser gives them: `[{"word", "start_ms", "end_ms",
    "probability"}, …]`."""
    confidence: Mapped[float | None] = mapped_column(sa.Double)
    search_vector: Mapped[str] = mapped_column(
        TSVECTOR, sa.Computed("to_tsvector('english'::regconfig, text)", persisted=True)
    )


class Chapter(Span, Base):
    __tablename__ = "chapters"
    __table_args__ = (
        span_check(),
        ExcludeConstraint(
            (sa.column("session_id"), "="),
            (sa.func.int8range(sa.column("start_ms"), sa.column("end_ms")), "&&"),
            name="ex_chapters_no_overlap",
            using="gist",
            deferrable=True,
            initially="DEFERRED",
        ),
    )

    title: Mapped[str] = columns.text(200, nonblank=True)
    source: Mapped[ChapterSource] = columns.state(ChapterSource)
    slide_asset_id: Mapped[uuid.UUID | None] = columns.ref_or_null("assets")
    slide_page: Mapped[int | None] = columns.positive()
    thumbnail_key: Mapped[columns.TextOrNull]


class Highlight(Base):
    """A moment worth jumping to; `ref_id` names the question or poll it comes from."""

    __tablename__ = "highlights"
    __table_args__ = (
        sa.CheckConstraint("end_ms >= start_ms", name="end_not_before_start"),
        columns.unique_where(
            "uq_highlights_session_id_kind_ref_id",
            "session_id",
            "kind",
            "ref_id",
            where="ref_id IS NOT NULL",
        ),
        columns.unique_where(
            "uq_highlights_session_id_kind_start_ms",
            "session_id",
            "kind",
            "start_ms",
            where="ref_id IS NULL",
        ),
    )

    id: Mapped[columns.Id]
    session_id: Mapped[columns.SessionRef]
    kind: Mapped[HighlightKind] = columns.state(HighlightKind)
    start_ms: Mapped[columns.BigInt] = columns.nonnegative()
    end_ms: Mapped[columns.BigInt]
    title: Mapped[str] = columns.text(200, nonblank=True)
    score: Mapped[float] = columns.nonnegative(sa.Double, server_default=sa.text("0"), default=0.0)
    ref_id: Mapped[uuid.UUID | None]
    created_at: Mapped[columns.CreatedAt]


class ReplayArtifact(Base):
    __tablename__ = "replay_artifacts"

    session_id: Mapped[columns.SessionKey]
    kind: Mapped[ReplayArtifactKind] = columns.state(ReplayArtifactKind, primary_key=True)
    storage_key: Mapped[columns.Text]
    created_at: Mapped[columns.CreatedAt]


class WatchPosition(Base):
    """Where a viewer stopped watching a class's replay: their bookmark (not a fact of the
    class, so not in its event log), one row per viewer and class."""

    __tablename__ = "replay_positions"

    user_id: Mapped[columns.UserKey]
    session_id: Mapped[columns.SessionKey]
    position_ms: Mapped[columns.BigInt] = columns.nonnegative()
    updated_at: Mapped[columns.CreatedAt]
