"""The event catalogue: what it lists, what `check` refuses, and its export."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import re
import typing
import uuid
from pathlib import Path
from typing import Any

import pytest
from pydantic import BaseModel

import multistream.areas  # noqa: F401 - every area's event types are in the catalogue
from multistream import contracts
from multistream.eventlog import catalog
from multistream.eventlog.domain import NewEvent
from multistream.eventlog.models import EventAudience
from multistream.sessions import domain as sessions
from multistream.sessions.models import MediaStatus, ParticipantRole, SessionStatus
from multistream.studio import domain as studio
from multistream.studio.models import SceneLayout
from multistream.studio.schemas import SceneRead

SRC = Path(catalog.__file__).resolve().parents[1]
NOW = dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.UTC)

SPEC_EVENTS = [
    # /work/shared/spec/30-api-and-events.md, "Event catalogue (initial)".
    "session.scheduled",
    "session.updated",
    "session.started",
    "session.ended",
    "session.canceled",
    "session.media_status",
    "participant.joined",
    # "participant.left": not emitted yet (LiveKit's participant_left only closes an
    # attendance interval; nothing is logged).
    "stage.invited",
    "stage.joined",
    "stage.left",
    "hand.raised",
    "hand.lowered",
    "studio.scene_created",
    "studio.scene_updated",
    "studio.scene_deleted",
    "studio.scene_activated",
    "studio.deck_attached",
    "studio.slide_changed",
    "studio.banner_set",
    "chat.message_posted",
    "chat.message_deleted",
    "chat.message_pinned",
    "chat.user_muted",
    "chat.slow_mode_set",
    "qa.question_asked",
    "qa.vote_cast",
    "qa.votes_changed",
    "qa.question_answered",
    "qa.question_dismissed",
    "qa.question_reopened",
    "poll.created",
    "poll.opened",
    "poll.vote_cast",
    "poll.tally",
    "poll.closed",
    "reactions.burst",
    "recording.started",
    "recording.stopped",
    "replay.status_changed",
]
BEYOND_THE_SPEC = [
    "chat.user_unmuted",
    "qa.question_author",
    "qa.vote_removed",
    "poll.results_shown",
    # Issue 15 (recording): classes that end by themselves, recorders taken over, reported
    # when missing ("recording.failed", named in 40-pipeline-and-replay.md), deletion.
    "session.ending_soon",
    "session.ending_canceled",
    "recording.resumed",
    "recording.failed",
    "recording.uploading",
    "recording.deleted",
]


def test_the_catalogue_is_the_spec_list_plus_what_the_code_adds() -> None:
    assert sorted(catalog.CATALOG) == sorted(SPEC_EVENTS + BEYOND_THE_SPEC)


def test_every_event_type_literal_in_the_code_is_catalogued() -> None:
    """`NewEvent("…")` literals and the type names passed around before one is built
    (`studio.scene_{kind}` is covered by the studio rules below)."""
    areas = "session|participant|stage|hand|studio|chat|qa|poll|reactions|recording|replay"
    literal = re.compile(rf'"((?:{areas})\.[a-z_]+)"')
    emitted: set[str] = set()
    for path in SRC.rglob("*.py"):
        text = path.read_text()
        for call in re.finditer(r"NewEvent\(\s*\"([a-z_.]+)\"", text):
            emitted.add(call.group(1))
        if "NewEvent" in text and path.name != "catalog.py":
            emitted.update(literal.findall(text))
    permissions = {"session.schedule", "session.run", "session.join"}
    assert emitted - permissions <= set(catalog.CATALOG)


def _models(payload: Any) -> list[type[BaseModel]]:
    """The models a payload type is made of (a model, or a named union of models)."""
    if isinstance(payload, type) and issubclass(payload, BaseModel):
        return [payload]
    value = getattr(payload, "__value__", payload)
    return [model for arg in typing.get_args(value) for model in _models(arg)]


@pytest.mark.parametrize("name", sorted(catalog.CATALOG))
def test_every_payload_model_forbids_extra_fields(name: str) -> None:
    models = _models(catalog.CATALOG[name].payload)
    assert models
    for model in models:
        assert model.model_config.get("extra") == "forbid", model.__name__


@pytest.mark.parametrize("name", sorted(catalog.CATALOG))
def test_every_entry_has_a_description_and_an_audience(name: str) -> None:
    entry = catalog.CATALOG[name]
    assert entry.description.strip()
    assert "\n" not in entry.description
    assert entry.audiences


# --- check -----------------------------------------------------------------------------------


def test_an_unknown_type_is_refused_by_name() -> None:
    with pytest.raises(ValueError, match=r"'chat\.message_edited'"):
        catalog.check(NewEvent("chat.message_edited", {}))


def test_test_and_bench_types_are_not_checked() -> None:
    catalog.check(NewEvent("test.anything", {"n": 1}, audience=EventAudience.none))
    catalog.check(NewEvent("bench.tick", {"n": 1, "blob": "x"}))


def test_a_missing_an_extra_or_a_mistyped_field_is_refused() -> None:
    user = str(uuid.uuid4())
    catalog.check(NewEvent("hand.lowered", {"user_id": user, "by": user}))
    with pytest.raises(ValueError, match=r"hand\.lowered(.|\n)*by\n  Field required"):
        catalog.check(NewEvent("hand.lowered", {"user_id": user}))
    with pytest.raises(ValueError, match="Extra inputs are not permitted"):
        catalog.check(NewEvent("hand.lowered", {"user_id": user, "by": user, "why": "late"}))
    with pytest.raises(ValueError, match="UUID"):
        catalog.check(NewEvent("hand.lowered", {"user_id": "someone", "by": user}))


def test_an_audience_the_entry_does_not_allow_is_refused() -> None:
    vote = {"question_id": str(uuid.uuid4()), "user_id": str(uuid.uuid4())}
    catalog.check(NewEvent("qa.vote_cast", vote, audience=EventAudience.actor))
    with pytest.raises(ValueError, match="audience actor, not all"):
        catalog.check(NewEvent("qa.vote_cast", vote))


def test_a_nested_model_is_checked_too() -> None:
    scene = {"id": str(uuid.uuid4()), "session_id": str(uuid.uuid4()), "name": "Camera"}
    with pytest.raises(ValueError, match=r"scene\.layout\n  Field required"):
        catalog.check(NewEvent("studio.scene_created", {"scene": scene}))


def test_recording_stopped_is_one_of_two_shapes() -> None:
    recording = {"recording_id": str(uuid.uuid4())}
    stored = {**recording, "status": "ready", "duration_ms": 5}
    failed = {**recording, "status": "failed", "error": "The recorder crashed."}
    catalog.check(NewEvent("recording.stopped", stored))
    catalog.check(NewEvent("recording.stopped", failed))
    with pytest.raises(ValueError, match="error"):
        catalog.check(NewEvent("recording.stopped", {**recording, "status": "failed"}))
    with pytest.raises(ValueError, match="duration_ms"):
        catalog.check(NewEvent("recording.stopped", {**failed, "duration_ms": 5}))


def test_session_updated_names_changed_fields_only() -> None:
    catalog.check(NewEvent("session.updated", {"title": "Week 4"}))
    with pytest.raises(ValueError, match="at least one"):
        catalog.check(NewEvent("session.updated", {}))
    with pytest.raises(ValueError, match="title"):
        catalog.check(NewEvent("session.updated", {"title": None}))


# --- the pure emitters match their models -------------------------------------------------


def test_the_session_rules_emit_catalogued_payloads() -> None:
    scheduled = sessions.SessionFacts(status=SessionStatus.scheduled, started_at=None)
    live = sessions.SessionFacts(status=SessionStatus.live, started_at=NOW)
    events = [
        *sessions.decide_start(scheduled, now=NOW, media=MediaStatus.degraded),
        *sessions.decide_end(live, now=NOW, reason="ended_by_host"),
        *sessions.decide_end(live, now=NOW, reason="room_finished"),
        *sessions.decide_cancel(scheduled),
        *sessions.decide_update(scheduled, {"title": "Week 4", "recording_enabled": False}),
        *sessions.decide_update(scheduled, {"scheduled_start": NOW.isoformat()}),
        *sessions.decide_media_status(MediaStatus.degraded, MediaStatus.ok),
    ]
    assert len(events) == 8
    for event in events:
        catalog.check(event)


def test_the_studio_rules_emit_catalogued_payloads() -> None:
    session_id = uuid.uuid4()
    scenes = [
        SceneRead(
            id=uuid.uuid4(),
            session_id=session_id,
            name=name,
            layout=SceneLayout.camera,
            position=position,
            config={},
        )
        for position, name in enumerate("ABC")
    ]
    deck = studio.Deck(asset_id=uuid.uuid4(), page_count=3)
    person = studio.Person(
        user_id=uuid.uuid4(),
        display_name="Student",
        role=ParticipantRole.participant,
        on_stage=False,
        hand_raised_at=NOW,
    )
    on_stage = dataclasses.replace(person, on_stage=True, hand_raised_at=None)
    staff = uuid.uuid4()
    events = [
        *studio.decide_create(scenes, scenes[0].model_copy(update={"id": uuid.uuid4()})),
        *studio.decide_update(scenes, scenes[2].id, {"name": "Slides", "position": 0}),
        *studio.decide_delete(scenes, scenes[0].id),
        *studio.decide_slide(deck, 2, None),
        *studio.decide_slide(deck, 3, "Light reactions"),
        *studio.decide_raise_hand(on_stage, now=NOW),
        *studio.decide_invite(person, by=staff),  # stage.invited, hand.lowered
        *studio.decide_stage_joined(on_stage, joined_since_invited=False),
        *studio.decide_remove(on_stage, by=staff),
    ]
    types = {event.type for event in events}
    assert {"studio.scene_created", "studio.scene_updated", "studio.scene_deleted"} <= types
    assert {"hand.raised", "hand.lowered", "stage.invited", "stage.joined", "stage.left"} <= types
    for event in events:
        catalog.check(event)


# --- the export ------------------------------------------------------------------------------


def test_events_json_lists_every_catalogued_type_with_its_payload_schema() -> None:
    document = json.loads(contracts.generate()["events.json"])
    assert document["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert list(document["events"]) == sorted(catalog.CATALOG)
    for name, entry in document["events"].items():
        assert entry["audience"] == sorted(a.value for a in catalog.CATALOG[name].audiences)
        assert entry["description"] == catalog.CATALOG[name].description
        ref = entry["payload"]["$ref"]
        assert ref.startswith("#/$defs/")
        assert ref.removeprefix("#/$defs/") in document["$defs"], name
    text = json.dumps(document)
    for ref in re.findall(r'"\$ref": "#/\$defs/([^"]+)"', text):
        assert ref in document["$defs"], ref


def test_events_json_is_deterministic() -> None:
    first, second = catalog.json_schema(), catalog.json_schema()
    assert json.dumps(first) == json.dumps(second)
    assert first["events"]["poll.vote_cast"]["audience"] == ["actor", "none"]


def test_a_payload_declared_for_two_types_is_listed_once_for_each() -> None:
    events = catalog.Events()

    @events.declare("test.both_first", "The first type.")
    @events.declare("test.both_second", "The second type, for staff.", catalog.STAFF)
    class Both(BaseModel):
        value: int

    assert [(t.name, t.payload, t.description, t.audiences) for t in events.types] == [
        ("test.both_second", Both, "The second type, for staff.", catalog.STAFF),
        ("test.both_first", Both, "The first type.", catalog.ALL),
    ]
    assert Both(value=1).value == 1  # the decorator hands the model back unchanged
