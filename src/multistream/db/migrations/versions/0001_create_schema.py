"""Create the schema: every table, constraint, index, function and trigger of Multistream.

Rules a CHECK or UNIQUE cannot express are PL/pgSQL triggers that raise
`check_violation` with a constraint name (`ck_<table>_<rule>`), so callers and tests see
them exactly like real constraints. Rules that span rows of one transaction are deferred
constraint triggers, checked at commit.

Revision ID: 0001
Revises:
Create Date: 2026-11-25 19:50:58.000000
"""

import datetime as dt
import uuid
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _enum() -> sa.String:
    """Enum-like columns are text under a CHECK, not PostgreSQL enum types."""
    return sa.String(length=32)


def _timestamptz() -> sa.DateTime:
    return sa.DateTime(timezone=True)


def _id() -> sa.Column[uuid.UUID]:
    return sa.Column("id", sa.Uuid(), nullable=False)


def _now(name: str) -> sa.Column[dt.datetime]:
    return sa.Column(name, _timestamptz(), server_default=sa.text("now()"), nullable=False)


MIME_MATCHES_KIND = """
CASE kind  -- an unknown kind is reported by the kind CHECK
    WHEN 'slide_deck' THEN mime = 'application/pdf'
    WHEN 'image' THEN mime IN ('image/png', 'image/jpeg', 'image/webp', 'image/gif')
    WHEN 'video' THEN mime ~ '^video/[a-z0-9][a-z0-9.+-]*$'
    WHEN 'document' THEN mime IN (
        'application/pdf',
        'text/plain',
        'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
        'application/vnd.openxmlformats-officedocument.presentationml.presentation',
        'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
        'application/vnd.oasis.opendocument.text',
        'application/vnd.oasis.opendocument.presentation',
        'application/vnd.oasis.opendocument.spreadsheet'
    )
END
"""

# Needed by the CHECKs on polls, so it exists before the table.
POLL_OPTION_IDS = r"""
CREATE FUNCTION multistream_poll_option_ids(options jsonb) RETURNS text[]
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
AS $$
    -- The ids of a poll's options, in order; null unless `options` is an array of 2 to 10
    -- objects with a distinct non-empty string "id" (up to 64 chars) and a non-blank
    -- string "text" (up to 200 chars).
    SELECT CASE
        WHEN jsonb_typeof(options) <> 'array' THEN NULL
        WHEN jsonb_array_length(options) NOT BETWEEN 2 AND 10 THEN NULL
        WHEN EXISTS (
            SELECT 1
            FROM jsonb_array_elements(options) AS element(opt)
            WHERE jsonb_typeof(opt) <> 'object'
               OR jsonb_typeof(opt -> 'id') IS DISTINCT FROM 'string'
               OR jsonb_typeof(opt -> 'text') IS DISTINCT FROM 'string'
               OR char_length(opt ->> 'id') NOT BETWEEN 1 AND 64
               OR (opt ->> 'text') !~ '\S'
               OR char_length(opt ->> 'text') > 200
        ) THEN NULL
        WHEN (
            SELECT count(DISTINCT opt ->> 'id') FROM jsonb_array_elements(options) AS element(opt)
        ) <> jsonb_array_length(options) THEN NULL
        ELSE ARRAY(
            SELECT opt ->> 'id'
            FROM jsonb_array_elements(options) WITH ORDINALITY AS element(opt, position)
            ORDER BY position
        )
    END
$$
"""

