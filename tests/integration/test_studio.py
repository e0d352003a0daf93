"""Scenes and studio control through the real api: each command is an event, its
projection is what `/state` shows, and a rebuild from the log writes the same rows."""

from __future__ import annotations

import hashlib
import uuid
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session

from multistream.eventlog import service as eventlog
from multistream.studio.domain import DEFAULT_SCENES
from tests.apiclient import ApiClient, Person
from tests.integration.test_sessions import schedule

Classroom = tuple[Person, Person, Person, dict[str, Any]]


@pytest.fixture
def classroom(api: ApiClient) -> Classroom:
    """A teacher, a TA and a student in a course with one scheduled class."""
    teacher, ta, student = api.signup("Teacher"), api.signup("Assistant"), api.signup("Student")
    course = api.create_course(teacher)
    api.join(ta, api.invite(teacher, course["id"], role="ta"))
    api.join(student, api.invite(teacher, course["id"]))
    return teacher, ta, student, schedule(api, teacher, course["id"])


def add_deck(
    engine: sa.Engine,
    course_id: str,
    *,
    pages: int = 3,
    status: str = "ready",
    kind: str = "slide_deck",
    filename: str = "leaves.pdf",
) -> str:
    """A deck as the upload code leaves it once rendered (rows written directly)."""
    asset_id = uuid.uuid4()
    mime = "application/pdf" if kind == "slide_deck" else "image/png"
    with engine.begin() as connection:
        connection.execute(
            sa.text(
                "INSERT INTO assets (id, course_id, kind, filename, mime, size_bytes, sha256,"
                " storage_key, status, page_count, pages_rendered, error)"
                " VALUES (:id, :course, :kind, :filename, :mime, 1000, :sha, :key, :status,"
                " :pages, :rendered, :error)"
            ),
            {
                "id": asset_id,
                "course": course_id,
                "kind": kind,
                "filename": filename,
                "mime": mime,
                "sha": hashlib.sha256(asset_id.bytes).hexdigest(),
                "key": f"courses/{course_id}/assets/{asset_id}/original",
                "status": status,
                "pages": pages if kind == "slide_deck" else None,
                "rendered": pages if status == "ready" and kind == "slide_deck" else 0,
                "error": "broken" if status == "failed" else None,
            },
        )
        if status == "ready" and kind == "slide_deck":
            for page_no in range(1, pages + 1):
                connection.execute(
                    sa.text(
                        "INSERT INTO slide_pages (asset_id, page_no, image_key, thumb_key,"
                        " width, height, text, title)"
                        " VALUES (:a, :n, :img, :thumb, 1600, 900, '', :title)"
                    ),
                    {
                        "a": asset_id,
                        "n": page_no,
                        "img": f"courses/{course_id}/assets/{asset_id}/pages/{page_no}.webp",
                        "thumb": f"courses/{course_id}/assets/{asset_id}/thumbs/{page_no}.webp",
                        "title": f"Page {page_no} title",
                    },
                )
    return str(asset_id)


_QUERIES = {
    "studio_state": "SELECT * FROM studio_state WHERE session_id = :s",
    "scenes": "SELECT * FROM scenes WHERE session_id = :s ORDER BY id",
    "participants": "SELECT user_id, on_stage, hand_raised_at FROM participants"
    " WHERE session_id = :s ORDER BY user_id",
}


def _rows(connection: sa.Connection, session_id: str) -> dict[str, list[Any]]:
    return {
        table: list(connection.execute(sa.text(query), {"s": session_id}))
        for table, query in _QUERIES.items()
    }


def projection_rows(engine: sa.Engine, session_id: str) -> dict[str, list[Any]]:
    """The studio's projection of one session, every column, in a stable order."""
    with engine.connect() as connection:
        return _rows(connection, session_id)


