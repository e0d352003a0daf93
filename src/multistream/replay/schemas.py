"""The replay read API: the manifest, transcript pages, search hits; `replay.*` events."""

from __future__ import annotations

import datetime as dt
import enum
import uuid

from pydantic import BaseModel, ConfigDict

from multistream.eventlog.schemas import EventPayload
from multistream.replay.models import ChapterSource, HighlightKind
from multistream.sessions.models import ReplayStatus


class ReplayStatusChanged(EventPayload):
    """Payload of `replay.status_changed` (audience all)."""

    status: ReplayStatus
    previous: ReplayStatus
    reason: str | None = None
    """Why the replay failed, as a sentence; null otherwise."""
    run_id: uuid.UUID | None = None


class ChapterRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    idx: int
    start_ms: int
    end_ms: int
    title: str
    source: ChapterSource
    slide_asset_id: uuid.UUID | None
    slide_page: int | None


class HighlightRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    kind: HighlightKind
    start_ms: int
    end_ms: int
    title: str
    score: float
    ref_id: uuid.UUID | None
    """The question or poll the highlight comes from."""


class ReplayMedia(BaseModel):
    url: str
    """Presigned: fetch it again (GET the replay) when it stops working."""
    mime: str
    expires_in_seconds: int


class SummarySentence(BaseModel):
    text: str
    start_ms: int


class ReplaySummary(BaseModel):
    sentences: list[SummarySentence]
    keywords: list[str]


class ReplayLinks(BaseModel):
    transcript: str
    captions: str
    search: str


class ReplayRead(BaseModel):
    """One manifest for the player: what to play, where to jump, what was said."""

    session_id: uuid.UUID
    status: ReplayStatus
    reason: str | None
    """When the replay failed: why, as a sentence."""
    duration_ms: int | None
    media: ReplayMedia | None
    """The recording, while the replay is partial or ready; null otherwise."""
    chapters: list[ChapterRead]
    highlights: list[HighlightRead]
    summary: ReplaySummary | None
    links: ReplayLinks


class TranscriptSegmentRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    idx: int
    start_ms: int
    end_ms: int
    text: str
    confidence: float | None


class TranscriptPage(BaseModel):
    items: list[TranscriptSegmentRead]
    next_cursor: str | None
    """Pass as `cursor` for the next page; null on the last one."""


class SearchHitKind(enum.StrEnum):
    transcript = "transcript"
    """Words said: `start_ms`..`end_ms` is the transcript segment."""
    slide = "slide"
    """A slide's title or text: `start_ms`..`end_ms` is the chapter while it was up."""
    question = "question"
    """A question asked in the class: `start_ms` is when it was asked."""


class SearchHit(BaseModel):
    kind: SearchHitKind
    idx: int | None
    """The transcript segment's index (transcript hits); null for the other kinds."""
    ref_id: uuid.UUID | None
    """The question (question hits); null for the other kinds."""
    start_ms: int
    end_ms: int
    snippet: str
    """Plain text; the matched words are between « and »."""
    rank: float


class SearchResults(BaseModel):
    query: str
    items: list[SearchHit]


class CourseSearchHit(SearchHit):
    session_id: uuid.UUID
    session_title: str
    session_started_at: dt.datetime | None


class CourseSearchResults(BaseModel):
    """Hits across every replay of a course (classes whose replay is partial or ready)."""

    query: str
    items: list[CourseSearchHit]
