"""Where viewers stopped watching a replay; search indexes for questions and chat; an index
on the events that say what was on screen.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-06 09:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "replay_positions",
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("session_id", sa.Uuid(), nullable=False),
        sa.Column("position_ms", sa.BigInteger(), nullable=False),
        sa.Column(
            "updated_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.CheckConstraint(
            "position_ms >= 0", name=op.f("ck_replay_positions_position_ms_nonnegative")
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_replay_positions_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["sessions.id"],
            name=op.f("fk_replay_positions_session_id_sessions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("user_id", "session_id", name=op.f("pk_replay_positions")),
    )
    op.create_index(
        "ix_chat_messages_search",
        "chat_messages",
        [sa.text("to_tsvector('english'::regconfig, body)")],
        postgresql_using="gin",
        postgresql_where=sa.text("deleted_at IS NULL"),
    )
    op.create_index(
        "ix_questions_search",
        "questions",
        [sa.text("to_tsvector('english'::regconfig, body)")],
        postgresql_using="gin",
    )
    op.create_index(
        "ix_session_events_screen",
        "session_events",
        ["session_id", "seq"],
        postgresql_where=sa.text(
            "type IN ('studio.deck_attached', 'studio.scene_activated', 'studio.slide_changed')"
        ),
    )


def downgrade() -> None:
    op.drop_index("ix_session_events_screen", table_name="session_events")
    op.drop_index("ix_questions_search", table_name="questions")
    op.drop_index("ix_chat_messages_search", table_name="chat_messages")
    op.drop_table("replay_positions")
