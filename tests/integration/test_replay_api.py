"""The replay read API on a class the real pipeline processed: the manifest (with the class
at its moments: slides, questions, polls), transcript pages and downloads, search, captions,
the chat, the viewer's place; and who may read them."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import pytest
import sqlalchemy as sa

from multistream.devtools.processes import Worker
from multistream.settings import Settings
from multistream.storage import ObjectStore, make_object_store
from tests import pipeline_world as world
from tests.apiclient import ApiClient
from tests.webvtt import parse

pytestmark = pytest.mark.timeout(600)


@pytest.fixture(scope="module")
def store(api_settings: Settings) -> ObjectStore:
    return make_object_store(api_settings)


@pytest.fixture(scope="module")
def replayed(
    api: ApiClient,
    engine: sa.Engine,
    store: ObjectStore,
    api_settings: Settings,
    tmp_path_factory: pytest.TempPathFactory,
) -> world.RecordedClass:
    """A class with a rendered deck, ended and processed."""
    log = tmp_path_factory.mktemp("worker") / "worker.log"
    with Worker(world.pipeline_settings(api_settings), log, concurrency=2):
        recorded = world.recorded_class(api, engine, store, deck=True)
        _talk(api, recorded)
        world.end(api, recorded.host, recorded.session_id)
        run = world.finished_run(engine, recorded.session_id)
    assert run["status"] == "succeeded", run
    return recorded


def _talk(api: ApiClient, recorded: world.RecordedClass) -> None:
    """Chat while the class is live (one message deleted by the teacher), and the teacher
    answers the question."""
    chat = f"/api/v1/sessions/{recorded.session_id}/chat"
    for body in ("Is the stroma inside the chloroplast?", "buy cheap sunglasses here"):
        posted = api.request("POST", chat, recorded.student, json={"body": body})
        assert posted.status_code == 201, posted.text
    spam = posted.json()["id"]
    deleted = api.request("DELETE", f"{chat}/{spam}", recorded.host)
    assert deleted.status_code in (200, 204), deleted.text
    questions = api.request(
        "GET", f"/api/v1/sessions/{recorded.session_id}/questions", recorded.host
    ).json()["items"]
    answered = api.request(
        "POST",
        f"/api/v1/sessions/{recorded.session_id}/questions/{questions[0]['id']}/answer",
        recorded.host,
        json={"text": "Chlorophyll reflects green light."},
    )
    assert answered.status_code == 200, answered.text


def _slide_of(ms: int) -> int:
    """The page on screen at `ms` in the lecture."""
    return max(page for page, start in world.lecture().slide_changes if start <= ms)


def test_the_manifest_has_media_chapters_highlights_and_a_summary(
    api: ApiClient, replayed: world.RecordedClass
) -> None:
    replay = api.request("GET", replayed.replay, replayed.student)
    assert replay.status_code == 200, replay.text
    body = replay.json()
    assert body["status"] == "ready"
    assert body["reason"] is None
    assert abs(body["duration_ms"] - world.lecture().duration_ms) <= 20
    # The deck's own page titles (the slide events carried none).
    assert [c["title"] for c in body["chapters"]] == world.lecture().titles
    assert [c["slide_page"] for c in body["chapters"]] == [1, 2, 3]
    assert body["chapters"][-1]["end_ms"] == body["duration_ms"]
    assert {h["kind"] for h in body["highlights"]} == {"question", "poll"}
    assert body["summary"]["sentences"]
    assert any("chlorophyll" in k for k in body["summary"]["keywords"])
    assert body["links"] == {
        "transcript": f"{replayed.replay}/transcript",
        "transcript_text": f"{replayed.replay}/transcript.txt",
        "captions": f"{replayed.replay}/captions.vtt",
        "search": f"{replayed.replay}/search",
        "chat": f"{replayed.replay}/chat",
        "position": f"{replayed.replay}/position",
    }
    media = body["media"]
    assert media["expires_in_seconds"] > 0
    played = httpx.get(media["url"], timeout=10)
    assert played.status_code == 200
    assert played.content == world.recording_bytes()


def test_transcript_pages_follow_their_cursor(
    api: ApiClient, engine: sa.Engine, replayed: world.RecordedClass
) -> None:
    with engine.connect() as connection:
        stored = connection.execute(
            sa.text(
                "SELECT idx, start_ms, end_ms, text FROM transcript_segments"
                " WHERE session_id = :s ORDER BY idx"
            ),
            {"s": replayed.session_id},
        ).all()
    assert len(stored) >= 3
    items, cursor, pages = [], None, 0
    while True:
        params: dict[str, str | int] = {"limit": 2}
        if cursor:
            params["cursor"] = cursor
        page = api.request(
            "GET", f"{replayed.replay}/transcript", replayed.student, params=params
        ).json()
        items.extend(page["items"])
        pages += 1
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert pages == (len(stored) + 1) // 2
    assert [(i["idx"], i["start_ms"], i["end_ms"], i["text"]) for i in items] == [
        tuple(row) for row in stored
    ]
    bad = api.request("GET", f"{replayed.replay}/transcript?cursor=abc", replayed.student)
    assert bad.status_code == 422


def test_search_finds_where_it_was_said_with_the_match_marked(
    api: ApiClient, replayed: world.RecordedClass
) -> None:
    search = f"{replayed.replay}/search"
    hits = api.request("GET", search, replayed.student, params={"q": "chlorophyll"}).json()
    assert hits["query"] == "chlorophyll"
    assert hits["items"], hits
    best = hits["items"][0]
    assert _slide_of(best["start_ms"]) == 1  # said while the first slide was up
    assert "«chlorophyll»" in best["snippet"].lower()
    assert "<b>" not in best["snippet"]
    dioxide = api.request("GET", search, replayed.student, params={"q": "carbon dioxide"}).json()
    hit = dioxide["items"][0]
    (_, second), (_, third) = world.lecture().slide_changes[1:]
    assert hit["start_ms"] < third  # said on the second slide
    assert hit["end_ms"] > second
    assert "«carbon» «dioxide»" in dioxide["items"][0]["snippet"].lower()
    none = api.request("GET", search, replayed.student, params={"q": "volcano"}).json()
    assert none["items"] == []
    odd = api.request("GET", search, replayed.student, params={"q": '<b>"& -'})
    assert odd.status_code == 200
    assert api.request("GET", search, replayed.student).status_code == 422


def test_captions_are_valid_webvtt_of_the_transcript(
    api: ApiClient, engine: sa.Engine, replayed: world.RecordedClass
) -> None:
    response = api.request("GET", f"{replayed.replay}/captions.vtt", replayed.student)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/vtt")
    cues = parse(response.text)
    with engine.connect() as connection:
        said = connection.execute(
            sa.text(
                "SELECT string_agg(text, ' ' ORDER BY idx) FROM transcript_segments"
                " WHERE session_id = :s"
            ),
            {"s": replayed.session_id},
        ).scalar_one()
    assert " ".join(c.text for c in cues).split() == said.split()
    assert cues[-1].end_ms <= world.lecture().duration_ms + 50


def test_the_transcript_artifact_links_segments_to_their_slides(
    store: ObjectStore, replayed: world.RecordedClass
) -> None:
    key = f"sessions/{replayed.session_id}/replay/transcript.json"
    document = json.loads(store.get(key))
    assert document["session_id"] == replayed.session_id
    for segment in document["segments"]:
        middle = (segment["start_ms"] + segment["end_ms"]) // 2
        assert segment["slide"]["page_no"] == _slide_of(middle)


def test_a_class_never_recorded_has_an_empty_replay(api: ApiClient) -> None:
    host, student, _, sid = world.live_class(api, interactions=False)
    world.end(api, host, sid)
    body = api.request("GET", f"/api/v1/sessions/{sid}/replay", student).json()
    assert (body["status"], body["media"], body["chapters"], body["summary"]) == (
        "none",
        None,
        [],
        None,
    )
    captions = api.request("GET", f"/api/v1/sessions/{sid}/replay/captions.vtt", student)
    assert captions.status_code == 409
    assert captions.json()["type"] == "replay-not-ready"


def test_a_transcript_hit_seeks_to_the_word_said_not_its_segment(
    api: ApiClient, engine: sa.Engine, replayed: world.RecordedClass
) -> None:
    hits = api.request(
        "GET", f"{replayed.replay}/search", replayed.student, params={"q": "dioxide"}
    ).json()
    hit = next(item for item in hits["items"] if item["kind"] == "transcript")
    with engine.connect() as connection:
        segment_start, words = connection.execute(
            sa.text(
                "SELECT start_ms, words FROM transcript_segments"
                " WHERE session_id = :s AND idx = :idx"
            ),
            {"s": replayed.session_id, "idx": hit["idx"]},
        ).one()
    said = [w["start_ms"] for w in words if "dioxide" in w["word"].lower()]
    assert said, words  # the recogniser's word timings hold the word
    assert hit["start_ms"] == said[0]
    if words[0]["start_ms"] < said[0]:
        assert hit["start_ms"] > segment_start  # later than the segment: the word's moment


def test_search_also_finds_slides_and_questions(
    api: ApiClient, engine: sa.Engine, replayed: world.RecordedClass
) -> None:
    search = f"{replayed.replay}/search"
    # "Why green?" was asked QUESTION_AT_MS into the recording.
    green = api.request("GET", search, replayed.student, params={"q": "why green"}).json()
    questions = [hit for hit in green["items"] if hit["kind"] == "question"]
    with engine.connect() as connection:
        question_id = connection.execute(
            sa.text("SELECT id FROM questions WHERE session_id = :s"), {"s": replayed.session_id}
        ).scalar_one()
    assert [(q["ref_id"], q["idx"]) for q in questions] == [(str(question_id), None)]
    assert abs(questions[0]["start_ms"] - world.QUESTION_AT_MS) <= 1
    assert "«green»" in questions[0]["snippet"].lower()
    # The deck's second page is titled "The Calvin Cycle": its chapter is a hit.
    calvin = api.request("GET", search, replayed.student, params={"q": "stroma"}).json()
    slides = [hit for hit in calvin["items"] if hit["kind"] == "slide"]
    chapter = next(
        c
        for c in api.request("GET", replayed.replay, replayed.student).json()["chapters"]
        if c["slide_page"] == 2
    )
    assert [(s["start_ms"], s["end_ms"]) for s in slides] == [
        (chapter["start_ms"], chapter["end_ms"])
    ]
    assert "«stroma»" in slides[0]["snippet"].lower()
    assert all(hit["kind"] == "transcript" for hit in calvin["items"] if hit["idx"] is not None)
    ranks = [hit["rank"] for hit in calvin["items"]]
    assert ranks == sorted(ranks, reverse=True)


def test_course_search_spans_the_course_replays_only(
    api: ApiClient, engine: sa.Engine, replayed: world.RecordedClass
) -> None:
    url = f"/api/v1/courses/{replayed.course_id}/search"
    # Another class of the same course, ended but never recorded (no replay to watch),
    # and a class of another course whose replay is ready: both asked "Why green?" too.
    unrecorded = api.request(
        "POST",
        f"/api/v1/courses/{replayed.course_id}/sessions",
        replayed.host,
        json={
            "title": "Unrecorded",
            "scheduled_start": "2026-12-01T09:00:00Z",
            "scheduled_end": "2026-12-01T10:00:00Z",
        },
    ).json()
    sid = unrecorded["id"]
    assert api.request("POST", f"/api/v1/sessions/{sid}/start", replayed.host).status_code == 200
    asked = api.request(
        "POST", f"/api/v1/sessions/{sid}/questions", replayed.student, json={"body": "Why green?"}
    )
    assert asked.status_code == 201, asked.text
    world.end(api, replayed.host, sid)
    other_host, _, _, other_sid = world.live_class(api)
    world.end(api, other_host, other_sid)
    with engine.begin() as connection:
        connection.execute(
            sa.text("UPDATE sessions SET replay_status = 'ready' WHERE id = :s"), {"s": other_sid}
        )

    found = api.request("GET", url, replayed.student, params={"q": "green"})
    assert found.status_code == 200, found.text
    hits = found.json()["items"]
    assert {hit["session_id"] for hit in hits} == {replayed.session_id}
    assert {hit["kind"] for hit in hits} >= {"transcript", "question"}
    assert all(hit["session_title"] == "Photosynthesis, week 3" for hit in hits)
    assert hits[0]["session_started_at"] is not None

    outsider = api.signup("Outsider")
    assert api.request("GET", url, outsider, params={"q": "green"}).status_code == 404
    assert api.request("GET", url, params={"q": "green"}).status_code == 401
    empty = api.request("GET", url, replayed.student, params={"q": ""})
    assert empty.status_code == 422
    assert empty.headers["content-type"].startswith("application/problem+json")


def test_the_manifest_replays_slides_questions_and_polls_at_their_moments(
    api: ApiClient, engine: sa.Engine, replayed: world.RecordedClass
) -> None:
    body = api.request("GET", replayed.replay, replayed.student).json()
    assert body["recording_status"] == "ready"
    assert body["progress"] is None  # ready: nothing on its way
    # What was on screen: the deck's pages, from each change to the next, tiling the media.
    slides = body["slides"]
    assert [s["page_no"] for s in slides] == [1, 2, 3]
    assert slides[0]["start_ms"] == 0
    assert slides[-1]["end_ms"] == body["duration_ms"]
    for span, (page, change_ms) in zip(slides[1:], world.lecture().slide_changes[1:], strict=True):
        assert span["page_no"] == page
        assert abs(span["start_ms"] - change_ms) <= 1
    assert {s["asset_id"] for s in slides} == {slides[0]["asset_id"]}
    # The question, asked QUESTION_AT_MS in, with its upvote and its answer after it.
    [question] = body["questions"]
    assert question["body"] == "Why green?"
    assert question["author_name"] == "Student"
    assert abs(question["asked_ms"] - world.QUESTION_AT_MS) <= 1
    assert question["upvotes"] == 1
    assert question["answer_text"] == "Chlorophyll reflects green light."
    assert question["answered_ms"] > question["asked_ms"]
    # The poll closed without its results shown: students see no counts, the teacher does.
    [poll] = body["polls"]
    assert poll["question"] == "Which gas?"
    assert poll["opened_ms"] <= poll["closed_ms"]
    assert (poll["counts"], poll["total_votes"]) == (None, None)
    as_host = api.request("GET", replayed.replay, replayed.host).json()["polls"][0]
    assert as_host["total_votes"] == 1
    assert as_host["counts"] == {poll["options"][0]["id"]: 1, poll["options"][1]["id"]: 0}


def test_the_chat_replays_at_its_moments_without_deleted_messages(
    api: ApiClient, engine: sa.Engine, replayed: world.RecordedClass
) -> None:
    chat = api.request("GET", f"{replayed.replay}/chat", replayed.student)
    assert chat.status_code == 200, chat.text
    items = chat.json()["items"]
    assert [m["body"] for m in items] == ["Is the stroma inside the chloroplast?"]
    with engine.connect() as connection:
        posted = connection.execute(
            sa.text(
                "SELECT created_at FROM chat_messages WHERE session_id = :s AND deleted_at IS NULL"
            ),
            {"s": replayed.session_id},
        ).scalar_one()
    expected = round((posted - replayed.started_at).total_seconds() * 1000)
    assert abs(items[0]["at_ms"] - expected) <= 1
    assert items[0]["author_name"] == "Student"
    # Search finds what was said in the chat, at its moment; never the deleted message.
    found = api.request(
        "GET", f"{replayed.replay}/search", replayed.student, params={"q": "chloroplast stroma"}
    ).json()["items"]
    chats = [hit for hit in found if hit["kind"] == "chat"]
    assert [(hit["ref_id"], hit["start_ms"]) for hit in chats] == [
        (items[0]["id"], items[0]["at_ms"])
    ]
    assert "«stroma»" in chats[0]["snippet"].lower()
    spam = api.request(
        "GET", f"{replayed.replay}/search", replayed.student, params={"q": "sunglasses"}
    ).json()
    assert spam["items"] == []


def test_the_transcript_downloads_as_text_and_captions(
    api: ApiClient, engine: sa.Engine, replayed: world.RecordedClass
) -> None:
    with engine.connect() as connection:
        stored = connection.execute(
            sa.text(
                "SELECT start_ms, text FROM transcript_segments WHERE session_id = :s ORDER BY idx"
            ),
            {"s": replayed.session_id},
        ).all()
    text = api.request("GET", f"{replayed.replay}/transcript.txt", replayed.student)
    assert text.status_code == 200, text.text
    assert text.headers["content-type"].startswith("text/plain")
    assert text.headers["content-disposition"] == (
        'attachment; filename="Photosynthesis-week-3.txt"'
    )
    lines = text.text.splitlines()
    assert len(lines) == len(stored)
    for line, (start_ms, said) in zip(lines, stored, strict=True):
        seconds = start_ms // 1000
        assert line == f"[0:{seconds // 60:02d}:{seconds % 60:02d}] {said}"
    vtt = api.request(
        "GET", f"{replayed.replay}/captions.vtt", replayed.student, params={"download": "true"}
    )
    assert vtt.headers["content-disposition"] == 'attachment; filename="Photosynthesis-week-3.vtt"'
    parse(vtt.text)


def test_the_replay_remembers_where_each_viewer_stopped(
    api: ApiClient, replayed: world.RecordedClass
) -> None:
    position = f"{replayed.replay}/position"
    assert api.request("GET", replayed.replay, replayed.host).json()["position_ms"] is None
    for ms in (12_000, 34_500):
        saved = api.request("PUT", position, replayed.host, json={"position_ms": ms})
        assert saved.status_code == 204, saved.text
    assert api.request("GET", replayed.replay, replayed.host).json()["position_ms"] == 34_500
    # Each viewer has their own place.
    assert api.request("GET", replayed.replay, replayed.student).json()["position_ms"] is None
    bad = api.request("PUT", position, replayed.host, json={"position_ms": -1})
    assert bad.status_code == 422
    assert bad.headers["content-type"].startswith("application/problem+json")


# Last: it removes the student from the course.
def test_only_members_of_the_course_read_the_replay(
    api: ApiClient, replayed: world.RecordedClass, tmp_path: Path
) -> None:
    outsider = api.signup("Outsider")
    paths = ["", "/transcript", "/search?q=light", "/captions.vtt", "/chat", "/transcript.txt"]
    for path in paths:
        assert api.request("GET", f"{replayed.replay}{path}", outsider).status_code == 404
        assert api.request("GET", f"{replayed.replay}{path}").status_code == 401
    # A student removed from the course loses access at once.
    removed = api.request(
        "DELETE",
        f"/api/v1/courses/{replayed.course_id}/members/{replayed.student.id}",
        replayed.host,
    )
    assert removed.status_code == 204, removed.text
    assert api.request("GET", replayed.replay, replayed.student).status_code == 404