def assert_rebuild_matches(engine: sa.Engine, session_id: str) -> dict[str, list[Any]]:
    """What the live path wrote equals what a rebuild from the log writes (the rebuild is
    rolled back, so the live rows stay for the next step)."""
    live = projection_rows(engine, session_id)
    with engine.connect() as connection:
        transaction = connection.begin()
        try:
            with Session(bind=connection) as db:
                eventlog.rebuild(db, session_id=uuid.UUID(session_id))
            rebuilt = _rows(connection, session_id)
        finally:
            transaction.rollback()
    assert rebuilt == live
    return live


def post(api: ApiClient, person: Person, path: str, body: dict[str, Any]) -> Any:
    response = api.request("POST", path, person, json=body)
    assert response.status_code in (200, 201), response.text
    return response.json()


def event_types(api: ApiClient, person: Person, session_id: str, after: int) -> list[str]:
    response = api.request("GET", f"/api/v1/sessions/{session_id}/events?after={after}", person)
    return [event["type"] for event in response.json()["items"]]


def test_scheduling_brings_the_default_scenes(api: ApiClient, classroom: Classroom) -> None:
    teacher, _, student, session = classroom
    url = f"/api/v1/sessions/{session['id']}"
    scenes = api.request("GET", f"{url}/scenes", student).json()["items"]
    assert [(s["name"], s["layout"]) for s in scenes] == list(DEFAULT_SCENES)
    assert [s["position"] for s in scenes] == [0, 1, 2, 3]

    studio = api.request("GET", f"{url}/state", student).json()["studio"]
    assert studio["scenes"] == scenes
    assert studio["active_scene_id"] is None  # the classroom shows the camera
    assert studio["active_layout"] is None
    assert studio["deck"] is None
    assert studio["banner"] is None
    assert studio["stage"] == []
    # The default scenes come with the scheduling event itself (ids derived from the
    # session's), so a rebuild brings back the same rows.
    assert event_types(api, teacher, session["id"], 0) == ["session.scheduled"]


def test_scene_create_update_reorder_delete(
    api: ApiClient, engine: sa.Engine, classroom: Classroom
) -> None:
    teacher, _, _, session = classroom
    url = f"/api/v1/sessions/{session['id']}"
    head = session["last_seq"]

    board = api.request(
        "POST", f"{url}/scenes", teacher, json={"name": "  Board ", "layout": "whiteboard"}
    )
    assert board.status_code == 201, board.text
    board_scene = board.json()
    assert board_scene["name"] == "Board"
    assert board_scene["position"] == 4
    assert board_scene["config"] == {}
    assert_rebuild_matches(engine, session["id"])

    renamed = api.request(
        "PATCH",
        f"{url}/scenes/{board_scene['id']}",
        teacher,
        json={"name": "Whiteboard", "config": {"background": "grid"}},
    ).json()
    assert renamed == {**board_scene, "name": "Whiteboard", "config": {"background": "grid"}}

    # Move the whiteboard to the front: every other scene shifts down by one.
    moved = api.request(
        "PATCH", f"{url}/scenes/{board_scene['id']}", teacher, json={"position": 0}
    ).json()
    assert moved["position"] == 0
    scenes = api.request("GET", f"{url}/scenes", teacher).json()["items"]
    assert [s["name"] for s in scenes] == [
        "Whiteboard",
        "Camera",
        "Slides + camera",
        "Slides",
        "Screen",
    ]
    assert [s["position"] for s in scenes] == [0, 1, 2, 3, 4]
    assert_rebuild_matches(engine, session["id"])

    # Activate the slides scene, then delete it: nothing is active, the rest close up.
    slides = scenes[3]
    post(api, teacher, f"{url}/studio/activate-scene", {"scene_id": slides["id"]})
    deleted = api.request("DELETE", f"{url}/scenes/{slides['id']}", teacher)
    assert deleted.status_code == 204
    studio = api.request("GET", f"{url}/state", teacher).json()["studio"]
    assert studio["active_scene_id"] is None
    assert [s["name"] for s in studio["scenes"]] == [
        "Whiteboard",
        "Camera",
        "Slides + camera",
        "Screen",
    ]
    assert [s["position"] for s in studio["scenes"]] == [0, 1, 2, 3]
    assert_rebuild_matches(engine, session["id"])

    assert event_types(api, teacher, session["id"], head) == [
        "studio.scene_created",
        "studio.scene_updated",  # renamed
        "studio.scene_updated",  # the move, then one per shifted scene
        "studio.scene_updated",
        "studio.scene_updated",
        "studio.scene_updated",
        "studio.scene_updated",
        "studio.scene_activated",
        "studio.scene_deleted",
        "studio.scene_updated",  # Screen moves up
    ]


