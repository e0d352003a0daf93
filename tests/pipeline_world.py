"""A recorded class for the pipeline's integration tests.

People and a live class made through the real api (a question with an upvote, a poll with
votes), slide changes logged at the moments the synthetic lecture changes slides, and the
lecture's audio stored as the class's recording. The slide events are written straight
into the log with the times a real class would have given them (the api can only log
"now"); everything else goes through the api.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import hashlib
import io
import json
import tempfile
import time
import uuid
import wave
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import numpy as np
import sqlalchemy as sa

from multistream.devtools.lecture import Lecture, make_lecture
from multistream.settings import Settings
from multistream.storage import ObjectStore
from tests.apiclient import ApiClient, Person

T = TypeVar("T")

SLIDES = (
    (
        "Chlorophyll and Light",
        (
            "Chlorophyll is the green pigment inside the leaf.",
            "It absorbs red and blue light.",
        ),
    ),
    (
        "The Calvin Cycle",
        (
            "The Calvin cycle takes place in the stroma.",
            "An enzyme called rubisco fixes carbon dioxide.",
        ),
    ),
    (
        "Why It Matters",
        (
            "Almost every food chain starts with photosynthesis.",
            "Forests produce the oxygen we breathe.",
        ),
    ),
)
DECK_ID = "0190f0a1-0000-7000-8000-00000000d3c1"
QUESTION_AT_MS = 4_000
"""Where on the recording the class's question lands."""


@functools.cache
def lecture() -> Lecture:
    """The synthetic lecture (espeak-ng), made once per test process."""
    return make_lecture(Path(tempfile.mkdtemp(prefix="pipeline-lecture-")), SLIDES)


@functools.cache
def recording_bytes() -> bytes:
    """The lecture as a recorder might store it: 48 kHz stereo WAV (so extract resamples)."""
    with wave.open(str(lecture().wav_path), "rb") as source:
        mono = np.frombuffer(source.readframes(source.getnframes()), dtype="<i2")
    stereo = np.repeat(np.repeat(mono, 3)[:, None], 2, axis=1)
    out = io.BytesIO()
    with wave.open(out, "wb") as target:
        target.setnchannels(2)
        target.setsampwidth(2)
        target.setframerate(48_000)
        target.writeframes(stereo.astype("<i2").tobytes())
    return out.getvalue()


def spoken_wav(seconds: float = 2.0) -> bytes:
    """A short tone: valid audio for tests that do not need words."""
    rate = 16_000
    t = np.arange(int(rate * seconds)) / rate
    samples = (0.2 * np.sin(2 * np.pi * 440 * t) * 32767).astype("<i2")
    out = io.BytesIO()
    with wave.open(out, "wb") as target:
        target.setnchannels(1)
        target.setsampwidth(2)
        target.setframerate(rate)
        target.writeframes(samples.tobytes())
    return out.getvalue()


def pipeline_settings(base: Settings, **changes: Any) -> Settings:
    """Settings for the test's workers: Whisper (accurate on espeak, and quick enough),
    short chunks so a run has several, short retry waits, short chapters allowed."""
    return base.model_copy(
        update={
            "asr_engine": "whisper",
            "asr_threads": 1,
            "asr_chunk_seconds": 6.0,
            "asr_chunk_max_seconds": 8.0,
            "pipeline_retry_backoff_seconds": 0.3,
            "pipeline_retry_backoff_max_seconds": 2.0,
            "pipeline_max_retries": 3,
            "chapter_min_seconds": 2.0,
            "log_level": "INFO",
            **changes,
        }
    )


@dataclasses.dataclass
class RecordedClass:
    host: Person
    student: Person
    course_id: str
    session_id: str
    recording_id: str
    recording_key: str
    started_at: dt.datetime

    @property
    def replay(self) -> str:
        return f"/api/v1/sessions/{self.session_id}/replay"


def _ok(response: Any, status: int = 200) -> dict[str, Any]:
    assert response.status_code == status, response.text
    return dict(response.json())


