"""`multistream demo`: a real replay a newcomer can open minutes after `scripts/run.sh`.

Through the running platform's api, as people would, it makes (or finds again):

- a teacher and two students (fixed demo addresses and one password, printed at the end);
- the course "Plant Biology (demo)", the students enrolled through an invite;
- a past class, "Photosynthesis: how leaves make food", taught by the bot teacher: the
  synthetic lecture (espeak-ng) spoken into the LiveKit room over the deck it is made with
  (a real PDF), the slides turned at the lecture's own change times, a chat, a question
  upvoted and answered, a poll opened, voted, closed with its results shown;

then waits until the replay is `ready`. Run again, it finds the class and only waits (or
reports), so it is safe to run twice. With `--json PATH` it writes the accounts and ids
(the end-to-end tests read them).
"""

from __future__ import annotations

import dataclasses
import json
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from multistream.devtools.lecture import PHOTOSYNTHESIS, Lecture, make_lecture
from multistream.devtools.teaching import (
    Account,
    Api,
    Cue,
    enrol,
    go_live,
    slide_cues,
    teach,
    upload_deck,
    watch_replay,
)

PASSWORD = "multistream-demo"  # noqa: S105 - printed for the newcomer, by design
COURSE_TITLE = "Plant Biology (demo)"
CLASS_TITLE = "Photosynthesis: how leaves make food"


def accounts() -> tuple[Account, Account, Account]:
    return (
        Account("demo-teacher@example.com", PASSWORD, "Dr. Rosa Green"),
        Account("demo-student@example.com", PASSWORD, "Sam Student"),
        Account("demo-student2@example.com", PASSWORD, "Alex Learner"),
    )


@dataclasses.dataclass(frozen=True)
class DemoClass:
    api_url: str
    course_id: str
    session_id: str
    teacher: Account
    student: Account
    classmate: Account

    @property
    def replay_url(self) -> str:
        return f"{self.api_url}/sessions/{self.session_id}/replay"

    def to_json(self) -> dict[str, Any]:
        def person(who: Account) -> dict[str, str]:
            return {"email": who.email, "password": who.password, "display_name": who.display_name}

        return {
            "course_id": self.course_id,
            "session_id": self.session_id,
            "replay_url": self.replay_url,
            "teacher": person(self.teacher),
            "student": person(self.student),
            "classmate": person(self.classmate),
        }


def run(
    api_url: str,
    *,
    slides: int = len(PHOTOSYNTHESIS),
    minutes: float | None = 4.0,
    timeout_minutes: float = 30,
    say: Callable[[str], None] = print,
) -> DemoClass:
    api = Api(api_url)
    try:
        if not api.healthy():
            raise RuntimeError(
                f"The platform does not answer at {api_url}: start it with scripts/run.sh"
                " (in another terminal), then run `multistream demo` again."
            )
        teacher, student, classmate = accounts()
        for who in (teacher, student, classmate):
            api.sign_in_or_up(who)
        course_id = _course(api, teacher, [student, classmate])
        session = _existing_class(api, teacher, course_id)
        if session is None or session["replay_status"] == "failed":
            if session is not None:
                say("The last demo class's replay failed; teaching the class again.")
            session_id = _teach_the_class(
                api, teacher, student, classmate, course_id, slides=slides, minutes=minutes, say=say
            )
        else:
            session_id = str(session["id"])
            say(f"The demo class exists ({session['status']}, replay {session['replay_status']}).")

        def report(status: str, replay: dict[str, Any]) -> None:
            progress = replay.get("progress") or {}
            step = progress.get("step")
            chunks = progress.get("chunks_total")
            detail = f" ({step}" if step else ""
            if step == "transcribe" and chunks:
                detail += f" {progress.get('chunks_done')}/{chunks}"
            say(f"  replay {status}{detail + ')' if detail else ''}")

        watch_replay(
            api, student, session_id, timeout=timeout_minutes * 60, on_change=report, every=1.0
        )
        return DemoClass(api_url, course_id, session_id, teacher, student, classmate)
    finally:
        api.close()


def _course(api: Api, teacher: Account, students: list[Account]) -> str:
    courses = api.call("GET", "/api/v1/courses", teacher)["items"]
    found = next((c for c in courses if c["title"] == COURSE_TITLE), None)
    if found is not None:
        return str(found["id"])
    course = api.call(
        "POST",
        "/api/v1/courses",
        teacher,
        json={
            "title": COURSE_TITLE,
            "description": "A demo course made by `multistream demo`: one recorded class.",
        },
    )
    enrol(api, teacher, course["id"], students)
    return str(course["id"])


