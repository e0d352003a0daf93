"""Poll tallies kept as counters: `polls.voters` and a `poll_option_counts` row per option,
written by the polls projection with each vote, so a tally reads them instead of
recounting `poll_votes`. Filled here from the votes already cast.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-06 19:30:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

FILL_OPTION_COUNTS = """
INSERT INTO poll_option_counts (poll_id, option_id, votes)
SELECT p.id, option.id,
       (SELECT count(*) FROM poll_votes AS v
        WHERE v.poll_id = p.id AND option.id = ANY (v.option_ids))
FROM polls AS p, unnest(multistream_poll_option_ids(p.options)) AS option(id)
"""

FILL_VOTERS = """
UPDATE polls SET voters = counted.voters
FROM (SELECT poll_id, count(*) AS voters FROM poll_votes GROUP BY poll_id) AS counted
WHERE polls.id = counted.poll_id
"""


def upgrade() -> None:
    op.add_column(
        "polls", sa.Column("voters", sa.Integer(), server_default=sa.text("0"), nullable=False)
    )
    op.create_check_constraint("voters_nonnegative", "polls", "voters >= 0")
    op.create_table(
        "poll_option_counts",
        sa.Column("poll_id", sa.Uuid(), nullable=False),
        sa.Column("option_id", sa.Text(), nullable=False),
        sa.Column("votes", sa.Integer(), server_default=sa.text("0"), nullable=False),
        sa.CheckConstraint("votes >= 0", name=op.f("ck_poll_option_counts_votes_nonnegative")),
        sa.ForeignKeyConstraint(
            ["poll_id"],
            ["polls.id"],
            name=op.f("fk_poll_option_counts_poll_id_polls"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("poll_id", "option_id", name=op.f("pk_poll_option_counts")),
    )
    op.execute(FILL_OPTION_COUNTS)
    op.execute(FILL_VOTERS)


def downgrade() -> None:
    op.drop_table("poll_option_counts")
    op.drop_constraint(op.f("ck_polls_voters_nonnegative"), "polls", type_="check")
    op.drop_column("polls", "voters")
