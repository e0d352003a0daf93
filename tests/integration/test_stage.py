"""The hand queue and the stage through the real api, and what the real LiveKit server
lets a student do when the teacher brings them on stage and takes them off again."""

from __future__ import annotations

import asyncio
import logging
import time
import uuid
from collections.abc import Callable
from typing import Any

import jwt
import pytest
import sqlalchemy as sa

from multistream.media.rooms import MediaRooms
from multistream.media.schemas import MediaParticipant
from multistream.settings import Settings
from tests.apiclient import ApiClient, Person
from tests.integration.test_sessions import schedule
from tests.integration.test_studio import assert_rebuild_matches
from tests.throwaway import LiveServer, free_port
from tests.webhooks import deliver


class LiveClass:
    """A live class with a teacher, a TA and two students, everyone joined."""

    def __init__(self, api: ApiClient) -> None:
        self.api = api
        self.teacher, self.ta = api.signup("Teacher"), api.signup("Assistant")
        self.ada, self.bo = api.signup("Ada"), api.signup("Bo")
        course = api.create_course(self.teacher)
        api.join(self.ta, api.invite(self.teacher, course["id"], role="ta"))
        code = api.invite(self.teacher, course["id"], max_uses=2)
        api.join(self.ada, code)
        api.join(self.bo, code)
        self.session = schedule(api, self.teacher, course["id"])
        self.id = self.session["id"]
        self.url = f"/api/v1/sessions/{self.id}"
        assert api.request("POST", f"{self.url}/start", self.teacher).status_code == 200
        self.joined = {
            person.id: api.request("POST", f"{self.url}/join", person).json()
            for person in (self.teacher, self.ta, self.ada, self.bo)
        }

    def call(self, method: str, path: str, person: Person, status: int) -> Any:
        response = self.api.request(method, f"{self.url}{path}", person)
        assert response.status_code == status, (method, path, response.text)
        return response.json() if response.content else None

    def state(self, person: Person) -> dict[str, Any]:
        return dict(self.call("GET", "/state", person, 200))

    def events_after(self, seq: int) -> list[tuple[str, dict[str, Any]]]:
        items = self.call("GET", f"/events?after={seq}", self.teacher, 200)["items"]
        return [(event["type"], event["payload"]) for event in items]


@pytest.fixture
def live(api: ApiClient) -> LiveClass:
    return LiveClass(api)


def _can_publish(token: str, settings: Settings) -> bool:
    claims = jwt.decode(
        token, settings.livekit_api_secret.get_secret_value(), algorithms=["HS256"],
        options={"verify_aud": False},
    )  # fmt: skip
    return bool(claims["video"]["canPublish"])


def test_hands_queue_in_raise_order(api: ApiClient, engine: sa.Engine, live: LiveClass) -> None:
    head = live.state(live.teacher)["as_of_seq"]
    raised = live.call("POST", "/hands", live.ada, 200)
    assert raised["user_id"] == live.ada.id
    assert raised["hand_raised_at"] is not None
    live.call("POST", "/hands", live.bo, 200)
    live.call("POST", "/hands", live.ta, 200)
    again = live.call("POST", "/hands", live.ada, 200)  # no new event, same place in the queue
    assert again == raised

    hands = live.state(live.bo)["hands"]
    assert [hand["display_name"] for hand in hands] == ["Ada", "Bo", "Assistant"]
    people = live.call("GET", "/participants", live.bo, 200)["items"]
    assert [p["display_name"] for p in people] == ["Ada", "Bo", "Assistant", "Teacher"]
    assert_rebuild_matches(engine, live.id)

    # Bo may lower his own hand, not Ada's; the TA may lower anyone's.
    refused = api.request("DELETE", f"{live.url}/hands/{live.ada.id}", live.bo)
    assert refused.status_code == 403
    assert refused.json()["permission"] == "hands.lower_others"
    live.call("DELETE", f"/hands/{live.bo.id}", live.bo, 204)
    live.call("DELETE", f"/hands/{live.ada.id}", live.ta, 204)
    live.call("DELETE", f"/hands/{live.ada.id}", live.ta, 204)  # already down: nothing logged
    assert [hand["display_name"] for hand in live.state(live.ada)["hands"]] == ["Assistant"]
    assert_rebuild_matches(engine, live.id)

    assert live.events_after(head) == [
        ("hand.raised", {"user_id": live.ada.id, "display_name": "Ada",
                         "raised_at": raised["hand_raised_at"].replace("Z", "+00:00")}),
        ("hand.raised", {"user_id": live.bo.id, "display_name": "Bo",
                         "raised_at": hands[1]["raised_at"].replace("Z", "+00:00")}),
        ("hand.raised", {"user_id": live.ta.id, "display_name": "Assistant",
                         "raised_at": hands[2]["raised_at"].replace("Z", "+00:00")}),
        ("hand.lowered", {"user_id": live.bo.id, "by": live.bo.id}),
        ("hand.lowered", {"user_id": live.ada.id, "by": live.ta.id}),
    ]  # fmt: skip


