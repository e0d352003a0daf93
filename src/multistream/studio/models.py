"""Tables of the studio: uploaded assets, rendered slide pages, scenes and studio state.

An asset's `mime` is what the upload sniffed, not what the browser claimed; a CHECK ties it
to the asset's kind. Within a course an upload is deduplicated by its SHA-256 (failed
uploads excepted). Size and page limits come from settings and are checked by the upload
code: they change without a migration, so the database does not hold them.

`scenes.position` is unique per session under a deferred constraint, so reordering scenes
is a set of plain updates in one transaction.
"""

from __future__ import annotations

import datetime as dt
import enum
import uuid
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import ARRAY, JSONB
from sqlalchemy.orm import Mapped, mapped_column

from multistream.db.base import Base, created_at_column, str_enum, uuid_pk


class AssetKind(enum.StrEnum):
    slide_deck = "slide_deck"
    image = "image"
    video = "video"
    document = "document"


class AssetStatus(enum.StrEnum):
    uploading = "uploading"
    processing = "processing"
    ready = "ready"
    failed = "failed"


class SceneLayout(enum.StrEnum):
    camera = "camera"
    slides = "slides"
    slides_camera = "slides_camera"
    screen = "screen"
    screen_camera = "screen_camera"
    whiteboard = "whiteboard"


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


class Asset(Base):
    __tablename__ = "assets"
    __table_args__ = (
        sa.CheckConstraint(sa.column("kind", sa.Text).in_(list(AssetKind)), name="kind"),
        sa.CheckConstraint(sa.column("status", sa.Text).in_(list(AssetStatus)), name="status"),
        sa.CheckConstraint(
            r"filename ~ '\S' AND char_length(filename) <= 255 AND filename !~ '[/\\]'",
            name="filename_format",
        ),
        sa.CheckConstraint(MIME_MATCHES_KIND, name="mime_matches_kind"),
        sa.CheckConstraint("size_bytes >= 0", name="size_bytes_nonnegative"),
        sa.CheckConstraint("page_count >= 0", name="page_count_nonnegative"),
        sa.CheckConstraint(
            "pages_rendered >= 0 AND (page_count IS NULL OR pages_rendered <= page_count)",
            name="pages_rendered_range",
        ),
        sa.CheckConstraint("sha256 ~ '^[0-9a-f]{64}$'", name="sha256_format"),
        sa.CheckConstraint("status <> 'failed' OR error IS NOT NULL", name="failed_has_error"),
        sa.CheckConstraint(
            "status <> 'ready'"
            " OR (sha256 IS NOT NULL AND size_bytes IS NOT NULL AND mime IS NOT NULL)",
            name="ready_complete",
        ),
        sa.Index(
            "uq_assets_course_id_sha256",
            "course_id",
            "sha256",
            unique=True,
            postgresql_where=sa.text("status <> 'failed'"),
        ),
    )

    id: Mapped[uuid.UUID] = uuid_pk()
    course_id: Mapped[uuid.UUID] = mapped_column(
        sa.ForeignKey("courses.id", ondelete="CASCADE"), index=True
    )
    owner_id: Mapped[uuid.UUID | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    """Who uploaded the asset."""
    kind: Mapped[AssetKind] = mapped_column(str_enum(AssetKind))
    filename: Mapped[str] = mapped_column(sa.Text)
    mime: Mapped[str | None] = mapped_column(sa.Text)
    """Sniffed from the content; null until the upload has been inspected."""
    size_bytes: Mapped[int | None] = mapped_column(sa.BigInteger)
    sha256: Mapped[str | None] = mapped_column(sa.Text)
    storage_key: Mapped[str] = mapped_column(sa.Text)
    status: Mapped[AssetStatus] = mapped_column(
        str_enum(AssetStatus),
        server_default=AssetStatus.uploading.value,
        default=AssetStatus.uploading,
    )
    page_count: Mapped[int | None]
    pages_rendered: Mapped[int] = mapped_column(server_default=sa.text("0"), default=0)
    """Pages rendered so far while the asset is `processing`: the upload's progress."""
    error: Mapped[str | None] = mapped_column(sa.Text)
    created_at: Mapped[dt.datetime] = created_at_column()


class SlidePage(Base):
    """One rendered page of a slide deck (or paged document)."""

    __tablename__ = "slide_pages"
    __table_args__ = (
        sa.CheckConstraint("page_no >= 1", name="page_no_positive"),
        sa.CheckConstraint("width > 0 AND height > 0", name="dimensions_positive"),
    )

    asset_id: Mapped[uuid.UUID] = mapped_column(
        sa.ForeignKey("assets.id", ondelete="CASCADE"), primary_key=True
    )
    page_no: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    image_key: Mapped[str] = mapped_column(sa.Text)
    thumb_key: Mapped[str] = mapped_column(sa.Text)
    width: Mapped[int]
    height: Mapped[int]
    text: Mapped[str] = mapped_column(sa.Text, server_default="", default="")
    title: Mapped[str | None] = mapped_column(sa.Text)


class Scene(Base):
    __tablename__ = "scenes"
    __table_args__ = (
        sa.CheckConstraint(r"name ~ '\S' AND char_length(name) <= 80", name="name_length"),
        sa.CheckConstraint(sa.column("layout", sa.Text).in_(list(SceneLayout)), name="layout"),
        sa.CheckConstraint("position >= 0", name="position_nonnegative"),
        sa.CheckConstraint("jsonb_typeof(config) = 'object'", name="config_object"),
        sa.UniqueConstraint("session_id", "position", deferrable=True, initially="DEFERRED"),
    )

    id: Mapped[uuid.UUID] = uuid_pk()
    session_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("sessions.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(sa.Text)
    layout: Mapped[SceneLayout] = mapped_column(str_enum(SceneLayout))
    position: Mapped[int]
    config: Mapped[dict[str, Any]] = mapped_column(
        JSONB, server_default=sa.text("'{}'::jsonb"), default=dict
    )
    created_at: Mapped[dt.datetime] = created_at_column()


class StudioState(Base):
    """The projection of a session's studio events: what the room shows right now."""

    __tablename__ = "studio_state"
    __table_args__ = (
        sa.CheckConstraint("page_no >= 1", name="page_no_positive"),
        sa.CheckConstraint("char_length(banner) <= 280", name="banner_length"),
        sa.CheckConstraint("as_of_seq >= 0", name="as_of_seq_nonnegative"),
    )

    session_id: Mapped[uuid.UUID] = mapped_column(
        sa.ForeignKey("sessions.id", ondelete="CASCADE"), primary_key=True
    )
    active_scene_id: Mapped[uuid.UUID | None] = mapped_column(
        sa.ForeignKey("scenes.id", ondelete="SET NULL")
    )
    deck_asset_id: Mapped[uuid.UUID | None] = mapped_column(
        sa.ForeignKey("assets.id", ondelete="SET NULL")
    )
    page_no: Mapped[int | None]
    banner: Mapped[str | None] = mapped_column(sa.Text)
    stage: Mapped[list[uuid.UUID]] = mapped_column(
        ARRAY(sa.Uuid), server_default=sa.text("'{}'::uuid[]"), default=list
    )
    """The users on stage, in stage order."""
    as_of_seq: Mapped[int] = mapped_column(sa.BigInteger, server_default=sa.text("0"), default=0)
