"""The studio's projection: `scenes`, `studio_state` and the stage columns of `participants`.

Reads `studio.*`, `stage.*` and `hand.*` events:

- `session.scheduled` brings the default scenes (ids derived from the session id);
- `studio.scene_created` / `_updated` / `_deleted` keep the `scenes` rows (a scene's
  `created_at` is its event's time, so a rebuild writes the same row);
- `studio.scene_activated`, `deck_attached`, `slide_changed` and `banner_set` set the
  session's `studio_state` row, created by the first studio or stage event;
- `stage.invited` / `stage.left` set `participants.on_stage` and the stage order in
  `studio_state.stage`; `hand.raised` / `hand.lowered` set `participants.hand_raised_at`.

`studio_state.as_of_seq` is the seq of the last event that changed the row.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from multistream.eventlog.projections import Projection
from multistream.eventlog.schemas import EventEnvelope
from multistream.sessions.models import Participant
from multistream.studio import domain
from multistream.studio.models import Asset, Scene, SceneLayout, StudioState


def reset(db: Session, session_id: uuid.UUID) -> None:
    db.execute(sa.delete(StudioState).where(StudioState.session_id == session_id))
    db.execute(sa.delete(Scene).where(Scene.session_id == session_id))
    db.execute(
        sa.update(Participant)
        .where(Participant.session_id == session_id)
        .values(on_stage=False, hand_raised_at=None)
    )


def _state(db: Session, event: EventEnvelope) -> StudioState:
    state = db.get(StudioState, event.session_id)
    if state is None:
        state = StudioState(session_id=event.session_id, stage=[])
        db.add(state)
    state.as_of_seq = event.seq
    return state


def _participant(db: Session, event: EventEnvelope) -> Participant | None:
    return db.get(Participant, (event.session_id, uuid.UUID(event.payload["user_id"])))


def _write_scene(db: Session, event: EventEnvelope, scene: dict[str, Any]) -> None:
    row = db.get(Scene, uuid.UUID(scene["id"]))
    if row is None:
        row = Scene(id=uuid.UUID(scene["id"]), session_id=event.session_id)
        row.created_at = event.occurred_at
        db.add(row)
    row.name = scene["name"]
    row.layout = SceneLayout(scene["layout"])
    row.position = scene["position"]
    row.config = scene["config"]


def _apply_studio(db: Session, event: EventEnvelope) -> None:
    payload = event.payload
    state = _state(db, event)
    kind = event.type.removeprefix("studio.")
    if kind in ("scene_created", "scene_updated"):
        _write_scene(db, event, payload["scene"])
    elif kind == "scene_deleted":
        scene_id = uuid.UUID(payload["scene_id"])
        if state.active_scene_id == scene_id:
            state.active_scene_id = None
        db.flush()  # the state stops pointing at the scene before the scene goes
        row = db.get(Scene, scene_id)
        if row is not None:
            db.delete(row)
    elif kind == "scene_activated":
        state.active_scene_id = uuid.UUID(payload["scene_id"])
    elif kind in ("deck_attached", "slide_changed"):
        asset_id = uuid.UUID(payload["asset_id"])
        # An asset deleted since keeps its place in the log, not in the state.
        state.deck_asset_id = asset_id if db.get(Asset, asset_id) is not None else None
        state.page_no = payload["page_no"]
    elif kind == "banner_set":
        state.banner = payload["text"]


def _apply_stage(db: Session, event: EventEnvelope) -> None:
    state = _state(db, event)
    user_id = uuid.UUID(event.payload["user_id"])
    participant = _participant(db, event)
    if event.type == "stage.invited":
        if user_id not in state.stage:
            state.stage = [*state.stage, user_id]
        if participant is not None:
            participant.on_stage = True
    elif event.type == "stage.left":
        state.stage = [on for on in state.stage if on != user_id]
        if participant is not None:
            participant.on_stage = False


def _apply_hand(db: Session, event: EventEnvelope) -> None:
    participant = _participant(db, event)
    if participant is None:
        return
    if event.type == "hand.raised":
        participant.hand_raised_at = dt.datetime.fromisoformat(event.payload["raised_at"])
    elif event.type == "hand.lowered":
        participant.hand_raised_at = None


def default_scene_id(session_id: uuid.UUID, position: int) -> uuid.UUID:
    """The id of a class's default scene: the same on every rebuild of its log."""
    return uuid.uuid5(session_id, f"default-scene-{position}")


def _apply_scheduled(db: Session, event: EventEnvelope) -> None:
    """A class is scheduled with the default scenes (`domain.DEFAULT_SCENES`)."""
    for position, (name, layout) in enumerate(domain.DEFAULT_SCENES):
        scene = {
            "id": str(default_scene_id(event.session_id, position)),
            "session_id": str(event.session_id),
            "name": name,
            "layout": layout,
            "position": position,
            "config": {},
        }
        _write_scene(db, event, scene)


def apply(db: Session, event: EventEnvelope) -> None:
    if event.type == "session.scheduled":
        _apply_scheduled(db, event)
    elif event.type.startswith("studio."):
        _apply_studio(db, event)
    elif event.type.startswith("stage."):
        _apply_stage(db, event)
    elif event.type.startswith("hand."):
        _apply_hand(db, event)
    db.flush()


PROJECTION = Projection(
    name="studio",
    prefixes=("session.scheduled", "studio.", "stage.", "hand."),
    reset=reset,
    apply=apply,
)