def test_scene_validation(api: ApiClient, classroom: Classroom) -> None:
    teacher, _, _, session = classroom
    url = f"/api/v1/sessions/{session['id']}"
    scene_id = api.request("GET", f"{url}/scenes", teacher).json()["items"][0]["id"]
    cases = [
        ("POST", f"{url}/scenes", {"name": "Pool", "layout": "aquarium"}, "layout"),
        ("POST", f"{url}/scenes", {"name": "   ", "layout": "camera"}, "name"),
        ("POST", f"{url}/scenes", {"name": "x" * 81, "layout": "camera"}, "name"),
        ("POST", f"{url}/scenes", {"name": "Big", "layout": "camera", "config": {"k": "v" * 5000}}, "config"),  # noqa: E501
        ("PATCH", f"{url}/scenes/{scene_id}", {"position": 4}, "position"),
        ("PATCH", f"{url}/scenes/{scene_id}", {"position": -1}, "position"),
    ]  # fmt: skip
    for method, path, body, field in cases:
        response = api.request(method, path, teacher, json=body)
        assert response.status_code == 422, (body, response.text)
        assert field in [error["field"] for error in response.json()["errors"]], response.text
    missing = api.request("PATCH", f"{url}/scenes/{uuid.uuid4()}", teacher, json={"name": "X"})
    assert missing.status_code == 404
    assert missing.json()["type"] == "not-found"


def test_activate_deck_slide_and_banner(
    api: ApiClient, engine: sa.Engine, classroom: Classroom
) -> None:
    teacher, ta, student, session = classroom
    url = f"/api/v1/sessions/{session['id']}"
    scenes = api.request("GET", f"{url}/scenes", teacher).json()["items"]
    head = api.request("GET", f"{url}/state", teacher).json()["as_of_seq"]

    no_deck = api.request("POST", f"{url}/studio/slide", teacher, json={"page_no": 2})
    assert no_deck.status_code == 409
    assert no_deck.json()["type"] == "no-deck"

    api.request("POST", f"{url}/start", teacher)
    activated = post(api, ta, f"{url}/studio/activate-scene", {"scene_id": scenes[1]["id"]})
    assert activated["active_scene_id"] == scenes[1]["id"]
    assert activated["active_layout"] == "slides_camera"

    deck_id = add_deck(engine, session["course_id"], pages=3)
    with_deck = post(api, teacher, f"{url}/studio/deck", {"asset_id": deck_id})
    assert with_deck["deck"] == {"asset_id": deck_id, "filename": "leaves.pdf", "page_count": 3}
    assert with_deck["page_no"] == 1

    on_three = post(api, ta, f"{url}/studio/slide", {"page_no": 3})
    assert on_three["page_no"] == 3
    for page_no in (0, 4):
        out = api.request("POST", f"{url}/studio/slide", teacher, json={"page_no": page_no})
        assert out.status_code == 422, out.text

    banner = post(api, teacher, f"{url}/studio/banner", {"text": "  Quiz after the break "})
    assert banner["banner"] == "Quiz after the break"
    too_long = api.request("POST", f"{url}/studio/banner", teacher, json={"text": "x" * 281})
    assert too_long.status_code == 422
    assert_rebuild_matches(engine, session["id"])

    # A late joiner lands on the current scene, slide and banner.
    state = api.request("POST", f"{url}/join", student).json()["state"]
    assert state["studio"]["active_layout"] == "slides_camera"
    assert state["studio"]["page_no"] == 3
    assert state["studio"]["banner"] == "Quiz after the break"
    cleared = post(api, teacher, f"{url}/studio/banner", {"text": "   "})
    assert cleared["banner"] is None

    log = api.request("GET", f"{url}/events?after={head}", student).json()["items"]
    studio_events = [(e["type"], e["payload"]) for e in log if e["type"].startswith("studio.")]
    assert studio_events == [
        ("studio.scene_activated", {"scene_id": scenes[1]["id"], "layout": "slides_camera"}),
        (
            "studio.deck_attached",
            {
                "asset_id": deck_id,
                "filename": "leaves.pdf",
                "page_count": 3,
                "page_no": 1,
                "title": "Page 1 title",
            },
        ),
        ("studio.slide_changed", {"asset_id": deck_id, "page_no": 3, "title": "Page 3 title"}),
        ("studio.banner_set", {"text": "Quiz after the break"}),
        ("studio.banner_set", {"text": None}),
    ]
    assert_rebuild_matches(engine, session["id"])


