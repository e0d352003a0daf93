"""LTI 1.3: registered platforms and their deployments, links from their people, contexts
and resource links to users, courses and classes, and the nonces of accepted launches.
Users created by a launch have the auth provider `lti`; their refresh tokens are
`cross_site` (the cookie is `SameSite=None; Secure`, for the LMS's iframe).

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-06 16:30:00.000000
"""

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _platform_key() -> sa.Column[Any]:
    return sa.Column("platform_id", sa.Uuid(), nullable=False)


def _platform_fk(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        ["platform_id"],
        ["lti_platforms.id"],
        name=op.f(f"fk_{table}_platform_id_lti_platforms"),
        ondelete="CASCADE",
    )


def _created_at() -> sa.Column[Any]:
    return sa.Column(
        "created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
    )


def upgrade() -> None:
    op.drop_constraint(op.f("ck_users_auth_provider"), "users", type_="check")
    op.create_check_constraint(
        "auth_provider", "users", "auth_provider IN ('clerk', 'local', 'lti')"
    )
    op.drop_constraint(op.f("ck_users_local_email"), "users", type_="check")
    op.create_check_constraint(
        "local_email", "users", "auth_provider <> 'local' OR email IS NOT NULL"
    )

    op.add_column(
        "refresh_tokens",
        sa.Column("cross_site", sa.Boolean(), server_default=sa.false(), nullable=False),
    )
    op.create_table(
        "lti_platforms",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("issuer", sa.Text(), nullable=False),
        sa.Column("client_id", sa.Text(), nullable=False),
        sa.Column("auth_login_url", sa.Text(), nullable=False),
        sa.Column("auth_token_url", sa.Text(), nullable=False),
        sa.Column("key_set_url", sa.Text(), nullable=False),
        sa.Column(
            "frame_origins",
            postgresql.ARRAY(sa.Text()),
            server_default=sa.text("'{}'::text[]"),
            nullable=False,
        ),
        _created_at(),
        sa.CheckConstraint(
            r"issuer ~ '\S' AND char_length(issuer) <= 500",
            name=op.f("ck_lti_platforms_issuer_length"),
        ),
        sa.CheckConstraint(
            r"client_id ~ '\S' AND char_length(client_id) <= 500",
            name=op.f("ck_lti_platforms_client_id_length"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_lti_platforms")),
        sa.UniqueConstraint("issuer", "client_id", name=op.f("uq_lti_platforms_issuer_client_id")),
    )
    op.create_table(
        "lti_deployments",
        _platform_key(),
        sa.Column("deployment_id", sa.Text(), nullable=False),
        _platform_fk("lti_deployments"),
        sa.PrimaryKeyConstraint("platform_id", "deployment_id", name=op.f("pk_lti_deployments")),
    )
    op.create_table(
        "lti_user_links",
        _platform_key(),
        sa.Column("subject", sa.Text(), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=False),
        _created_at(),
        _platform_fk("lti_user_links"),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_lti_user_links_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("platform_id", "subject", name=op.f("pk_lti_user_links")),
    )
    op.create_index(op.f("ix_lti_user_links_user_id"), "lti_user_links", ["user_id"])
    op.create_table(
        "lti_contexts",
        _platform_key(),
        sa.Column("context_id", sa.Text(), nullable=False),
        sa.Column("course_id", sa.Uuid(), nullable=False),
        sa.Column("memberships_url", sa.Text(), nullable=True),
        sa.Column("lineitems_url", sa.Text(), nullable=True),
        _created_at(),
        _platform_fk("lti_contexts"),
        sa.ForeignKeyConstraint(
            ["course_id"],
            ["courses.id"],
            name=op.f("fk_lti_contexts_course_id_courses"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("platform_id", "context_id", name=op.f("pk_lti_contexts")),
    )
    op.create_index(op.f("ix_lti_contexts_course_id"), "lti_contexts", ["course_id"])
    op.create_table(
        "lti_resource_links",
        _platform_key(),
        sa.Column("resource_link_id", sa.Text(), nullable=False),
        sa.Column("course_id", sa.Uuid(), nullable=False),
        sa.Column("target", sa.Text(), server_default="course", nullable=False),
        sa.Column("session_id", sa.Uuid(), nullable=True),
        sa.Column("lineitem_url", sa.Text(), nullable=True),
        _created_at(),
        sa.CheckConstraint(
            "target IN ('course', 'session', 'replays')", name=op.f("ck_lti_resource_links_target")
        ),
        sa.CheckConstraint(
            "target <> 'session' OR session_id IS NOT NULL",
            name=op.f("ck_lti_resource_links_session_target"),
        ),
        _platform_fk("lti_resource_links"),
        sa.ForeignKeyConstraint(
            ["course_id"],
            ["courses.id"],
            name=op.f("fk_lti_resource_links_course_id_courses"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["sessions.id"],
            name=op.f("fk_lti_resource_links_session_id_sessions"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint(
            "platform_id", "resource_link_id", name=op.f("pk_lti_resource_links")
        ),
    )
    op.create_index(op.f("ix_lti_resource_links_course_id"), "lti_resource_links", ["course_id"])
    op.create_table(
        "lti_nonces",
        _platform_key(),
        sa.Column("nonce", sa.Text(), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        _platform_fk("lti_nonces"),
        sa.PrimaryKeyConstraint("platform_id", "nonce", name=op.f("pk_lti_nonces")),
    )
    op.create_index(op.f("ix_lti_nonces_expires_at"), "lti_nonces", ["expires_at"])


def downgrade() -> None:
    for table in (
        "lti_nonces",
        "lti_resource_links",
        "lti_contexts",
        "lti_user_links",
        "lti_deployments",
        "lti_platforms",
    ):
        op.drop_table(table)
    op.drop_column("refresh_tokens", "cross_site")
    op.execute("DELETE FROM users WHERE auth_provider = 'lti'")
    op.drop_constraint(op.f("ck_users_local_email"), "users", type_="check")
    op.create_check_constraint(
        "local_email", "users", "auth_provider = 'clerk' OR email IS NOT NULL"
    )
    op.drop_constraint(op.f("ck_users_auth_provider"), "users", type_="check")
    op.create_check_constraint("auth_provider", "users", "auth_provider IN ('clerk', 'local')")
