"""Request and response bodies of live sessions."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Annotated, Any, Literal, Self

from pydantic import (
    AwareDatetime,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    model_validator,
)

from multistream.access.policy import SessionRole
from multistream.chat.schemas import ChatSnapshot
from multistream.eventlog.catalog import Events
from multistream.eventlog.schemas import EventPayload
from multistream.polls.schemas import PollRead
from multistream.qa.schemas import QuestionRead
from multistream.recording.schemas import RecordingSnapshot
from multistream.sessions.models import MediaStatus, ReplayStatus, SessionStatus
from multistream.studio.schemas import HandRead, StudioSnapshot

EVENTS = Events()
"""This area's event types, declared over their payload models below."""

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


# --- event payloads: dicts the rules build, field for field (`eventlog.catalog` checks them)


def _without_default(schema: dict[str, Any]) -> None:
    schema.pop("default", None)


def _absent() -> Any:
    """A field that may be missing from the payload (but is never null when present)."""
    return Field(default=None, json_schema_extra=_without_default)


@EVENTS.declare("session.scheduled", "A class was scheduled; its default scenes come with it.")
class SessionScheduled(EventPayload):
    """Payload of `session.scheduled`: the class as it was scheduled."""

    title: str
    description: str
    scheduled_start: dt.datetime
    scheduled_end: dt.datetime
    recording_enabled: bool


@EVENTS.declare(
    "session.updated", "The title, description, times or recording choice of a class changed."
)
class SessionUpdated(EventPayload):
    """Payload of `session.updated`: only the fields that changed (at least one)."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"minProperties": 1})

    title: str = _absent()
    description: str = _absent()
    scheduled_start: dt.datetime = _absent()
    scheduled_end: dt.datetime = _absent()
    recording_enabled: bool = _absent()

    @model_validator(mode="after")
    def _something_changed(self) -> Self:
        if not self.model_fields_set:
            raise ValueError("a session.updated event names at least one changed field")
        return self


@EVENTS.declare("session.started", "The class went live.")
class SessionStarted(EventPayload):
    started_at: dt.datetime


@EVENTS.declare(
    "session.ended", "The class ended: by the host, or because LiveKit closed the room."
)
class SessionEnded(EventPayload):
    """Payload of `session.ended`: by the host, because LiveKit closed the room, or by
    itself (`abandoned`: no host for too long, or far past its scheduled end)."""

    ended_at: dt.datetime
    reason: Literal["ended_by_host", "room_finished", "abandoned"]
    detail: str = _absent()
    """For `abandoned`: why, as a sentence."""


@EVENTS.declare(
    "session.ending_soon",
    "The class will end by itself soon: no host is connected, or it ran far past its"
    " scheduled end.",
)
class SessionEndingSoon(EventPayload):
    """Payload of `session.ending_soon`: the class will end by itself at `ends_at`."""

    reason: Literal["abandoned", "overtime"]
    """`abandoned`: no host has been connected; `overtime`: far past its scheduled end."""
    ends_at: dt.datetime
    detail: str
    """What is happening and what keeps the class going, as sentences."""


@EVENTS.declare(
    "session.ending_canceled",
    "The class no longer ends by itself: a host came back, or it was extended.",
)
class SessionEndingCanceled(EventPayload):
    """Payload of `session.ending_canceled`: the class no longer ends by itself (a host came
    back, or the class was extended)."""

    reason: Literal["abandoned", "overtime"]


@EVENTS.declare("session.canceled", "A scheduled class was canceled.")
class SessionCanceled(EventPayload):
    """Payload of `session.canceled`: empty."""


@EVENTS.declare("session.media_status", "Whether live media (LiveKit) works for the class changed.")
class SessionMediaStatus(EventPayload):
    media_status: MediaStatus


@EVENTS.declare("participant.joined", "A person joined the class for the first time.")
class ParticipantJoined(EventPayload):
    """Payload of `participant.joined`: logged on a person's first join of the class."""

    user_id: uuid.UUID
    display_name: str
    role: SessionRole
