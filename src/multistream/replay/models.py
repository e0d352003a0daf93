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

from multistream.db.base import Base, str_enum
from multistream.db.columns import (
    BigInt,
    CreatedAt,
    Id,
    JsonList,
    Ordinal,
    SessionKey,
    SessionRef,
    Text,
    TextOrNull,
    UserKey,
    one_of,
    ref_or_null,
    state,
)


class ChapterSource(enum.StrEnum):
    slide = "slide"
    scene = "scene"
    topic = "topic"
    manual = "manual"


class HighlightKind(enum.StrEnum):
    question = "question"
    poll = "poll"
    reaction_peak = "reaction_peak"
    chat_peak = "chat_peak"
    stage = "stage"
    manual = "manual"


class ReplayArtifactKind(enum.StrEnum):
    audio = "audio"
    captions_vtt = "captions_vtt"
    transcript_json = "transcript_json"
    thumbnails = "thumbnails"
    summary = "summary"


class TranscriptSegment(Base):
    __tablename__ = "transcript_segments"
    __table_args__ = (
        sa.CheckConstraint("idx >= 0", name="idx_nonnegative"),
        sa.CheckConstraint("start_ms >= 0", name="start_ms_nonnegative"),
        sa.CheckConstraint("end_ms > start_ms", name="end_after_start"),
        sa.CheckConstraint("confidence BETWEEN 0 AND 1", name="confidence_range"),
        sa.CheckConstraint("jsonb_typeof(words) = 'array'", name="words_array"),
        sa.Index("ix_transcript_segments_search_vector", "search_vector", postgresql_using="gin"),
    )

    session_id: Mapped[SessionKey]
    idx: Mapped[Ordinal]
    start_ms: Mapped[BigInt]
    end_ms: Mapped[BigInt]
    text: Mapped[Text]
    words: Mapped[JsonList]
    """Word timings, as the recogniser gives them: `[{"word", "start_ms", "end_ms",
    "probability"}, …]`."""
    confidence: Mapped[float | None] = mapped_column(sa.Double)
    search_vector: Mapped[str] = mapped_column(
        TSVECTOR, sa.Computed("to_tsvector('english'::regconfig, text)", persisted=True)
    )


class Chapter(Base):
    __tablename__ = "chapters"
    __table_args__ = (
        sa.CheckConstraint("idx >= 0", name="idx_nonnegative"),
        sa.CheckConstraint("start_ms >= 0", name="start_ms_nonnegative"),
        sa.CheckConstraint("end_ms > start_ms", name="end_after_start"),
        sa.CheckConstraint(r"title ~ '\S' AND char_length(title) <= 200", name="title_length"),
        one_of("source", ChapterSource),
        sa.CheckConstraint("slide_page >= 1", name="slide_page_positive"),
        ExcludeConstraint(
            (sa.column("session_id"), "="),
            (sa.func.int8range(sa.column("start_ms"), sa.column("end_ms")), "&&"),
            name="ex_chapters_no_overlap",
            using="gist",
            deferrable=True,
            initially="DEFERRED",
        ),
    )

    session_id: Mapped[SessionKey]
    idx: Mapped[Ordinal]
    start_ms: Mapped[BigInt]
    end_ms: Mapped[BigInt]
    title: Mapped[Text]
    source: Mapped[ChapterSource] = state(ChapterSource)
    slide_asset_id: Mapped[uuid.UUID | None] = ref_or_null("assets")
    slide_page: Mapped[int | None]
    thumbnail_key: Mapped[TextOrNull]


class Highlight(Base):
    """A moment worth jumping to; `ref_id` names the question or poll it comes from."""

    __tablename__ = "highlights"
    __table_args__ = (
        one_of("kind", HighlightKind),
        sa.CheckConstraint("start_ms >= 0", name="start_ms_nonnegative"),
        sa.CheckConstraint("end_ms >= start_ms", name="end_not_before_start"),
        sa.CheckConstraint(r"title ~ '\S' AND char_length(title) <= 200", name="title_length"),
        sa.CheckConstraint("score >= 0", name="score_nonnegative"),
        sa.Index(
            "uq_highlights_session_id_kind_ref_id",
            "session_id",
            "kind",
            "ref_id",
            unique=True,
            postgresql_where=sa.text("ref_id IS NOT NULL"),
        ),
        sa.Index(
            "uq_highlights_session_id_kind_start_ms",
            "session_id",
            "kind",
            "start_ms",
            unique=True,
            postgresql_where=sa.text("ref_id IS NULL"),
        ),
    )

    id: Mapped[Id]
    session_id: Mapped[SessionRef]
    kind: Mapped[HighlightKind] = state(HighlightKind)
    start_ms: Mapped[BigInt]
    end_ms: Mapped[BigInt]
    title: Mapped[Text]
    score: Mapped[float] = mapped_column(sa.Double, server_default=sa.text("0"), default=0.0)
    ref_id: Mapped[uuid.UUID | None]
    created_at: Mapped[CreatedAt]


class ReplayArtifact(Base):
    __tablename__ = "replay_artifacts"
    __table_args__ = (one_of("kind", ReplayArtifactKind),)

    session_id: Mapped[SessionKey]
    kind: Mapped[ReplayArtifactKind] = mapped_column(str_enum(ReplayArtifactKind), primary_key=True)
    storage_key: Mapped[Text]
    created_at: Mapped[CreatedAt]


class WatchPosition(Base):
    """Where a viewer stopped watching a class's replay: their bookmark (not a fact of the
    class, so not in its event log), one row per viewer and class."""

    __tablename__ = "replay_positions"
    __table_args__ = (sa.CheckConstraint("position_ms >= 0", name="position_ms_nonnegative"),)

    user_id: Mapped[UserKey]
    session_id: Mapped[SessionKey]
    position_ms: Mapped[BigInt]
    updated_at: Mapped[CreatedAt]