def test_stage_invite_and_removal_are_events(
    api: ApiClient, api_settings: Settings, engine: sa.Engine, live: LiveClass
) -> None:
    head = live.state(live.teacher)["as_of_seq"]
    live.call("POST", "/hands", live.bo, 200)
    live.call("POST", "/hands", live.ada, 200)

    on_stage = live.call("POST", f"/stage/{live.bo.id}", live.ta, 200)
    assert on_stage["on_stage"] is True
    assert on_stage["hand_raised_at"] is None
    assert live.call("POST", f"/stage/{live.bo.id}", live.teacher, 200) == on_stage  # no-op
    state = live.state(live.ada)
    assert state["studio"]["stage"] == [live.bo.id]
    assert [hand["display_name"] for hand in state["hands"]] == ["Ada"]
    people = live.call("GET", "/participants", live.ada, 200)["items"]
    assert [(p["display_name"], p["on_stage"]) for p in people] == [
        ("Ada", False),
        ("Bo", True),
        ("Assistant", False),
        ("Teacher", False),
    ]
    assert_rebuild_matches(engine, live.id)

    # Bo's next join token lets him publish; Ada's does not.
    bo_join = live.call("POST", "/join", live.bo, 200)
    assert _can_publish(bo_join["token"], api_settings) is True
    assert _can_publish(live.call("POST", "/join", live.ada, 200)["token"], api_settings) is False

    live.call("DELETE", f"/stage/{live.bo.id}", live.teacher, 204)
    live.call("DELETE", f"/stage/{live.bo.id}", live.teacher, 204)  # not on stage: no event
    assert live.state(live.bo)["studio"]["stage"] == []
    assert _can_publish(live.call("POST", "/join", live.bo, 200)["token"], api_settings) is False
    assert_rebuild_matches(engine, live.id)

    stage_events = [e for e in live.events_after(head) if e[0].startswith(("stage.", "hand."))]
    assert [event_type for event_type, _ in stage_events] == [
        "hand.raised",
        "hand.raised",
        "stage.invited",
        "hand.lowered",
        "stage.left",
    ]
    assert stage_events[2][1] == {"user_id": live.bo.id, "display_name": "Bo"}
    assert stage_events[3][1] == {"user_id": live.bo.id, "by": live.ta.id}
    assert stage_events[4][1] == {"user_id": live.bo.id, "by": live.teacher.id}


def _track_published(api: ApiClient, settings: Settings, live: LiveClass, person: Person) -> str:
    """LiveKit's `track_published` for `person`'s microphone, signed as LiveKit signs it."""
    event = {
        "event": "track_published",
        "id": f"EV_{uuid.uuid4().hex[:12]}",
        "room": {"name": f"session-{live.id}"},
        "participant": {"identity": person.id, "name": person.id},
        "track": {"sid": f"TR_{uuid.uuid4().hex[:10]}", "type": "AUDIO", "source": "MICROPHONE"},
        "createdAt": int(time.time()),
    }
    response = deliver(api, settings, event)
    assert response.status_code == 200, response.text
    return str(response.json()["status"])


def test_a_participant_on_stage_who_publishes_is_on_air_once_per_invitation(
    api: ApiClient, api_settings: Settings, engine: sa.Engine, live: LiveClass
) -> None:
    head = live.state(live.teacher)["as_of_seq"]
    # Not on stage (a student cannot publish anyway), or staff: nothing to say.
    assert _track_published(api, api_settings, live, live.ada) == "ignored"
    assert _track_published(api, api_settings, live, live.teacher) == "ignored"
    live.call("POST", f"/stage/{live.ada.id}", live.teacher, 200)
    assert _track_published(api, api_settings, live, live.ada) == "processed"
    # Her camera after her microphone: still the same time on stage.
    assert _track_published(api, api_settings, live, live.ada) == "ignored"
    live.call("DELETE", f"/stage/{live.ada.id}", live.teacher, 204)
    live.call("POST", f"/stage/{live.ada.id}", live.teacher, 200)
    assert _track_published(api, api_settings, live, live.ada) == "processed"
    assert_rebuild_matches(engine, live.id)

    stage = [(t, p) for t, p in live.events_after(head) if t.startswith("stage.")]
    assert [t for t, _ in stage] == [
        "stage.invited",
        "stage.joined",
        "stage.left",
        "stage.invited",
        "stage.joined",
    ]
    assert stage[1][1] == {"user_id": live.ada.id, "display_name": "Ada"}
    # A student sees it live too (audience all).
    seen = live.call("GET", f"/events?after={head}", live.bo, 200)["items"]
    assert [e["type"] for e in seen].count("stage.joined") == 2


def test_who_may_change_the_stage(api: ApiClient, live: LiveClass) -> None:
    for method in ("POST", "DELETE"):
        response = api.request(method, f"{live.url}/stage/{live.bo.id}", live.ada)
        assert response.status_code == 403
        assert response.json()["type"] == "forbidden"
    staff = api.request("POST", f"{live.url}/stage/{live.ta.id}", live.teacher)
    assert staff.status_code == 409
    assert staff.json()["type"] == "staff-on-stage"
    stranger = api.signup("Stranger")
    missing = api.request("POST", f"{live.url}/stage/{stranger.id}", live.teacher)
    assert missing.status_code == 404
    assert live.state(live.teacher)["studio"]["stage"] == []