def live_class(api: ApiClient, *, interactions: bool = True) -> tuple[Person, Person, str, str]:
    host, student = api.signup("Teacher"), api.signup("Student")
    course = api.create_course(host, "Plant biology")
    assert api.join(student, api.invite(host, course["id"])).status_code in (200, 201)
    start = dt.datetime.now(dt.UTC) - dt.timedelta(minutes=5)
    session = _ok(
        api.request(
            "POST",
            f"/api/v1/courses/{course['id']}/sessions",
            host,
            json={
                "title": "Photosynthesis, week 3",
                "scheduled_start": start.isoformat(),
                "scheduled_end": (start + dt.timedelta(hours=1)).isoformat(),
                # The test stores the recording itself: no recorder joins the room.
                "recording_enabled": False,
            },
        ),
        201,
    )
    sid = session["id"]
    _ok(api.request("POST", f"/api/v1/sessions/{sid}/start", host))
    if interactions:
        question = _ok(
            api.request(
                "POST", f"/api/v1/sessions/{sid}/questions", student, json={"body": "Why green?"}
            ),
            201,
        )
        _ok(api.request("POST", f"/api/v1/sessions/{sid}/questions/{question['id']}/vote", host))
        poll = _ok(
            api.request(
                "POST",
                f"/api/v1/sessions/{sid}/polls",
                host,
                json={"question": "Which gas?", "kind": "single", "options": ["Oxygen", "Helium"]},
            ),
            201,
        )
        _ok(api.request("POST", f"/api/v1/sessions/{sid}/polls/{poll['id']}/open", host))
        option = poll["options"][0]["id"]
        _ok(
            api.request(
                "PUT",
                f"/api/v1/sessions/{sid}/polls/{poll['id']}/vote",
                student,
                json={"option_ids": [option]},
            )
        )
        _ok(api.request("POST", f"/api/v1/sessions/{sid}/polls/{poll['id']}/close", host))
    return host, student, course["id"], sid


def log_event(
    engine: sa.Engine, session_id: str, type_: str, payload: dict[str, Any], at: dt.datetime
) -> None:
    """Append an event with a chosen time (the triggers still enforce seq order). The
    class's row is locked first, as `eventlog.record` does: the api's aggregator may be
    appending too."""
    with engine.begin() as connection:
        connection.execute(
            sa.text(
                "INSERT INTO session_events (session_id, seq, type, audience, payload, occurred_at)"
                " SELECT id, last_seq + 1, :type, 'all', CAST(:payload AS jsonb), :at"
                " FROM sessions WHERE id = :s FOR UPDATE"
            ),
            {"s": session_id, "type": type_, "payload": json.dumps(payload), "at": at},
        )


def add_recording(
    engine: sa.Engine,
    store: ObjectStore,
    session_id: str,
    data: bytes | None,
    *,
    started_at: dt.datetime,
    status: str = "ready",
) -> tuple[str, str]:
    """A `recordings` row (as the recorder leaves it) and its file; (id, storage key)."""
    recording_id = str(uuid.uuid4())
    key = f"sessions/{session_id}/recordings/{recording_id}.wav"
    if data is not None:
        store.put(key, data, content_type="audio/wav")
    with engine.begin() as connection:
        connection.execute(
            sa.text(
                "INSERT INTO recordings (id, session_id, provider, status, storage_key, mime,"
                " started_at, size_bytes) VALUES (:id, :s, 'participant', :status, :key,"
                " 'audio/wav', :at, :size)"
            ),
            {
                "id": recording_id,
                "s": session_id,
                "status": status,
                "key": key if status == "ready" else None,
                "at": started_at,
                "size": len(data) if data is not None else None,
            },
        )
    return recording_id, key


def upload_deck(api: ApiClient, host: Person, course_id: str) -> str:
    """The lecture's deck, uploaded and rendered (a worker must be running); its id."""
    response = api.request(
        "POST",
        f"/api/v1/courses/{course_id}/assets",
        host,
        files={"file": ("deck.pdf", lecture().deck_pdf_path.read_bytes(), "application/pdf")},
    )
    assert response.status_code in (200, 201), response.text
    asset_id = str(response.json()["id"])

    def rendered() -> bool:
        asset = api.request("GET", f"/api/v1/assets/{asset_id}", host).json()
        assert asset["status"] != "failed", asset
        return bool(asset["status"] == "ready")

    wait_for(rendered, timeout=120, what="the deck to render")
    return asset_id


