"""A class taught through the api by the bot teacher: what the pipeline benchmark and
`multistream demo` both do, as a teacher and students would, over HTTP and LiveKit.

```
Api (httpx, signs in again when a token runs out)
  │  accounts, course, invite, deck upload ─► rendered
  ▼
schedule (recorded) ─► start ─► the recorder joins (recording.started)
  ▼
teach: slides scene, deck, the bot teacher speaks the lecture into the room in real time;
       cues (slide changes, chat, questions, polls…) fire at their moment of the lecture,
       in order, on one thread of their own so the voice never waits for the api
  ▼
end ─► the replay (watch_replay)
```
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import dataclasses
import datetime as dt
import threading
import time
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

import httpx

from multistream.devtools.camera import SyntheticCamera
from multistream.devtools.lecture import Lecture
from multistream.devtools.publisher import publish_lecture

T = TypeVar("T")


class ApiError(RuntimeError):
    """The api refused a call: the method, path, status and problem document."""


def wait_for(check: Callable[[], T | None], *, timeout: float, what: str, every: float = 0.3) -> T:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(every)
    raise TimeoutError(f"timed out after {timeout:.0f} s waiting for {what}")


@dataclasses.dataclass
class Account:
    email: str
    password: str
    display_name: str
    token: str = ""
    user_id: str = ""


class Api:
    """The platform's api as a client sees it; `call` answers the parsed JSON body."""

    def __init__(self, base_url: str, *, timeout: float = 60) -> None:
        self.base_url = base_url.rstrip("/")
        self.http = httpx.Client(base_url=self.base_url, timeout=timeout)

    def close(self) -> None:
        self.http.close()

    def healthy(self) -> bool:
        with contextlib.suppress(httpx.HTTPError):
            return self.http.get("/healthz", timeout=3).status_code == 200
        return False

    def call(self, method: str, path: str, who: Account, **kwargs: Any) -> Any:
        response = self._send(method, path, who, **kwargs)
        if response.status_code == 401:  # the access token ran out: sign in again
            self.sign_in(who)
            response = self._send(method, path, who, **kwargs)
        if response.status_code >= 400:
            raise ApiError(f"{method} {path} -> {response.status_code}: {response.text}")
        return response.json() if response.content else None

    def _send(self, method: str, path: str, who: Account, **kwargs: Any) -> httpx.Response:
        headers = {"Authorization": f"Bearer {who.token}", **kwargs.pop("headers", {})}
        return self.http.request(method, path, headers=headers, **kwargs)

    def sign_up(self, who: Account) -> Account:
        response = self.http.post(
            "/auth/local/signup",
            json={"email": who.email, "password": who.password, "display_name": who.display_name},
        )
        if response.status_code != 201:
            raise ApiError(f"sign-up of {who.email} -> {response.status_code}: {response.text}")
        body = response.json()
        who.token, who.user_id = body["access_token"], body["user"]["id"]
        return who

    def sign_in(self, who: Account) -> Account:
        response = self.http.post(
            "/auth/local/login", json={"email": who.email, "password": who.password}
        )
        if response.status_code != 200:
            raise ApiError(f"sign-in of {who.email} -> {response.status_code}: {response.text}")
        who.token = response.json()["access_token"]
        who.user_id = self.call("GET", "/api/v1/me", who)["id"]
        return who

    def sign_in_or_up(self, who: Account) -> Account:
        """The account, signed in; made first if it does not exist yet."""
        try:
            return self.sign_in(who)
        except ApiError:
            return self.sign_up(who)


# --- the course ---------------------------------------------------------------------------------


def enrol(api: Api, teacher: Account, course_id: str, students: Sequence[Account]) -> None:
    """Students join the course through an invite link, as they would."""
    invite = api.call(
        "POST", f"/api/v1/courses/{course_id}/invites", teacher, json={"role": "student"}
    )
    for student in students:
        api.call("POST", f"/api/v1/invites/{invite['code']}/accept", student)


def upload_deck(api: Api, teacher: Account, course_id: str, lecture: Lecture) -> str:
    """The lecture's PDF, uploaded and rendered by the worker; the asset's id."""
    asset = api.call(
        "POST",
        f"/api/v1/courses/{course_id}/assets",
        teacher,
        files={"file": ("deck.pdf", lecture.deck_pdf_path.read_bytes(), "application/pdf")},
    )

    def rendered() -> bool:
        status = api.call("GET", f"/api/v1/assets/{asset['id']}", teacher)["status"]
        if status == "failed":
            raise RuntimeError("the deck failed to render: see the worker's log")
        return bool(status == "ready")

    wait_for(rendered, timeout=120, what="the deck to render (is a worker running?)")
    return str(asset["id"])


def go_live(
    api: Api, teacher: Account, course_id: str, title: str, *, recorder_timeout: float = 60
) -> tuple[str, dt.datetime]:
    """Schedule a recorded class now, start it, and wait for the recorder to join; the
    class's id and the recording's start."""
    start = dt.datetime.now(dt.UTC)
    session = api.call(
        "POST",
        f"/api/v1/courses/{course_id}/sessions",
        teacher,
        json={
            "title": title,
            "scheduled_start": start.isoformat(),
            "scheduled_end": (start + dt.timedelta(hours=1)).isoformat(),
            "recording_enabled": True,
        },
    )
    url = f"/api/v1/sessions/{session['id']}"
    api.call("POST", f"{url}/start", teacher)

    def recorder_joined() -> dict[str, Any] | None:
        log = api.call("GET", f"{url}/events?after=0", teacher)["items"]
        return next((e for e in log if e["type"] == "recording.started"), None)

    started = wait_for(
        recorder_joined,
        timeout=recorder_timeout,
        what="the recorder to join the class (is `multistream recorder` running?)",
    )
    return str(session["id"]), dt.datetime.fromisoformat(started["payload"]["started_at"])


