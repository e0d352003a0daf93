"""Pure rules of the studio: which events a scene, studio, stage or hand command makes.

Nothing here reads or writes the database: `studio.service` and `studio.stage` load the
facts, call a `decide_*` function and record what it returns. A command that is not
possible raises a domain error (`Refused` names why); `studio.routes` reads it as a problem.

Scene positions of a session are kept 0..n-1 in switcher order. Moving or deleting a
scene shifts the others, and every scene whose position changes gets its own
`studio.scene_updated` event, so a client (or the projection) only ever replaces scenes.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
import uuid
from collections.abc import Mapping, Sequence
from typing import Any

from multistream.errors import DomainError
from multistream.eventlog.domain import NewEvent
from multistream.sessions.models import ParticipantRole, SessionStatus
from multistream.studio.models import AssetKind, AssetStatus
from multistream.studio.schemas import SceneRead

OPEN = frozenset({SessionStatus.scheduled, SessionStatus.live})

DEFAULT_SCENES: tuple[tuple[str, str], ...] = (
    ("Camera", "camera"),
    ("Slides + camera", "slides_camera"),
    ("Slides", "slides"),
    ("Screen", "screen_camera"),
)
"""The scenes a newly scheduled class starts with (name, layout), in switcher order."""


class Reason(enum.StrEnum):
    """Why a command was refused; `studio.routes` reads each as a problem."""

    class_closed = "class_closed"
    """The class has ended or was canceled (or, for the stage, is not live)."""
    no_deck = "no_deck"
    page_out_of_range = "page_out_of_range"
    position_out_of_range = "position_out_of_range"
    staff_on_stage = "staff_on_stage"


class Refused(DomainError):
    def __init__(self, reason: Reason, detail: str, **facts: Any) -> None:
        super().__init__(detail, **facts)
        self.reason = reason


class NotADeck(DomainError):
    def __init__(self, filename: str, kind: AssetKind) -> None:
        super().__init__(f"{filename} is an {kind.value}, not a slide deck; upload a PDF.")


class DeckNotReady(DomainError):
    def __init__(self, filename: str, status: AssetStatus) -> None:
        super().__init__(
            f"{filename} is {status.value}; attach it once it is ready.",
            asset_status=status.value,
        )


def require_deck(
    filename: str, kind: AssetKind, status: AssetStatus, page_count: int | None
) -> None:
    """Only a slide deck whose pages are rendered can be attached."""
    if kind is not AssetKind.slide_deck:
        raise NotADeck(filename, kind)
    if status is not AssetStatus.ready or not page_count:
        raise DeckNotReady(filename, status)


def require_open(status: SessionStatus, doing: str) -> None:
    """Scenes and the studio are prepared before class and run during it."""
    if status not in OPEN:
        raise Refused(
            Reason.class_closed,
            f"This class is {status.value}, so it cannot {doing} any more.",
            status_now=status.value,
        )


def require_live(status: SessionStatus, doing: str) -> None:
    """The stage and the hand queue exist only while the class is live."""
    if status is not SessionStatus.live:
        raise Refused(
            Reason.class_closed,
            f"This class is {status.value}; it can {doing} only while it is live.",
            status_now=status.value,
        )


# --- scenes ----------------------------------------------------------------------------------


def _scene_event(scene: SceneRead, kind: str) -> NewEvent:
    return NewEvent(f"studio.scene_{kind}", {"scene": scene.model_dump(mode="json")})


def ordered(scenes: Sequence[SceneRead]) -> list[SceneRead]:
    return sorted(scenes, key=lambda scene: (scene.position, str(scene.id)))


def decide_create(scenes: Sequence[SceneRead], new: SceneRead) -> list[NewEvent]:
    """Append `new` at the end of the switcher (its position is replaced)."""
    position = max((scene.position for scene in scenes), default=-1) + 1
    return [_scene_event(new.model_copy(update={"position": position}), "created")]


def _renumbered(order: Sequence[SceneRead], but: uuid.UUID | None = None) -> list[SceneRead]:
    """Scenes (other than `but`) whose position differs from their index in `order`."""
    return [
        scene.model_copy(update={"position": index})
        for index, scene in enumerate(order)
        if scene.position != index and scene.id != but
    ]


def decide_update(
    scenes: Sequence[SceneRead], scene_id: uuid.UUID, changes: Mapping[str, Any]
) -> list[NewEvent]:
    """Edit a scene's name, layout or config, and move it to `changes["position"]`.

    The edited scene's event comes first, then one per scene shifted by the move. Nothing
    changed, nothing to log.
    """
    order = ordered(scenes)
    (scene,) = [s for s in order if s.id == scene_id]
    position = changes.get("position")
    if position is not None and not 0 <= position < len(order):
        raise Refused(
            Reason.position_out_of_range,
            f"Position must be between 0 and {len(order) - 1} (this class has {len(order)} "
            "scenes).",
        )
    edited = SceneRead.model_validate(
        {
            **scene.model_dump(),
            **{key: value for key, value in changes.items() if key != "position"},
        }
    )
    index = order.index(scene)
    order.remove(scene)
    order.insert(index if position is None else position, edited)
    edited = edited.model_copy(update={"position": order.index(edited)})
    events = [_scene_event(edited, "updated")] if edited != scene else []
    return events + [_scene_event(s, "updated") for s in _renumbered(order, but=scene_id)]


def decide_delete(scenes: Sequence[SceneRead], scene_id: uuid.UUID) -> list[NewEvent]:
    """Delete a scene; the ones after it move up."""
    order = [scene for scene in ordered(scenes) if scene.id != scene_id]
    deleted = NewEvent("studio.scene_deleted", {"scene_id": str(scene_id)})
    return [deleted] + [_scene_event(scene, "updated") for scene in _renumbered(order)]


# --- studio control --------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class Deck:
    asset_id: uuid.UUID
    page_count: int


def decide_slide(deck: Deck | None, page_no: int, title: str | None) -> list[NewEvent]:
    if deck is None:
        raise Refused(Reason.no_deck, "Attach a slide deck before changing slides.")
    if not 1 <= page_no <= deck.page_count:
        raise Refused(
            Reason.page_out_of_range,
            f"This deck has pages 1 to {deck.page_count}; there is no page {page_no}.",
        )
    payload = {"asset_id": str(deck.asset_id), "page_no": page_no, "title": title}
    return [NewEvent("studio.slide_changed", payload)]


# --- stage and hands -------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class Person:
    """A participant of the class as the stage sees them."""

    user_id: uuid.UUID
    display_name: str
    role: ParticipantRole
    on_stage: bool
    hand_raised_at: dt.datetime | None


def decide_raise_hand(person: Person, *, now: dt.datetime) -> list[NewEvent]:
    """Raise the person's hand; a raised hand stays where it is in the queue."""
    if person.hand_raised_at is not None:
        return []
    payload = {
        "user_id": str(person.user_id),
        "display_name": person.display_name,
        "raised_at": now.isoformat(),
    }
    return [NewEvent("hand.raised", payload)]


