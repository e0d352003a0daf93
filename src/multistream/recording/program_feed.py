"""What the class shows, told to a recorder's capture engine: the scene's layout, the slide
on screen and who is on stage — first as the studio's state when a stint starts (it holds
from the class's start), then change by change from the class's log, each at the moment it
happened (`recording.program_timeline` places them)."""

from __future__ import annotations

import datetime as dt
import uuid

import sqlalchemy as sa
from sqlalchemy.orm import Session

from multistream.auth.models import User
from multistream.eventlog.models import SessionEvent
from multistream.recording.engine import CaptureEngine, StagePerson
from multistream.sessions.models import LiveSession, SessionStatus
from multistream.studio.models import Scene, StudioState

PROGRAM_TYPES = (
    "studio.scene_activated",
    "studio.deck_attached",
    "studio.slide_changed",
    "stage.invited",
    "stage.left",
)

Stage = dict[str, str]
"""Who is on stage: user id → display name."""


def snapshot(db: Session, *, session_id: uuid.UUID, engine: CaptureEngine) -> tuple[int, Stage]:
    """What the class shows now, as the state the stint starts from (it holds from
    before the stint's first frame); the log's seq it is as of, and who is on stage."""
    row = db.get(LiveSession, session_id)
    assert row is not None
    studio = db.get(StudioState, session_id)
    since = row.started_at or dt.datetime.now(dt.UTC)
    people: Stage = {}
    if studio is not None:
        layout = None
        if studio.active_scene_id is not None:
            scene = db.get(Scene, studio.active_scene_id)
            layout = scene.layout.value if scene is not None else None
        engine.set_scene(since, layout)
        engine.set_slide(
            since, str(studio.deck_asset_id) if studio.deck_asset_id else None, studio.page_no
        )
        if studio.stage:
            names = dict(
                db.execute(
                    sa.select(User.id, User.display_name).where(User.id.in_(studio.stage))
                ).all()
            )
            people = {str(user_id): names.get(user_id, "") for user_id in studio.stage}
            engine.set_stage(since, [StagePerson(k, v) for k, v in people.items()])
    return row.last_seq, people


def follow(
    db: Session, *, session_id: uuid.UUID, engine: CaptureEngine, after: int, people: Stage
) -> tuple[int, bool]:
    """Tell the engine the changes logged after seq `after` (`people` is kept up to date);
    the seq read up to, and whether the class is still live."""
    row = db.get(LiveSession, session_id)
    if row is None:
        return after, False
    events = db.scalars(
        sa.select(SessionEvent)
        .where(
            SessionEvent.session_id == session_id,
            SessionEvent.seq > after,
            SessionEvent.type.in_(PROGRAM_TYPES),
        )
        .order_by(SessionEvent.seq)
    ).all()
    for event in events:
        payload, at = event.payload, event.occurred_at
        if event.type == "studio.scene_activated":
            layout = payload.get("layout")
            engine.set_scene(at, str(layout) if layout else None)
        elif event.type in ("studio.deck_attached", "studio.slide_changed"):
            engine.set_slide(at, str(payload["asset_id"]), int(payload["page_no"]))
        elif event.type == "stage.invited":
            people[str(payload["user_id"])] = str(payload.get("display_name") or "")
            engine.set_stage(at, [StagePerson(k, v) for k, v in people.items()])
        elif event.type == "stage.left":
            people.pop(str(payload["user_id"]), None)
            engine.set_stage(at, [StagePerson(k, v) for k, v in people.items()])
    return max(row.last_seq, after), row.status is SessionStatus.live