def test_only_ready_decks_of_the_course_attach(
    api: ApiClient, engine: sa.Engine, classroom: Classroom
) -> None:
    teacher, _, _, session = classroom
    url = f"/api/v1/sessions/{session['id']}/studio/deck"
    other_course = api.create_course(teacher, "Another course")
    cases = [
        (add_deck(engine, other_course["id"]), 404, "not-found"),
        (str(uuid.uuid4()), 404, "not-found"),
        (add_deck(engine, session["course_id"], status="processing"), 409, "deck-not-ready"),
        (add_deck(engine, session["course_id"], status="failed"), 409, "deck-not-ready"),
        (add_deck(engine, session["course_id"], kind="image", filename="leaf.png"), 422,
         "not-a-deck"),
    ]  # fmt: skip
    for asset_id, status, slug in cases:
        response = api.request("POST", url, teacher, json={"asset_id": asset_id})
        assert (response.status_code, response.json()["type"]) == (status, slug), response.text


def test_participants_and_moderators_are_limited(api: ApiClient, classroom: Classroom) -> None:
    """Students change nothing in the studio; TAs run it but do not edit scenes."""
    teacher, ta, student, session = classroom
    url = f"/api/v1/sessions/{session['id']}"
    scene_id = api.request("GET", f"{url}/scenes", student).json()["items"][0]["id"]
    attempts = [
        ("POST", f"{url}/scenes", {"name": "Mine", "layout": "camera"}),
        ("PATCH", f"{url}/scenes/{scene_id}", {"name": "Mine"}),
        ("DELETE", f"{url}/scenes/{scene_id}", None),
        ("POST", f"{url}/studio/activate-scene", {"scene_id": scene_id}),
        ("POST", f"{url}/studio/deck", {"asset_id": str(uuid.uuid4())}),
        ("POST", f"{url}/studio/slide", {"page_no": 1}),
        ("POST", f"{url}/studio/banner", {"text": "Hi"}),
    ]
    for method, path, body in attempts:
        response = api.request(method, path, student, json=body)
        assert response.status_code == 403, (method, path)
        assert response.json()["type"] == "forbidden"
    for method, path, body in attempts[:3]:
        assert api.request(method, path, ta, json=body).status_code == 403, (method, path)
    assert api.request(*attempts[3][:2], ta, json=attempts[3][2]).status_code == 200
    head = api.request("GET", f"{url}/state", teacher).json()["as_of_seq"]
    assert event_types(api, teacher, session["id"], head - 1) == ["studio.scene_activated"]