def recorded_class(
    api: ApiClient,
    engine: sa.Engine,
    store: ObjectStore,
    audio: bytes | None = None,
    *,
    deck: bool = False,
) -> RecordedClass:
    """A live class (not ended yet) with the lecture's slide changes and its recording.
    With `deck`, the slides are a real rendered deck and the slide events carry no title
    (as when a deck has none), so chapter titles come from the deck's pages."""
    host, student, course_id, sid = live_class(api)
    deck_id = upload_deck(api, host, course_id) if deck else DECK_ID
    with engine.connect() as connection:
        asked = connection.execute(
            sa.text(
                "SELECT occurred_at FROM session_events"
                " WHERE session_id = :s AND type = 'qa.question_asked'"
            ),
            {"s": sid},
        ).scalar_one()
    started_at = asked - dt.timedelta(milliseconds=QUESTION_AT_MS)
    changes = lecture().slide_changes
    for (page, ms), (title, _) in zip(changes, SLIDES, strict=True):
        payload = {"asset_id": deck_id, "page_no": page, "title": None if deck else title}
        if page == 1:
            payload["page_count"] = len(SLIDES)
            payload["filename"] = "deck.pdf"
            log_event(
                engine, sid, "studio.deck_attached", payload, started_at - dt.timedelta(seconds=3)
            )
        else:
            at = started_at + dt.timedelta(milliseconds=ms)
            log_event(engine, sid, "studio.slide_changed", payload, at)
    recording_id, key = add_recording(
        engine, store, sid, recording_bytes() if audio is None else audio, started_at=started_at
    )
    return RecordedClass(host, student, course_id, sid, recording_id, key, started_at)


def end(api: ApiClient, host: Person, session_id: str) -> dict[str, Any]:
    return _ok(api.request("POST", f"/api/v1/sessions/{session_id}/end", host))


def start_run(api: ApiClient, recorded: RecordedClass) -> dict[str, Any]:
    """A manual run of the class's pipeline, queued by its host."""
    response = api.request(
        "POST", "/internal/artifacts/runs", recorded.host, json={"session_id": recorded.session_id}
    )
    assert response.status_code == 201, response.text
    return dict(response.json())


def wait_for(check: Callable[[], T | None], *, timeout: float, what: str, every: float = 0.2) -> T:
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {what}")
        time.sleep(every)


def runs_of(engine: sa.Engine, session_id: str) -> list[dict[str, Any]]:
    with engine.connect() as connection:
        rows = connection.execute(
            sa.text("SELECT * FROM pipeline_runs WHERE session_id = :s ORDER BY created_at, id"),
            {"s": session_id},
        ).mappings()
        return [dict(row) for row in rows]


def steps_of(engine: sa.Engine, run_id: Any) -> dict[str, dict[str, Any]]:
    with engine.connect() as connection:
        rows = connection.execute(
            sa.text("SELECT * FROM pipeline_steps WHERE run_id = :r"), {"r": run_id}
        ).mappings()
        return {row["name"]: dict(row) for row in rows}


def finished_run(engine: sa.Engine, session_id: str, *, timeout: float = 300) -> dict[str, Any]:
    """The latest run of the class once it has finished (succeeded, failed, canceled)."""

    def check() -> dict[str, Any] | None:
        runs = runs_of(engine, session_id)
        latest = runs[-1] if runs else None
        return latest if latest and latest["status"] not in ("queued", "running") else None

    return wait_for(check, timeout=timeout, what="the pipeline run to finish", every=0.5)


def replay_status(engine: sa.Engine, session_id: str) -> str:
    with engine.connect() as connection:
        return str(
            connection.execute(
                sa.text("SELECT replay_status FROM sessions WHERE id = :s"), {"s": session_id}
            ).scalar_one()
        )


def snapshot(engine: sa.Engine, store: ObjectStore, session_id: str) -> dict[str, Any]:
    """Every row and artifact the pipeline writes for a class (artifacts by checksum)."""
    queries = {
        "transcript_segments": "SELECT session_id, idx, start_ms, end_ms, text, words, confidence,"
        " search_vector::text AS search_vector FROM transcript_segments WHERE session_id = :s"
        " ORDER BY idx",
        "chapters": "SELECT * FROM chapters WHERE session_id = :s ORDER BY idx",
        "highlights": "SELECT * FROM highlights WHERE session_id = :s ORDER BY kind, start_ms",
        "replay_artifacts": "SELECT * FROM replay_artifacts WHERE session_id = :s ORDER BY kind",
    }
    with engine.connect() as connection:
        rows = {
            table: [
                dict(row) for row in connection.execute(sa.text(sql), {"s": session_id}).mappings()
            ]
            for table, sql in queries.items()
        }
    rows["objects"] = {
        row["kind"]: hashlib.sha256(store.get(row["storage_key"])).hexdigest()
        for row in rows["replay_artifacts"]
    }
    return rows