def _existing_class(api: Api, teacher: Account, course_id: str) -> dict[str, Any] | None:
    sessions = api.call("GET", f"/api/v1/courses/{course_id}/sessions", teacher)["items"]
    taught = [s for s in sessions if s["title"] == CLASS_TITLE and s["status"] in ("live", "ended")]
    if any(s["status"] == "live" for s in taught):
        # A demo cut short (the command was stopped mid-class): end it, teach it again.
        for live in (s for s in taught if s["status"] == "live"):
            api.call("POST", f"/api/v1/sessions/{live['id']}/end", teacher)
        return None
    return max(taught, key=lambda s: s["started_at"] or "", default=None)


def _teach_the_class(
    api: Api,
    teacher: Account,
    student: Account,
    classmate: Account,
    course_id: str,
    *,
    slides: int,
    minutes: float | None,
    say: Callable[[str], None],
) -> str:
    with tempfile.TemporaryDirectory(prefix="multistream-demo-") as folder:
        say("Making the lecture (espeak-ng) and its deck…")
        # Long enough a slide that each gets a chapter of its own (chapters merge below
        # `chapter_min_seconds`, 30 s by default).
        lecture = make_lecture(Path(folder), PHOTOSYNTHESIS[: max(2, slides)], minutes=minutes)
        say("Uploading the deck…")
        asset_id = upload_deck(api, teacher, course_id, lecture)
        say("Going live (waiting for the recorder to join)…")
        session_id, _ = go_live(api, teacher, course_id, CLASS_TITLE)
        cues = slide_cues(api, teacher, session_id, lecture) + _class_cues(
            api, teacher, student, classmate, session_id, lecture
        )
        teach(api, teacher, session_id, asset_id, lecture, cues, camera=True, say=say)
        say("The class has ended; the replay is being made.")
        return session_id


def _class_cues(
    api: Api,
    teacher: Account,
    student: Account,
    classmate: Account,
    session_id: str,
    lecture: Lecture,
) -> list[Cue]:
    """What the class does while the teacher speaks, at fractions of the lecture."""
    url = f"/api/v1/sessions/{session_id}"
    found: dict[str, str] = {}

    def at(fraction: float) -> int:
        return int(lecture.duration_ms * fraction)

    def chat(who: Account, body: str) -> Callable[[], None]:
        return lambda: api.call("POST", f"{url}/chat", who, json={"body": body})

    def ask() -> None:
        question = api.call(
            "POST", f"{url}/questions", student, json={"body": "Why are leaves green, not black?"}
        )
        found["question"] = question["id"]

    def upvote() -> None:
        for who in (classmate, teacher):
            api.call("POST", f"{url}/questions/{found['question']}/vote", who)

    def answer() -> None:
        api.call(
            "POST",
            f"{url}/questions/{found['question']}/answer",
            teacher,
            json={"text": "Chlorophyll absorbs red and blue light and reflects the green."},
        )

    def open_poll() -> None:
        poll = api.call(
            "POST",
            f"{url}/polls",
            teacher,
            json={
                "question": "Which gas do plants give off in the light?",
                "kind": "single",
                "options": ["Oxygen", "Carbon dioxide", "Nitrogen"],
            },
        )
        found["poll"], found["oxygen"] = poll["id"], poll["options"][0]["id"]
        found["co2"] = poll["options"][1]["id"]
        api.call("POST", f"{url}/polls/{poll['id']}/open", teacher)

    def vote() -> None:
        for who, option in ((student, found["oxygen"]), (classmate, found["co2"])):
            api.call("PUT", f"{url}/polls/{found['poll']}/vote", who, json={"option_ids": [option]})

    def close_poll() -> None:
        api.call("POST", f"{url}/polls/{found['poll']}/close", teacher)
        api.call("POST", f"{url}/polls/{found['poll']}/results", teacher, json={"visible": True})

    return [
        Cue(at(0.08), chat(student, "Hello from the back row!"), "chat"),
        Cue(at(0.2), chat(classmate, "Is chlorophyll the only pigment in a leaf?"), "chat 2"),
        Cue(at(0.3), ask, "question"),
        Cue(at(0.36), upvote, "upvotes"),
        Cue(at(0.45), answer, "answer"),
        Cue(at(0.55), open_poll, "poll opens"),
        Cue(at(0.62), vote, "votes"),
        Cue(at(0.75), close_poll, "poll closes"),
        Cue(at(0.9), chat(student, "Thanks, the Calvin cycle finally makes sense."), "chat 3"),
    ]


def write_json(demo: DemoClass, path: Path) -> None:
    path.write_text(json.dumps(demo.to_json(), indent=2) + "\n")
