"""What LiveKit tells us, as plain frozen values, so no caller touches a protobuf.

These are internal values read from LiveKit's answers and webhooks, not HTTP contracts,
so they are dataclasses rather than Pydantic models. Each has a `from_proto`
constructor; LiveKit's "unset" (empty string, zero) becomes `None`. Enum values are
lower-case names without their prefix (`audio`, `microphone`, `complete`).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json

from livekit import api as livekit_api


def _from_seconds(value: int) -> dt.datetime | None:
    return dt.datetime.fromtimestamp(value, dt.UTC) if value else None


def _from_nanoseconds(value: int) -> dt.datetime | None:
    return dt.datetime.fromtimestamp(value / 1e9, dt.UTC) if value else None


def _role_of(metadata: str) -> str | None:
    """The `role` our join tokens put in a participant's metadata, if it is there."""
    try:
        parsed = json.loads(metadata) if metadata else None
    except ValueError:
        return None
    role = parsed.get("role") if isinstance(parsed, dict) else None
    return role if isinstance(role, str) else None


@dataclasses.dataclass(frozen=True)
class MediaTrack:
    sid: str
    name: str
    kind: str
    """`audio`, `video` or `data`."""
    source: str
    """`camera`, `microphone`, `screen_share`, `screen_share_audio` or `unknown`."""
    muted: bool
    mime_type: str

    @classmethod
    def from_proto(cls, track: livekit_api.TrackInfo) -> MediaTrack:
        return cls(
            sid=track.sid,
            name=track.name,
            kind=livekit_api.TrackType.Name(track.type).lower(),
            source=livekit_api.TrackSource.Name(track.source).lower(),
            muted=track.muted,
            mime_type=track.mime_type,
        )


@dataclasses.dataclass(frozen=True)
class MediaParticipant:
    identity: str
    """The user id the join token was minted for."""
    sid: str
    name: str
    role: str | None
    """From the token's metadata (`host`, `moderator`, `participant`)."""
    state: str
    """`joining`, `joined`, `active` or `disconnected`."""
    can_publish: bool
    tracks: tuple[MediaTrack, ...]
    joined_at: dt.datetime | None

    @classmethod
    def from_proto(cls, participant: livekit_api.ParticipantInfo) -> MediaParticipant:
        return cls(
            identity=participant.identity,
            sid=participant.sid,
            name=participant.name,
            role=_role_of(participant.metadata),
            state=livekit_api.ParticipantInfo.State.Name(participant.state).lower(),
            can_publish=participant.permission.can_publish,
            tracks=tuple(MediaTrack.from_proto(track) for track in participant.tracks),
            joined_at=_from_seconds(participant.joined_at),
        )


@dataclasses.dataclass(frozen=True)
class MediaRoom:
    name: str
    sid: str
    empty_timeout: int
    """Seconds the room stays open once empty (or before anyone joins)."""
    max_participants: int | None
    num_participants: int
    created_at: dt.datetime | None

    @classmethod
    def from_proto(cls, room: livekit_api.Room) -> MediaRoom:
        return cls(
            name=room.name,
            sid=room.sid,
            empty_timeout=room.empty_timeout,
            max_participants=room.max_participants or None,
            num_participants=room.num_participants,
            created_at=_from_seconds(room.creation_time),
        )


@dataclasses.dataclass(frozen=True)
class EgressFile:
    """One file a recording (egress) wrote; `location` is where the storage put it."""

    filename: str
    location: str
    size_bytes: int
    duration_ms: int
    started_at: dt.datetime | None
    ended_at: dt.datetime | None

    @classmethod
    def from_proto(cls, file: livekit_api.FileInfo) -> EgressFile:
        return cls(
            filename=file.filename,
            location=file.location,
            size_bytes=file.size,
            duration_ms=file.duration // 1_000_000,
            started_at=_from_nanoseconds(file.started_at),
            ended_at=_from_nanoseconds(file.ended_at),
        )


@dataclasses.dataclass(frozen=True)
class EgressSummary:
    egress_id: str
    room_name: str
    status: str
    """`starting`, `active`, `ending`, `complete`, `failed`, `aborted` or `limit_reached`."""
    error: str | None
    started_at: dt.datetime | None
    ended_at: dt.datetime | None
    files: tuple[EgressFile, ...]

    @classmethod
    def from_proto(cls, egress: livekit_api.EgressInfo) -> EgressSummary:
        status = livekit_api.EgressStatus.Name(egress.status).removeprefix("EGRESS_").lower()
        return cls(
            egress_id=egress.egress_id,
            room_name=egress.room_name,
            status=status,
            error=egress.error or None,
            started_at=_from_nanoseconds(egress.started_at),
            ended_at=_from_nanoseconds(egress.ended_at),
            files=tuple(EgressFile.from_proto(file) for file in egress.file_results),
        )


@dataclasses.dataclass(frozen=True)
class WebhookEvent:
    """One verified LiveKit webhook delivery.

    `id` is unique per event (`EV_…`) and is what `record_receipt` deduplicates on;
    LiveKit retries a delivery with the same id.
    """

    id: str
    event: str
    """`room_started`, `room_finished`, `participant_joined`, `participant_left`,
    `track_published`, `track_unpublished`, `egress_started`, `egress_updated`,
    `egress_ended`, … (LiveKit may add more; ignore what you do not handle)."""
    created_at: dt.datetime
    room_name: str | None
    room_sid: str | None
    participant_identity: str | None
    participant_sid: str | None
    track: MediaTrack | None
    egress: EgressSummary | None

    @classmethod
    def from_proto(cls, event: livekit_api.WebhookEvent) -> WebhookEvent:
        room_name = event.room.name if event.HasField("room") else ""
        if not room_name and event.HasField("egress_info"):
            room_name = event.egress_info.room_name
        participant = event.participant if event.HasField("participant") else None
        return cls(
            id=event.id,
            event=event.event,
            created_at=dt.datetime.fromtimestamp(event.created_at, dt.UTC),
            room_name=room_name or None,
            room_sid=(event.room.sid if event.HasField("room") else "") or None,
            participant_identity=(participant.identity or None) if participant else None,
            participant_sid=(participant.sid or None) if participant else None,
            track=MediaTrack.from_proto(event.track) if event.HasField("track") else None,
            egress=(
                EgressSummary.from_proto(event.egress_info)
                if event.HasField("egress_info")
                else None
            ),
        )
