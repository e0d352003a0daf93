"""Recorders hold recordings with a lease and store them in segments; recordings and replays
can be deleted; classes about to end by themselves; the course's default for recording.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-06 12:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

RECORDING_STATUSES = "'starting', 'recording', 'stopped', 'uploading', 'ready', 'failed', 'deleted'"
REPLAY_STATUSES = "'none', 'pending', 'processing', 'partial', 'ready', 'failed', 'deleted'"


def upgrade() -> None:
    op.drop_constraint(op.f("ck_recordings_status"), "recordings", type_="check")
    op.create_check_constraint("status", "recordings", f"status IN ({RECORDING_STATUSES})")
    op.add_column("recordings", sa.Column("recorder_id", sa.Text(), nullable=True))
    op.add_column(
        "recordings", sa.Column("lease_expires_at", sa.DateTime(timezone=True), nullable=True)
    )
    op.add_column("recordings", sa.Column("alerted_at", sa.DateTime(timezone=True), nullable=True))
    op.add_column("recordings", sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True))
    op.add_column("recordings", sa.Column("deleted_by", sa.Uuid(), nullable=True))
    op.create_foreign_key(
        op.f("fk_recordings_deleted_by_users"),
        "recordings",
        "users",
        ["deleted_by"],
        ["id"],
        ondelete="SET NULL",
    )
    op.create_check_constraint(
        "lease_with_recorder", "recordings", "(recorder_id IS NULL) = (lease_expires_at IS NULL)"
    )
    op.create_index(
        "ix_recordings_active",
        "recordings",
        ["lease_expires_at"],
        postgresql_where=sa.text("status IN ('starting', 'recording', 'uploading')"),
    )
    op.create_table(
        "recording_segments",
        sa.Column("recording_id", sa.Uuid(), nullable=False),
        sa.Column("idx", sa.Integer(), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("duration_ms", sa.BigInteger(), nullable=False),
        sa.Column("storage_key", sa.Text(), nullable=False),
        sa.Column("size_bytes", sa.BigInteger(), nullable=False),
        sa.Column("recorder_id", sa.Text(), nullable=False),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.CheckConstraint("idx >= 0", name=op.f("ck_recording_segments_idx_nonnegative")),
        sa.CheckConstraint(
            "duration_ms > 0", name=op.f("ck_recording_segments_duration_ms_positive")
        ),
        sa.CheckConstraint(
            "size_bytes >= 0", name=op.f("ck_recording_segments_size_bytes_nonnegative")
        ),
        sa.ForeignKeyConstraint(
            ["recording_id"],
            ["recordings.id"],
            name=op.f("fk_recording_segments_recording_id_recordings"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("recording_id", "idx", name=op.f("pk_recording_segments")),
    )
    op.drop_constraint(op.f("ck_sessions_replay_status"), "sessions", type_="check")
    op.create_check_constraint("replay_status", "sessions", f"replay_status IN ({REPLAY_STATUSES})")
    op.add_column("sessions", sa.Column("ending_reason", sa.Text(), nullable=True))
    op.add_column("sessions", sa.Column("ending_at", sa.DateTime(timezone=True), nullable=True))
    op.add_column(
        "courses",
        sa.Column("record_by_default", sa.Boolean(), server_default=sa.true(), nullable=False),
    )


def downgrade() -> None:
    op.drop_column("courses", "record_by_default")
    op.drop_column("sessions", "ending_at")
    op.drop_column("sessions", "ending_reason")
    op.execute("UPDATE sessions SET replay_status = 'none' WHERE replay_status = 'deleted'")
    op.drop_constraint(op.f("ck_sessions_replay_status"), "sessions", type_="check")
    op.create_check_constraint(
        "replay_status",
        "sessions",
        "replay_status IN ('none', 'pending', 'processing', 'partial', 'ready', 'failed')",
    )
    op.drop_table("recording_segments")
    op.drop_index("ix_recordings_active", table_name="recordings")
    op.drop_constraint(op.f("ck_recordings_lease_with_recorder"), "recordings", type_="check")
    op.drop_constraint(op.f("fk_recordings_deleted_by_users"), "recordings", type_="foreignkey")
    for column in ("deleted_by", "deleted_at", "alerted_at", "lease_expires_at", "recorder_id"):
        op.drop_column("recordings", column)
    op.execute(
        "UPDATE recordings SET status = 'failed', error = coalesce(error, 'deleted')"
        " WHERE status IN ('uploading', 'deleted')"
    )
    op.drop_constraint(op.f("ck_recordings_status"), "recordings", type_="check")
    op.create_check_constraint(
        "status",
        "recordings",
        "status IN ('starting', 'recording', 'stopped', 'ready', 'failed')",
    )
