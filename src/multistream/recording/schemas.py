"""What clients see of a class's recording: the studio's REC indicator and health strip, the
classroom's "this class is recorded" notice."""

from __future__ import annotations

import datetime as dt
import uuid

from pydantic import BaseModel

from multistream.recording.models import Recording, RecordingStatus


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
