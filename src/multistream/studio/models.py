"""Tables of the studio: uploaded assets, rendered slide pages, scenes and studio state.

An asset's `mime` is what the upload sniffed, not what the browser claimed; a CHECK ties it
to the asset's kind. Within a course an upload is deduplicated by its SHA-256 (failed
uploads excepted). Size and page limits come from settings and are checked by the upload
code: they change without a migration, so the database does not hold them.

`scenes.position` is unique per session under a deferred constraint, so reordering scenes
is a set of plain updates in one transaction.
"""

from __future__ import annotations

import enum
import uuid

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import Mapped, mapped_column

from multistream.db import columns
from multistream.db.base import Base

AssetKind = enum.StrEnum("AssetKind", "slide_deck image video document")

AssetStatus = enum.StrEnum("AssetStatus", "uploading processing ready failed")

SceneLayout = enum.StrEnum(
    "SceneLayout", "camera slides slides_camera screen screen_camera whiteboard"
)


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
        sa.CheckConstraint(
            r"filename ~ '\S' AND char_length(filename) <= 255 AND filename !~ '[/\\]'",
            name="filename_format",
        ),
        sa.CheckConstraint(MIME_MATCHES_KIND, name="mime_matches_kind"),
        sa.CheckConstraint(
            "pages_rendered >= 0 AND (page_count IS NULL OR pages_rendered <= page_count)",
            name="pages_rendered_range",
        ),
        sa.CheckConstraint("sha256 ~ '^[0-9a-f]{64}$'", name="sha256_format"),
        columns.status_has("failed", "error"),
        sa.CheckConstraint(
            "status <> 'ready'"
            " OR (sha256 IS NOT NULL AND size_bytes IS NOT NULL AND mime IS NOT NULL)",
            name="ready_complete",
        ),
        columns.unique_where(
            "uq_assets_course_id_sha256", "course_id", "sha256", where="status <> 'failed'"
        ),
    )

    id: Mapped[columns.Id]
    course_id: Mapped[columns.CourseRef] = mapped_column(index=True)
    owner_id: Mapped[columns.UserRefOrNull]
    """Who uploaded the asset."""
    kind: Mapped[AssetKind] = columns.state(AssetKind)
    filename: Mapped[columns.Text]
    mime: Mapped[columns.TextOrNull]
    """Sniffed from the content; null until the upload has been inspected."""
    size_bytes: Mapped[columns.BigIntOrNull] = columns.nonnegative()
    sha256: Mapped[columns.TextOrNull]
    storage_key: Mapped[columns.Text]
    status: Mapped[AssetStatus] = columns.state(AssetStatus, AssetStatus.uploading)
    page_count: Mapped[int | None] = columns.nonnegative()
    pages_rendered: Mapped[columns.Count]
    """Pages rendered so far while the asset is `processing`: the upload's progress."""
    error: Mapped[columns.TextOrNull]
    created_at: Mapped[columns.CreatedAt]


class SlidePage(Base):
    """One rendered page of a slide deck (or paged document)."""

    __tablename__ = "slide_pages"
    __table_args__ = (sa.CheckConstraint("width > 0 AND height > 0", name="dimensions_positive"),)

    asset_id: Mapped[uuid.UUID] = columns.parent_key("assets")
    page_no: Mapped[columns.Ordinal] = columns.positive()
    image_key: Mapped[columns.Text]
    thumb_key: Mapped[columns.Text]
    width: Mapped[int]
    height: Mapped[int]
    text: Mapped[str] = mapped_column(sa.Text, server_default="", default="")
    title: Mapped[columns.TextOrNull]


class Scene(Base):
    __tablename__ = "scenes"
    __table_args__ = (
        sa.CheckConstraint("jsonb_typeof(config) = 'object'", name="config_object"),
        sa.UniqueConstraint("session_id", "position", deferrable=True, initially="DEFERRED"),
    )

    id: Mapped[columns.Id]
    session_id: Mapped[columns.SessionRef]
    name: Mapped[str] = columns.text(80, nonblank=True)
    layout: Mapped[SceneLayout] = columns.state(SceneLayout)
    position: Mapped[int] = columns.nonnegative()
    config: Mapped[columns.JsonObject]
    created_at: Mapped[columns.CreatedAt]


class StudioState(Base):
    """The projection of a session's studio events: what the room shows right now."""

    __tablename__ = "studio_state"

    session_id: Mapped[columns.SessionKey]
    active_scene_id: Mapped[uuid.UUID | None] = columns.ref_or_null("scenes")
    deck_asset_id: Mapped[uuid.UUID | None] = columns.ref_or_null("assets")
    page_no: Mapped[int | None] = columns.positive()
    banner: Mapped[str | None] = columns.text(280)
    stage: Mapped[list[uuid.UUID]] = mapped_column(
        ARRAY(sa.Uuid), server_default=sa.text("'{}'::uuid[]"), default=list
    )
    """The users on stage, in stage order."""
    as_of_seq: Mapped[int] = columns.nonnegative(
        sa.BigInteger, server_default=sa.text("0"), default=0
    )
