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

from multistream.db.base import Base
from multistream.db.columns import (
    BigIntOrNull,
    Count,
    CourseRef,
    CreatedAt,
    Id,
    JsonObject,
    Ordinal,
    SessionKey,
    SessionRef,
    Text,
    TextOrNull,
    UserRefOrNull,
    one_of,
    parent_key,
    ref_or_null,
    state,
)


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
        one_of("kind", AssetKind),
        one_of("status", AssetStatus),
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

    id: Mapped[Id]
    course_id: Mapped[CourseRef] = mapped_column(index=True)
    owner_id: Mapped[UserRefOrNull]
    """Who uploaded the asset."""
    kind: Mapped[AssetKind] = state(AssetKind)
    filename: Mapped[Text]
    mime: Mapped[TextOrNull]
    """Sniffed from the content; null until the upload has been inspected."""
    size_bytes: Mapped[BigIntOrNull]
    sha256: Mapped[TextOrNull]
    storage_key: Mapped[Text]
    status: Mapped[AssetStatus] = state(AssetStatus, AssetStatus.uploading)
    page_count: Mapped[int | None]
    pages_rendered: Mapped[Count]
    """Pages rendered so far while the asset is `processing`: the upload's progress."""
    error: Mapped[TextOrNull]
    created_at: Mapped[CreatedAt]


class SlidePage(Base):
    """One rendered page of a slide deck (or paged document)."""

    __tablename__ = "slide_pages"
    __table_args__ = (
        sa.CheckConstraint("page_no >= 1", name="page_no_positive"),
        sa.CheckConstraint("width > 0 AND height > 0", name="dimensions_positive"),
    )

    asset_id: Mapped[uuid.UUID] = parent_key("assets")
    page_no: Mapped[Ordinal]
    image_key: Mapped[Text]
    thumb_key: Mapped[Text]
    width: Mapped[int]
    height: Mapped[int]
    text: Mapped[str] = mapped_column(sa.Text, server_default="", default="")
    title: Mapped[TextOrNull]


class Scene(Base):
    __tablename__ = "scenes"
    __table_args__ = (
        sa.CheckConstraint(r"name ~ '\S' AND char_length(name) <= 80", name="name_length"),
        one_of("layout", SceneLayout),
        sa.CheckConstraint("position >= 0", name="position_nonnegative"),
        sa.CheckConstraint("jsonb_typeof(config) = 'object'", name="config_object"),
        sa.UniqueConstraint("session_id", "position", deferrable=True, initially="DEFERRED"),
    )

    id: Mapped[Id]
    session_id: Mapped[SessionRef]
    name: Mapped[Text]
    layout: Mapped[SceneLayout] = state(SceneLayout)
    position: Mapped[int]
    config: Mapped[JsonObject]
    created_at: Mapped[CreatedAt]


class StudioState(Base):
    """The projection of a session's studio events: what the room shows right now."""

    __tablename__ = "studio_state"
    __table_args__ = (
        sa.CheckConstraint("page_no >= 1", name="page_no_positive"),
        sa.CheckConstraint("char_length(banner) <= 280", name="banner_length"),
        sa.CheckConstraint("as_of_seq >= 0", name="as_of_seq_nonnegative"),
    )

    session_id: Mapped[SessionKey]
    active_scene_id: Mapped[uuid.UUID | None] = ref_or_null("scenes")
    deck_asset_id: Mapped[uuid.UUID | None] = ref_or_null("assets")
    page_no: Mapped[int | None]
    banner: Mapped[TextOrNull]
    stage: Mapped[list[uuid.UUID]] = mapped_column(
        ARRAY(sa.Uuid), server_default=sa.text("'{}'::uuid[]"), default=list
    )
    """The users on stage, in stage order."""
    as_of_seq: Mapped[int] = mapped_column(sa.BigInteger, server_default=sa.text("0"), default=0)