def decide_lower_hand(person: Person, *, by: uuid.UUID) -> list[NewEvent]:
    if person.hand_raised_at is None:
        return []
    return [NewEvent("hand.lowered", {"user_id": str(person.user_id), "by": str(by)})]


def decide_invite(person: Person, *, by: uuid.UUID) -> list[NewEvent]:
    """Bring a participant on stage (their raised hand comes down with it)."""
    if person.role is not ParticipantRole.participant:
        raise Refused(
            Reason.staff_on_stage,
            f"{person.display_name} is a {person.role.value} and can always publish; "
            "the stage is for participants.",
        )
    if person.on_stage:
        return []
    invited = NewEvent(
        "stage.invited", {"user_id": str(person.user_id), "display_name": person.display_name}
    )
    return [invited, *decide_lower_hand(person, by=by)]


def decide_stage_joined(person: Person, *, joined_since_invited: bool) -> list[NewEvent]:
    """A participant on stage published a track (LiveKit's `track_published`): they are on
    air, once per invitation."""
    if not person.on_stage or person.role is not ParticipantRole.participant:
        return []
    if joined_since_invited:
        return []
    return [
        NewEvent(
            "stage.joined", {"user_id": str(person.user_id), "display_name": person.display_name}
        )
    ]


def decide_remove(person: Person, *, by: uuid.UUID) -> list[NewEvent]:
    if not person.on_stage:
        return []
    return [NewEvent("stage.left", {"user_id": str(person.user_id), "by": str(by)})]
