"""The class's log is locked FOR NO KEY UPDATE by its seq check too (two first joins of a
class deadlocked: each held the KEY SHARE lock of its participant row's foreign key while
the other's append asked for FOR UPDATE).

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-06 16:30:00.000000
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

CHECK_SEQ = """
CREATE OR REPLACE FUNCTION multistream_session_events_check_seq() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    expected bigint;
BEGIN
    -- A null or non-positive seq is reported by NOT NULL / ck_session_events_seq_positive.
    IF NEW.seq IS NULL OR NEW.seq < 1 THEN
        RETURN NEW;
    END IF;
    -- Appenders to one session queue on its row. FOR NO KEY UPDATE, as
    -- eventlog.service.lock takes it: FOR UPDATE would also wait for the KEY SHARE
    -- locks of rows inserted referring to the session (a participant's), and two
    -- such transactions then wait for each other.
    PERFORM 1 FROM sessions WHERE id = NEW.session_id FOR NO KEY UPDATE;
    IF NOT FOUND THEN
        RETURN NEW;  -- the foreign key reports the missing session
    END IF;
    -- The log's highest seq rather than sessions.last_seq, which an AFTER trigger
    -- advances: an INSERT ... ON CONFLICT DO NOTHING that skips a row then leaves no gap.
    SELECT coalesce(max(seq), 0) + 1 INTO expected
    FROM session_events WHERE session_id = NEW.session_id;
    IF NEW.seq <> expected THEN
        RAISE EXCEPTION 'event seq % of session % is out of order: the next seq is %',
            NEW.seq, NEW.session_id, expected
            USING ERRCODE = 'check_violation',
                  CONSTRAINT = 'ck_session_events_seq_contiguous',
                  TABLE = 'session_events';
    END IF;
    RETURN NEW;
END
$$
"""

PREVIOUS_CHECK_SEQ = """
CREATE OR REPLACE FUNCTION multistream_session_events_check_seq() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    expected bigint;
BEGIN
    -- A null or non-positive seq is reported by NOT NULL / ck_session_events_seq_positive.
    IF NEW.seq IS NULL OR NEW.seq < 1 THEN
        RETURN NEW;
    END IF;
    -- Appenders to one session queue on its row.
    PERFORM 1 FROM sessions WHERE id = NEW.session_id FOR UPDATE;
    IF NOT FOUND THEN
        RETURN NEW;  -- the foreign key reports the missing session
    END IF;
    -- The log's highest seq rather than sessions.last_seq, which an AFTER trigger
    -- advances: an INSERT ... ON CONFLICT DO NOTHING that skips a row then leaves no gap.
    SELECT coalesce(max(seq), 0) + 1 INTO expected
    FROM session_events WHERE session_id = NEW.session_id;
    IF NEW.seq <> expected THEN
        RAISE EXCEPTION 'event seq % of session % is out of order: the next seq is %',
            NEW.seq, NEW.session_id, expected
            USING ERRCODE = 'check_violation',
                  CONSTRAINT = 'ck_session_events_seq_contiguous',
                  TABLE = 'session_events';
    END IF;
    RETURN NEW;
END
$$
"""


def upgrade() -> None:
    op.execute(CHECK_SEQ)


def downgrade() -> None:
    op.execute(PREVIOUS_CHECK_SEQ)