def test_stage_and_hands_only_while_live(api: ApiClient, live: LiveClass) -> None:
    live.call("POST", "/end", live.teacher, 200)
    for method, path, person in [
        ("POST", "/hands", live.ada),
        ("DELETE", f"/hands/{live.ada.id}", live.ada),
        ("POST", f"/stage/{live.ada.id}", live.teacher),
        ("DELETE", f"/stage/{live.ada.id}", live.teacher),
    ]:
        response = api.request(method, f"{live.url}{path}", person)
        assert response.status_code == 409, (method, path)
        assert response.json()["type"] == "invalid-transition"
        assert response.json()["status_now"] == "ended"


async def _wait_for(
    settings: Settings, room: str, identity: str, done: Callable[[MediaParticipant], bool]
) -> MediaParticipant:
    """Poll the media server until participant `identity` satisfies `done`."""
    deadline = time.monotonic() + 15
    async with MediaRooms(settings) as rooms:
        while True:
            found = [p for p in await rooms.list_participants(room) if p.identity == identity]
            if found and done(found[0]):
                return found[0]
            assert time.monotonic() < deadline, f"gave up waiting; last seen: {found}"
            await asyncio.sleep(0.2)


def test_a_student_on_stage_publishes_on_the_real_media_server(
    api: ApiClient, api_settings: Settings, live: LiveClass
) -> None:
    """Ada raises her hand and connects with the LiveKit SDK; brought on stage she can
    publish a microphone track; taken off it, her permission is gone and so is her track."""
    from livekit import rtc

    room_name = f"session-{live.id}"
    joined = live.joined[live.ada.id]
    live.call("POST", "/hands", live.ada, 200)

    async def publish_microphone(room: rtc.Room) -> rtc.LocalTrackPublication:
        source = rtc.AudioSource(48_000, 1)
        track = rtc.LocalAudioTrack.create_audio_track("microphone", source)
        options = rtc.TrackPublishOptions(source=rtc.TrackSource.SOURCE_MICROPHONE)
        publication = await room.local_participant.publish_track(track, options)
        await source.capture_frame(rtc.AudioFrame.create(48_000, 1, 480))
        return publication

    async def scenario() -> tuple[MediaParticipant, ...]:
        room = rtc.Room()
        await room.connect(joined["livekit_url"], joined["token"])
        try:
            before = await _wait_for(api_settings, room_name, live.ada.id, lambda p: True)
            await asyncio.to_thread(live.call, "POST", f"/stage/{live.ada.id}", live.teacher, 200)
            allowed = await _wait_for(api_settings, room_name, live.ada.id, lambda p: p.can_publish)
            await publish_microphone(room)
            publishing = await _wait_for(
                api_settings, room_name, live.ada.id, lambda p: len(p.tracks) == 1
            )
            await asyncio.to_thread(live.call, "DELETE", f"/stage/{live.ada.id}", live.teacher, 204)
            removed = await _wait_for(
                api_settings,
                room_name,
                live.ada.id,
                lambda p: not p.can_publish and not p.tracks,
            )
            return before, allowed, publishing, removed
        finally:
            await room.disconnect()

    before, allowed, publishing, removed = asyncio.run(scenario())
    assert before.can_publish is False
    assert allowed.can_publish is True
    (track,) = publishing.tracks
    assert (track.kind, track.source) == ("audio", "microphone")
    assert removed.can_publish is False
    assert removed.tracks == ()
    assert live.state(live.teacher)["studio"]["stage"] == []


def test_the_stage_changes_without_the_media_server(
    api_settings: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    """With LiveKit unreachable the stage still changes in the log (a warning says LiveKit
    was not told), and the student's next join token carries the grant."""
    dead = api_settings.model_copy(update={"livekit_url": f"ws://127.0.0.1:{free_port()}"})
    rooms_log = logging.getLogger("multistream.sessions.rooms")
    with LiveServer(dead) as server:
        client = ApiClient(server.url)
        # The api's logging setup replaced the root handlers, caplog's among them.
        rooms_log.addHandler(caplog.handler)
        try:
            live = LiveClass(client)
            assert live.session["status"] == "scheduled"
            assert live.state(live.teacher)["media_status"] == "degraded"
            started = time.monotonic()
            live.call("POST", f"/stage/{live.ada.id}", live.teacher, 200)
            assert time.monotonic() - started < 5
            assert live.state(live.ada)["studio"]["stage"] == [live.ada.id]
            deadline = time.monotonic() + 10
            while "could not change a publish permission" not in caplog.text:
                assert time.monotonic() < deadline, "no warning logged"
                time.sleep(0.1)
            token = live.call("POST", "/join", live.ada, 200)["token"]
            assert _can_publish(token, dead) is True
            live.call("DELETE", f"/stage/{live.ada.id}", live.teacher, 204)
            token = live.call("POST", "/join", live.ada, 200)["token"]
            assert _can_publish(token, dead) is False
        finally:
            rooms_log.removeHandler(caplog.handler)
            client.close()
