"""The replay read API: the manifest, transcript pages, search hits; `replay.*` events."""

from __future__ import annotations

import datetime as dt
import enum
import uuid
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from multistream.eventlog.catalog import Events
from multistream.eventlog.schemas import EventPayload
from multistream.pipeline.models import PipelineRunStatus, PipelineStepName, PipelineStepStatus
from multistream.polls.models import PollKind
from multistream.polls.schemas import PollOption
from multistream.recording.models import RecordingStatus
from multistream.replay.models import ChapterSource, HighlightKind
from multistream.sessions.models import ReplayStatus

EVENTS = Events()
"""This area's event types, declared over their payload models below."""


@EVENTS.declare(
    "replay.status_changed", "The replay moved one step through its states (the pipeline)."
)
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
    thumbnail_url: str | None = None
    """The picture of the chapter (its slide, or a frame of the video); presigned, it
    expires with the media URL."""


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
    transcript_text: str
    """The whole transcript as plain text, one timestamped line a segment (a download)."""
    captions: str
    search: str
    chat: str
    position: str
    """PUT `{position_ms}` here to remember where the viewer stopped."""


class ScreenSpanRead(BaseModel):
    """What was on screen from `start_ms` to `end_ms` of the recording: a slide (`asset_id`
    and `page_no`), a scene (`layout`), or neither (nulls). Spans tile the recording."""

    start_ms: int
    end_ms: int
    asset_id: uuid.UUID | None
    page_no: int | None
    layout: str | None
    """The scene's layout (`camera`, `slides`, `slides_camera`, `screen`…), when known."""


class ReplayQuestion(BaseModel):
    """A question of the class on the recording's clock (dismissed ones are left out)."""

    id: uuid.UUID
    body: str
    author_name: str | None
    """Null for an anonymous question."""
    asked_ms: int
    upvotes: int
    answered_ms: int | None
    """When it was marked answered; null if it never was."""
    answer_text: str | None


class ReplayPoll(BaseModel):
    """A poll that was opened in the class, on the recording's clock."""

    id: uuid.UUID
    question: str
    kind: PollKind
    options: list[PollOption]
    """In the order shown."""
    opened_ms: int
    closed_ms: int | None
    """Null when the class ended with the poll still open."""
    counts: dict[str, int] | None
    """Votes per option id at the close; null when the results were never shown to
    students and the viewer is not staff."""
    total_votes: int | None
    correct_option_ids: list[str] | None
    """A quiz's right answers (null for other polls)."""


class ReplayStepProgress(BaseModel):
    name: PipelineStepName
    status: PipelineStepStatus
    error: str | None


class ReplayProgress(BaseModel):
    """How far the latest pipeline run has got (while processing, or why it failed)."""

    run_id: uuid.UUID
    status: PipelineRunStatus
    step: PipelineStepName | None
    """The step running now, or the one that failed; null when none has begun."""
    steps: list[ReplayStepProgress]
    chunks_total: int | None
    """Audio pieces the transcription was cut into (null until planned)."""
    chunks_done: int | None
    error: str | None


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
    recording_status: RecordingStatus | None
    """The class's latest recording; null when the class was not recorded."""
    recording_error: str | None
    """Why the recording failed, as a sentence."""
    slides: list[ScreenSpanRead]
    """What was on screen when, tiling the recording (empty until the media is stored)."""
    questions: list[ReplayQuestion]
    polls: list[ReplayPoll]
    progress: ReplayProgress | None
    """The latest pipeline run, while the replay is on its way or when it failed."""
    position_ms: int | None
    """Where the viewer stopped watching last time (`PUT links.position`)."""


class ReplayChatMessage(BaseModel):
    """A chat message on the recording's clock; deleted messages are not replayed."""

    id: uuid.UUID
    at_ms: int
    author_name: str | None
    body: str
    reply_to_id: uuid.UUID | None
    pinned: bool


class ReplayChat(BaseModel):
    """The class's chat in the order it was posted, each message at its moment."""

    items: list[ReplayChatMessage]


class ReplayPosition(BaseModel):
    position_ms: Annotated[int, Field(ge=0, le=48 * 3600 * 1000)]


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
    chat = "chat"
    """A chat message: `start_ms` is when it was posted."""


class SearchHit(BaseModel):
    kind: SearchHitKind
    idx: int | None
    """The transcript segment's index (transcript hits); null for the other kinds."""
    ref_id: uuid.UUID | None
    """The question or chat message (question and chat hits); null for the others."""
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
