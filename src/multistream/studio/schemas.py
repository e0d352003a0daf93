"""Request and response bodies of the studio: assets and slide pages, scenes, the studio
state, the stage and the hand queue."""

from __future__ import annotations

import datetime as dt
import json
import uuid
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator

from multistream.eventlog.catalog import Events
from multistream.eventlog.schemas import EventPayload
from multistream.studio.models import AssetKind, AssetStatus, SceneLayout

EVENTS = Events()
"""This area's event types, declared over their payload models below."""

# --- assets


class SlidePageRead(BaseModel):
    """A rendered page of a slide deck. Its URLs are presigned and expire within minutes:
    fetch the asset again when an image fails to load."""

    page_no: int
    width: int
    height: int
    title: str | None
    """The page's first line in its largest font, if it has text."""
    image_url: str
    thumb_url: str


class AssetRead(BaseModel):
    """An uploaded slide deck or image of a course.

    A deck goes `processing` → `ready` (or `failed` with `error`) while a worker renders
    it; `pages_rendered` of `page_count` is its progress. Images are `ready` at once.
    """

    id: uuid.UUID
    course_id: uuid.UUID
    kind: AssetKind
    filename: str
    """The uploader's file name, for display only."""
    mime: str | None
    """Sniffed from the bytes, not taken from the browser."""
    size_bytes: int | None
    sha256: str | None
    status: AssetStatus
    page_count: int | None
    """Known once the worker has opened the deck; null for images."""
    pages_rendered: int
    error: str | None
    """Why the asset failed: a sentence for the uploader."""
    created_at: dt.datetime
    url: str | None
    """Presigned download of an image (expires within minutes); null for decks."""
    pages: list[SlidePageRead]
    """The rendered pages of a ready deck, in order; empty otherwise."""


class AssetList(BaseModel):
    items: list[AssetRead]
    """Newest first."""


UploadKind = Literal["slide_deck", "image"]


# --- scenes and studio

SceneName = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=80)]
SCENE_CONFIG_MAX_CHARS = 4000


def _small_config(config: dict[str, Any] | None) -> dict[str, Any] | None:
    if config is not None and len(json.dumps(config)) > SCENE_CONFIG_MAX_CHARS:
        raise ValueError(f"config must be at most {SCENE_CONFIG_MAX_CHARS} characters of JSON")
    return config


class SceneRead(BaseModel):
    """A scene of a session: a named layout the host switches to."""

    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    session_id: uuid.UUID
    name: str
    layout: SceneLayout
    position: int
    """0-based place in the scene switcher; positions of a session are 0..n-1."""
    config: dict[str, Any]


class SceneList(BaseModel):
    items: list[SceneRead]


class SceneCreate(BaseModel):
    name: SceneName
    layout: SceneLayout
    config: dict[str, Any] = Field(default_factory=dict)

    _config_size = field_validator("config")(_small_config)


class SceneUpdate(BaseModel):
    """Only the fields given change; `position` moves the scene and shifts the others."""

    name: SceneName | None = None
    layout: SceneLayout | None = None
    config: dict[str, Any] | None = None
    position: Annotated[int, Field(ge=0)] | None = None

    _config_size = field_validator("config")(_small_config)


class SceneActivate(BaseModel):
    scene_id: uuid.UUID


class DeckAttach(BaseModel):
    asset_id: uuid.UUID


class SlideChange(BaseModel):
    page_no: Annotated[int, Field(ge=1)]


BANNER_MAX_CHARS = 280
BannerText = Annotated[str, StringConstraints(strip_whitespace=True, max_length=BANNER_MAX_CHARS)]


class BannerSet(BaseModel):
    text: BannerText | None
    """Shown over the stage; null or empty (after trimming) takes the banner down."""

    @field_validator("text")
    @classmethod
    def _empty_is_none(cls, text: str | None) -> str | None:
        return text or None


class DeckRead(BaseModel):
    asset_id: uuid.UUID
    filename: str
    page_count: int


class StudioSnapshot(BaseModel):
    """What the room shows now: the active scene, the deck and its page, the banner and
    who is on stage. No active scene means the classroom shows the camera."""

    active_scene_id: uuid.UUID | None
    active_layout: SceneLayout | None
    scenes: list[SceneRead]
    deck: DeckRead | None
    page_no: int | None
    banner: str | None
    stage: list[uuid.UUID]
    """The users on stage, in the order they were brought on."""


class ParticipantRead(BaseModel):
    user_id: uuid.UUID
    display_name: str
    role: Literal["host", "moderator", "participant"]
    on_stage: bool
    hand_raised_at: dt.datetime | None


class ParticipantList(BaseModel):
    """Hands up first (in raise order), then the stage (in stage order), then the others
    by name."""

    items: list[ParticipantRead]


class HandRead(BaseModel):
    user_id: uuid.UUID
    display_name: str
    raised_at: dt.datetime


# --- event payloads: dicts the rules build, field for field (`eventlog.catalog` checks them)


@EVENTS.declare("studio.scene_created", "A scene was added to the switcher.")
@EVENTS.declare(
    "studio.scene_updated",
    "A scene was edited or moved; every scene whose position changed gets its own.",
)
class StudioSceneChanged(EventPayload):
    """Payload of `studio.scene_created` and `studio.scene_updated`: the whole scene."""

    scene: SceneRead


@EVENTS.declare("studio.scene_deleted", "A scene was deleted.")
class StudioSceneDeleted(EventPayload):
    scene_id: uuid.UUID


@EVENTS.declare("studio.scene_activated", "The host switched scenes.")
class StudioSceneActivated(EventPayload):
    scene_id: uuid.UUID
    layout: SceneLayout


@EVENTS.declare("studio.deck_attached", "A slide deck was attached, showing its first page.")
class StudioDeckAttached(EventPayload):
    """Payload of `studio.deck_attached`: the deck, shown from its first page."""

    asset_id: uuid.UUID
    filename: str
    page_count: int
    page_no: int
    title: str | None
    """The page's title, if it has text."""


@EVENTS.declare("studio.slide_changed", "The deck moved to another page.")
class StudioSlideChanged(EventPayload):
    asset_id: uuid.UUID
    page_no: int
    title: str | None


@EVENTS.declare("studio.banner_set", "The banner over the stage was set, or taken down (null).")
class StudioBannerSet(EventPayload):
    """Payload of `studio.banner_set`: the trimmed text; null takes the banner down."""

    text: str | None


@EVENTS.declare("stage.invited", "Staff brought a participant on stage: they may publish.")
@EVENTS.declare(
    "stage.joined",
    "A participant on stage published a track (LiveKit reported it): they are on air.",
)
class StagePerson(EventPayload):
    """Payload of `stage.invited` and `stage.joined`."""

    user_id: uuid.UUID
    display_name: str


@EVENTS.declare("stage.left", "Staff took a participant off the stage.")
class StageLeft(EventPayload):
    """Payload of `stage.left`: `by` is the staff member who took them off."""

    user_id: uuid.UUID
    by: uuid.UUID


@EVENTS.declare("hand.raised", "A participant raised their hand.")
class HandRaised(EventPayload):
    user_id: uuid.UUID
    display_name: str
    raised_at: dt.datetime


@EVENTS.declare(
    "hand.lowered",
    "A hand came down: lowered by its owner, or by staff bringing the person on stage.",
)
class HandLowered(EventPayload):
    """Payload of `hand.lowered`: by its owner, or by staff (bringing them on stage)."""

    user_id: uuid.UUID
    by: uuid.UUID
