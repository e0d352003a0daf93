"""Chat slow mode on sessions; render progress on assets.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-25 22:45:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column(
        "sessions",
        sa.Column(
            "chat_slow_mode_seconds", sa.Integer(), server_default=sa.text("0"), nullable=False
        ),
    )
    op.create_check_constraint(
        "chat_slow_mode_range", "sessions", "chat_slow_mode_seconds BETWEEN 0 AND 3600"
    )
    op.add_column(
        "assets",
        sa.Column("pages_rendered", sa.Integer(), server_default=sa.text("0"), nullable=False),
    )
    op.create_check_constraint(
        "pages_rendered_range",
        "assets",
        "pages_rendered >= 0 AND (page_count IS NULL OR pages_rendered <= page_count)",
    )


def downgrade() -> None:
    op.drop_column("assets", "pages_rendered")
    op.drop_column("sessions", "chat_slow_mode_seconds")
