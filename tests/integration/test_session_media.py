"""Joining a class (media tokens, participants) and LiveKit's webhooks, against a real
LiveKit server."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path
from typing import Any

import jwt
import pytest
from livekit import api as livekit_api

from multistream.settings import Settings
from tests.apiclient import ApiClient, Person
from tests.integration.test_sessions import schedule
from tests.throwaway import LiveServer, free_port, throwaway_service


@pytest.fixture
def live_class(api: ApiClient) -> tuple[Person, Person, dict[str, Any]]:
    teacher, student = api.signup("Teacher"), api.signup("Student")
    course = api.create_course(teacher)
    api.join(student, api.invite(teacher, course["id"]))
    session = schedule(api, teacher, course["id"])
    return teacher, student, session


def _grants(token: str, settings: Settings) -> dict[str, Any]:
    claims = jwt.decode(
        token, settings.livekit_api_secret.get_secret_value(), algorithms=["HS256"],
        options={"verify_aud": False},
    )  # fmt: skip
    return dict(claims["video"])


def test_join_before_live_gives_state_but_no_media(
    api: ApiClient, live_class: tuple[Person, Person, dict[str, Any]]
) -> None:
    _, student, session = live_class
    joined = api.request("POST", f"/api/v1/sessions/{session['id']}/join", student).json()
    assert joined["token"] is None
    assert joined["livekit_url"] is None
    assert joined["role"] == "participant"
    assert joined["state"]["session"]["status"] == "scheduled"


def test_join_a_live_class(
    api: ApiClient, api_settings: Settings, live_class: tuple[Person, Person, dict[str, Any]]
) -> None:
    teacher, student, session = live_class
    url = f"/api/v1/sessions/{session['id']}"
    api.request("POST", f"{url}/start", teacher)

    host = api.request("POST", f"{url}/join", teacher).json()
    participant = api.request("POST", f"{url}/join", student).json()
    assert host["role"] == "host"
    assert participant["role"] == "participant"
    assert participant["livekit_url"] == api_settings.livekit_url
    assert _grants(host["token"], api_settings)["canPublish"] is True
    student_grants = _grants(participant["token"], api_settings)
    assert student_grants["canPublish"] is False
    assert student_grants["canSubscribe"] is True
    assert student_grants["room"] == f"session-{session['id']}"
    assert not student_grants.get("roomAdmin")

    api.request("POST", f"{url}/join", student)  # again: no second joined event
    log = api.request("GET", f"{url}/events", teacher).json()["items"]
    joined = [e["payload"]["display_name"] for e in log if e["type"] == "participant.joined"]
    assert joined == ["Teacher", "Student"]
    assert participant["state"]["participant_count"] == 2


def test_a_real_room_finished_webhook_ends_the_class(
    api_settings: Settings, tmp_path: Path
) -> None:
    """LiveKit itself closes the room and tells the api, which ends the live class."""
    port = free_port()
    livekit_settings = api_settings.model_copy(update={"public_url": f"http://127.0.0.1:{port}"})
    with throwaway_service("livekit", livekit_settings, tmp_path) as livekit:
        settings = api_settings.model_copy(update={"livekit_url": livekit.settings.livekit_url})
        with LiveServer(settings, port=port) as server:
            client = ApiClient(server.url)
            teacher = client.signup("Teacher")
            course = client.create_course(teacher)
            session = schedule(client, teacher, course["id"])
            live = client.request("POST", f"/api/v1/sessions/{session['id']}/start", teacher)
            assert live.json()["media_status"] == "ok"

            # Someone closes the room on the media server, not through our api.
            async def close() -> None:
                lk = livekit_api.LiveKitAPI(
                    livekit.settings.livekit_url.replace("ws://", "http://"),
                    settings.livekit_api_key,
                    settings.livekit_api_secret.get_secret_value(),
                )
                await lk.room.delete_room(
                    livekit_api.DeleteRoomRequest(room=f"session-{session['id']}")
                )
                await lk.aclose()

            asyncio.run(close())
            deadline = time.monotonic() + 15
            status = "live"
            while time.monotonic() < deadline and status != "ended":
                time.sleep(0.2)
                status = client.request("GET", f"/api/v1/sessions/{session['id']}", teacher).json()[
                    "status"
                ]
            log = client.request("GET", f"/api/v1/sessions/{session['id']}/events", teacher)
            client.close()
    assert status == "ended"
    ended = [e for e in log.json()["items"] if e["type"] == "session.ended"]
    assert ended[0]["payload"]["reason"] == "room_finished"


def test_a_join_token_connects_the_livekit_sdk(
    api: ApiClient, api_settings: Settings, live_class: tuple[Person, Person, dict[str, Any]]
) -> None:
    """The token /join hands out opens the class's room on the real media server, and the
    server lists the student there as a participant who may not publish."""
    from livekit import rtc

    from multistream.media.rooms import MediaRooms

    teacher, student, session = live_class
    url = f"/api/v1/sessions/{session['id']}"
    api.request("POST", f"{url}/start", teacher)
    joined = api.request("POST", f"{url}/join", student).json()

    async def scenario() -> list[Any]:
        room = rtc.Room()
        await room.connect(joined["livekit_url"], joined["token"])
        try:
            async with MediaRooms(api_settings) as rooms:
                return list(await rooms.list_participants(f"session-{session['id']}"))
        finally:
            await room.disconnect()

    participants = asyncio.run(scenario())
    (me,) = [p for p in participants if p.identity == student.id]
    assert me.role == "participant"
    assert me.can_publish is False
