"""What clients see of a class's recording: the studio's REC indicator and health strip, the
classroom's "this class is recorded" notice."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Annotated, Literal

from pydantic import BaseModel, Field
from typing_extensions import TypeAliasType

from multistream.eventlog.catalog import STAFF, Events
from multistream.eventlog.schemas import EventPayload
from multistream.recording.models import Recording, RecordingProvider, RecordingStatus

EVENTS = Events()
"""This area's event types, declared over their payload models below."""


class RecordingSnapshot(BaseModel):
    """The class's latest recording as of the snapshot; events `recording.*` move it on."""

    recording_id: uuid.UUID
    status: RecordingStatus
    started_at: dt.datetime | None
    """When the recording's clock started (the REC indicator counts from it)."""
    error: str | None
    """Why it failed, as a sentence."""
    unrecorded: str | None
    """For staff: why the class is not being recorded right now (no recorder free, the
    recorder lost), until a recorder takes it (`recording.failed` … `recording.started` or
    `recording.resumed`); null otherwise, and always for students."""

    @classmethod
    def of(cls, recording: Recording, *, reason: str | None) -> RecordingSnapshot:
        return cls(
            recording_id=recording.id,
            status=recording.status,
            started_at=recording.started_at,
            error=recording.error,
            unrecorded=reason,
        )


# --- event payloads: dicts the service builds, field for field (`eventlog.catalog` checks them)


@EVENTS.declare(
    "recording.started", "The recorder started: the precise wall-clock time of its first sample."
)
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


@EVENTS.declare(
    "recording.resumed",
    "Another recorder took over after the recorder was lost; the gap is in the payload.",
)
class RecordingResumed(EventPayload):
    """Payload of `recording.resumed`: a recorder took the recording over after its
    recorder was lost; nothing was recorded from `gap_from` for `gap_ms`."""

    recording_id: uuid.UUID
    resumed_at: dt.datetime
    gap_from: dt.datetime
    gap_ms: int


@EVENTS.declare(
    "recording.failed",
    "The class is not being recorded: no recorder was free, or the recorder was lost.",
    STAFF,
)
class RecordingUnavailable(EventPayload):
    """Payload of `recording.failed` (staff): the class is not being recorded right now."""

    recording_id: uuid.UUID
    code: Literal["no_recorder", "recorder_lost"]
    """`no_recorder`: none was free when the class went live; `recorder_lost`: the one
    recording it stopped answering and none took over."""
    reason: str
    """What happened and what to do, as sentences."""


@EVENTS.declare(
    "recording.uploading",
    "The class is over: the recorder is putting the file together and storing it.",
)
class RecordingUploading(EventPayload):
    """Payload of `recording.uploading`: the class is over, the file is being stored."""

    recording_id: uuid.UUID


@EVENTS.declare("recording.deleted", "Staff deleted the recording and everything made from it.")
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

# A named union takes no decorator: declared here, after it.
EVENTS.declare("recording.stopped", "The recording is stored, or it failed.")(RecordingStopped)