FUNCTIONS_AND_TRIGGERS = [
    # --- courses: exactly one owner member, and it is courses.owner_id --------------------
    """
    CREATE FUNCTION multistream_assert_course_owner(target uuid) RETURNS void
    LANGUAGE plpgsql AS $$
    BEGIN
        IF EXISTS (
            SELECT 1 FROM courses AS c
            WHERE c.id = target
              AND NOT EXISTS (
                  SELECT 1 FROM course_members AS m
                  WHERE m.course_id = c.id AND m.role = 'owner' AND m.user_id = c.owner_id
              )
        ) THEN
            RAISE EXCEPTION 'course % has no owner member: the user in courses.owner_id '
                'must be its member with the role owner', target
                USING ERRCODE = 'check_violation',
                      CONSTRAINT = 'ck_courses_owner_member',
                      TABLE = 'courses';
        END IF;
    END
    $$
    """,
    """
    CREATE FUNCTION multistream_courses_check_owner() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
        PERFORM multistream_assert_course_owner(NEW.id);
        RETURN NULL;
    END
    $$
    """,
    """
    CREATE FUNCTION multistream_course_members_check_owner() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP IN ('UPDATE', 'DELETE') THEN
            PERFORM multistream_assert_course_owner(OLD.course_id);
        END IF;
        IF TG_OP IN ('INSERT', 'UPDATE') THEN
            PERFORM multistream_assert_course_owner(NEW.course_id);
        END IF;
        RETURN NULL;
    END
    $$
    """,
    """
    CREATE CONSTRAINT TRIGGER tr_courses_owner_member
    AFTER INSERT OR UPDATE OF owner_id ON courses
    DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION multistream_courses_check_owner()
    """,
    """
    CREATE CONSTRAINT TRIGGER tr_course_members_owner_member
    AFTER INSERT OR UPDATE OR DELETE ON course_members
    DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION multistream_course_members_check_owner()
    """,
    # --- session_events: gapless per-session seq, append-only --------------------------
    """
    CREATE FUNCTION multistream_session_events_check_seq() RETURNS trigger
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
    """,
    """
    CREATE TRIGGER tr_session_events_check_seq
    BEFORE INSERT ON session_events
    FOR EACH ROW EXECUTE FUNCTION multistream_session_events_check_seq()
    """,
    """
    CREATE FUNCTION multistream_session_events_advance_last_seq() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
        UPDATE sessions
        SET last_seq = (SELECT max(seq) FROM session_events WHERE session_id = NEW.session_id)
        WHERE id = NEW.session_id AND last_seq < NEW.seq;
        RETURN NULL;
    END
    $$
    """,
    """
    CREATE TRIGGER tr_session_events_advance_last_seq
    AFTER INSERT ON session_events
    FOR EACH ROW EXECUTE FUNCTION multistream_session_events_advance_last_seq()
    """,
    """
    CREATE FUNCTION multistream_session_events_append_only() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
        -- Events leave only with their session: the cascade from a deleted session runs
        -- after the session row is gone.
        IF TG_OP = 'DELETE' AND NOT EXISTS (SELECT 1 FROM sessions WHERE id = OLD.session_id)
        THEN
            RETURN OLD;
        END IF;
        RAISE EXCEPTION 'session_events is append-only: % of event % of session % refused',
            TG_OP, OLD.seq, OLD.session_id
            USING ERRCODE = 'check_violation',
                  CONSTRAINT = 'ck_session_events_append_only',
                  TABLE = 'session_events';
    END
    $$
    """,
    """
    CREATE TRIGGER tr_session_events_append_only
    BEFORE UPDATE OR DELETE ON session_events
    FOR EACH ROW EXECUTE FUNCTION multistream_session_events_append_only()
    """,
    """
    CREATE FUNCTION multistream_sessions_check_last_seq() RETURNS trigger
    LANGUAGE plpgsql AS $$
    DECLARE
        log_seq bigint;
    BEGIN
        -- A negative value is reported by ck_sessions_last_seq_nonnegative.
        IF NEW.last_seq < 0 THEN
            RETURN NEW;
        END IF;
        IF TG_OP = 'UPDATE' AND NEW.last_seq = OLD.last_seq THEN
            RETURN NEW;
        END IF;
        SELECT coalesce(max(seq), 0) INTO log_seq FROM session_events WHERE session_id = NEW.id;
        IF NEW.last_seq <> log_seq THEN
            RAISE EXCEPTION 'sessions.last_seq of session % must be its highest event seq % '
                '(append to session_events to advance it), not %', NEW.id, log_seq, NEW.last_seq
                USING ERRCODE = 'check_violation',
                      CONSTRAINT = 'ck_sessions_last_seq_matches_log',
                      TABLE = 'sessions';
        END IF;
        RETURN NEW;
    END
    $$
    """,
    """
    CREATE TRIGGER tr_sessions_check_last_seq
    BEFORE INSERT OR UPDATE OF last_seq ON sessions
    FOR EACH ROW EXECUTE FUNCTION multistream_sessions_check_last_seq()
    """,
    # --- idempotency_records: kept at least 24 hours -----------------------------------
    """
    CREATE FUNCTION multistream_idempotency_records_check_retention() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
        -- Records leave early only with their user (the cascade runs after the user is gone).
        IF OLD.created_at > now() - interval '24 hours'
           AND EXISTS (SELECT 1 FROM users WHERE id = OLD.user_id)
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
    """,
    """
    CREATE TRIGGER tr_idempotency_records_check_retention
    BEFORE DELETE ON idempotency_records
    FOR EACH ROW EXECUTE FUNCTION multistream_idempotency_records_check_retention()
    """,
    # --- questions: upvotes equal the number of votes ----------------------------------
    """
    CREATE FUNCTION multistream_assert_question_upvotes(target uuid) RETURNS void
    LANGUAGE plpgsql AS $$
    DECLARE
        stored integer;
        counted bigint;
    BEGIN
        SELECT q.upvotes, (SELECT count(*) FROM question_votes AS v WHERE v.question_id = q.id)
        INTO stored, counted
        FROM questions AS q WHERE q.id = target;
        IF FOUND AND stored <> counted THEN
            RAISE EXCEPTION 'question % has upvotes % but % votes', target, stored, counted
                USING ERRCODE = 'check_violation',
                      CONSTRAINT = 'ck_questions_upvotes_match_votes',
                      TABLE = 'questions';
        END IF;
    END
    $$
    """,
    """
    CREATE FUNCTION multistream_questions_check_upvotes() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
        PERFORM multistream_assert_question_upvotes(NEW.id);
        RETURN NULL;
    END
    $$
    """,
    """
    CREATE FUNCTION multistream_question_votes_check_upvotes() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP IN ('UPDATE', 'DELETE') THEN
            PERFORM multistream_assert_question_upvotes(OLD.question_id);
        END IF;
        IF TG_OP IN ('INSERT', 'UPDATE') THEN
            PERFORM multistream_assert_question_upvotes(NEW.question_id);
        END IF;
        RETURN NULL;
    END
    $$
    """,
    """
    CREATE CONSTRAINT TRIGGER tr_questions_upvotes_match_votes
    AFTER INSERT OR UPDATE OF upvotes ON questions
    DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION multistream_questions_check_upvotes()
    """,
    """
    CREATE CONSTRAINT TRIGGER tr_question_votes_upvotes_match_votes
    AFTER INSERT OR UPDATE OR DELETE ON question_votes
    DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION multistream_question_votes_check_upvotes()
    """,
    # --- poll_votes: options of the poll, one for single choice, only while open --------
    """
    CREATE FUNCTION multistream_poll_votes_check() RETURNS trigger
    LANGUAGE plpgsql AS $$
    DECLARE
        target record;
    BEGIN
        -- A null or empty choice is reported by NOT NULL / ck_poll_votes_option_ids_nonempty.
        IF NEW.option_ids IS NULL OR cardinality(NEW.option_ids) = 0 THEN
            RETURN NEW;
        END IF;
        -- FOR SHARE: closing the poll waits for votes in flight, and the other way round.
        SELECT kind, status, multistream_poll_option_ids(options) AS option_ids INTO target
        FROM polls WHERE id = NEW.poll_id FOR SHARE;
        IF NOT FOUND THEN
            RETURN NEW;  -- the foreign key reports the missing poll
        END IF;
        IF target.status <> 'open' THEN
            RAISE EXCEPTION 'poll % is %, not open: votes are cast only while it is open',
                NEW.poll_id, target.status
                USING ERRCODE = 'check_violation',
                      CONSTRAINT = 'ck_poll_votes_poll_open',
                      TABLE = 'poll_votes';
        END IF;
        IF NOT NEW.option_ids <@ target.option_ids
           OR (SELECT count(DISTINCT chosen) FROM unnest(NEW.option_ids) AS chosen)
              <> cardinality(NEW.option_ids)
        THEN
            RAISE EXCEPTION 'vote options % are not distinct options of poll % (%)',
                NEW.option_ids, NEW.poll_id, target.option_ids
                USING ERRCODE = 'check_violation',
                      CONSTRAINT = 'ck_poll_votes_options_valid',
                      TABLE = 'poll_votes';
        END IF;
        IF target.kind = 'single' AND cardinality(NEW.option_ids) <> 1 THEN
            RAISE EXCEPTION 'poll % is single choice: a vote names exactly one option',
                NEW.poll_id
                USING ERRCODE = 'check_violation',
                      CONSTRAINT = 'ck_poll_votes_single_choice',
                      TABLE = 'poll_votes';
        END IF;
        RETURN NEW;
    END
    $$
    """,
    """
    CREATE TRIGGER tr_poll_votes_check
    BEFORE INSERT OR UPDATE ON poll_votes
    FOR EACH ROW EXECUTE FUNCTION multistream_poll_votes_check()
    """,
    # --- chapters: tile the recording without gaps -------------------------------------
    """
    CREATE FUNCTION multistream_assert_chapters_tile(target uuid) RETURNS void
    LANGUAGE plpgsql AS $$
    DECLARE
        bad record;
    BEGIN
        SELECT idx, start_ms, expected_idx, expected_start INTO bad
        FROM (
            SELECT idx, start_ms,
                   row_number() OVER ordered - 1 AS expected_idx,
                   coalesce(lag(end_ms) OVER ordered, 0) AS expected_start
            FROM chapters
            WHERE session_id = target
            WINDOW ordered AS (ORDER BY idx)
        ) AS tiling
        WHERE idx <> expected_idx OR start_ms <> expected_start
        ORDER BY idx
        LIMIT 1;
        IF FOUND THEN
            RAISE EXCEPTION 'chapters of session % do not tile: chapter % starts at % ms; '
                'expected chapter % starting at % ms', target, bad.idx, bad.start_ms,
                bad.expected_idx, bad.expected_start
                USING ERRCODE = 'check_violation',
                      CONSTRAINT = 'ck_chapters_tile',
                      TABLE = 'chapters';
        END IF;
    END
    $$
    """,
    """
    CREATE FUNCTION multistream_chapters_check_tile() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP IN ('UPDATE', 'DELETE') THEN
            PERFORM multistream_assert_chapters_tile(OLD.session_id);
        END IF;
        IF TG_OP IN ('INSERT', 'UPDATE') THEN
            PERFORM multistream_assert_chapters_tile(NEW.session_id);
        END IF;
        RETURN NULL;
    END
    $$
    """,
    """
    CREATE CONSTRAINT TRIGGER tr_chapters_tile
    AFTER INSERT OR UPDATE OR DELETE ON chapters
    DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION multistream_chapters_check_tile()
    """,
]