# --- teaching -----------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class Cue:
    """Something done at a moment of the lecture (ms from its first word)."""

    at_ms: int
    action: Callable[[], None]
    label: str = ""


@dataclasses.dataclass
class Taught:
    lecture_started: dt.datetime
    """Wall-clock moment of the lecture's first sample, as the bot sent it."""
    cue_times: dict[str, dt.datetime]
    """When each labelled cue's call returned."""
    ended_at: float
    """`time.monotonic()` when the api answered the class's end."""
    ended_wall: dt.datetime
    publish_lag_ms: float


def slide_cues(api: Api, teacher: Account, session_id: str, lecture: Lecture) -> list[Cue]:
    """A slide change at each of the lecture's own change times (after the first page)."""

    def change(page: int) -> Callable[[], None]:
        return lambda: api.call(
            "POST", f"/api/v1/sessions/{session_id}/studio/slide", teacher, json={"page_no": page}
        )

    return [Cue(ms, change(page), f"slide {page}") for page, ms in lecture.slide_changes[1:]]


def teach(
    api: Api,
    teacher: Account,
    session_id: str,
    asset_id: str,
    lecture: Lecture,
    cues: Sequence[Cue] = (),
    *,
    camera: bool = False,
    say: Callable[[str], None] = lambda _: None,
) -> Taught:
    """Show the deck in the slides-and-camera scene, speak the lecture into the room with
    the bot teacher (with a synthetic camera, `camera`) while the cues fire at their
    moments, then end the class."""
    url = f"/api/v1/sessions/{session_id}"
    scenes = api.call("GET", f"{url}/scenes", teacher)["items"]
    scene = next(s for s in scenes if s["layout"] == "slides_camera")
    api.call("POST", f"{url}/studio/activate-scene", teacher, json={"scene_id": scene["id"]})
    api.call("POST", f"{url}/studio/deck", teacher, json={"asset_id": asset_id})
    joined = api.call("POST", f"{url}/join", teacher)

    pending = sorted(cues, key=lambda cue: cue.at_ms)
    cue_times: dict[str, dt.datetime] = {}
    spoken_from: list[dt.datetime] = []
    # One thread, so cues keep their order and the voice never waits for an api call.
    runner = concurrent.futures.ThreadPoolExecutor(max_workers=1, thread_name_prefix="cues")
    lock = threading.Lock()

    def fire(cue: Cue) -> None:
        cue.action()
        with lock:
            cue_times[cue.label or f"@{cue.at_ms}"] = dt.datetime.now(dt.UTC)

    def progress(ms: int) -> None:
        if not spoken_from:
            spoken_from.append(dt.datetime.now(dt.UTC) - dt.timedelta(milliseconds=ms))
            say(f"speaking the {lecture.duration_ms / 60_000:.1f}-minute lecture")
        while pending and ms >= pending[0].at_ms:
            cue = pending.pop(0)
            say(f"  {cue.label or 'cue'} at {ms / 1000:.1f} s")
            runner.submit(fire, cue)

    try:
        published = asyncio.run(
            publish_lecture(
                joined["livekit_url"],
                joined["token"],
                lecture.wav_path,
                progress,
                wait_for_listener_seconds=10,
                camera=SyntheticCamera(640, 360) if camera else None,
            )
        )
        for cue in pending:  # cues past the lecture's end still happen, before it ends
            runner.submit(fire, cue)
    finally:
        runner.shutdown(wait=True)
    time.sleep(1.0)
    api.call("POST", f"{url}/end", teacher)
    return Taught(
        lecture_started=spoken_from[0],
        cue_times=cue_times,
        ended_at=time.monotonic(),
        ended_wall=dt.datetime.now(dt.UTC),
        publish_lag_ms=published.max_lag_ms,
    )


def watch_replay(
    api: Api,
    viewer: Account,
    session_id: str,
    *,
    timeout: float,
    on_change: Callable[[str, dict[str, Any]], None] = lambda *_: None,
    every: float = 0.5,
) -> dict[str, Any]:
    """Poll the replay until it is `ready` (the manifest), calling `on_change` with every new
    status or step; raise if it fails."""
    seen: list[str] = []

    def ready() -> dict[str, Any] | None:
        replay: dict[str, Any] = api.call("GET", f"/api/v1/sessions/{session_id}/replay", viewer)
        progress = replay.get("progress") or {}
        state = f"{replay['status']}:{progress.get('step')}"
        if not seen or seen[-1] != state:
            seen.append(state)
            on_change(str(replay["status"]), replay)
        if replay["status"] == "failed":
            raise RuntimeError(f"the replay failed: {replay.get('reason')}")
        return replay if replay["status"] == "ready" else None

    return wait_for(ready, timeout=timeout, what="the replay to be ready", every=every)