def test_a_closed_class_refuses_studio_changes(api: ApiClient, classroom: Classroom) -> None:
    teacher, _, _, session = classroom
    url = f"/api/v1/sessions/{session['id']}"
    scene_id = api.request("GET", f"{url}/scenes", teacher).json()["items"][0]["id"]
    api.request("POST", f"{url}/cancel", teacher)
    attempts = [
        ("POST", f"{url}/scenes", {"name": "Late", "layout": "camera"}),
        ("PATCH", f"{url}/scenes/{scene_id}", {"name": "Late"}),
        ("DELETE", f"{url}/scenes/{scene_id}", None),
        ("POST", f"{url}/studio/activate-scene", {"scene_id": scene_id}),
        ("POST", f"{url}/studio/banner", {"text": "Hi"}),
    ]
    for method, path, body in attempts:
        response = api.request(method, path, teacher, json=body)
        assert response.status_code == 409, (method, path, response.text)
        assert response.json()["type"] == "invalid-transition"
        assert response.json()["status_now"] == "canceled"


def test_a_retried_command_is_applied_once(api: ApiClient, classroom: Classroom) -> None:
    teacher, _, _, session = classroom
    url = f"/api/v1/sessions/{session['id']}"
    headers = {"Idempotency-Key": "new-scene-1"}
    body = {"name": "Board", "layout": "whiteboard"}
    first = api.request("POST", f"{url}/scenes", teacher, json=body, headers=headers)
    again = api.request("POST", f"{url}/scenes", teacher, json=body, headers=headers)
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json()
    assert again.headers["Idempotent-Replayed"] == "true"
    names = [s["name"] for s in api.request("GET", f"{url}/scenes", teacher).json()["items"]]
    assert names.count("Board") == 1


def test_each_studio_event_applied_live_equals_a_rebuild(
    api: ApiClient, engine: sa.Engine, classroom: Classroom
) -> None:
    """Zulip's verify_action, for the studio: after every command, the projection the
    request wrote (an old projection with one more event applied) equals a rebuild of
    the whole log."""
    teacher, _, _, session = classroom
    url = f"/api/v1/sessions/{session['id']}"
    deck_id = add_deck(engine, session["course_id"], pages=5)
    scenes = api.request("GET", f"{url}/scenes", teacher).json()["items"]
    steps: list[tuple[str, str, dict[str, Any] | None]] = [
        ("POST", f"{url}/scenes", {"name": "Board", "layout": "whiteboard"}),
        ("PATCH", f"{url}/scenes/{scenes[3]['id']}", {"position": 1, "layout": "screen"}),
        ("POST", f"{url}/studio/activate-scene", {"scene_id": scenes[2]["id"]}),
        ("POST", f"{url}/studio/deck", {"asset_id": deck_id}),
        ("POST", f"{url}/studio/slide", {"page_no": 4}),
        ("POST", f"{url}/studio/banner", {"text": "Back in 5"}),
        ("POST", f"{url}/start", None),
        ("DELETE", f"{url}/scenes/{scenes[2]['id']}", None),
        ("POST", f"{url}/studio/activate-scene", {"scene_id": scenes[0]["id"]}),
        ("POST", f"{url}/studio/banner", {"text": None}),
    ]
    seen: set[str] = set()
    for method, path, body in steps:
        head = api.request("GET", f"{url}/state", teacher).json()["as_of_seq"]
        response = api.request(method, path, teacher, json=body)
        assert response.status_code < 300, (method, path, response.text)
        seen.update(event_types(api, teacher, session["id"], head))
        assert_rebuild_matches(engine, session["id"])
    assert {t for t in seen if t.startswith("studio.")} == {
        "studio.scene_created",
        "studio.scene_updated",
        "studio.scene_deleted",
        "studio.scene_activated",
        "studio.deck_attached",
        "studio.slide_changed",
        "studio.banner_set",
    }
    final = projection_rows(engine, session["id"])
    assert len(final["scenes"]) == 4
    (state_row,) = final["studio_state"]
    assert state_row.active_scene_id == uuid.UUID(scenes[0]["id"])
    assert state_row.page_no == 4
    assert state_row.banner is None
