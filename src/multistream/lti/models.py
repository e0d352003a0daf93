"""Tables of LTI: registered platforms, their deployments, and what their ids link to.

A platform is one registration of Multistream in an LMS (issuer and client id). The
platform's people (`sub`), contexts (courses) and resource links are linked to our users,
courses and classes the first time a launch names them. `lti_nonces` remembers the nonce
of every accepted id_token until it expires, so an id_token is accepted once.
"""

from __future__ import annotations

import datetime as dt
import uuid

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import Mapped, mapped_column

from multistream.db import columns
from multistream.db.base import Base

LinkTarget = ("course", "session", "replays")


def _platform_key() -> Mapped[uuid.UUID]:
    return mapped_column(sa.ForeignKey("lti_platforms.id", ondelete="CASCADE"), primary_key=True)


class LtiPlatform(Base):
    __tablename__ = "lti_platforms"
    __table_args__ = (sa.UniqueConstraint("issuer", "client_id"),)

    id: Mapped[columns.Id]
    issuer: Mapped[str] = columns.text(500, nonblank=True)
    client_id: Mapped[str] = columns.text(500, nonblank=True)
    auth_login_url: Mapped[columns.Text]
    auth_token_url: Mapped[columns.Text]
    key_set_url: Mapped[columns.Text]
    frame_origins: Mapped[list[str]] = mapped_column(
        ARRAY(sa.Text), server_default=sa.text("'{}'::text[]"), default=list
    )
    """Where the LMS's pages live when they are not on the issuer's or the login URL's
    origin (Canvas cloud: the school's `*.instructure.com`): they may frame the app too."""
    created_at: Mapped[columns.CreatedAt]


class LtiDeployment(Base):
    """A deployment id the platform may launch with (a site-wide or a course-level install)."""

    __tablename__ = "lti_deployments"

    platform_id: Mapped[uuid.UUID] = _platform_key()
    deployment_id: Mapped[str] = mapped_column(sa.Text, primary_key=True)


class LtiUserLink(Base):
    """The platform's `sub` of a person, and the user it signs in as."""

    __tablename__ = "lti_user_links"

    platform_id: Mapped[uuid.UUID] = _platform_key()
    subject: Mapped[str] = mapped_column(sa.Text, primary_key=True)
    user_id: Mapped[uuid.UUID] = mapped_column(
        sa.ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    created_at: Mapped[columns.CreatedAt]


class LtiContext(Base):
    """An LMS course (the launch's context) and our course for it; the roster and grade
    service URLs the platform last offered for it."""

    __tablename__ = "lti_contexts"

    platform_id: Mapped[uuid.UUID] = _platform_key()
    context_id: Mapped[str] = mapped_column(sa.Text, primary_key=True)
    course_id: Mapped[columns.CourseRef] = mapped_column(index=True)
    memberships_url: Mapped[columns.TextOrNull]
    lineitems_url: Mapped[columns.TextOrNull]
    created_at: Mapped[columns.CreatedAt]


class LtiResourceLink(Base):
    """A link placed in the LMS: the course, one class, or the course's replays."""

    __tablename__ = "lti_resource_links"
    __table_args__ = (
        sa.CheckConstraint(sa.column("target", sa.Text).in_(LinkTarget), name="target"),
        sa.CheckConstraint("target <> 'session' OR session_id IS NOT NULL", name="session_target"),
    )

    platform_id: Mapped[uuid.UUID] = _platform_key()
    resource_link_id: Mapped[str] = mapped_column(sa.Text, primary_key=True)
    course_id: Mapped[columns.CourseRef] = mapped_column(index=True)
    target: Mapped[str] = mapped_column(sa.Text, server_default="course", default="course")
    session_id: Mapped[uuid.UUID | None] = columns.ref_or_null("sessions")
    lineitem_url: Mapped[columns.TextOrNull]
    created_at: Mapped[columns.CreatedAt]


class LtiNonce(Base):
    """The nonce of an accepted id_token, kept until the token would have expired."""

    __tablename__ = "lti_nonces"

    platform_id: Mapped[uuid.UUID] = _platform_key()
    nonce: Mapped[str] = mapped_column(sa.Text, primary_key=True)
    expires_at: Mapped[dt.datetime] = mapped_column(index=True)
