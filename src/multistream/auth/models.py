"""Tables of people: users and the password credentials of local accounts.

A user comes from Clerk (`external_id` is the Clerk user id), is a local account (email
and an argon2id password in `local_credentials`), or was created by an LTI launch (`lti`).
Users are soft-deleted (`deleted_at`), so rows that mention them keep their history.
"""

from __future__ import annotations

import datetime as dt
import enum
import uuid

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from multistream.db import columns
from multistream.db.base import Base, str_enum


class AuthProvider(enum.StrEnum):
    clerk = "clerk"
    local = "local"
    lti = "lti"
    """Created by an LTI launch (`external_id` is `<platform id>:<sub>`); signs in through
    the LMS and holds the local provider's tokens."""


class User(Base):
    __tablename__ = "users"
    __table_args__ = (
        sa.CheckConstraint(
            "auth_provider = 'local' OR external_id IS NOT NULL", name="clerk_external_id"
        ),
        sa.CheckConstraint("auth_provider <> 'local' OR email IS NOT NULL", name="local_email"),
        sa.CheckConstraint(r"email ~ '^[^@\s]+@[^@\s]+$'", name="email_format"),
        sa.UniqueConstraint("auth_provider", "external_id"),
        # The target of local_credentials' composite foreign key, which is what makes a
        # credential belong to a *local* user. Implied by the primary key.
        sa.UniqueConstraint("id", "auth_provider"),
        columns.unique_where(
            "uq_users_local_email",
            sa.func.lower(sa.column("email")),
            where="auth_provider = 'local'",
        ),
    )

    id: Mapped[columns.Id]
    auth_provider: Mapped[AuthProvider] = columns.state(AuthProvider)
    external_id: Mapped[columns.TextOrNull]
    email: Mapped[columns.TextOrNull]
    display_name: Mapped[str] = columns.text(200, nonblank=True)
    is_platform_admin: Mapped[columns.Flag]
    created_at: Mapped[columns.CreatedAt]
    deleted_at: Mapped[dt.datetime | None]


class LocalCredential(Base):
    """The password of a local user; at most one row per user, and only for local users."""

    __tablename__ = "local_credentials"
    __table_args__ = (
        sa.CheckConstraint("auth_provider = 'local'", name="auth_provider_local"),
        sa.CheckConstraint("left(password_hash, 10) = '$argon2id$'", name="password_hash_argon2id"),
        sa.ForeignKeyConstraint(
            ["user_id", "auth_provider"],
            ["users.id", "users.auth_provider"],
            ondelete="CASCADE",
        ),
    )

    user_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    auth_provider: Mapped[AuthProvider] = mapped_column(
        str_enum(AuthProvider),
        server_default=AuthProvider.local.value,
        default=AuthProvider.local,
    )
    password_hash: Mapped[columns.Text]
    failed_attempts: Mapped[columns.Count] = columns.nonnegative()
    locked_until: Mapped[dt.datetime | None]


class RefreshToken(Base):
    """One refresh token of the local provider, stored only as its SHA-256.

    Tokens rotate: each refresh marks the presented token used and issues the next one in
    the same family. Presenting a used token again means it leaked, and the whole family
    is revoked.
    """

    __tablename__ = "refresh_tokens"
    __table_args__ = (
        sa.CheckConstraint("token_hash ~ '^[0-9a-f]{64}$'", name="token_hash_format"),
        sa.CheckConstraint("expires_at > created_at", name="expires_after_created"),
        sa.UniqueConstraint("token_hash"),
        sa.Index("ix_refresh_tokens_family_id", "family_id"),
        sa.Index("ix_refresh_tokens_user_id", "user_id"),
    )

    id: Mapped[columns.Id]
    user_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"))
    family_id: Mapped[uuid.UUID]
    token_hash: Mapped[str] = mapped_column(sa.String(64))
    created_at: Mapped[columns.CreatedAt]
    expires_at: Mapped[dt.datetime]
    used_at: Mapped[dt.datetime | None]
    revoked_at: Mapped[dt.datetime | None]
    cross_site: Mapped[columns.Flag]
    """Its cookie is `SameSite=None; Secure`: a sign-in by an LTI launch, inside the LMS's
    iframe (another site's page), where a `Strict` cookie would never be sent. Kept by
    every rotation of the family."""
