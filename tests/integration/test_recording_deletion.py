"""Deleting a class's recording: the files go from storage, the replay says `deleted`, the log
keeps the fact; only the class's hosts may do it, and only once the class is over."""

from __future__ import annotations

import wave
from fractions import Fraction
from pathlib import Path

import av
import numpy as np
import pytest
import sqlalchemy as sa

from multistream.devtools.processes import Worker
from multistream.settings import Settings
from multistream.storage import ObjectNotFound, ObjectStore, make_object_store
from tests import pipeline_world as world
from tests.apiclient import ApiClient

pytestmark = pytest.mark.timeout(600)


@pytest.fixture(scope="module")
def store(api_settings: Settings) -> ObjectStore:
    return make_object_store(api_settings)


def _video_of_the_lecture(path: Path) -> bytes:
    """The lecture's speech with a picture (grey frames, 5 fps): a recording with video."""
    with wave.open(str(world.lecture().wav_path)) as wav:
        rate = wav.getframerate()
        samples = np.frombuffer(wav.readframes(wav.getnframes()), dtype=np.int16)
    with av.open(str(path), "w", format="mp4") as out:
        video = out.add_stream("libx264", rate=5)
        video.width, video.height, video.pix_fmt = 320, 180, "yuv420p"
        audio = out.add_stream("aac", rate=rate)
        audio.layout = "mono"
        grey = np.full((180, 320, 3), 90, dtype=np.uint8)
        for index in range(len(samples) * 5 // rate):
            frame = av.VideoFrame.from_ndarray(grey, format="rgb24")
            frame.pts, frame.time_base = index, Fraction(1, 5)
            for packet in video.encode(frame):
                out.mux(packet)
        for start in range(0, len(samples), 1024):
            chunk = samples[start : start + 1024].reshape(1, -1)
            sound = av.AudioFrame.from_ndarray(chunk, format="s16", layout="mono")
            sound.sample_rate, sound.pts = rate, start
            for packet in audio.encode(sound):
                out.mux(packet)
        for stream in (video, audio):
            for packet in stream.encode():
                out.mux(packet)
    return path.read_bytes()


def _keys(engine: sa.Engine, session_id: str) -> list[str]:
    """Every object the class's recording and replay left in storage."""
    with engine.connect() as connection:
        return [
            str(key)
            for key in connection.execute(
                sa.text(
                    "SELECT storage_key FROM recordings WHERE session_id = :s"
                    " AND storage_key IS NOT NULL"
                    " UNION ALL SELECT storage_key FROM replay_artifacts WHERE session_id = :s"
                ),
                {"s": session_id},
            ).scalars()
        ]


def test_the_host_deletes_the_recording_and_everything_made_from_it(
    api: ApiClient,
    engine: sa.Engine,
    store: ObjectStore,
    api_settings: Settings,
    tmp_path: Path,
) -> None:
    with Worker(world.pipeline_settings(api_settings), tmp_path / "worker.log"):
        recorded = world.recorded_class(api, engine, store)
        live = api.request(
            "DELETE", f"/api/v1/sessions/{recorded.session_id}/recording", recorded.host
        )
        assert live.status_code == 409, live.text
        assert live.json()["type"] == "session-live"
        world.end(api, recorded.host, recorded.session_id)
        assert world.finished_run(engine, recorded.session_id)["status"] == "succeeded"
    keys = _keys(engine, recorded.session_id)
    assert len(keys) >= 4  # the recording, audio, captions, transcript, summary
    for key in keys:
        store.stat(key)  # there before

    url = f"/api/v1/sessions/{recorded.session_id}/recording"
    refused = api.request("DELETE", url, recorded.student)
    assert refused.status_code == 403, refused.text
    assert world.replay_status(engine, recorded.session_id) == "ready"

    deleted = api.request("DELETE", url, recorded.host)
    assert deleted.status_code == 204, deleted.text
    for key in keys:
        with pytest.raises(ObjectNotFound):
            store.stat(key)
    replay = api.request("GET", recorded.replay, recorded.student).json()
    assert (replay["status"], replay["media"], replay["chapters"], replay["highlights"]) == (
        "deleted",
        None,
        [],
        [],
    )
    assert replay["recording_status"] == "deleted"
    transcript = api.request("GET", f"{recorded.replay}/transcript", recorded.student).json()
    assert transcript["items"] == []
    captions = api.request("GET", f"{recorded.replay}/captions.vtt", recorded.student)
    assert captions.status_code == 409
    # The log keeps the fact: who deleted it, and the replay's last status.
    log = api.request(
        "GET", f"/api/v1/sessions/{recorded.session_id}/events?after=0&limit=500", recorded.host
    ).json()["items"]
    [event] = [e for e in log if e.get("type") == "recording.deleted"]
    assert event["payload"]["by"] == recorded.host.id
    assert [e["payload"]["status"] for e in log if e.get("type") == "replay.status_changed"][
        -1
    ] == "deleted"
    with engine.connect() as connection:
        row = connection.execute(
            sa.text("SELECT status, storage_key, deleted_by FROM recordings WHERE id = :r"),
            {"r": recorded.recording_id},
        ).one()
    assert (row.status, row.storage_key, str(row.deleted_by)) == (
        "deleted",
        None,
        recorded.host.id,
    )
    # Nothing makes it again, and deleting again changes nothing.
    rerun = api.request(
        "POST", "/internal/artifacts/runs", recorded.host, json={"session_id": recorded.session_id}
    )
    assert rerun.status_code == 409
    assert rerun.json()["type"] == "recording-deleted"
    again = api.request("DELETE", url, recorded.host)
    assert again.status_code == 204
    course_hits = api.request(
        "GET",
        f"/api/v1/courses/{recorded.course_id}/search",
        recorded.student,
        params={"q": "chlorophyll"},
    ).json()["items"]
    assert [hit for hit in course_hits if hit["session_id"] == recorded.session_id] == []


def test_deleting_a_video_recording_removes_its_pictures_too(
    api: ApiClient,
    engine: sa.Engine,
    store: ObjectStore,
    api_settings: Settings,
    tmp_path: Path,
) -> None:
    video = _video_of_the_lecture(tmp_path / "lecture.mp4")
    with Worker(world.pipeline_settings(api_settings), tmp_path / "worker.log"):
        recorded = world.recorded_class(api, engine, store, audio=video, deck=True)
        world.end(api, recorded.host, recorded.session_id)
        run = world.finished_run(engine, recorded.session_id)
        assert run["status"] == "succeeded", run
    extract = world.steps_of(engine, run["id"])["extract"]["output"]
    assert extract["probe"]["has_video"] is True
    pictures = list(extract["thumbnails"].values())
    assert len(pictures) >= 3  # one at each slide change (and the start)
    replay = api.request("GET", recorded.replay, recorded.student).json()
    # Chapters show the video's picture at the change that began them.
    assert all(
        c["thumbnail_url"] and "/replay/thumbs/" in c["thumbnail_url"] for c in replay["chapters"]
    )
    keys = _keys(engine, recorded.session_id) + pictures
    for key in keys:
        store.stat(key)
    deleted = api.request(
        "DELETE", f"/api/v1/sessions/{recorded.session_id}/recording", recorded.host
    )
    assert deleted.status_code == 204, deleted.text
    for key in keys:
        with pytest.raises(ObjectNotFound):
            store.stat(key)
