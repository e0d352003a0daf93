"""Every constraint of the schema, violated once, must be refused by PostgreSQL by name.

Each case inserts the valid rows it needs, then runs one violating statement and expects an
`IntegrityError` carrying the constraint's name. Rules enforced by triggers raise with a
constraint name too, so they are tested the same way. `SET CONSTRAINTS ALL IMMEDIATE` runs
before every violating statement: deferred rules then fire on that statement, and a setup
that itself breaks a deferred rule fails there instead of passing by accident.

`test_every_constraint_has_a_case` reads the constraints from the database, so a constraint
added without a case here fails the suite.
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import psycopg.errors
import pytest
import sqlalchemy as sa
from psycopg.types.json import Jsonb

from multistream.db.base import new_id
from multistream.tables import metadata

T0 = dt.datetime(2026, 1, 5, 9, 0, tzinfo=dt.UTC)
MINUTE = dt.timedelta(minutes=1)
SHA256 = "0" * 63 + "a"
ARGON2_HASH = "$argon2id$v=19$m=65536,t=3,p=4$c2FsdHNhbHQ$aGFzaGhhc2hoYXNo"
OPTIONS = [{"id": "a", "text": "Yes"}, {"id": "b", "text": "No"}]

Row = sa.RowMapping
Violation = Callable[[], object]


class Rows:
    """Inserts valid rows, creating the parent rows each one needs.

    `new(table, **overrides)` returns the values of a valid row (parents already inserted);
    `add(table, **overrides)` inserts it, plus what the schema requires in the same
    transaction (a course's owner member, a vote's upvote).
    """

    def __init__(self, connection: sa.Connection) -> None:
        self.connection = connection
        self._serial = itertools.count(1)

    def execute(self, sql: str, **params: Any) -> sa.CursorResult[Any]:
        return self.connection.execute(sa.text(sql), params)

    def insert(self, table: str, values: Mapping[str, Any]) -> Row:
        columns = ", ".join(f'"{name}"' for name in values)
        placeholders = ", ".join(f":{name}" for name in values)
        statement = f"INSERT INTO {table} ({columns}) VALUES ({placeholders}) RETURNING *"
        return self.execute(statement, **values).mappings().one()

    def new(self, table: str, **overrides: Any) -> dict[str, Any]:
        values = dict(overrides)
        fill: Callable[[dict[str, Any]], None] = getattr(self, f"_fill_{table}")
        fill(values)
        return values

    def add(self, table: str, **overrides: Any) -> Row:
        row = self.insert(table, self.new(table, **overrides))
        if table == "courses":
            self.insert(
                "course_members",
                {"course_id": row["id"], "user_id": row["owner_id"], "role": "owner"},
            )
        if table == "question_votes":
            self.execute(
                "UPDATE questions SET upvotes = upvotes + 1 WHERE id = :id", id=row["question_id"]
            )
        return row

    def serial(self) -> int:
        return next(self._serial)

    # --- shortcuts returning ids ---------------------------------------------------------

    def user(self, **overrides: Any) -> uuid.UUID:
        return uuid.UUID(str(self.add("users", **overrides)["id"]))

    def course(self, **overrides: Any) -> uuid.UUID:
        return uuid.UUID(str(self.add("courses", **overrides)["id"]))

    def session(self, **overrides: Any) -> uuid.UUID:
        return uuid.UUID(str(self.add("sessions", **overrides)["id"]))

    def event(self, session_id: uuid.UUID, **overrides: Any) -> int:
        return int(self.add("session_events", session_id=session_id, **overrides)["seq"])

    # --- valid defaults per table ---------------------------------------------------------

    @staticmethod
    def _default(values: dict[str, Any], key: str, make: Callable[[], Any]) -> None:
        if key not in values:
            values[key] = make()

    def _fill_users(self, v: dict[str, Any]) -> None:
        n = self.serial()
        v.setdefault("id", new_id())
        v.setdefault("auth_provider", "local")
        if v["auth_provider"] == "clerk":
            v.setdefault("external_id", f"user_{n}")
        v.setdefault("email", f"person{n}@example.test")
        v.setdefault("display_name", f"Person {n}")

    def _fill_local_credentials(self, v: dict[str, Any]) -> None:
        self._default(v, "user_id", self.user)
        v.setdefault("password_hash", ARGON2_HASH)

    def _fill_refresh_tokens(self, v: dict[str, Any]) -> None:
        v.setdefault("id", new_id())
        self._default(v, "user_id", self.user)
        v.setdefault("family_id", new_id())
        v.setdefault("token_hash", f"{self.serial():064x}")
        v.setdefault("created_at", T0)
        v.setdefault("expires_at", T0 + 60 * MINUTE)

    def _fill_courses(self, v: dict[str, Any]) -> None:
        v.setdefault("id", new_id())
        v.setdefault("title", "Linear algebra")
        self._default(v, "owner_id", self.user)

    def _fill_course_members(self, v: dict[str, Any]) -> None:
        self._default(v, "course_id", self.course)
        self._default(v, "user_id", self.user)
        v.setdefault("role", "student")

    def _fill_course_invites(self, v: dict[str, Any]) -> None:
        v.setdefault("id", new_id())
        self._default(v, "course_id", self.course)
        v.setdefault("code", f"invite{self.serial():04d}")
        v.setdefault("role", "student")

    def _fill_sessions(self, v: dict[str, Any]) -> None:
        v.setdefault("id", new_id())
        self._default(v, "course_id", self.course)
        v.setdefault("title", "Eigenvalues")
        v.setdefault("scheduled_start", T0)
        v.setdefault("scheduled_end", T0 + 60 * MINUTE)
        v.setdefault("livekit_room", f"room-{self.serial()}")

    def _fill_participants(self, v: dict[str, Any]) -> None:
        self._default(v, "session_id", self.session)
        self._default(v, "user_id", self.user)
        v.setdefault("role", "participant")
        v.setdefault("first_joined_at", T0)
        v.setdefault("last_seen_at", T0 + MINUTE)

    def _fill_attendance_intervals(self, v: dict[str, Any]) -> None:
        v.setdefault("id", new_id())
        if "session_id" not in v or "user_id" not in v:
            participant = self.add("participants")
            v.setdefault("session_id", participant["session_id"])
            v.setdefault("user_id", participant["user_id"])
        v.setdefault("joined_at", T0)
        v.setdefault("source", "gateway")

    def _fill_session_events(self, v: dict[str, Any]) -> None:
        self._default(v, "session_id", self.session)
        if "seq" not in v:
            last = self.execute("SELECT last_seq FROM sessions WHERE id = :id", id=v["session_id"])
            v["seq"] = last.scalar_one() + 1
        v.setdefault("type", "test.happened")
        v.setdefault("payload", Jsonb({}))

    def _fill_idempotency_records(self, v: dict[str, Any]) -> None:
        self._default(v, "user_id", self.user)
        v.setdefault("key", f"request-{self.serial()}")
        v.setdefault("request_fingerprint", "POST /api/sessions " + SHA256)

    def _fill_webhook_receipts(self, v: dict[str, Any]) -> None:
        v.setdefault("provider", "livekit")
        v.setdefault("event_id", f"EV_{self.serial()}")

    def _fill_assets(self, v: dict[str, Any]) -> None:
        v.setdefault("id", new_id())
        self._default(v, "course_id", self.course)
        v.setdefault("kind", "slide_deck")
        v.setdefault("filename", "week1.pdf")
        v.setdefault("mime", "application/pdf")
        v.setdefault("storage_key", f"assets/{self.serial()}")

    def _fill_slide_pages(self, v: dict[str, Any]) -> None:
        self._default(v, "asset_id", lambda: self.add("assets")["id"])
        v.setdefault("page_no", 1)
        v.setdefault("image_key", "pages/1.webp")
        v.setdefault("thumb_key", "pages/1.thumb.webp")
        v.setdefault("width", 1920)
        v.setdefault("height", 1080)

    def _fill_scenes(self, v: dict[str, Any]) -> None:
        v.setdefault("id", new_id())
        self._default(v, "session_id", self.session)
        v.setdefault("name", "Camera")
        v.setdefault("layout", "camera")
        v.setdefault("position", 0)

    def _fill_studio_state(self, v: dict[str, Any]) -> None:
        self._default(v, "session_id", self.session)

    def _fill_chat_messages(self, v: dict[str, Any]) -> None:
        v.setdefault("id", new_id())
        self._default(v, "session_id", self.session)
        self._default(v, "seq", lambda: self.event(v["session_id"], type="chat.message_sent"))
        v.setdefault("body", "Hello, class")

    def _fill_chat_mutes(self, v: dict[str, Any]) -> None:
        self._default(v, "session_id", self.session)
        self._default(v, "user_id", self.user)

    def _fill_questions(self, v: dict[str, Any]) -> None:
        v.setdefault("id", new_id())
        self._default(v, "session_id", self.session)
        self._default(v, "seq", lambda: self.event(v["session_id"], type="question.asked"))
        v.setdefault("body", "Why is the determinant multiplicative?")

    def _fill_question_votes(self, v: dict[str, Any]) -> None:
        self._default(v, "question_id", lambda: self.add("questions")["id"])
        self._default(v, "user_id", self.user)

    def _fill_polls(self, v: dict[str, Any]) -> None:
        v.setdefault("id", new_id())
        self._default(v, "session_id", self.session)
        v.setdefault("question", "Is every symmetric matrix diagonalizable?")
        v.setdefault("kind", "single")
        v.setdefault("options", Jsonb(OPTIONS))
        if v["kind"] == "quiz":
            v.setdefault("correct_option_ids", ["a"])
        v.setdefault("status", "draft")
        if v["status"] in ("open", "closed"):
            v.setdefault("opened_at", T0)
        if v["status"] == "closed":
            v.setdefault("closed_at", T0 + MINUTE)

    def _fill_poll_votes(self, v: dict[str, Any]) -> None:
        self._default(v, "poll_id", lambda: self.add("polls", status="open")["id"])
        self._default(v, "user_id", self.user)
        v.setdefault("option_ids", ["a"])

    def _fill_poll_option_counts(self, v: dict[str, Any]) -> None:
        self._default(v, "poll_id", lambda: self.add("polls")["id"])
        v.setdefault("option_id", "a")

    def _fill_reaction_buckets(self, v: dict[str, Any]) -> None:
        self._default(v, "session_id", self.session)
        v.setdefault("second", T0)
        v.setdefault("emoji", "👏")
        v.setdefault("count", 1)

    def _fill_recordings(self, v: dict[str, Any]) -> None:
        v.setdefault("id", new_id())
        self._default(v, "session_id", self.session)
        v.setdefault("provider", "egress")
        v.setdefault("external_id", f"EG_{self.serial()}")

    def _fill_recording_segments(self, v: dict[str, Any]) -> None:
        self._default(v, "recording_id", lambda: self.add("recordings")["id"])
        v.setdefault("idx", 0)
        v.setdefault("started_at", T0)
        v.setdefault("duration_ms", 10_000)
        v.setdefault("storage_key", f"sessions/{self.serial()}/recordings/segment.mp4")
        v.setdefault("size_bytes", 1234)
        v.setdefault("recorder_id", "host:1:abc")

    def _fill_replay_positions(self, v: dict[str, Any]) -> None:
        self._default(v, "user_id", self.user)
        self._default(v, "session_id", self.session)
        v.setdefault("position_ms", 90_000)

    def _fill_pipeline_runs(self, v: dict[str, Any]) -> None:
        v.setdefault("id", new_id())
        self._default(v, "session_id", self.session)
        v.setdefault("trigger", "session_ended")

    def _fill_pipeline_steps(self, v: dict[str, Any]) -> None:
        self._default(v, "run_id", lambda: self.add("pipeline_runs")["id"])
        v.setdefault("name", "extract")

    def _fill_transcript_segments(self, v: dict[str, Any]) -> None:
        self._default(v, "session_id", self.session)
        v.setdefault("idx", 0)
        v.setdefault("start_ms", 0)
        v.setdefault("end_ms", 1500)
        v.setdefault("text", "Today we look at eigenvalues.")

    def _fill_chapters(self, v: dict[str, Any]) -> None:
        self._default(v, "session_id", self.session)
        v.setdefault("idx", 0)
        v.setdefault("start_ms", 0)
        v.setdefault("end_ms", 60_000)
        v.setdefault("title", "Introduction")
        v.setdefault("source", "manual")

    def _fill_highlights(self, v: dict[str, Any]) -> None:
        v.setdefault("id", new_id())
        self._default(v, "session_id", self.session)
        v.setdefault("kind", "manual")
        v.setdefault("start_ms", 0)
        v.setdefault("end_ms", 10_000)
        v.setdefault("title", "The key idea")
        v.setdefault("score", 1.0)

    def _fill_replay_artifacts(self, v: dict[str, Any]) -> None:
        self._default(v, "session_id", self.session)
        v.setdefault("kind", "audio")
        v.setdefault("storage_key", f"replays/{self.serial()}/audio.m4a")

    def platform(self) -> uuid.UUID:
        return uuid.UUID(str(self.add("lti_platforms")["id"]))

    def _fill_lti_platforms(self, v: dict[str, Any]) -> None:
        n = self.serial()
        v.setdefault("id", new_id())
        v.setdefault("issuer", f"https://lms{n}.example")
        v.setdefault("client_id", f"client-{n}")
        v.setdefault("auth_login_url", f"https://lms{n}.example/auth")
        v.setdefault("auth_token_url", f"https://lms{n}.example/token")
        v.setdefault("key_set_url", f"https://lms{n}.example/jwks")

    def _fill_lti_deployments(self, v: dict[str, Any]) -> None:
        self._default(v, "platform_id", self.platform)
        v.setdefault("deployment_id", f"deployment-{self.serial()}")

    def _fill_lti_user_links(self, v: dict[str, Any]) -> None:
        self._default(v, "platform_id", self.platform)
        v.setdefault("subject", f"sub-{self.serial()}")
        self._default(v, "user_id", self.user)

    def _fill_lti_contexts(self, v: dict[str, Any]) -> None:
        self._default(v, "platform_id", self.platform)
        v.setdefault("context_id", f"context-{self.serial()}")
        self._default(v, "course_id", self.course)

    def _fill_lti_resource_links(self, v: dict[str, Any]) -> None:
        self._default(v, "platform_id", self.platform)
        v.setdefault("resource_link_id", f"link-{self.serial()}")
        self._default(v, "course_id", self.course)

    def _fill_lti_nonces(self, v: dict[str, Any]) -> None:
        self._default(v, "platform_id", self.platform)
        v.setdefault("nonce", f"nonce-{self.serial()}")
        v.setdefault("expires_at", T0 + MINUTE)


@pytest.fixture
def rows(connection: sa.Connection) -> Rows:
    return Rows(connection)


# --- cases -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Case:
    constraint: str
    build: Callable[[Rows], Violation] = field(repr=False)
    """Insert the rows the case needs; return the one violating statement, not yet run."""
    variant: str = ""
    triggers_off_on: str = ""
    """A table whose triggers are off for the violation (rolled back with the rest): for a
    constraint that one of its triggers always reports first."""

    @property
    def id(self) -> str:
        return f"{self.constraint}/{self.variant}" if self.variant else self.constraint


def rejects(constraint: str, table: str, *, variant: str = "", **overrides: Any) -> Case:
    """The constraint refuses a new row of `table` with these values."""

    def build(rows: Rows) -> Violation:
        values = rows.new(table, **overrides)
        return lambda: rows.insert(table, values)

    return Case(constraint, build, variant)


def rejects_duplicate(
    constraint: str,
    table: str,
    *columns: str,
    first: Mapping[str, Any] | None = None,
    second: Mapping[str, Any] | None = None,
    triggers_off: bool = False,
) -> Case:
    """The constraint refuses a second row with the same values in `columns`."""

    def build(rows: Rows) -> Violation:
        existing = rows.add(table, **(first or {}))
        values = rows.new(table, **(second or {}), **{c: existing[c] for c in columns})
        return lambda: rows.insert(table, values)

    return Case(constraint, build, triggers_off_on=table if triggers_off else "")


def case(constraint: str, *, variant: str = "") -> Callable[[Callable[[Rows], Violation]], Case]:
    """A case written as a function, for violations that are not a plain insert."""

    def register(build: Callable[[Rows], Violation]) -> Case:
        return Case(constraint, build, variant)

    return register


# users and local credentials


@case("uq_users_local_email")
def _local_email_case_insensitive(rows: Rows) -> Violation:
    rows.user(email="Ada@Example.test")
    return lambda: rows.add("users", email="ada@example.TEST")


@case("fk_local_credentials_user_id_auth_provider_users")
def _credentials_for_clerk_user(rows: Rows) -> Violation:
    clerk_user = rows.user(auth_provider="clerk")
    return lambda: rows.add("local_credentials", user_id=clerk_user)


@case("ck_local_credentials_auth_provider_local")
def _credentials_claiming_clerk(rows: Rows) -> Violation:
    clerk_user = rows.user(auth_provider="clerk")
    return lambda: rows.add("local_credentials", user_id=clerk_user, auth_provider="clerk")


# courses


@case("ck_courses_owner_member", variant="course_without_owner_member")
def _course_without_owner(rows: Rows) -> Violation:
    values = rows.new("courses")
    return lambda: rows.insert("courses", values)


@case("ck_courses_owner_member", variant="owner_removed")
def _owner_removed(rows: Rows) -> Violation:
    course = rows.course()
    return lambda: rows.execute(
        "DELETE FROM course_members WHERE course_id = :id AND role = 'owner'", id=course
    )


@case("ck_courses_owner_member", variant="owner_id_not_owner_member")
def _owner_id_points_elsewhere(rows: Rows) -> Violation:
    course = rows.course()
    instructor = rows.add("course_members", course_id=course, role="instructor")["user_id"]
    return lambda: rows.execute(
        "UPDATE courses SET owner_id = :user WHERE id = :id", user=instructor, id=course
    )


@case("uq_course_members_one_owner")
def _second_owner(rows: Rows) -> Violation:
    course = rows.course()
    return lambda: rows.add("course_members", course_id=course, role="owner")


# sessions and the event log


@case("ck_sessions_last_seq_matches_log", variant="update")
def _last_seq_set_by_hand(rows: Rows) -> Violation:
    session = rows.session()
    rows.event(session)
    return lambda: rows.execute("UPDATE sessions SET last_seq = 5 WHERE id = :id", id=session)


@case("ck_session_events_seq_contiguous", variant="gap")
def _event_after_gap(rows: Rows) -> Violation:
    session = rows.session()
    rows.event(session)
    return lambda: rows.add("session_events", session_id=session, seq=3)


@case("ck_session_events_seq_contiguous", variant="repeat")
def _event_repeating_seq(rows: Rows) -> Violation:
    session = rows.session()
    rows.event(session)
    rows.event(session)
    return lambda: rows.add("session_events", session_id=session, seq=2)


@case("ck_session_events_append_only", variant="update")
def _event_updated(rows: Rows) -> Violation:
    session = rows.session()
    seq = rows.event(session)
    return lambda: rows.execute(
        "UPDATE session_events SET type = 'test.rewritten' WHERE session_id = :id AND seq = :seq",
        id=session,
        seq=seq,
    )


@case("ck_session_events_append_only", variant="delete")
def _event_deleted(rows: Rows) -> Violation:
    session = rows.session()
    rows.event(session)
    return lambda: rows.execute("DELETE FROM session_events WHERE session_id = :id", id=session)


@case("uq_session_events_idempotency_key")
def _event_key_reused(rows: Rows) -> Violation:
    session = rows.session()
    rows.event(session, idempotency_key="chat-1")
    return lambda: rows.add("session_events", session_id=session, idempotency_key="chat-1")


@case("ck_idempotency_records_retention")
def _fresh_idempotency_record_deleted(rows: Rows) -> Violation:
    record = rows.add("idempotency_records", status_code=201, response=Jsonb({"id": "x"}))
    return lambda: rows.execute(
        "DELETE FROM idempotency_records WHERE user_id = :user AND key = :key",
        user=record["user_id"],
        key=record["key"],
    )


# studio


@case("uq_scenes_session_id_position")
def _scene_position_taken(rows: Rows) -> Violation:
    session = rows.session()
    rows.add("scenes", session_id=session, position=0)
    return lambda: rows.add("scenes", session_id=session, position=0, name="Slides")


# interactions


@case("fk_chat_messages_session_id_seq_session_events")
def _message_without_event(rows: Rows) -> Violation:
    session = rows.session()
    return lambda: rows.add("chat_messages", session_id=session, seq=1)


@case("fk_questions_session_id_seq_session_events")
def _question_without_event(rows: Rows) -> Violation:
    session = rows.session()
    return lambda: rows.add("questions", session_id=session, seq=1)


@case("ck_questions_upvotes_match_votes", variant="vote_without_upvote")
def _vote_without_upvote(rows: Rows) -> Violation:
    question = rows.add("questions")["id"]
    values = rows.new("question_votes", question_id=question)
    return lambda: rows.insert("question_votes", values)


@case("ck_questions_upvotes_match_votes", variant="upvote_without_vote")
def _upvote_without_vote(rows: Rows) -> Violation:
    question = rows.add("questions")["id"]
    return lambda: rows.execute("UPDATE questions SET upvotes = 1 WHERE id = :id", id=question)


@case("ck_questions_upvotes_match_votes", variant="vote_removed")
def _vote_removed(rows: Rows) -> Violation:
    vote = rows.add("question_votes")
    return lambda: rows.execute(
        "DELETE FROM question_votes WHERE question_id = :id", id=vote["question_id"]
    )


@case("uq_polls_one_open")
def _second_open_poll(rows: Rows) -> Violation:
    session = rows.session()
    rows.add("polls", session_id=session, status="open")
    return lambda: rows.add("polls", session_id=session, status="open")


@case("ck_poll_votes_poll_open", variant="draft")
def _vote_on_draft_poll(rows: Rows) -> Violation:
    values = rows.new("poll_votes", poll_id=rows.add("polls", status="draft")["id"])
    return lambda: rows.insert("poll_votes", values)


@case("ck_poll_votes_poll_open", variant="closed")
def _vote_changed_after_close(rows: Rows) -> Violation:
    vote = rows.add("poll_votes")
    rows.execute(
        "UPDATE polls SET status = 'closed', closed_at = now() WHERE id = :id", id=vote["poll_id"]
    )
    return lambda: rows.execute(
        "UPDATE poll_votes SET option_ids = ARRAY['b'] WHERE poll_id = :id", id=vote["poll_id"]
    )


@case("ex_chapters_no_overlap")
def _overlapping_chapter(rows: Rows) -> Violation:
    chapter = rows.add("chapters", start_ms=0, end_ms=60_000)
    return lambda: rows.add(
        "chapters", session_id=chapter["session_id"], idx=1, start_ms=30_000, end_ms=90_000
    )


@case("ck_chapters_tile", variant="gap")
def _chapter_after_gap(rows: Rows) -> Violation:
    chapter = rows.add("chapters", start_ms=0, end_ms=60_000)
    return lambda: rows.add(
        "chapters", session_id=chapter["session_id"], idx=1, start_ms=90_000, end_ms=120_000
    )


@case("ck_chapters_tile", variant="late_start")
def _first_chapter_late(rows: Rows) -> Violation:
    values = rows.new("chapters", start_ms=5_000, end_ms=60_000)
    return lambda: rows.insert("chapters", values)


@case("ck_chapters_tile", variant="idx_gap")
def _chapter_idx_skipped(rows: Rows) -> Violation:
    chapter = rows.add("chapters", start_ms=0, end_ms=60_000)
    return lambda: rows.add(
        "chapters", session_id=chapter["session_id"], idx=2, start_ms=60_000, end_ms=90_000
    )


@case("ck_chapters_tile", variant="middle_removed")
def _middle_chapter_removed(rows: Rows) -> Violation:
    session = rows.session()
    for idx in range(3):
        rows.add(
            "chapters", session_id=session, idx=idx, start_ms=idx * 1000, end_ms=idx * 1000 + 1000
        )
    return lambda: rows.execute(
        "DELETE FROM chapters WHERE session_id = :id AND idx = 1", id=session
    )


LONG = "x" * 2001

CASES: list[Case] = [
    # users
    rejects_duplicate("pk_users", "users", "id"),
    rejects("ck_users_auth_provider", "users", auth_provider="github", external_id="gh_1"),
    rejects("ck_users_clerk_external_id", "users", auth_provider="clerk", external_id=None),
    rejects("ck_users_local_email", "users", email=None),
    rejects("ck_users_email_format", "users", email="not-an-email"),
    rejects("ck_users_display_name_length", "users", display_name=" \t "),
    rejects("ck_users_display_name_length", "users", variant="too_long", display_name=LONG),
    rejects_duplicate(
        "uq_users_auth_provider_external_id",
        "users",
        "external_id",
        first={"auth_provider": "clerk"},
        second={"auth_provider": "clerk"},
    ),
    _local_email_case_insensitive,
    # local_credentials
    rejects_duplicate("pk_local_credentials", "local_credentials", "user_id"),
    _credentials_for_clerk_user,
    _credentials_claiming_clerk,
    rejects(
        "ck_local_credentials_password_hash_argon2id",
        "local_credentials",
        password_hash="$2b$12$R9h/cIPz0gi.URNNX3kh2OPST9/PgBkqquzi.Ss7KIUgO2t0jWMUW",
    ),
    rejects(
        "ck_local_credentials_failed_attempts_nonnegative",
        "local_credentials",
        failed_attempts=-1,
    ),
    # refresh_tokens
    rejects_duplicate("pk_refresh_tokens", "refresh_tokens", "id"),
    rejects_duplicate("uq_refresh_tokens_token_hash", "refresh_tokens", "token_hash"),
    rejects("ck_refresh_tokens_token_hash_format", "refresh_tokens", token_hash="not-a-hash"),
    rejects("ck_refresh_tokens_expires_after_created", "refresh_tokens", expires_at=T0 - MINUTE),
    # courses
    rejects_duplicate("pk_courses", "courses", "id"),
    rejects("ck_courses_title_length", "courses", title="   "),
    rejects("ck_courses_title_length", "courses", variant="too_long", title="x" * 201),
    rejects("ck_courses_description_length", "courses", description="x" * 10_001),
    _course_without_owner,
    _owner_removed,
    _owner_id_points_elsewhere,
    # course_members
    rejects_duplicate("pk_course_members", "course_members", "course_id", "user_id"),
    rejects("ck_course_members_role", "course_members", role="admin"),
    _second_owner,
    # course_invites
    rejects_duplicate("pk_course_invites", "course_invites", "id"),
    rejects_duplicate("uq_course_invites_code", "course_invites", "code"),
    rejects("ck_course_invites_code_format", "course_invites", code="no spaces!"),
    rejects("ck_course_invites_role", "course_invites", role="owner"),
    rejects("ck_course_invites_uses_nonnegative", "course_invites", uses=-1),
    rejects("ck_course_invites_max_uses_positive", "course_invites", max_uses=0),
    rejects("ck_course_invites_uses_within_max", "course_invites", max_uses=2, uses=3),
    # sessions
    rejects_duplicate("pk_sessions", "sessions", "id"),
    rejects_duplicate("uq_sessions_livekit_room", "sessions", "livekit_room"),
    rejects("ck_sessions_title_length", "sessions", title=""),
    rejects("ck_sessions_chat_slow_mode_range", "sessions", chat_slow_mode_seconds=3601),
    rejects("ck_sessions_description_length", "sessions", description="x" * 10_001),
    rejects("ck_sessions_status", "sessions", status="paused"),
    rejects("ck_sessions_replay_status", "sessions", replay_status="done"),
    rejects("ck_sessions_media_status", "sessions", media_status="broken"),
    rejects("ck_sessions_scheduled_window", "sessions", scheduled_end=T0),
    rejects("ck_sessions_not_started", "sessions", started_at=T0),
    rejects(
        "ck_sessions_not_started", "sessions", variant="canceled", status="canceled", ended_at=T0
    ),
    rejects("ck_sessions_live_started", "sessions", status="live"),
    rejects(
        "ck_sessions_live_started",
        "sessions",
        variant="ended_at_set",
        status="live",
        started_at=T0,
        ended_at=T0 + MINUTE,
    ),
    rejects("ck_sessions_ended_after_started", "sessions", status="ended", started_at=T0),
    rejects(
        "ck_sessions_ended_after_started",
        "sessions",
        variant="ended_before_started",
        status="ended",
        started_at=T0,
        ended_at=T0 - MINUTE,
    ),
    rejects("ck_sessions_last_seq_nonnegative", "sessions", last_seq=-1),
    rejects("ck_sessions_last_seq_matches_log", "sessions", variant="insert", last_seq=3),
    _last_seq_set_by_hand,
    # participants and attendance
    rejects_duplicate("pk_participants", "participants", "session_id", "user_id"),
    rejects("ck_participants_role", "participants", role="owner"),
    rejects("ck_participants_total_seconds_nonnegative", "participants", total_seconds=-1),
    rejects("ck_participants_seen_after_joined", "participants", last_seen_at=T0 - MINUTE),
    rejects_duplicate("pk_attendance_intervals", "attendance_intervals", "id"),
    rejects(
        "ck_attendance_intervals_left_after_joined", "attendance_intervals", left_at=T0 - MINUTE
    ),
    rejects("ck_attendance_intervals_source", "attendance_intervals", source="zoom"),
    rejects(
        "fk_attendance_intervals_session_id_user_id_participants",
        "attendance_intervals",
        session_id=new_id(),
        user_id=new_id(),
    ),
    # session_events
    rejects_duplicate(
        "pk_session_events", "session_events", "session_id", "seq", triggers_off=True
    ),
    rejects("ck_session_events_seq_positive", "session_events", seq=0),
    rejects("ck_session_events_type_format", "session_events", type="Chat Message"),
    rejects("ck_session_events_audience", "session_events", audience="everyone"),
    rejects("ck_session_events_payload_object", "session_events", payload=Jsonb([1, 2])),
    rejects("ck_session_events_idempotency_key_length", "session_events", idempotency_key=""),
    _event_key_reused,
    _event_after_gap,
    _event_repeating_seq,
    _event_updated,
    _event_deleted,
    # idempotency_records and webhook_receipts
    rejects_duplicate("pk_idempotency_records", "idempotency_records", "user_id", "key"),
    rejects("ck_idempotency_records_key_length", "idempotency_records", key=""),
    rejects("ck_idempotency_records_status_code", "idempotency_records", status_code=600),
    rejects(
        "ck_idempotency_records_response_has_status",
        "idempotency_records",
        response=Jsonb({"id": "x"}),
    ),
    _fresh_idempotency_record_deleted,
    rejects_duplicate("pk_webhook_receipts", "webhook_receipts", "provider", "event_id"),
    rejects("ck_webhook_receipts_provider", "webhook_receipts", provider="stripe"),
    rejects("ck_webhook_receipts_event_id_length", "webhook_receipts", event_id=""),
    # assets and slide pages
    rejects_duplicate("pk_assets", "assets", "id"),
    rejects("ck_assets_kind", "assets", kind="audio", mime="audio/mpeg"),
    rejects("ck_assets_status", "assets", status="deleted"),
    rejects("ck_assets_filename_format", "assets", filename="../etc/passwd"),
    rejects("ck_assets_mime_matches_kind", "assets", mime="image/png"),
    rejects(
        "ck_assets_mime_matches_kind", "assets", variant="image", kind="image", mime="image/svg+xml"
    ),
    rejects(
        "ck_assets_mime_matches_kind", "assets", variant="video", kind="video", mime="audio/mp4"
    ),
    rejects(
        "ck_assets_mime_matches_kind",
        "assets",
        variant="document",
        kind="document",
        mime="application/x-msdownload",
    ),
    rejects("ck_assets_size_bytes_nonnegative", "assets", size_bytes=-1),
    rejects("ck_assets_page_count_nonnegative", "assets", page_count=-1),
    rejects("ck_assets_pages_rendered_range", "assets", page_count=2, pages_rendered=3),
    rejects("ck_assets_sha256_format", "assets", sha256=SHA256.upper()),
    rejects("ck_assets_failed_has_error", "assets", status="failed"),
    rejects("ck_assets_ready_complete", "assets", status="ready", size_bytes=10),
    rejects_duplicate(
        "uq_assets_course_id_sha256",
        "assets",
        "course_id",
        "sha256",
        first={"sha256": SHA256},
    ),
    rejects_duplicate("pk_slide_pages", "slide_pages", "asset_id", "page_no"),
    rejects("ck_slide_pages_page_no_positive", "slide_pages", page_no=0),
    rejects("ck_slide_pages_dimensions_positive", "slide_pages", width=0),
    # scenes and studio state
    rejects_duplicate("pk_scenes", "scenes", "id"),
    rejects("ck_scenes_name_length", "scenes", name="x" * 81),
    rejects("ck_scenes_layout", "scenes", layout="grid"),
    rejects("ck_scenes_position_nonnegative", "scenes", position=-1),
    rejects("ck_scenes_config_object", "scenes", config=Jsonb("camera")),
    _scene_position_taken,
    rejects_duplicate("pk_studio_state", "studio_state", "session_id"),
    rejects("ck_studio_state_page_no_positive", "studio_state", page_no=0),
    rejects("ck_studio_state_banner_length", "studio_state", banner="x" * 281),
    rejects("ck_studio_state_as_of_seq_nonnegative", "studio_state", as_of_seq=-1),
    # chat
    rejects_duplicate("pk_chat_messages", "chat_messages", "id"),
    rejects("ck_chat_messages_body_length", "chat_messages", body=" \n\t "),
    rejects("ck_chat_messages_body_length", "chat_messages", variant="too_long", body=LONG),
    rejects("ck_chat_messages_deleted_by_with_deleted_at", "chat_messages", deleted_at=T0),
    rejects_duplicate("uq_chat_messages_session_id_seq", "chat_messages", "session_id", "seq"),
    _message_without_event,
    rejects_duplicate("pk_chat_mutes", "chat_mutes", "session_id", "user_id"),
    # questions
    rejects_duplicate("pk_questions", "questions", "id"),
    rejects("ck_questions_body_length", "questions", body="x" * 1001),
    rejects("ck_questions_status", "questions", status="closed"),
    rejects("ck_questions_upvotes_nonnegative", "questions", upvotes=-1),
    rejects("ck_questions_answered_has_answered_at", "questions", status="answered"),
    rejects("ck_questions_answer_text_length", "questions", answer_text=LONG),
    rejects_duplicate("uq_questions_session_id_seq", "questions", "session_id", "seq"),
    _question_without_event,
    _vote_without_upvote,
    _upvote_without_vote,
    _vote_removed,
    rejects_duplicate("pk_question_votes", "question_votes", "question_id", "user_id"),
    # polls
    rejects_duplicate("pk_polls", "polls", "id"),
    rejects("ck_polls_question_length", "polls", question="x" * 501),
    rejects("ck_polls_kind", "polls", kind="ranked"),
    rejects("ck_polls_status", "polls", status="archived"),
    rejects("ck_polls_options_valid", "polls", options=Jsonb(OPTIONS[:1])),
    rejects(
        "ck_polls_options_valid",
        "polls",
        variant="eleven_options",
        options=Jsonb([{"id": str(n), "text": f"Option {n}"} for n in range(11)]),
    ),
    rejects(
        "ck_polls_options_valid",
        "polls",
        variant="duplicate_ids",
        options=Jsonb([{"id": "a", "text": "Yes"}, {"id": "a", "text": "No"}]),
    ),
    rejects(
        "ck_polls_options_valid",
        "polls",
        variant="blank_text",
        options=Jsonb([{"id": "a", "text": "Yes"}, {"id": "b", "text": "  "}]),
    ),
    rejects("ck_polls_options_valid", "polls", variant="not_array", options=Jsonb({"a": "Yes"})),
    rejects(
        "ck_polls_correct_options_in_options",
        "polls",
        kind="quiz",
        correct_option_ids=["a", "z"],
    ),
    rejects("ck_polls_correct_options_for_quiz", "polls", kind="quiz", correct_option_ids=[]),
    rejects(
        "ck_polls_correct_options_for_quiz",
        "polls",
        variant="single_with_answer",
        correct_option_ids=["a"],
    ),
    rejects("ck_polls_open_has_opened_at", "polls", status="open", opened_at=None),
    rejects("ck_polls_closed_has_closed_at", "polls", status="closed", closed_at=None),
    _second_open_poll,
    rejects("ck_polls_voters_nonnegative", "polls", voters=-1),
    # poll option counts
    rejects_duplicate("pk_poll_option_counts", "poll_option_counts", "poll_id", "option_id"),
    rejects("ck_poll_option_counts_votes_nonnegative", "poll_option_counts", votes=-1),
    # poll votes
    rejects_duplicate("pk_poll_votes", "poll_votes", "poll_id", "user_id"),
    rejects("ck_poll_votes_option_ids_nonempty", "poll_votes", option_ids=[]),
    _vote_on_draft_poll,
    _vote_changed_after_close,
    rejects("ck_poll_votes_options_valid", "poll_votes", option_ids=["z"]),
    rejects("ck_poll_votes_options_valid", "poll_votes", variant="repeated", option_ids=["a", "a"]),
    rejects("ck_poll_votes_single_choice", "poll_votes", option_ids=["a", "b"]),
    # reactions
    rejects_duplicate("pk_reaction_buckets", "reaction_buckets", "session_id", "second", "emoji"),
    rejects("ck_reaction_buckets_count_positive", "reaction_buckets", count=0),
    rejects(
        "ck_reaction_buckets_whole_second",
        "reaction_buckets",
        second=T0 + dt.timedelta(milliseconds=250),
    ),
    rejects("ck_reaction_buckets_emoji_length", "reaction_buckets", emoji=""),
    rejects(
        "ck_reaction_buckets_emoji_length", "reaction_buckets", variant="too_long", emoji="x" * 17
    ),
    # recordings
    rejects_duplicate("pk_recordings", "recordings", "id"),
    rejects_duplicate("uq_recordings_external_id", "recordings", "external_id"),
    rejects("ck_recordings_provider", "recordings", provider="zoom"),
    rejects("ck_recordings_status", "recordings", status="paused"),
    rejects(
        "ck_recordings_ended_after_started",
        "recordings",
        started_at=T0,
        ended_at=T0 - MINUTE,
    ),
    rejects("ck_recordings_duration_ms_nonnegative", "recordings", duration_ms=-1),
    rejects("ck_recordings_size_bytes_nonnegative", "recordings", size_bytes=-1),
    rejects("ck_recordings_failed_has_error", "recordings", status="failed"),
    rejects("ck_recordings_ready_has_storage_key", "recordings", status="ready"),
    rejects("ck_recordings_lease_with_recorder", "recordings", recorder_id="host:1:abc"),
    rejects(
        "ck_recordings_lease_with_recorder", "recordings", variant="lease_only", lease_expires_at=T0
    ),
    # recording segments
    rejects_duplicate(
        "pk_recording_segments",
        "recording_segments",
        "recording_id",
        "idx",
    ),
    rejects("ck_recording_segments_idx_nonnegative", "recording_segments", idx=-1),
    rejects("ck_recording_segments_duration_ms_positive", "recording_segments", duration_ms=0),
    rejects("ck_recording_segments_size_bytes_nonnegative", "recording_segments", size_bytes=-1),
    # replay positions
    rejects_duplicate("pk_replay_positions", "replay_positions", "user_id", "session_id"),
    rejects("ck_replay_positions_position_ms_nonnegative", "replay_positions", position_ms=-1),
    # pipeline
    rejects_duplicate("pk_pipeline_runs", "pipeline_runs", "id"),
    rejects("ck_pipeline_runs_status", "pipeline_runs", status="paused", finished_at=T0),
    rejects("ck_pipeline_runs_trigger", "pipeline_runs", trigger="cron"),
    rejects("ck_pipeline_runs_attempt_positive", "pipeline_runs", attempt=0),
    rejects("ck_pipeline_runs_finished_has_finished_at", "pipeline_runs", status="succeeded"),
    rejects(
        "ck_pipeline_runs_finished_after_started",
        "pipeline_runs",
        started_at=T0,
        finished_at=T0 - MINUTE,
    ),
    rejects_duplicate(
        "uq_pipeline_runs_one_active",
        "pipeline_runs",
        "session_id",
        first={"status": "running", "started_at": T0},
    ),
    rejects_duplicate("pk_pipeline_steps", "pipeline_steps", "run_id", "name"),
    rejects("ck_pipeline_steps_name", "pipeline_steps", name="upload"),
    rejects("ck_pipeline_steps_status", "pipeline_steps", status="done"),
    rejects("ck_pipeline_steps_attempts_nonnegative", "pipeline_steps", attempts=-1),
    rejects(
        "ck_pipeline_steps_finished_after_started",
        "pipeline_steps",
        started_at=T0,
        finished_at=T0 - MINUTE,
    ),
    # transcript
    rejects_duplicate("pk_transcript_segments", "transcript_segments", "session_id", "idx"),
    rejects("ck_transcript_segments_idx_nonnegative", "transcript_segments", idx=-1),
    rejects("ck_transcript_segments_start_ms_nonnegative", "transcript_segments", start_ms=-1),
    rejects("ck_transcript_segments_end_after_start", "transcript_segments", end_ms=0),
    rejects("ck_transcript_segments_confidence_range", "transcript_segments", confidence=1.5),
    rejects("ck_transcript_segments_words_array", "transcript_segments", words=Jsonb({})),
    # chapters
    rejects_duplicate(
        "pk_chapters",
        "chapters",
        "session_id",
        "idx",
        second={"start_ms": 60_000, "end_ms": 90_000},
    ),
    rejects("ck_chapters_idx_nonnegative", "chapters", idx=-1),
    rejects("ck_chapters_start_ms_nonnegative", "chapters", start_ms=-1),
    rejects("ck_chapters_end_after_start", "chapters", end_ms=0),
    rejects("ck_chapters_title_length", "chapters", title=""),
    rejects("ck_chapters_source", "chapters", source="ai"),
    rejects("ck_chapters_slide_page_positive", "chapters", slide_page=0),
    _overlapping_chapter,
    _chapter_after_gap,
    _first_chapter_late,
    _chapter_idx_skipped,
    _middle_chapter_removed,
    # highlights and replay artifacts
    rejects_duplicate("pk_highlights", "highlights", "id"),
    rejects("ck_highlights_kind", "highlights", kind="clip"),
    rejects("ck_highlights_start_ms_nonnegative", "highlights", start_ms=-1),
    rejects("ck_highlights_end_not_before_start", "highlights", start_ms=5_000, end_ms=4_000),
    rejects("ck_highlights_title_length", "highlights", title=" "),
    rejects("ck_highlights_score_nonnegative", "highlights", score=-0.5),
    rejects_duplicate(
        "uq_highlights_session_id_kind_ref_id",
        "highlights",
        "session_id",
        "kind",
        "ref_id",
        first={"kind": "question", "ref_id": new_id()},
        second={"start_ms": 30_000, "end_ms": 40_000},
    ),
    rejects_duplicate(
        "uq_highlights_session_id_kind_start_ms",
        "highlights",
        "session_id",
        "kind",
        "start_ms",
        first={"kind": "reaction_peak"},
    ),
    rejects_duplicate("pk_replay_artifacts", "replay_artifacts", "session_id", "kind"),
    rejects("ck_replay_artifacts_kind", "replay_artifacts", kind="video"),
    # lti
    rejects_duplicate("pk_lti_platforms", "lti_platforms", "id"),
    rejects_duplicate("uq_lti_platforms_issuer_client_id", "lti_platforms", "issuer", "client_id"),
    rejects("ck_lti_platforms_issuer_length", "lti_platforms", issuer=" "),
    rejects("ck_lti_platforms_client_id_length", "lti_platforms", client_id="x" * 501),
    rejects_duplicate("pk_lti_deployments", "lti_deployments", "platform_id", "deployment_id"),
    rejects_duplicate("pk_lti_user_links", "lti_user_links", "platform_id", "subject"),
    rejects_duplicate("pk_lti_contexts", "lti_contexts", "platform_id", "context_id"),
    rejects_duplicate(
        "pk_lti_resource_links", "lti_resource_links", "platform_id", "resource_link_id"
    ),
    rejects("ck_lti_resource_links_target", "lti_resource_links", target="quiz"),
    rejects("ck_lti_resource_links_session_target", "lti_resource_links", target="session"),
    rejects_duplicate("pk_lti_nonces", "lti_nonces", "platform_id", "nonce"),
]

# Constraints no statement can violate on its own, with what makes that so.
IMPLIED_BY_PRIMARY_KEY = {
    # The target of fk_local_credentials_user_id_auth_provider_users.
    "uq_users_id_auth_provider": "pk_users",
}

ERROR_BY_PREFIX: dict[str, type[psycopg.errors.IntegrityError]] = {
    "ck": psycopg.errors.CheckViolation,
    "pk": psycopg.errors.UniqueViolation,
    "uq": psycopg.errors.UniqueViolation,
    "ex": psycopg.errors.ExclusionViolation,
    "fk": psycopg.errors.ForeignKeyViolation,
}


@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_constraint_refuses_violation(rows: Rows, case: Case) -> None:
    violate = case.build(rows)
    rows.execute("SET CONSTRAINTS ALL IMMEDIATE")
    if case.triggers_off_on:
        rows.execute(f"ALTER TABLE {case.triggers_off_on} DISABLE TRIGGER USER")

    with pytest.raises(sa.exc.IntegrityError) as raised:
        violate()

    error = raised.value.orig
    assert isinstance(error, ERROR_BY_PREFIX[case.constraint[:2]]), error
    assert error.diag.constraint_name == case.constraint, error


@pytest.mark.parametrize("table", sorted(metadata.tables))
def test_valid_row_is_accepted(rows: Rows, table: str) -> None:
    row = rows.add(table)
    rows.execute("SET CONSTRAINTS ALL IMMEDIATE")  # deferred checks run now

    key = [column.name for column in metadata.tables[table].primary_key.columns]
    where = " AND ".join(f'"{name}" = :{name}' for name in key)
    found = rows.execute(f"SELECT count(*) FROM {table} WHERE {where}", **{k: row[k] for k in key})
    assert found.scalar_one() == 1


def _constraint_names(rows: Rows, *kinds: str) -> set[str]:
    result = rows.execute(
        """
        SELECT c.conname FROM pg_constraint AS c
        JOIN pg_class AS t ON t.oid = c.conrelid
        WHERE t.relnamespace = 'public'::regnamespace
          AND t.relname <> 'alembic_version'
          AND c.contype = ANY(:kinds)
        """,
        kinds=list(kinds),
    )
    return set(result.scalars())


def _unique_index_names(rows: Rows) -> set[str]:
    result = rows.execute(
        "SELECT indexname FROM pg_indexes WHERE schemaname = 'public'"
        " AND tablename <> 'alembic_version' AND indexdef LIKE 'CREATE UNIQUE INDEX %'"
    )
    return set(result.scalars())


def _trigger_raised_names(rows: Rows) -> set[str]:
    sources = rows.execute(
        "SELECT prosrc FROM pg_proc WHERE pronamespace = 'public'::regnamespace"
        " AND proname LIKE 'multistream\\_%'"
    ).scalars()
    return {name for source in sources for name in re.findall(r"CONSTRAINT = '(\w+)'", source)}


def test_every_constraint_has_a_case(rows: Rows) -> None:
    enforced = (
        _constraint_names(rows, "c", "u", "p", "x")
        | _unique_index_names(rows)
        | _trigger_raised_names(rows)
    )
    covered = {case.constraint for case in CASES}

    assert enforced - covered - set(IMPLIED_BY_PRIMARY_KEY) == set()
    # and every case names a constraint that exists (foreign keys included)
    assert covered - enforced - _constraint_names(rows, "f") == set()
    # the trigger-raised names were found at all (the regex matches the migration's style)
    assert {"ck_courses_owner_member", "ck_chapters_tile"} <= _trigger_raised_names(rows)


def test_case_ids_are_unique() -> None:
    ids = [case.id for case in CASES]
    assert sorted(ids) == sorted(set(ids))


def test_implied_constraints_contain_the_primary_key(rows: Rows) -> None:
    """A constraint listed as implied really cannot be violated without its primary key."""
    for constraint, primary_key in IMPLIED_BY_PRIMARY_KEY.items():
        found = rows.execute(
            "SELECT conname, conrelid, conkey FROM pg_constraint WHERE conname = ANY(:names)",
            names=[constraint, primary_key],
        )
        by_name = {row.conname: (row.conrelid, set(row.conkey)) for row in found}
        assert by_name[constraint][0] == by_name[primary_key][0]
        assert by_name[primary_key][1] <= by_name[constraint][1]


# --- rules that deferral and triggers must still allow -------------------------------------


def test_course_and_owner_member_in_either_order(rows: Rows) -> None:
    values = rows.new("courses")
    rows.insert("courses", values)  # the owner member comes later in the transaction
    rows.insert(
        "course_members",
        {"course_id": values["id"], "user_id": values["owner_id"], "role": "owner"},
    )
    rows.execute("SET CONSTRAINTS ALL IMMEDIATE")


def test_ownership_transfer_in_one_transaction(rows: Rows) -> None:
    course = rows.course()
    heir = rows.add("course_members", course_id=course, role="instructor")["user_id"]
    rows.execute(
        "UPDATE course_members SET role = 'instructor' WHERE course_id = :id AND role = 'owner'",
        id=course,
    )
    rows.execute(
        "UPDATE course_members SET role = 'owner' WHERE course_id = :id AND user_id = :user",
        id=course,
        user=heir,
    )
    rows.execute("UPDATE courses SET owner_id = :user WHERE id = :id", user=heir, id=course)
    rows.execute("SET CONSTRAINTS ALL IMMEDIATE")


def test_scenes_swap_positions_in_one_transaction(rows: Rows) -> None:
    session = rows.session()
    first = rows.add("scenes", session_id=session, position=0)["id"]
    second = rows.add("scenes", session_id=session, position=1)["id"]
    rows.execute("UPDATE scenes SET position = 1 WHERE id = :id", id=first)
    rows.execute("UPDATE scenes SET position = 0 WHERE id = :id", id=second)
    rows.execute("SET CONSTRAINTS ALL IMMEDIATE")


def test_appending_events_advances_last_seq(rows: Rows) -> None:
    session = rows.session()
    rows.execute(
        "INSERT INTO session_events (session_id, seq, type)"
        " VALUES (:id, 1, 'test.one'), (:id, 2, 'test.two'), (:id, 3, 'test.three')",
        id=session,
    )
    rows.event(session)
    last_seq = rows.execute("SELECT last_seq FROM sessions WHERE id = :id", id=session)
    assert last_seq.scalar_one() == 4


def test_duplicate_idempotency_key_skipped_by_on_conflict_leaves_no_gap(rows: Rows) -> None:
    session = rows.session()
    rows.event(session, idempotency_key="send-1")
    skipped = rows.execute(
        "INSERT INTO session_events (session_id, seq, type, idempotency_key)"
        " VALUES (:id, 2, 'test.again', 'send-1')"
        " ON CONFLICT (session_id, idempotency_key) WHERE idempotency_key IS NOT NULL"
        " DO NOTHING",
        id=session,
    )
    assert skipped.rowcount == 0
    assert rows.event(session) == 2


def test_deleting_a_session_takes_its_log_and_interactions(rows: Rows) -> None:
    message = rows.add("chat_messages")
    rows.add(
        "question_votes", question_id=rows.add("questions", session_id=message["session_id"])["id"]
    )
    rows.execute("DELETE FROM sessions WHERE id = :id", id=message["session_id"])
    rows.execute("SET CONSTRAINTS ALL IMMEDIATE")
    left = rows.execute(
        "SELECT count(*) FROM session_events WHERE session_id = :id", id=message["session_id"]
    )
    assert left.scalar_one() == 0


def test_deleting_a_course_takes_its_members_and_sessions(rows: Rows) -> None:
    session = rows.add("chapters")["session_id"]
    course = rows.execute("SELECT course_id FROM sessions WHERE id = :id", id=session)
    course_id = course.scalar_one()
    rows.add("course_members", course_id=course_id)
    rows.execute("DELETE FROM courses WHERE id = :id", id=course_id)
    rows.execute("SET CONSTRAINTS ALL IMMEDIATE")
    left = rows.execute("SELECT count(*) FROM course_members WHERE course_id = :id", id=course_id)
    assert left.scalar_one() == 0


def test_deleting_a_user_takes_fresh_idempotency_records(rows: Rows) -> None:
    record = rows.add("idempotency_records")
    rows.execute("DELETE FROM users WHERE id = :id", id=record["user_id"])
    left = rows.execute(
        "SELECT count(*) FROM idempotency_records WHERE user_id = :id", id=record["user_id"]
    )
    assert left.scalar_one() == 0


def test_an_unfinished_idempotency_record_can_be_released(rows: Rows) -> None:
    record = rows.add("idempotency_records")  # in flight: no status yet
    rows.execute("SET CONSTRAINTS ALL IMMEDIATE")
    rows.execute(
        "DELETE FROM idempotency_records WHERE user_id = :user AND key = :key",
        user=record["user_id"],
        key=record["key"],
    )


def test_old_idempotency_records_can_be_purged(rows: Rows) -> None:
    two_days_ago = dt.datetime.now(dt.UTC) - dt.timedelta(days=2)
    record = rows.add("idempotency_records", created_at=two_days_ago)
    purged = rows.execute(
        "DELETE FROM idempotency_records WHERE user_id = :id", id=record["user_id"]
    )
    assert purged.rowcount == 1


def test_chapters_rewritten_in_one_transaction(rows: Rows) -> None:
    session = rows.session()
    for idx, (start, end) in enumerate([(0, 1000), (1000, 2000)]):
        rows.add("chapters", session_id=session, idx=idx, start_ms=start, end_ms=end)
    rows.execute("SET CONSTRAINTS ALL IMMEDIATE")
    rows.execute("SET CONSTRAINTS ALL DEFERRED")
    # Moving a boundary overlaps the neighbour until the second update.
    rows.execute("UPDATE chapters SET end_ms = 1500 WHERE session_id = :id AND idx = 0", id=session)
    rows.execute(
        "UPDATE chapters SET start_ms = 1500 WHERE session_id = :id AND idx = 1", id=session
    )
    rows.execute("SET CONSTRAINTS ALL IMMEDIATE")


def test_poll_vote_kinds(rows: Rows) -> None:
    multiple = rows.add("polls", kind="multiple", status="open")["id"]
    rows.add("poll_votes", poll_id=multiple, option_ids=["a", "b"])
    quiz = rows.add("polls", kind="quiz", status="open", correct_option_ids=["b"])
    assert quiz["correct_option_ids"] == ["b"]


def test_transcript_search_vector_is_generated(rows: Rows) -> None:
    segment = rows.add("transcript_segments", text="Eigenvalues of symmetric matrices")
    matches = rows.execute(
        "SELECT count(*) FROM transcript_segments WHERE session_id = :id"
        " AND search_vector @@ to_tsquery('english', 'eigenvalue & symmetric')",
        id=segment["session_id"],
    )
    assert matches.scalar_one() == 1
