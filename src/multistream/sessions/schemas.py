"""Request and response bodies of live sessions."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Annotated, Literal, Self

from pydantic import AwareDatetime, BaseModel, ConfigDict, StringConstraints, model_validator

from multistream.chat.schemas import ChatSnapshot
from multistream.polls.schemas import PollRead
from multistream.qa.schemas import QuestionRead
from multistream.recording.schemas import RecordingSnapshot
from multistream.sessions.models import MediaStatus, ReplayStatus, SessionStatus
from multistream.studio.schemas import HandRead, StudioSnapshot

Title = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
Description = Annotated[str, StringConstraints(strip_whitespace=True, max_length=10_000)]


class SessionCreate(BaseModel):
    title: Title
    description: Description = ""
    scheduled_start: AwareDatetime
    scheduled_end: AwareDatetime
    recording_enabled: bool | None = None
    """Record the class; unset: the course's default (`record_by_default`)."""

    @model_validator(mode="after")
    def _ends_after_start(self) -> Self:
        if self.scheduled_end <= self.scheduled_start:
            raise ValueError("scheduled_end must be after scheduled_start")
        return self


class SessionUpdate(BaseModel):
    title: Title | None = None
    description: Description | None = None
    scheduled_start: AwareDatetime | None = None
    scheduled_end: AwareDatetime | None = None
    recording_enabled: bool | None = None


class SessionRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    course_id: uuid.UUID
    title: str
    description: str
    status: SessionStatus
    scheduled_start: dt.datetime
    scheduled_end: dt.datetime
    started_at: dt.datetime | None
    ended_at: dt.datetime | None
    media_status: MediaStatus
    replay_status: ReplayStatus
    recording_enabled: bool
    last_seq: int
    created_at: dt.datetime
    ending_reason: str | None = None
    """A live class about to end by itself: `abandoned` (no teacher connected) or
    `overtime` (far past its scheduled end); see `session.ending_soon`."""
    ending_at: dt.datetime | None = None


class SessionList(BaseModel):
    items: list[SessionRead]


class SessionState(BaseModel):
    """Everything a client needs to render a session now; apply events after `as_of_seq`."""

    as_of_seq: int
    session: SessionRead
    media_status: MediaStatus
    participant_count: int
    recording: RecordingSnapshot | None = None
    """The class's latest recording; null when it records nothing (yet)."""
    studio: StudioSnapshot | None = None
    hands: list[HandRead] = []
    chat: ChatSnapshot | None = None
    questions: list[QuestionRead] = []
    """The top 50 questions as the viewer sees them."""
    poll: PollRead | None = None
    """The open poll, or else the latest closed one with results shown."""


class JoinResponse(BaseModel):
    """What a client needs to enter a class: media credentials (null without live media,
    or before the class is live) and the state snapshot to start the event feed from."""

    livekit_url: str | None
    token: str | None
    role: Literal["host", "moderator", "participant"]
    identity: str
    state: SessionState
