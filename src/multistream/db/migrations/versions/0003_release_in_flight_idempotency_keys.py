"""Let an in-flight idempotency record be deleted, so a request that failed unexpectedly
releases its key; finished records are still kept at least 24 hours.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-25 21:10:00.000000
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_FUNCTION = """
CREATE OR REPLACE FUNCTION multistream_idempotency_records_check_retention() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    -- Records leave early only with their user (the cascade runs after the user is gone){extra}.
    IF OLD.created_at > now() - interval '24 hours'
       AND EXISTS (SELECT 1 FROM users WHERE id = OLD.user_id){condition}
    THEN
        RAISE EXCEPTION 'idempotency record % of user % is younger than 24 hours',
            OLD.key, OLD.user_id
            USING ERRCODE = 'check_violation',
                  CONSTRAINT = 'ck_idempotency_records_retention',
                  TABLE = 'idempotency_records';
    END IF;
    RETURN OLD;
END
$$
"""


def upgrade() -> None:
    op.execute(
        _FUNCTION.format(
            extra=", or unfinished (the request failed and released its key)",
            condition="\n       AND OLD.status_code IS NOT NULL",
        )
    )


def downgrade() -> None:
    op.execute(_FUNCTION.format(extra="", condition=""))
