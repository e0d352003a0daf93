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

from multistream.auth.models import User
from multistream.db.base import new_id
from multistream.eventlog import service as eventlog
from multistream.eventlog.domain import NewEvent
from multistream.problems import Problem, not_found
from multistream.sessions.models import LiveSession
from multistream.studio import domain
from multistream.studio.models import (
    Asset,
    AssetKind,
    AssetStatus,
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

_STATUS = {
    domain.Reason.class_closed: (409, "invalid-transition", "Not possible now"),
    domain.Reason.no_deck: (409, "no-deck", "No deck attached"),
    domain.Reason.staff_on_stage: (409, "staff-on-stage", "Already publishing"),
}
_FIELD = {
    domain.Reason.page_out_of_range: "page_no",
    domain.Reason.position_out_of_range: "position",
}


def refusal(error: domain.Refused) -> Problem:
    """The problem a client gets for a refused studio or stage command."""
    if error.reason in _FIELD:
        field = _FIELD[error.reason]
        return Problem(
            422,
            "validation",
            "Invalid request",
            error.detail,
            errors=[{"field": field, "location": "body", "message": error.detail}],
        )
    status, slug, title = _STATUS[error.reason]
    return Problem(status, slug, title, error.detail, **error.facts)


def lock(db: Session, row: LiveSession) -> LiveSession:
    """Take the class's log lock and re-read its status under it."""
    eventlog.lock(db, session_id=row.id)
    return row


def record(
    db: Session,
    row: LiveSession,
    events: Sequence[NewEvent],
    *,
    actor: User | None,
    idempotency_key: str | None = None,
) -> None:
    eventlog.record(
        db,
        session_id=row.id,
        events=events,
        actor_id=actor.id if actor else None,
        idempotency_key=idempotency_key,
    )


# --- reading ---------------------------------------------------------------------------------


def _scenes(db: Session, session_id: uuid.UUID) -> list[SceneRead]:
    rows = db.scalars(
        sa.select(Scene).where(Scene.session_id == session_id).order_by(Scene.position, Scene.id)
    ).all()
    return [SceneRead.model_validate(row) for row in rows]


def list_scenes(db: Session, *, session_id: uuid.UUID) -> SceneList:
    return SceneList(items=_scenes(db, session_id))


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
    raise not_found("This scene")


# --- scenes ----------------------------------------------------------------------------------


def create_scene(
    db: Session,
    *,
    row: LiveSession,
    actor: User,
    data: SceneCreate,
    idempotency_key: str | None = None,
) -> SceneRead:
    lock(db, row)
    try:
        domain.require_open(row.status, "get new scenes")
    except domain.Refused as error:
        raise refusal(error) from error
    new = SceneRead(id=new_id(), session_id=row.id, position=0, **data.model_dump())
    events = domain.decide_create(_scenes(db, row.id), new)
    record(db, row, events, actor=actor, idempotency_key=idempotency_key)
    return SceneRead.model_validate(events[0].payload["scene"])


def update_scene(
    db: Session, *, row: LiveSession, actor: User, scene_id: uuid.UUID, data: SceneUpdate
) -> SceneRead:
    lock(db, row)
    scenes = _scenes(db, row.id)
    _scene(scenes, scene_id)
    changes = data.model_dump(exclude_unset=True, exclude_none=True)
    try:
        domain.require_open(row.status, "change its scenes")
        events = domain.decide_update(scenes, scene_id, changes)
    except domain.Refused as error:
        raise refusal(error) from error
    record(db, row, events, actor=actor)
    return _scene(_scenes(db, row.id), scene_id)


def delete_scene(db: Session, *, row: LiveSession, actor: User, scene_id: uuid.UUID) -> None:
    lock(db, row)
    scenes = _scenes(db, row.id)
    _scene(scenes, scene_id)
    try:
        domain.require_open(row.status, "change its scenes")
    except domain.Refused as error:
        raise refusal(error) from error
    record(db, row, domain.decide_delete(scenes, scene_id), actor=actor)


# --- studio control --------------------------------------------------------------------------


def _control(
    db: Session,
    row: LiveSession,
    actor: User,
    doing: str,
    events: Sequence[NewEvent],
    idempotency_key: str | None,
) -> StudioSnapshot:
    try:
        domain.require_open(row.status, doing)
    except domain.Refused as error:
        raise refusal(error) from error
    record(db, row, events, actor=actor, idempotency_key=idempotency_key)
    return snapshot(db, session_id=row.id)


def activate_scene(
    db: Session,
    *,
    row: LiveSession,
    actor: User,
    scene_id: uuid.UUID,
    idempotency_key: str | None = None,
) -> StudioSnapshot:
    lock(db, row)
    scene = _scene(_scenes(db, row.id), scene_id)
    event = NewEvent(
        "studio.scene_activated", {"scene_id": str(scene.id), "layout": scene.layout.value}
    )
    return _control(db, row, actor, "switch scenes", [event], idempotency_key)


def _title(db: Session, asset_id: uuid.UUID, page_no: int) -> str | None:
    page = db.get(SlidePage, (asset_id, page_no))
    return page.title if page is not None else None


def attach_deck(
    db: Session,
    *,
    row: LiveSession,
    actor: User,
    asset_id: uuid.UUID,
    idempotency_key: str | None = None,
) -> StudioSnapshot:
    lock(db, row)
    asset = db.get(Asset, asset_id)
    if asset is None or asset.course_id != row.course_id:
        raise not_found("This deck")
    if asset.kind is not AssetKind.slide_deck:
        raise Problem(
            422,
            "not-a-deck",
            "Not a slide deck",
            f"{asset.filename} is an {asset.kind.value}, not a slide deck; upload a PDF.",
        )
    if asset.status is not AssetStatus.ready or not asset.page_count:
        raise Problem(
            409,
            "deck-not-ready",
            "Deck not ready",
            f"{asset.filename} is {asset.status.value}; attach it once it is ready.",
            asset_status=asset.status.value,
        )
    payload = {
        "asset_id": str(asset.id),
        "filename": asset.filename,
        "page_count": asset.page_count,
        "page_no": 1,
        "title": _title(db, asset.id, 1),
    }
    event = NewEvent("studio.deck_attached", payload)
    return _control(db, row, actor, "attach a deck", [event], idempotency_key)


def change_slide(
    db: Session,
    *,
    row: LiveSession,
    actor: User,
    page_no: int,
    idempotency_key: str | None = None,
) -> StudioSnapshot:
    lock(db, row)
    state = db.get(StudioState, row.id)
    asset = db.get(Asset, state.deck_asset_id) if state and state.deck_asset_id else None
    deck = domain.Deck(asset.id, asset.page_count or 0) if asset is not None else None
    title = _title(db, asset.id, page_no) if asset is not None else None
    try:
        domain.require_open(row.status, "change slides")
        events = domain.decide_slide(deck, page_no, title)
    except domain.Refused as error:
        raise refusal(error) from error
    return _control(db, row, actor, "change slides", events, idempotency_key)


def set_banner(
    db: Session,
    *,
    row: LiveSession,
    actor: User,
    text: str | None,
    idempotency_key: str | None = None,
) -> StudioSnapshot:
    lock(db, row)
    event = NewEvent("studio.banner_set", {"text": text})
    return _control(db, row, actor, "show a banner", [event], idempotency_key)