FUNCTIONS = [
    "multistream_chapters_check_tile()",
    "multistream_assert_chapters_tile(uuid)",
    "multistream_poll_votes_check()",
    "multistream_question_votes_check_upvotes()",
    "multistream_questions_check_upvotes()",
    "multistream_assert_question_upvotes(uuid)",
    "multistream_idempotency_records_check_retention()",
    "multistream_sessions_check_last_seq()",
    "multistream_session_events_append_only()",
    "multistream_session_events_advance_last_seq()",
    "multistream_session_events_check_seq()",
    "multistream_course_members_check_owner()",
    "multistream_courses_check_owner()",
    "multistream_assert_course_owner(uuid)",
    "multistream_poll_option_ids(jsonb)",
]

TABLES = [
    "users",
    "local_credentials",
    "courses",
    "course_members",
    "course_invites",
    "sessions",
    "participants",
    "attendance_intervals",
    "session_events",
    "idempotency_records",
    "webhook_receipts",
    "assets",
    "slide_pages",
    "scenes",
    "studio_state",
    "chat_messages",
    "chat_mutes",
    "questions",
    "question_votes",
    "polls",
    "poll_votes",
    "reaction_buckets",
    "recordings",
    "pipeline_runs",
    "pipeline_steps",
    "transcript_segments",
    "chapters",
    "highlights",
    "replay_artifacts",
]


def upgrade() -> None:
    op.execute("CREATE EXTENSION IF NOT EXISTS btree_gist")
    op.execute(POLL_OPTION_IDS)
    _create_people_and_courses()
    _create_sessions_and_event_log()
    _create_studio()
    _create_interactions()
    _create_recording_pipeline_and_replay()
    for statement in FUNCTIONS_AND_TRIGGERS:
        op.execute(statement)


def downgrade() -> None:
    # Triggers go with their tables; the functions and the extension go after them.
    for table in reversed(TABLES):
        op.drop_table(table)
    for function in FUNCTIONS:
        op.execute(f"DROP FUNCTION {function}")
    op.execute("DROP EXTENSION IF EXISTS btree_gist")


