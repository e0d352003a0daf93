"""Scenes and studio control: create, edit, reorder and delete scenes; activate a scene,
attach a deck, change slides and set the banner.

Each command locks the class's log, loads the facts, lets `studio.domain` decide the
events and records them (`eventlog.service.record`: appended, applied to every projection,
published after the commit). The lock is the one `record` takes anyway: taking it before
deciding makes concurrent commands on one class queue up, so two scenes never get the
same position.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence

import sqlalchemy as sa
from sqlalchemy.orm import Session

from multistream.db.base import new_id
from multistream.errors import NotFound
from multistream.eventlog import service as eventlog
from multistream.eventlog.domain import NewEvent, Viewer
from multistream.sessions.act import Act
from multistream.sessions.models import LiveSession
from multistream.studio import domain
from multistream.studio.models import (
    Asset,
    Scene,
    SlidePage,
    StudioState,
)
from multistream.studio.schemas import (
    DeckRead,
    SceneCreate,
    SceneList,
    SceneRead,
    SceneUpdate,
    StudioSnapshot,
)

# --- reading ---------------------------------------------------------------------------------


def _scenes(db: Session, session_id: uuid.UUID) -> list[SceneRead]:
    rows = db.scalars(
        sa.select(Scene).where(Scene.session_id == session_id).order_by(Scene.position, Scene.id)
    ).all()
    return [SceneRead.model_validate(session) for session in rows]


def list_scenes(db: Session, *, session: LiveSession) -> SceneList:
    return SceneList(items=_scenes(db, session.id))


def for_state(db: Session, *, session: LiveSession, viewer: Viewer) -> StudioSnapshot:
    """The studio part of the state snapshot (the same for every viewer)."""
    return snapshot(db, session_id=session.id)


def snapshot(db: Session, *, session_id: uuid.UUID) -> StudioSnapshot:
    """The studio as the projection holds it now (empty before the first studio event)."""
    scenes = _scenes(db, session_id)
    state = db.get(StudioState, session_id)
    if state is None:
        state = StudioState(session_id=session_id, stage=[])
    active = next((scene for scene in scenes if scene.id == state.active_scene_id), None)
    asset = db.get(Asset, state.deck_asset_id) if state.deck_asset_id else None
    deck = (
        DeckRead(asset_id=asset.id, filename=asset.filename, page_count=asset.page_count or 0)
        if asset is not None
        else None
    )
    return StudioSnapshot(
        active_scene_id=active.id if active else None,
        active_layout=active.layout if active else None,
        scenes=scenes,
        deck=deck,
        page_no=state.page_no if deck else None,
        banner=state.banner,
        stage=list(state.stage),
    )


def _scene(scenes: Sequence[SceneRead], scene_id: uuid.UUID) -> SceneRead:
    for scene in scenes:
        if scene.id == scene_id:
            return scene
    raise NotFound("This scene")


# --- scenes ----------------------------------------------------------------------------------


def create_scene(db: Session, *, act: Act, data: SceneCreate) -> SceneRead:
    session = act.session
    eventlog.lock(db, session_id=session.id)
    domain.require_open(session.status, "get new scenes")
    new = SceneRead(id=new_id(), session_id=session.id, position=0, **data.model_dump())
    events = domain.decide_create(_scenes(db, session.id), new)
    act.record(db, events)
    return SceneRead.model_validate(events[0].payload["scene"])


def update_scene(db: Session, *, act: Act, scene_id: uuid.UUID, data: SceneUpdate) -> SceneRead:
    session = act.session
    eventlog.lock(db, session_id=session.id)
    scenes = _scenes(db, session.id)
    _scene(scenes, scene_id)
    changes = data.model_dump(exclude_unset=True, exclude_none=True)
    domain.require_open(session.status, "change its scenes")
    act.record(db, domain.decide_update(scenes, scene_id, changes))
    return _scene(_scenes(db, session.id), scene_id)


def delete_scene(db: Session, *, act: Act, scene_id: uuid.UUID) -> None:
    session = act.session
    eventlog.lock(db, session_id=session.id)
    scenes = _scenes(db, session.id)
    _scene(scenes, scene_id)
    domain.require_open(session.status, "change its scenes")
    act.record(db, domain.decide_delete(scenes, scene_id))


# --- studio control --------------------------------------------------------------------------


def _control(db: Session, act: Act, doing: str, events: Sequence[NewEvent]) -> StudioSnapshot:
    domain.require_open(act.session.status, doing)
    act.record(db, events)
    return snapshot(db, session_id=act.session.id)


def activate_scene(db: Session, *, act: Act, scene_id: uuid.UUID) -> StudioSnapshot:
    eventlog.lock(db, session_id=act.session.id)
    scene = _scene(_scenes(db, act.session.id), scene_id)
    event = NewEvent(
        "studio.scene_activated", {"scene_id": str(scene.id), "layout": scene.layout.value}
    )
    return _control(db, act, "switch scenes", [event])


def _title(db: Session, asset_id: uuid.UUID, page_no: int) -> str | None:
    page = db.get(SlidePage, (asset_id, page_no))
    return page.title if page is not None else None


def attach_deck(db: Session, *, act: Act, asset_id: uuid.UUID) -> StudioSnapshot:
    eventlog.lock(db, session_id=act.session.id)
    asset = db.get(Asset, asset_id)
    if asset is None or asset.course_id != act.session.course_id:
        raise NotFound("This deck")
    domain.require_deck(asset.filename, asset.kind, asset.status, asset.page_count)
    payload = {
        "asset_id": str(asset.id),
        "filename": asset.filename,
        "page_count": asset.page_count,
        "page_no": 1,
        "title": _title(db, asset.id, 1),
    }
    event = NewEvent("studio.deck_attached", payload)
    return _control(db, act, "attach a deck", [event])


def change_slide(db: Session, *, act: Act, page_no: int) -> StudioSnapshot:
    eventlog.lock(db, session_id=act.session.id)
    state = db.get(StudioState, act.session.id)
    asset = db.get(Asset, state.deck_asset_id) if state and state.deck_asset_id else None
    deck = domain.Deck(asset.id, asset.page_count or 0) if asset is not None else None
    title = _title(db, asset.id, page_no) if asset is not None else None
    domain.require_open(act.session.status, "change slides")
    events = domain.decide_slide(deck, page_no, title)
    return _control(db, act, "change slides", events)


def set_banner(db: Session, *, act: Act, text: str | None) -> StudioSnapshot:
    eventlog.lock(db, session_id=act.session.id)
    event = NewEvent("studio.banner_set", {"text": text})
    return _control(db, act, "show a banner", [event])
