"""The studio's pure rules: scene order, slides, the stage and the hand queue."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

import pytest

from multistream.eventlog.domain import NewEvent
from multistream.sessions.models import ParticipantRole, SessionStatus
from multistream.studio import domain
from multistream.studio.models import SceneLayout
from multistream.studio.schemas import SceneRead

SESSION = uuid.uuid4()


def scene(name: str, position: int, layout: SceneLayout = SceneLayout.camera) -> SceneRead:
    return SceneRead(
        id=uuid.uuid4(), session_id=SESSION, name=name, layout=layout, position=position, config={}
    )


@pytest.fixture
def scenes() -> list[SceneRead]:
    return [scene(name, position) for position, name in enumerate("ABCD")]


def changed(events: list[NewEvent]) -> list[tuple[str, str, int]]:
    """(type, scene name, position) of scene events."""
    return [
        (event.type, event.payload["scene"]["name"], event.payload["scene"]["position"])
        for event in events
    ]


def test_a_new_scene_goes_last(scenes: list[SceneRead]) -> None:
    (event,) = domain.decide_create(scenes, scene("E", 0))
    assert changed([event]) == [("studio.scene_created", "E", 4)]
    (first,) = domain.decide_create([], scene("A", 7))
    assert first.payload["scene"]["position"] == 0


@pytest.mark.parametrize(
    ("name", "to", "order"),
    [("D", 0, "DABC"), ("A", 3, "BCDA"), ("B", 2, "ACBD"), ("C", 2, "ABCD")],
)
def test_moving_a_scene_shifts_the_others(
    scenes: list[SceneRead], name: str, to: int, order: str
) -> None:
    moved = next(s for s in scenes if s.name == name)
    events = domain.decide_update(scenes, moved.id, {"position": to})
    final = {s.name: s.position for s in scenes}
    for _, scene_name, position in changed(events):
        final[scene_name] = position
    assert "".join(sorted(final, key=final.__getitem__)) == order
    assert sorted(final.values()) == [0, 1, 2, 3]
    # Only scenes whose position changed are logged, the moved one first.
    assert len(events) == sum(1 for s in scenes if final[s.name] != s.position)
    if events:
        assert events[0].payload["scene"]["name"] == name


def test_an_edit_without_a_move_is_one_event(scenes: list[SceneRead]) -> None:
    events = domain.decide_update(scenes, scenes[1].id, {"name": "Bee", "layout": "slides"})
    assert changed(events) == [("studio.scene_updated", "Bee", 1)]
    assert events[0].payload["scene"]["layout"] == "slides"
    assert domain.decide_update(scenes, scenes[1].id, {"name": "B"}) == []


def test_a_move_out_of_range_is_refused(scenes: list[SceneRead]) -> None:
    with pytest.raises(domain.Refused) as refused:
        domain.decide_update(scenes, scenes[0].id, {"position": 4})
    assert refused.value.reason is domain.Reason.position_out_of_range


def test_deleting_closes_the_gap(scenes: list[SceneRead]) -> None:
    events = domain.decide_delete(scenes, scenes[1].id)
    assert events[0] == NewEvent("studio.scene_deleted", {"scene_id": str(scenes[1].id)})
    assert changed(events[1:]) == [
        ("studio.scene_updated", "C", 1),
        ("studio.scene_updated", "D", 2),
    ]
    assert domain.decide_delete(scenes, scenes[3].id)[1:] == []


def test_slides_need_a_deck_and_a_page_in_it() -> None:
    deck = domain.Deck(asset_id=uuid.uuid4(), page_count=3)
    with pytest.raises(domain.Refused) as no_deck:
        domain.decide_slide(None, 1, None)
    assert no_deck.value.reason is domain.Reason.no_deck
    for page_no in (0, 4):
        with pytest.raises(domain.Refused) as out:
            domain.decide_slide(deck, page_no, None)
        assert out.value.reason is domain.Reason.page_out_of_range
    (event,) = domain.decide_slide(deck, 3, "Calvin cycle")
    assert event.payload == {"asset_id": str(deck.asset_id), "page_no": 3, "title": "Calvin cycle"}


def test_open_and_live_classes() -> None:
    domain.require_open(SessionStatus.scheduled, "x")
    domain.require_open(SessionStatus.live, "x")
    domain.require_live(SessionStatus.live, "x")
    for status in (SessionStatus.ended, SessionStatus.canceled):
        with pytest.raises(domain.Refused):
            domain.require_open(status, "x")
    with pytest.raises(domain.Refused) as refused:
        domain.require_live(SessionStatus.scheduled, "x")
    assert refused.value.facts == {"status_now": "scheduled"}


NOW = dt.datetime(2026, 12, 1, 9, 30, tzinfo=dt.UTC)
HOST = uuid.uuid4()


def person(**changes: Any) -> domain.Person:
    values: dict[str, Any] = {
        "user_id": uuid.uuid4(),
        "display_name": "Ada",
        "role": ParticipantRole.participant,
        "on_stage": False,
        "hand_raised_at": None,
    }
    return domain.Person(**{**values, **changes})


def test_a_hand_is_raised_once_and_lowered_once() -> None:
    ada = person()
    (raised,) = domain.decide_raise_hand(ada, now=NOW)
    assert raised.type == "hand.raised"
    assert raised.payload["raised_at"] == NOW.isoformat()
    up = person(user_id=ada.user_id, hand_raised_at=NOW)
    assert domain.decide_raise_hand(up, now=NOW + dt.timedelta(seconds=5)) == []
    (lowered,) = domain.decide_lower_hand(up, by=HOST)
    assert lowered.payload == {"user_id": str(ada.user_id), "by": str(HOST)}
    assert domain.decide_lower_hand(ada, by=HOST) == []


def test_coming_on_stage_lowers_the_hand() -> None:
    ada = person(hand_raised_at=NOW)
    assert [e.type for e in domain.decide_invite(ada, by=HOST)] == ["stage.invited", "hand.lowered"]
    assert [e.type for e in domain.decide_invite(person(), by=HOST)] == ["stage.invited"]
    assert domain.decide_invite(person(on_stage=True), by=HOST) == []


def test_staff_are_not_brought_on_stage() -> None:
    with pytest.raises(domain.Refused) as refused:
        domain.decide_invite(person(role=ParticipantRole.moderator), by=HOST)
    assert refused.value.reason is domain.Reason.staff_on_stage


def test_leaving_the_stage() -> None:
    (left,) = domain.decide_remove(person(on_stage=True), by=HOST)
    assert left.type == "stage.left"
    assert domain.decide_remove(person(), by=HOST) == []
