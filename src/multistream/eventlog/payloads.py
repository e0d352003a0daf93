"""Payload models of the events whose emitters build their payload as a plain dict.

Sessions, participants, the studio, the stage, hands and recordings write
`NewEvent("…", {…})`; these models say what that dict holds, field for field, so that
`eventlog.catalog` can check it at append and export it. The interaction and replay areas
build their payloads from models of their own (`interactions.schemas`,
`replay.schemas`), which the catalogue uses as they are.

A field that an emitter sometimes leaves out (never writes as null) is declared with
`_absent()`: it may be missing, and it is not nullable.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Annotated, Any, Literal, Self

from pydantic import ConfigDict, Field, model_validator
from typing_extensions import TypeAliasType

from multistream.access.policy import SessionRole
from multistream.eventlog.schemas import EventPayload
from multistream.recording.models import RecordingProvider
from multistream.sessions.models import MediaStatus
from multistream.studio.models import SceneLayout
from multistream.studio.schemas import SceneRead


def _without_default(schema: dict[str, Any]) -> None:
    schema.pop("default", None)


def _absent() -> Any:
    """A field that may be missing from the payload (but is never null when present)."""
    return Field(default=None, json_schema_extra=_without_default)


# --- sessions and participants ---------------------------------------------------------------


class SessionScheduled(EventPayload):
    """Payload of `session.scheduled`: the class as it was scheduled."""

    title: str
    description: str
    scheduled_start: dt.datetime
    scheduled_end: dt.datetime
    recording_enabled: bool


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


class SessionStarted(EventPayload):
    """Payload of `session.started`."""

    started_at: dt.datetime


class SessionEnded(EventPayload):
    """Payload of `session.ended`: by the host, because LiveKit closed the room, or by
    itself (`abandoned`: no host for too long, or far past its scheduled end)."""

    ended_at: dt.datetime
    reason: Literal["ended_by_host", "room_finished", "abandoned"]
    detail: str = _absent()
    """For `abandoned`: why, as a sentence."""


class SessionEndingSoon(EventPayload):
    """Payload of `session.ending_soon`: the class will end by itself at `ends_at`."""

    reason: Literal["abandoned", "overtime"]
    """`abandoned`: no host has been connected; `overtime`: far past its scheduled end."""
    ends_at: dt.datetime
    detail: str
    """What is happening and what keeps the class going, as sentences."""


class SessionEndingCanceled(EventPayload):
    """Payload of `session.ending_canceled`: the class no longer ends by itself (a host came
    back, or the class was extended)."""

    reason: Literal["abandoned", "overtime"]


class SessionCanceled(EventPayload):
    """Payload of `session.canceled`: empty."""


class SessionMediaStatus(EventPayload):
    """Payload of `session.media_status`."""

    media_status: MediaStatus


class ParticipantJoined(EventPayload):
    """Payload of `participant.joined`: logged on a person's first join of the class."""

    user_id: uuid.UUID
    display_name: str
    role: SessionRole


# --- studio ----------------------------------------------------------------------------------


class StudioSceneChanged(EventPayload):
    """Payload of `studio.scene_created` and `studio.scene_updated`: the whole scene."""

    scene: SceneRead


class StudioSceneDeleted(EventPayload):
    """Payload of `studio.scene_deleted`."""

    scene_id: uuid.UUID


class StudioSceneActivated(EventPayload):
    """Payload of `studio.scene_activated`."""

    scene_id: uuid.UUID
    layout: SceneLayout


class StudioDeckAttached(EventPayload):
    """Payload of `studio.deck_attached`: the deck, shown from its first page."""

    asset_id: uuid.UUID
    filename: str
    page_count: int
    page_no: int
    title: str | None
    """The page's title, if it has text."""


class StudioSlideChanged(EventPayload):
    """Payload of `studio.slide_changed`."""

    asset_id: uuid.UUID
    page_no: int
    title: str | None


class StudioBannerSet(EventPayload):
    """Payload of `studio.banner_set`: the trimmed text; null takes the banner down."""

    text: str | None


# --- stage and hands -------------------------------------------------------------------------


class StagePerson(EventPayload):
    """Payload of `stage.invited` and `stage.joined`."""

    user_id: uuid.UUID
    display_name: str


class StageLeft(EventPayload):
    """Payload of `stage.left`: `by` is the staff member who took them off."""

    user_id: uuid.UUID
    by: uuid.UUID


class HandRaised(EventPayload):
    """Payload of `hand.raised`."""

    user_id: uuid.UUID
    display_name: str
    raised_at: dt.datetime


class HandLowered(EventPayload):
    """Payload of `hand.lowered`: by its owner, or by staff (bringing them on stage)."""

    user_id: uuid.UUID
    by: uuid.UUID


# --- recordings ------------------------------------------------------------------------------


class RecordingStarted(EventPayload):
    """Payload of `recording.started`: the precise wall-clock time of the first sample."""

    recording_id: uuid.UUID
    started_at: dt.datetime
    provider: RecordingProvider


class RecordingStored(EventPayload):
    """Payload of `recording.stopped` when the file is in the object store."""

    recording_id: uuid.UUID
    status: Literal["ready"]
    duration_ms: int


class RecordingFailed(EventPayload):
    """Payload of `recording.stopped` when the recording failed."""

    recording_id: uuid.UUID
    status: Literal["failed"]
    error: str
    """Why, as a sentence."""


class RecordingResumed(EventPayload):
    """Payload of `recording.resumed`: a recorder took the recording over after its
    recorder was lost; nothing was recorded from `gap_from` for `gap_ms`."""

    recording_id: uuid.UUID
    resumed_at: dt.datetime
    gap_from: dt.datetime
    gap_ms: int


class RecordingUnavailable(EventPayload):
    """Payload of `recording.failed` (staff): the class is not being recorded right now."""

    recording_id: uuid.UUID
    code: Literal["no_recorder", "recorder_lost"]
    """`no_recorder`: none was free when the class went live; `recorder_lost`: the one
    recording it stopped answering and none took over."""
    reason: str
    """What happened and what to do, as sentences."""


class RecordingUploading(EventPayload):
    """Payload of `recording.uploading`: the class is over, the file is being stored."""

    recording_id: uuid.UUID


class RecordingDeleted(EventPayload):
    """Payload of `recording.deleted`: staff deleted the recording and what was made from
    it (media, transcript, captions, chapters, highlights)."""

    recording_id: uuid.UUID
    by: uuid.UUID


RecordingStopped = TypeAliasType(
    "RecordingStopped",
    Annotated[RecordingStored | RecordingFailed, Field(discriminator="status")],
)
"""Payload of `recording.stopped`: stored or failed, told apart by `status`."""
