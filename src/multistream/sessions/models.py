"""Tables of live sessions: the session itself, its participants and their attendance.

The CHECK constraints mirror the session state machine's invariants (a live session has
started, an ended one has started and ended, in that order). `last_seq` is the sequence
number of the session's latest event: appending to `session_events` advances it, and a
trigger refuses any other value (`ck_sessions_last_seq_matches_log`). The ORM's copy goes
stale when events are appended: refresh it rather than write it.
"""

from __future__ import annotations

import datetime as dt
import enum
import uuid

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from multistream.db import columns
from multistream.db.base import Base

SessionStatus = enum.StrEnum("SessionStatus", "scheduled live ended canceled")

# `deleted`: staff deleted the recording and what was made from it.
ReplayStatus = enum.StrEnum("ReplayStatus", "none pending processing partial ready failed deleted")

MediaStatus = enum.StrEnum("MediaStatus", "unknown ok degraded disabled")
MediaStatus.__doc__ = (
    "Whether live media (LiveKit) works for the session; classes go on without it."
)

ParticipantRole = enum.StrEnum("ParticipantRole", "host moderator participant")

AttendanceSource = enum.StrEnum("AttendanceSource", "livekit gateway")


class LiveSession(Base):
    """A live class of a course (named so it does not shadow SQLAlchemy's `Session`)."""

    __tablename__ = "sessions"
    __table_args__ = (
        sa.CheckConstraint("scheduled_end > scheduled_start", name="scheduled_window"),
        sa.CheckConstraint(
            "status NOT IN ('scheduled', 'canceled') OR (started_at IS NULL AND ended_at IS NULL)",
            name="not_started",
        ),
        sa.CheckConstraint(
            "status <> 'live' OR (started_at IS NOT NULL AND ended_at IS NULL)", name="live_started"
        ),
        sa.CheckConstraint(
            "status <> 'ended'"
            " OR (started_at IS NOT NULL AND ended_at IS NOT NULL AND ended_at >= started_at)",
            name="ended_after_started",
        ),
        sa.CheckConstraint(
            "chat_slow_mode_seconds BETWEEN 0 AND 3600", name="chat_slow_mode_range"
        ),
        sa.UniqueConstraint("livekit_room"),
        sa.Index("ix_sessions_course_id_scheduled_start", "course_id", "scheduled_start"),
    )

    id: Mapped[columns.Id]
    course_id: Mapped[columns.CourseRef]
    title: Mapped[str] = columns.text(200, nonblank=True)
    description: Mapped[str] = columns.text(10000, default="")
    status: Mapped[SessionStatus] = columns.state(SessionStatus, SessionStatus.scheduled)
    scheduled_start: Mapped[dt.datetime]
    scheduled_end: Mapped[dt.datetime]
    started_at: Mapped[dt.datetime | None]
    ended_at: Mapped[dt.datetime | None]
    livekit_room: Mapped[columns.TextOrNull]
    recording_enabled: Mapped[bool] = mapped_column(server_default=sa.true(), default=True)
    replay_status: Mapped[ReplayStatus] = columns.state(ReplayStatus, ReplayStatus.none)
    media_status: Mapped[MediaStatus] = columns.state(MediaStatus, MediaStatus.unknown)
    last_seq: Mapped[int] = columns.nonnegative(
        sa.BigInteger, server_default=sa.text("0"), default=0
    )
    chat_slow_mode_seconds: Mapped[columns.Count]
    ending_reason: Mapped[columns.TextOrNull]
    """Why a live class is about to end by itself (`abandoned`, `overtime`); a projection of
    `session.ending_soon`, cleared by `session.ending_canceled` and by the end."""
    ending_at: Mapped[dt.datetime | None]
    """When it will end by itself unless that changes."""
    """Least seconds between two chat messages of a participant (0: off); a projection of
    `chat.slow_mode_set`."""
    created_by: Mapped[columns.UserRefOrNull]
    created_at: Mapped[columns.CreatedAt]


class Participant(Base):
    """A user who joined a session at least once, with their live state and totals."""

    __tablename__ = "participants"
    __table_args__ = (
        sa.CheckConstraint("last_seen_at >= first_joined_at", name="seen_after_joined"),
    )

    session_id: Mapped[columns.SessionKey]
    user_id: Mapped[columns.UserKey] = mapped_column(index=True)
    role: Mapped[ParticipantRole] = columns.state(ParticipantRole)
    first_joined_at: Mapped[columns.CreatedAt]
    last_seen_at: Mapped[columns.CreatedAt]
    total_seconds: Mapped[columns.Count] = columns.nonnegative()
    on_stage: Mapped[columns.Flag]
    hand_raised_at: Mapped[dt.datetime | None]


class AttendanceInterval(Base):
    """One stretch of presence of a participant; `left_at` is null while still present."""

    __tablename__ = "attendance_intervals"
    __table_args__ = (
        sa.CheckConstraint("left_at >= joined_at", name="left_after_joined"),
        sa.ForeignKeyConstraint(
            ["session_id", "user_id"],
            ["participants.session_id", "participants.user_id"],
            ondelete="CASCADE",
        ),
        sa.Index(
            "ix_attendance_intervals_session_id_user_id_joined_at",
            "session_id",
            "user_id",
            "joined_at",
        ),
    )

    id: Mapped[columns.Id]
    session_id: Mapped[uuid.UUID]
    user_id: Mapped[uuid.UUID]
    joined_at: Mapped[dt.datetime]
    left_at: Mapped[dt.datetime | None]
    source: Mapped[AttendanceSource] = columns.state(AttendanceSource)