def _create_people_and_courses() -> None:
    op.create_table(
        "users",
        _id(),
        sa.Column("auth_provider", _enum(), nullable=False),
        sa.Column("external_id", sa.Text(), nullable=True),
        sa.Column("email", sa.Text(), nullable=True),
        sa.Column("display_name", sa.Text(), nullable=False),
        sa.Column(
            "is_platform_admin", sa.Boolean(), server_default=sa.text("false"), nullable=False
        ),
        _now("created_at"),
        sa.Column("deleted_at", _timestamptz(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_users")),
        sa.CheckConstraint(
            "auth_provider IN ('clerk', 'local')", name=op.f("ck_users_auth_provider")
        ),
        sa.CheckConstraint(
            "auth_provider = 'local' OR external_id IS NOT NULL",
            name=op.f("ck_users_clerk_external_id"),
        ),
        sa.CheckConstraint(
            "auth_provider = 'clerk' OR email IS NOT NULL", name=op.f("ck_users_local_email")
        ),
        sa.CheckConstraint(r"email ~ '^[^@\s]+@[^@\s]+$'", name=op.f("ck_users_email_format")),
        sa.CheckConstraint(
            r"display_name ~ '\S' AND char_length(display_name) <= 200",
            name=op.f("ck_users_display_name_length"),
        ),
        sa.UniqueConstraint(
            "auth_provider", "external_id", name=op.f("uq_users_auth_provider_external_id")
        ),
        sa.UniqueConstraint("id", "auth_provider", name=op.f("uq_users_id_auth_provider")),
    )
    op.create_index(
        "uq_users_local_email",
        "users",
        [sa.literal_column("lower(email)")],
        unique=True,
        postgresql_where=sa.text("auth_provider = 'local'"),
    )

    op.create_table(
        "local_credentials",
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("auth_provider", _enum(), server_default="local", nullable=False),
        sa.Column("password_hash", sa.Text(), nullable=False),
        sa.Column("failed_attempts", sa.Integer(), server_default=sa.text("0"), nullable=False),
        sa.Column("locked_until", _timestamptz(), nullable=True),
        sa.PrimaryKeyConstraint("user_id", name=op.f("pk_local_credentials")),
        sa.ForeignKeyConstraint(
            ["user_id", "auth_provider"],
            ["users.id", "users.auth_provider"],
            name=op.f("fk_local_credentials_user_id_auth_provider_users"),
            ondelete="CASCADE",
        ),
        sa.CheckConstraint(
            "auth_provider = 'local'", name=op.f("ck_local_credentials_auth_provider_local")
        ),
        sa.CheckConstraint(
            "left(password_hash, 10) = '$argon2id$'",
            name=op.f("ck_local_credentials_password_hash_argon2id"),
        ),
        sa.CheckConstraint(
            "failed_attempts >= 0", name=op.f("ck_local_credentials_failed_attempts_nonnegative")
        ),
    )

    op.create_table(
        "courses",
        _id(),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("description", sa.Text(), server_default="", nullable=False),
        sa.Column("owner_id", sa.Uuid(), nullable=False),
        _now("created_at"),
        sa.Column("archived_at", _timestamptz(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_courses")),
        sa.ForeignKeyConstraint(["owner_id"], ["users.id"], name=op.f("fk_courses_owner_id_users")),
        sa.CheckConstraint(
            r"title ~ '\S' AND char_length(title) <= 200", name=op.f("ck_courses_title_length")
        ),
        sa.CheckConstraint(
            "char_length(description) <= 10000", name=op.f("ck_courses_description_length")
        ),
    )
    op.create_index("ix_courses_owner_id", "courses", ["owner_id"])

    op.create_table(
        "course_members",
        sa.Column("course_id", sa.Uuid(), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("role", _enum(), nullable=False),
        _now("added_at"),
        sa.PrimaryKeyConstraint("course_id", "user_id", name=op.f("pk_course_members")),
        sa.ForeignKeyConstraint(
            ["course_id"],
            ["courses.id"],
            name=op.f("fk_course_members_course_id_courses"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_course_members_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.CheckConstraint(
            "role IN ('owner', 'instructor', 'ta', 'student')", name=op.f("ck_course_members_role")
        ),
    )
    op.create_index("ix_course_members_user_id", "course_members", ["user_id"])
    op.create_index(
        "uq_course_members_one_owner",
        "course_members",
        ["course_id"],
        unique=True,
        postgresql_where=sa.text("role = 'owner'"),
    )

    op.create_table(
        "course_invites",
        _id(),
        sa.Column("course_id", sa.Uuid(), nullable=False),
        sa.Column("code", sa.Text(), nullable=False),
        sa.Column("role", _enum(), nullable=False),
        sa.Column("expires_at", _timestamptz(), nullable=True),
        sa.Column("max_uses", sa.Integer(), nullable=True),
        sa.Column("uses", sa.Integer(), server_default=sa.text("0"), nullable=False),
        sa.Column("created_by", sa.Uuid(), nullable=True),
        _now("created_at"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_course_invites")),
        sa.ForeignKeyConstraint(
            ["course_id"],
            ["courses.id"],
            name=op.f("fk_course_invites_course_id_courses"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["created_by"],
            ["users.id"],
            name=op.f("fk_course_invites_created_by_users"),
            ondelete="SET NULL",
        ),
        sa.UniqueConstraint("code", name=op.f("uq_course_invites_code")),
        sa.CheckConstraint(
            "code ~ '^[A-Za-z0-9_-]{6,64}$'", name=op.f("ck_course_invites_code_format")
        ),
        sa.CheckConstraint("role IN ('student', 'ta')", name=op.f("ck_course_invites_role")),
        sa.CheckConstraint("uses >= 0", name=op.f("ck_course_invites_uses_nonnegative")),
        sa.CheckConstraint("max_uses > 0", name=op.f("ck_course_invites_max_uses_positive")),
        sa.CheckConstraint("uses <= max_uses", name=op.f("ck_course_invites_uses_within_max")),
    )
    op.create_index("ix_course_invites_course_id", "course_invites", ["course_id"])


def _create_sessions_and_event_log() -> None:
    op.create_table(
        "sessions",
        _id(),
        sa.Column("course_id", sa.Uuid(), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("description", sa.Text(), server_default="", nullable=False),
        sa.Column("status", _enum(), server_default="scheduled", nullable=False),
        sa.Column("scheduled_start", _timestamptz(), nullable=False),
        sa.Column("scheduled_end", _timestamptz(), nullable=False),
        sa.Column("started_at", _timestamptz(), nullable=True),
        sa.Column("ended_at", _timestamptz(), nullable=True),
        sa.Column("livekit_room", sa.Text(), nullable=True),
        sa.Column(
            "recording_enabled", sa.Boolean(), server_default=sa.text("true"), nullable=False
        ),
        sa.Column("replay_status", _enum(), server_default="none", nullable=False),
        sa.Column("media_status", _enum(), server_default="unknown", nullable=False),
        sa.Column("last_seq", sa.BigInteger(), server_default=sa.text("0"), nullable=False),
        sa.Column("created_by", sa.Uuid(), nullable=True),
        _now("created_at"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sessions")),
        sa.ForeignKeyConstraint(
            ["course_id"],
            ["courses.id"],
            name=op.f("fk_sessions_course_id_courses"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["created_by"],
            ["users.id"],
            name=op.f("fk_sessions_created_by_users"),
            ondelete="SET NULL",
        ),
        sa.UniqueConstraint("livekit_room", name=op.f("uq_sessions_livekit_room")),
        sa.CheckConstraint(
            r"title ~ '\S' AND char_length(title) <= 200", name=op.f("ck_sessions_title_length")
        ),
        sa.CheckConstraint(
            "char_length(description) <= 10000", name=op.f("ck_sessions_description_length")
        ),
        sa.CheckConstraint(
            "status IN ('scheduled', 'live', 'ended', 'canceled')", name=op.f("ck_sessions_status")
        ),
        sa.CheckConstraint(
            "replay_status IN ('none', 'pending', 'processing', 'partial', 'ready', 'failed')",
            name=op.f("ck_sessions_replay_status"),
        ),
        sa.CheckConstraint(
            "media_status IN ('unknown', 'ok', 'degraded', 'disabled')",
            name=op.f("ck_sessions_media_status"),
        ),
        sa.CheckConstraint(
            "scheduled_end > scheduled_start", name=op.f("ck_sessions_scheduled_window")
        ),
        sa.CheckConstraint(
            "status NOT IN ('scheduled', 'canceled') OR (started_at IS NULL AND ended_at IS NULL)",
            name=op.f("ck_sessions_not_started"),
        ),
        sa.CheckConstraint(
            "status <> 'live' OR (started_at IS NOT NULL AND ended_at IS NULL)",
            name=op.f("ck_sessions_live_started"),
        ),
        sa.CheckConstraint(
            "status <> 'ended'"
            " OR (started_at IS NOT NULL AND ended_at IS NOT NULL AND ended_at >= started_at)",
            name=op.f("ck_sessions_ended_after_started"),
        ),
        sa.CheckConstraint("last_seq >= 0", name=op.f("ck_sessions_last_seq_nonnegative")),
    )
    op.create_index(
        "ix_sessions_course_id_scheduled_start", "sessions", ["course_id", "scheduled_start"]
    )

    op.create_table(
        "participants",
        sa.Column("session_id", sa.Uuid(), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("role", _enum(), nullable=False),
        _now("first_joined_at"),
        _now("last_seen_at"),
        sa.Column("total_seconds", sa.Integer(), server_default=sa.text("0"), nullable=False),
        sa.Column("on_stage", sa.Boolean(), server_default=sa.text("false"), nullable=False),
        sa.Column("hand_raised_at", _timestamptz(), nullable=True),
        sa.PrimaryKeyConstraint("session_id", "user_id", name=op.f("pk_participants")),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["sessions.id"],
            name=op.f("fk_participants_session_id_sessions"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_participants_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.CheckConstraint(
            "role IN ('host', 'moderator', 'participant')", name=op.f("ck_participants_role")
        ),
        sa.CheckConstraint(
            "total_seconds >= 0", name=op.f("ck_participants_total_seconds_nonnegative")
        ),
        sa.CheckConstraint(
            "last_seen_at >= first_joined_at", name=op.f("ck_participants_seen_after_joined")
        ),
    )
    op.create_index("ix_participants_user_id", "participants", ["user_id"])

    op.create_table(
        "attendance_intervals",
        _id(),
        sa.Column("session_id", sa.Uuid(), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("joined_at", _timestamptz(), nullable=False),
        sa.Column("left_at", _timestamptz(), nullable=True),
        sa.Column("source", _enum(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_attendance_intervals")),
        sa.ForeignKeyConstraint(
            ["session_id", "user_id"],
            ["participants.session_id", "participants.user_id"],
            name=op.f("fk_attendance_intervals_session_id_user_id_participants"),
            ondelete="CASCADE",
        ),
        sa.CheckConstraint(
            "left_at >= joined_at", name=op.f("ck_attendance_intervals_left_after_joined")
        ),
        sa.CheckConstraint(
            "source IN ('livekit', 'gateway')", name=op.f("ck_attendance_intervals_source")
        ),
    )
    op.create_index(
        "ix_attendance_intervals_session_id_user_id_joined_at",
        "attendance_intervals",
        ["session_id", "user_id", "joined_at"],
    )

    op.create_table(
        "session_events",
        sa.Column("session_id", sa.Uuid(), nullable=False),
        sa.Column("seq", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("type", sa.Text(), nullable=False),
        sa.Column("actor_id", sa.Uuid(), nullable=True),
        sa.Column("audience", _enum(), server_default="all", nullable=False),
        sa.Column(
            "payload",
            postgresql.JSONB(),
            server_default=sa.text("'{}'::jsonb"),
            nullable=False,
        ),
        _now("occurred_at"),
        sa.Column("idempotency_key", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("session_id", "seq", name=op.f("pk_session_events")),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["sessions.id"],
            name=op.f("fk_session_events_session_id_sessions"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["actor_id"],
            ["users.id"],
            name=op.f("fk_session_events_actor_id_users"),
            ondelete="SET NULL",
        ),
        sa.CheckConstraint("seq >= 1", name=op.f("ck_session_events_seq_positive")),
        sa.CheckConstraint(
            r"type ~ '^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)*$' AND char_length(type) <= 100",
            name=op.f("ck_session_events_type_format"),
        ),
        sa.CheckConstraint(
            "audience IN ('all', 'staff', 'actor', 'none')", name=op.f("ck_session_events_audience")
        ),
        sa.CheckConstraint(
            "jsonb_typeof(payload) = 'object'", name=op.f("ck_session_events_payload_object")
        ),
        sa.CheckConstraint(
            "char_length(idempotency_key) BETWEEN 1 AND 200",
            name=op.f("ck_session_events_idempotency_key_length"),
        ),
    )
    op.create_index(
        "uq_session_events_idempotency_key",
        "session_events",
        ["session_id", "idempotency_key"],
        unique=True,
        postgresql_where=sa.text("idempotency_key IS NOT NULL"),
    )

    op.create_table(
        "idempotency_records",
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("key", sa.Text(), nullable=False),
        sa.Column("request_fingerprint", sa.Text(), nullable=False),
        sa.Column("status_code", sa.Integer(), nullable=True),
        sa.Column("response", postgresql.JSONB(), nullable=True),
        _now("created_at"),
        sa.PrimaryKeyConstraint("user_id", "key", name=op.f("pk_idempotency_records")),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_idempotency_records_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.CheckConstraint(
            "char_length(key) BETWEEN 1 AND 200", name=op.f("ck_idempotency_records_key_length")
        ),
        sa.CheckConstraint(
            "status_code BETWEEN 100 AND 599", name=op.f("ck_idempotency_records_status_code")
        ),
        sa.CheckConstraint(
            "response IS NULL OR status_code IS NOT NULL",
            name=op.f("ck_idempotency_records_response_has_status"),
        ),
    )
    op.create_index("ix_idempotency_records_created_at", "idempotency_records", ["created_at"])

    op.create_table(
        "webhook_receipts",
        sa.Column("provider", _enum(), nullable=False),
        sa.Column("event_id", sa.Text(), nullable=False),
        _now("received_at"),
        sa.PrimaryKeyConstraint("provider", "event_id", name=op.f("pk_webhook_receipts")),
        sa.CheckConstraint(
            "provider IN ('livekit', 'clerk')", name=op.f("ck_webhook_receipts_provider")
        ),
        sa.CheckConstraint(
            "char_length(event_id) BETWEEN 1 AND 200",
            name=op.f("ck_webhook_receipts_event_id_length"),
        ),
    )


def _create_studio() -> None:
    op.create_table(
        "assets",
        _id(),
        sa.Column("course_id", sa.Uuid(), nullable=False),
        sa.Column("owner_id", sa.Uuid(), nullable=True),
        sa.Column("kind", _enum(), nullable=False),
        sa.Column("filename", sa.Text(), nullable=False),
        sa.Column("mime", sa.Text(), nullable=True),
        sa.Column("size_bytes", sa.BigInteger(), nullable=True),
        sa.Column("sha256", sa.Text(), nullable=True),
        sa.Column("storage_key", sa.Text(), nullable=False),
        sa.Column("status", _enum(), server_default="uploading", nullable=False),
        sa.Column("page_count", sa.Integer(), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        _now("created_at"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_assets")),
        sa.ForeignKeyConstraint(
            ["course_id"],
            ["courses.id"],
            name=op.f("fk_assets_course_id_courses"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["owner_id"], ["users.id"], name=op.f("fk_assets_owner_id_users"), ondelete="SET NULL"
        ),
        sa.CheckConstraint(
            "kind IN ('slide_deck', 'image', 'video', 'document')", name=op.f("ck_assets_kind")
        ),
        sa.CheckConstraint(
            "status IN ('uploading', 'processing', 'ready', 'failed')",
            name=op.f("ck_assets_status"),
        ),
        sa.CheckConstraint(
            r"filename ~ '\S' AND char_length(filename) <= 255 AND filename !~ '[/\\]'",
            name=op.f("ck_assets_filename_format"),
        ),
        sa.CheckConstraint(MIME_MATCHES_KIND, name=op.f("ck_assets_mime_matches_kind")),
        sa.CheckConstraint("size_bytes >= 0", name=op.f("ck_assets_size_bytes_nonnegative")),
        sa.CheckConstraint("page_count >= 0", name=op.f("ck_assets_page_count_nonnegative")),
        sa.CheckConstraint("sha256 ~ '^[0-9a-f]{64}$'", name=op.f("ck_assets_sha256_format")),
        sa.CheckConstraint(
            "status <> 'failed' OR error IS NOT NULL", name=op.f("ck_assets_failed_has_error")
        ),
        sa.CheckConstraint(
            "status <> 'ready'"
            " OR (sha256 IS NOT NULL AND size_bytes IS NOT NULL AND mime IS NOT NULL)",
            name=op.f("ck_assets_ready_complete"),
        ),
    )
    op.create_index("ix_assets_course_id", "assets", ["course_id"])
    op.create_index(
        "uq_assets_course_id_sha256",
        "assets",
        ["course_id", "sha256"],
        unique=True,
        postgresql_where=sa.text("status <> 'failed'"),
    )

    op.create_table(
        "slide_pages",
        sa.Column("asset_id", sa.Uuid(), nullable=False),
        sa.Column("page_no", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("image_key", sa.Text(), nullable=False),
        sa.Column("thumb_key", sa.Text(), nullable=False),
        sa.Column("width", sa.Integer(), nullable=False),
        sa.Column("height", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), server_default="", nullable=False),
        sa.Column("title", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("asset_id", "page_no", name=op.f("pk_slide_pages")),
        sa.ForeignKeyConstraint(
            ["asset_id"],
            ["assets.id"],
            name=op.f("fk_slide_pages_asset_id_assets"),
            ondelete="CASCADE",
        ),
        sa.CheckConstraint("page_no >= 1", name=op.f("ck_slide_pages_page_no_positive")),
        sa.CheckConstraint(
            "width > 0 AND height > 0", name=op.f("ck_slide_pages_dimensions_positive")
        ),
    )

    op.create_table(
        "scenes",
        _id(),
        sa.Column("session_id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("layout", _enum(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column(
            "config", postgresql.JSONB(), server_default=sa.text("'{}'::jsonb"), nullable=False
        ),
        _now("created_at"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_scenes")),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["sessions.id"],
            name=op.f("fk_scenes_session_id_sessions"),
            ondelete="CASCADE",
        ),
        sa.UniqueConstraint(
            "session_id",
            "position",
            name=op.f("uq_scenes_session_id_position"),
            deferrable=True,
            initially="DEFERRED",
        ),
        sa.CheckConstraint(
            r"name ~ '\S' AND char_length(name) <= 80", name=op.f("ck_scenes_name_length")
        ),
        sa.CheckConstraint(
            "layout IN ('camera', 'slides', 'slides_camera', 'screen', 'screen_camera',"
            " 'whiteboard')",
            name=op.f("ck_scenes_layout"),
        ),
        sa.CheckConstraint("position >= 0", name=op.f("ck_scenes_position_nonnegative")),
        sa.CheckConstraint("jsonb_typeof(config) = 'object'", name=op.f("ck_scenes_config_object")),
    )

    op.create_table(
        "studio_state",
        sa.Column("session_id", sa.Uuid(), nullable=False),
        sa.Column("active_scene_id", sa.Uuid(), nullable=True),
        sa.Column("deck_asset_id", sa.Uuid(), nullable=True),
        sa.Column("page_no", sa.Integer(), nullable=True),
        sa.Column("banner", sa.Text(), nullable=True),
        sa.Column(
            "stage",
            postgresql.ARRAY(sa.Uuid()),
            server_default=sa.text("'{}'::uuid[]"),
            nullable=False,
        ),
        sa.Column("as_of_seq", sa.BigInteger(), server_default=sa.text("0"), nullable=False),
        sa.PrimaryKeyConstraint("session_id", name=op.f("pk_studio_state")),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["sessions.id"],
            name=op.f("fk_studio_state_session_id_sessions"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["active_scene_id"],
            ["scenes.id"],
            name=op.f("fk_studio_state_active_scene_id_scenes"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["deck_asset_id"],
            ["assets.id"],
            name=op.f("fk_studio_state_deck_asset_id_assets"),
            ondelete="SET NULL",
        ),
        sa.CheckConstraint("page_no >= 1", name=op.f("ck_studio_state_page_no_positive")),
        sa.CheckConstraint(
            "char_length(banner) <= 280", name=op.f("ck_studio_state_banner_length")
        ),
        sa.CheckConstraint("as_of_seq >= 0", name=op.f("ck_studio_state_as_of_seq_nonnegative")),
    )


def _create_interactions() -> None:
    op.create_table(
        "chat_messages",
        _id(),
        sa.Column("session_id", sa.Uuid(), nullable=False),
        sa.Column("seq", sa.BigInteger(), nullable=False),
        sa.Column("author_id", sa.Uuid(), nullable=True),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("reply_to_id", sa.Uuid(), nullable=True),
        _now("created_at"),
        sa.Column("deleted_at", _timestamptz(), nullable=True),
        sa.Column("deleted_by", sa.Uuid(), nullable=True),
        sa.Column("pinned_at", _timestamptz(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_chat_messages")),
        sa.ForeignKeyConstraint(
            ["session_id", "seq"],
            ["session_events.session_id", "session_events.seq"],
            name=op.f("fk_chat_messages_session_id_seq_session_events"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["author_id"],
            ["users.id"],
            name=op.f("fk_chat_messages_author_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["reply_to_id"],
            ["chat_messages.id"],
            name=op.f("fk_chat_messages_reply_to_id_chat_messages"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["deleted_by"], ["users.id"], name=op.f("fk_chat_messages_deleted_by_users")
        ),
        sa.UniqueConstraint("session_id", "seq", name=op.f("uq_chat_messages_session_id_seq")),
        sa.CheckConstraint(
            r"body ~ '\S' AND char_length(body) <= 2000", name=op.f("ck_chat_messages_body_length")
        ),
        sa.CheckConstraint(
            "(deleted_at IS NULL) = (deleted_by IS NULL)",
            name=op.f("ck_chat_messages_deleted_by_with_deleted_at"),
        ),
    )
    op.create_index(
        "ix_chat_messages_session_id_created_at", "chat_messages", ["session_id", "created_at"]
    )

    op.create_table(
        "chat_mutes",
        sa.Column("session_id", sa.Uuid(), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("until", _timestamptz(), nullable=True),
        sa.Column("muted_by", sa.Uuid(), nullable=True),
        _now("created_at"),
        sa.PrimaryKeyConstraint("session_id", "user_id", name=op.f("pk_chat_mutes")),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["sessions.id"],
            name=op.f("fk_chat_mutes_session_id_sessions"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_chat_mutes_user_id_users"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["muted_by"],
            ["users.id"],
            name=op.f("fk_chat_mutes_muted_by_users"),
            ondelete="SET NULL",
        ),
    )

    op.create_table(
        "questions",
        _id(),
        sa.Column("session_id", sa.Uuid(), nullable=False),
        sa.Column("seq", sa.BigInteger(), nullable=False),
        sa.Column("author_id", sa.Uuid(), nullable=True),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("anonymous", sa.Boolean(), server_default=sa.text("false"), nullable=False),
        sa.Column("status", _enum(), server_default="open", nullable=False),
        sa.Column("upvotes", sa.Integer(), server_default=sa.text("0"), nullable=False),
        sa.Column("answer_text", sa.Text(), nullable=True),
        sa.Column("answered_at", _timestamptz(), nullable=True),
        _now("created_at"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_questions")),
        sa.ForeignKeyConstraint(
            ["session_id", "seq"],
            ["session_events.session_id", "session_events.seq"],
            name=op.f("fk_questions_session_id_seq_session_events"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["author_id"],
            ["users.id"],
            name=op.f("fk_questions_author_id_users"),
            ondelete="SET NULL",
        ),
        sa.UniqueConstraint("session_id", "seq", name=op.f("uq_questions_session_id_seq")),
        sa.CheckConstraint(
            r"body ~ '\S' AND char_length(body) <= 1000", name=op.f("ck_questions_body_length")
        ),
        sa.CheckConstraint(
            "status IN ('open', 'answered', 'dismissed')", name=op.f("ck_questions_status")
        ),
        sa.CheckConstraint("upvotes >= 0", name=op.f("ck_questions_upvotes_nonnegative")),
        sa.CheckConstraint(
            "status <> 'answered' OR answered_at IS NOT NULL",
            name=op.f("ck_questions_answered_has_answered_at"),
        ),
        sa.CheckConstraint(
            "char_length(answer_text) <= 2000", name=op.f("ck_questions_answer_text_length")
        ),
    )
    op.create_index("ix_questions_session_id_status", "questions", ["session_id", "status"])

    op.create_table(
        "question_votes",
        sa.Column("question_id", sa.Uuid(), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=False),
        _now("created_at"),
        sa.PrimaryKeyConstraint("question_id", "user_id", name=op.f("pk_question_votes")),
        sa.ForeignKeyConstraint(
            ["question_id"],
            ["questions.id"],
            name=op.f("fk_question_votes_question_id_questions"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_question_votes_user_id_users"),
            ondelete="CASCADE",
        ),
    )

    op.create_table(
        "polls",
        _id(),
        sa.Column("session_id", sa.Uuid(), nullable=False),
        sa.Column("question", sa.Text(), nullable=False),
        sa.Column("kind", _enum(), nullable=False),
        sa.Column("options", postgresql.JSONB(), nullable=False),
        sa.Column(
            "correct_option_ids",
            postgresql.ARRAY(sa.Text()),
            server_default=sa.text("'{}'::text[]"),
            nullable=False,
        ),
        sa.Column("anonymous", sa.Boolean(), server_default=sa.text("false"), nullable=False),
        sa.Column("status", _enum(), server_default="draft", nullable=False),
        sa.Column("results_visible", sa.Boolean(), server_default=sa.text("false"), nullable=False),
        sa.Column("opened_at", _timestamptz(), nullable=True),
        sa.Column("closed_at", _timestamptz(), nullable=True),
        sa.Column("created_by", sa.Uuid(), nullable=True),
        _now("created_at"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_polls")),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["sessions.id"],
            name=op.f("fk_polls_session_id_sessions"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["created_by"],
            ["users.id"],
            name=op.f("fk_polls_created_by_users"),
            ondelete="SET NULL",
        ),
        sa.CheckConstraint(
            r"question ~ '\S' AND char_length(question) <= 500",
            name=op.f("ck_polls_question_length"),
        ),
        sa.CheckConstraint("kind IN ('single', 'multiple', 'quiz')", name=op.f("ck_polls_kind")),
        sa.CheckConstraint("status IN ('draft', 'open', 'closed')", name=op.f("ck_polls_status")),
        sa.CheckConstraint(
            "multistream_poll_option_ids(options) IS NOT NULL", name=op.f("ck_polls_options_valid")
        ),
        sa.CheckConstraint(
            "correct_option_ids <@ multistream_poll_option_ids(options)",
            name=op.f("ck_polls_correct_options_in_options"),
        ),
        sa.CheckConstraint(
            "(kind = 'quiz') = (cardinality(correct_option_ids) > 0)",
            name=op.f("ck_polls_correct_options_for_quiz"),
        ),
        sa.CheckConstraint(
            "status <> 'open' OR opened_at IS NOT NULL", name=op.f("ck_polls_open_has_opened_at")
        ),
        sa.CheckConstraint(
            "status <> 'closed' OR closed_at IS NOT NULL",
            name=op.f("ck_polls_closed_has_closed_at"),
        ),
    )
    op.create_index("ix_polls_session_id", "polls", ["session_id"])
    op.create_index(
        "uq_polls_one_open",
        "polls",
        ["session_id"],
        unique=True,
        postgresql_where=sa.text("status = 'open'"),
    )

    op.create_table(
        "poll_votes",
        sa.Column("poll_id", sa.Uuid(), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("option_ids", postgresql.ARRAY(sa.Text()), nullable=False),
        _now("created_at"),
        _now("updated_at"),
        sa.PrimaryKeyConstraint("poll_id", "user_id", name=op.f("pk_poll_votes")),
        sa.ForeignKeyConstraint(
            ["poll_id"], ["polls.id"], name=op.f("fk_poll_votes_poll_id_polls"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_poll_votes_user_id_users"), ondelete="CASCADE"
        ),
        sa.CheckConstraint(
            "cardinality(option_ids) >= 1", name=op.f("ck_poll_votes_option_ids_nonempty")
        ),
    )

    op.create_table(
        "reaction_buckets",
        sa.Column("session_id", sa.Uuid(), nullable=False),
        sa.Column("second", _timestamptz(), nullable=False),
        sa.Column("emoji", sa.Text(), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("session_id", "second", "emoji", name=op.f("pk_reaction_buckets")),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["sessions.id"],
            name=op.f("fk_reaction_buckets_session_id_sessions"),
            ondelete="CASCADE",
        ),
        sa.CheckConstraint("count > 0", name=op.f("ck_reaction_buckets_count_positive")),
        sa.CheckConstraint(
            "date_trunc('second', second AT TIME ZONE 'UTC') = second AT TIME ZONE 'UTC'",
            name=op.f("ck_reaction_buckets_whole_second"),
        ),
        sa.CheckConstraint(
            "char_length(emoji) BETWEEN 1 AND 16", name=op.f("ck_reaction_buckets_emoji_length")
        ),
    )


def _create_recording_pipeline_and_replay() -> None:
    op.create_table(
        "recordings",
        _id(),
        sa.Column("session_id", sa.Uuid(), nullable=False),
        sa.Column("provider", _enum(), nullable=False),
        sa.Column("external_id", sa.Text(), nullable=True),
        sa.Column("status", _enum(), server_default="starting", nullable=False),
        sa.Column("storage_key", sa.Text(), nullable=True),
        sa.Column("mime", sa.Text(), nullable=True),
        sa.Column("started_at", _timestamptz(), nullable=True),
        sa.Column("ended_at", _timestamptz(), nullable=True),
        sa.Column("duration_ms", sa.BigInteger(), nullable=True),
        sa.Column("size_bytes", sa.BigInteger(), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        _now("created_at"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_recordings")),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["sessions.id"],
            name=op.f("fk_recordings_session_id_sessions"),
            ondelete="CASCADE",
        ),
        sa.UniqueConstraint("external_id", name=op.f("uq_recordings_external_id")),
        sa.CheckConstraint(
            "provider IN ('egress', 'participant')", name=op.f("ck_recordings_provider")
        ),
        sa.CheckConstraint(
            "status IN ('starting', 'recording', 'stopped', 'ready', 'failed')",
            name=op.f("ck_recordings_status"),
        ),
        sa.CheckConstraint(
            "ended_at >= started_at", name=op.f("ck_recordings_ended_after_started")
        ),
        sa.CheckConstraint("duration_ms >= 0", name=op.f("ck_recordings_duration_ms_nonnegative")),
        sa.CheckConstraint("size_bytes >= 0", name=op.f("ck_recordings_size_bytes_nonnegative")),
        sa.CheckConstraint(
            "status <> 'failed' OR error IS NOT NULL", name=op.f("ck_recordings_failed_has_error")
        ),
        sa.CheckConstraint(
            "status <> 'ready' OR storage_key IS NOT NULL",
            name=op.f("ck_recordings_ready_has_storage_key"),
        ),
    )
    op.create_index("ix_recordings_session_id", "recordings", ["session_id"])

    op.create_table(
        "pipeline_runs",
        _id(),
        sa.Column("session_id", sa.Uuid(), nullable=False),
        sa.Column("recording_id", sa.Uuid(), nullable=True),
        sa.Column("status", _enum(), server_default="queued", nullable=False),
        sa.Column("trigger", _enum(), nullable=False),
        sa.Column("attempt", sa.Integer(), server_default=sa.text("1"), nullable=False),
        sa.Column("error", sa.Text(), nullable=True),
        _now("created_at"),
        sa.Column("started_at", _timestamptz(), nullable=True),
        sa.Column("finished_at", _timestamptz(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pipeline_runs")),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["sessions.id"],
            name=op.f("fk_pipeline_runs_session_id_sessions"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["recording_id"],
            ["recordings.id"],
            name=op.f("fk_pipeline_runs_recording_id_recordings"),
            ondelete="SET NULL",
        ),
        sa.CheckConstraint(
            "status IN ('queued', 'running', 'succeeded', 'failed', 'canceled')",
            name=op.f("ck_pipeline_runs_status"),
        ),
        sa.CheckConstraint(
            "trigger IN ('session_ended', 'retry', 'manual')", name=op.f("ck_pipeline_runs_trigger")
        ),
        sa.CheckConstraint("attempt >= 1", name=op.f("ck_pipeline_runs_attempt_positive")),
        sa.CheckConstraint(
            "status IN ('queued', 'running') OR finished_at IS NOT NULL",
            name=op.f("ck_pipeline_runs_finished_has_finished_at"),
        ),
        sa.CheckConstraint(
            "finished_at >= started_at", name=op.f("ck_pipeline_runs_finished_after_started")
        ),
    )
    op.create_index(
        "ix_pipeline_runs_session_id_created_at", "pipeline_runs", ["session_id", "created_at"]
    )
    op.create_index(
        "uq_pipeline_runs_one_active",
        "pipeline_runs",
        ["session_id"],
        unique=True,
        postgresql_where=sa.text("status IN ('queued', 'running')"),
    )

    op.create_table(
        "pipeline_steps",
        sa.Column("run_id", sa.Uuid(), nullable=False),
        sa.Column("name", _enum(), nullable=False),
        sa.Column("status", _enum(), server_default="pending", nullable=False),
        sa.Column("attempts", sa.Integer(), server_default=sa.text("0"), nullable=False),
        sa.Column("output", postgresql.JSONB(), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("started_at", _timestamptz(), nullable=True),
        sa.Column("finished_at", _timestamptz(), nullable=True),
        sa.PrimaryKeyConstraint("run_id", "name", name=op.f("pk_pipeline_steps")),
        sa.ForeignKeyConstraint(
            ["run_id"],
            ["pipeline_runs.id"],
            name=op.f("fk_pipeline_steps_run_id_pipeline_runs"),
            ondelete="CASCADE",
        ),
        sa.CheckConstraint(
            "name IN ('extract', 'transcribe', 'align', 'derive')",
            name=op.f("ck_pipeline_steps_name"),
        ),
        sa.CheckConstraint(
            "status IN ('pending', 'running', 'succeeded', 'failed', 'skipped')",
            name=op.f("ck_pipeline_steps_status"),
        ),
        sa.CheckConstraint("attempts >= 0", name=op.f("ck_pipeline_steps_attempts_nonnegative")),
        sa.CheckConstraint(
            "finished_at >= started_at", name=op.f("ck_pipeline_steps_finished_after_started")
        ),
    )

    op.create_table(
        "transcript_segments",
        sa.Column("session_id", sa.Uuid(), nullable=False),
        sa.Column("idx", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("start_ms", sa.BigInteger(), nullable=False),
        sa.Column("end_ms", sa.BigInteger(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column(
            "words", postgresql.JSONB(), server_default=sa.text("'[]'::jsonb"), nullable=False
        ),
        sa.Column("confidence", sa.Double(), nullable=True),
        sa.Column(
            "search_vector",
            postgresql.TSVECTOR(),
            sa.Computed("to_tsvector('english'::regconfig, text)", persisted=True),
            nullable=False,
        ),
        sa.PrimaryKeyConstraint("session_id", "idx", name=op.f("pk_transcript_segments")),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["sessions.id"],
            name=op.f("fk_transcript_segments_session_id_sessions"),
            ondelete="CASCADE",
        ),
        sa.CheckConstraint("idx >= 0", name=op.f("ck_transcript_segments_idx_nonnegative")),
        sa.CheckConstraint(
            "start_ms >= 0", name=op.f("ck_transcript_segments_start_ms_nonnegative")
        ),
        sa.CheckConstraint(
            "end_ms > start_ms", name=op.f("ck_transcript_segments_end_after_start")
        ),
        sa.CheckConstraint(
            "confidence BETWEEN 0 AND 1", name=op.f("ck_transcript_segments_confidence_range")
        ),
        sa.CheckConstraint(
            "jsonb_typeof(words) = 'array'", name=op.f("ck_transcript_segments_words_array")
        ),
    )
    op.create_index(
        "ix_transcript_segments_search_vector",
        "transcript_segments",
        ["search_vector"],
        postgresql_using="gin",
    )

    op.create_table(
        "chapters",
        sa.Column("session_id", sa.Uuid(), nullable=False),
        sa.Column("idx", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("start_ms", sa.BigInteger(), nullable=False),
        sa.Column("end_ms", sa.BigInteger(), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("source", _enum(), nullable=False),
        sa.Column("slide_asset_id", sa.Uuid(), nullable=True),
        sa.Column("slide_page", sa.Integer(), nullable=True),
        sa.Column("thumbnail_key", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("session_id", "idx", name=op.f("pk_chapters")),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["sessions.id"],
            name=op.f("fk_chapters_session_id_sessions"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["slide_asset_id"],
            ["assets.id"],
            name=op.f("fk_chapters_slide_asset_id_assets"),
            ondelete="SET NULL",
        ),
        postgresql.ExcludeConstraint(
            (sa.column("session_id"), "="),
            (sa.text("int8range(start_ms, end_ms)"), "&&"),
            name=op.f("ex_chapters_no_overlap"),
            using="gist",
            deferrable=True,
            initially="DEFERRED",
        ),
        sa.CheckConstraint("idx >= 0", name=op.f("ck_chapters_idx_nonnegative")),
        sa.CheckConstraint("start_ms >= 0", name=op.f("ck_chapters_start_ms_nonnegative")),
        sa.CheckConstraint("end_ms > start_ms", name=op.f("ck_chapters_end_after_start")),
        sa.CheckConstraint(
            r"title ~ '\S' AND char_length(title) <= 200", name=op.f("ck_chapters_title_length")
        ),
        sa.CheckConstraint(
            "source IN ('slide', 'scene', 'topic', 'manual')", name=op.f("ck_chapters_source")
        ),
        sa.CheckConstraint("slide_page >= 1", name=op.f("ck_chapters_slide_page_positive")),
    )

    op.create_table(
        "highlights",
        _id(),
        sa.Column("session_id", sa.Uuid(), nullable=False),
        sa.Column("kind", _enum(), nullable=False),
        sa.Column("start_ms", sa.BigInteger(), nullable=False),
        sa.Column("end_ms", sa.BigInteger(), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("score", sa.Double(), server_default=sa.text("0"), nullable=False),
        sa.Column("ref_id", sa.Uuid(), nullable=True),
        _now("created_at"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_highlights")),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["sessions.id"],
            name=op.f("fk_highlights_session_id_sessions"),
            ondelete="CASCADE",
        ),
        sa.CheckConstraint(
            "kind IN ('question', 'poll', 'reaction_peak', 'chat_peak', 'stage', 'manual')",
            name=op.f("ck_highlights_kind"),
        ),
        sa.CheckConstraint("start_ms >= 0", name=op.f("ck_highlights_start_ms_nonnegative")),
        sa.CheckConstraint("end_ms >= start_ms", name=op.f("ck_highlights_end_not_before_start")),
        sa.CheckConstraint(
            r"title ~ '\S' AND char_length(title) <= 200", name=op.f("ck_highlights_title_length")
        ),
        sa.CheckConstraint("score >= 0", name=op.f("ck_highlights_score_nonnegative")),
    )
    op.create_index(
        "uq_highlights_session_id_kind_ref_id",
        "highlights",
        ["session_id", "kind", "ref_id"],
        unique=True,
        postgresql_where=sa.text("ref_id IS NOT NULL"),
    )
    op.create_index(
        "uq_highlights_session_id_kind_start_ms",
        "highlights",
        ["session_id", "kind", "start_ms"],
        unique=True,
        postgresql_where=sa.text("ref_id IS NULL"),
    )

    op.create_table(
        "replay_artifacts",
        sa.Column("session_id", sa.Uuid(), nullable=False),
        sa.Column("kind", _enum(), nullable=False),
        sa.Column("storage_key", sa.Text(), nullable=False),
        _now("created_at"),
        sa.PrimaryKeyConstraint("session_id", "kind", name=op.f("pk_replay_artifacts")),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["sessions.id"],
            name=op.f("fk_replay_artifacts_session_id_sessions"),
            ondelete="CASCADE",
        ),
        sa.CheckConstraint(
            "kind IN ('audio', 'captions_vtt', 'transcript_json', 'thumbnails', 'summary')",
            name=op.f("ck_replay_artifacts_kind"),
        ),
    )
