"""Tables of the event log, idempotency records and webhook receipts.

`session_events` is each session's append-only log. Appending means inserting rows whose
`seq` continues the log: `sessions.last_seq + 1`, `+ 2`, … in one transaction (read
`last_seq` `FOR UPDATE` first). Triggers in the migration enforce it:

- before each insert, lock the session row and refuse any `seq` but the log's highest
  plus one (`ck_session_events_seq_contiguous`);
- after each insert, advance `sessions.last_seq`, which may hold nothing but the log's
  highest `seq` (`ck_sessions_last_seq_matches_log`);
- refuse updates and deletes (`ck_session_events_append_only`): rows leave only with
  their session.

Two writers racing for one session queue on the session row; the second sees the first's
events, gets the check violation and retries. `INSERT … ON CONFLICT DO NOTHING` on the
idempotency key is safe: a skipped row leaves no gap.
"""

from __future__ import annotations

import datetime as dt
import enum
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from multistream.db import columns
from multistream.db.base import Base, utcnow

EventAudience = enum.StrEnum("EventAudience", "all staff actor none")
EventAudience.__doc__ = (
    "Who receives an event live: everyone, staff only, only its actor, or nobody."
)

WebhookProvider = enum.StrEnum("WebhookProvider", "livekit clerk")


class SessionEvent(Base):
    __tablename__ = "session_events"
    __table_args__ = (
        sa.CheckConstraint(
            r"type ~ '^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)*$' AND char_length(type) <= 100",
            name="type_format",
        ),
        sa.CheckConstraint("jsonb_typeof(payload) = 'object'", name="payload_object"),
        sa.CheckConstraint(
            "char_length(idempotency_key) BETWEEN 1 AND 200", name="idempotency_key_length"
        ),
        sa.Index(
            "uq_session_events_idempotency_key",
            "session_id",
            "idempotency_key",
            unique=True,
            postgresql_where=sa.text("idempotency_key IS NOT NULL"),
        ),
        # What was on screen when (`replay.timeline.screen`): a few dozen rows of a log that
        # may hold tens of thousands, found without reading the rest.
        sa.Index(
            "ix_session_events_screen",
            "session_id",
            "seq",
            postgresql_where=sa.text(
                "type IN ('studio.deck_attached', 'studio.scene_activated', 'studio.slide_changed')"
            ),
        ),
    )

    session_id: Mapped[columns.SessionKey]
    seq: Mapped[int] = columns.positive(sa.BigInteger, primary_key=True, autoincrement=False)
    type: Mapped[columns.Text]
    actor_id: Mapped[columns.UserRefOrNull]
    audience: Mapped[EventAudience] = columns.state(EventAudience, EventAudience.all)
    payload: Mapped[columns.JsonObject]
    occurred_at: Mapped[columns.CreatedAt]
    idempotency_key: Mapped[columns.TextOrNull]


class IdempotencyRecord(Base):
    """The stored outcome of a request sent with an `Idempotency-Key`.

    `status_code` is null while the first request is still in flight. A trigger refuses to
    delete a record younger than 24 hours (`ck_idempotency_records_retention`), so a retry
    within a day never runs twice.
    """

    __tablename__ = "idempotency_records"
    __table_args__ = (
        sa.CheckConstraint("char_length(key) BETWEEN 1 AND 200", name="key_length"),
        sa.CheckConstraint("status_code BETWEEN 100 AND 599", name="status_code"),
        sa.CheckConstraint(
            "response IS NULL OR status_code IS NOT NULL", name="response_has_status"
        ),
    )

    user_id: Mapped[columns.UserKey]
    key: Mapped[str] = mapped_column(sa.Text, primary_key=True)
    request_fingerprint: Mapped[columns.Text]
    status_code: Mapped[int | None]
    response: Mapped[dict[str, Any] | None] = mapped_column(JSONB)
    created_at: Mapped[dt.datetime] = mapped_column(
        server_default=sa.func.now(), default=utcnow, index=True
    )


class WebhookReceipt(Base):
    """A webhook delivery already processed; inserting it first makes processing once-only."""

    __tablename__ = "webhook_receipts"
    __table_args__ = (
        sa.CheckConstraint("char_length(event_id) BETWEEN 1 AND 200", name="event_id_length"),
    )

    provider: Mapped[WebhookProvider] = columns.state(WebhookProvider, primary_key=True)
    event_id: Mapped[str] = mapped_column(sa.Text, primary_key=True)
    received_at: Mapped[columns.CreatedAt]
