"""The live socket through the real api, real sockets, PostgreSQL and Redis.

Every test speaks the protocol with the `websockets` client: hello, welcome, envelopes,
`gap.filtered` placeholders, pings and close codes. Events are appended through the real
REST lifecycle or `eventlog.record` on a session factory that publishes after commit,
as the api does.
"""

from __future__ import annotations

import datetime as dt
import gc
import json
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from typing import Any

import jwt
import pytest
import redis
import sqlalchemy as sa
import uvicorn
from sqlalchemy.orm import Session, sessionmaker
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import ClientConnection, connect

from multistream.app import create_app
from multistream.auth.keys import LocalKeyStore
from multistream.auth.tokens import issue_access_token
from multistream.db.engine import make_sessionmaker
from multistream.eventlog import publisher
from multistream.eventlog import service as eventlog
from multistream.eventlog.domain import NewEvent
from multistream.eventlog.models import EventAudience
from multistream.realtime.gateway import Hub
from multistream.settings import Settings
from tests.apiclient import ApiClient, Person
from tests.throwaway import LiveServer

START = dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.UTC)
FAST = {
    "realtime_hello_timeout_seconds": 1.0,
    "realtime_ping_interval_seconds": 0.5,
    "realtime_reauthorize_interval_seconds": 0.3,
}


# --- fixtures and helpers ---------------------------------------------------------------


@pytest.fixture(scope="module")
def gateway_settings(api_settings: Settings) -> Settings:
    return api_settings.model_copy(update=FAST)


@pytest.fixture(scope="module")
def server(gateway_settings: Settings) -> Iterator[LiveServer]:
    with LiveServer(gateway_settings) as live_server:
        yield live_server


@pytest.fixture(scope="module")
def api(server: LiveServer) -> Iterator[ApiClient]:
    client = ApiClient(server.url)
    yield client
    client.close()


@pytest.fixture
def classroom(api: ApiClient) -> tuple[Person, Person, str]:
    return new_classroom(api)


def new_classroom(api: ApiClient) -> tuple[Person, Person, str]:
    """A teacher (host) and a student (participant) of one course, and a scheduled class."""
    teacher, student = api.signup("Teacher"), api.signup("Student")
    course = api.create_course(teacher)
    assert api.join(student, api.invite(teacher, course["id"])).status_code == 200
    return teacher, student, schedule(api, teacher, course["id"])


def schedule(api: ApiClient, host: Person, course_id: str) -> str:
    body = {
        "title": "Photosynthesis, week 3",
        "scheduled_start": START.isoformat(),
        "scheduled_end": (START + dt.timedelta(hours=1)).isoformat(),
    }
    response = api.request("POST", f"/api/v1/courses/{course_id}/sessions", host, json=body)
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


def append(
    factory: sessionmaker[Session],
    session_id: str,
    *events: NewEvent,
    actor: Person | None = None,
) -> list[int]:
    with factory() as db, db.begin():
        appended = eventlog.record(
            db,
            session_id=uuid.UUID(session_id),
            events=events,
            actor_id=uuid.UUID(actor.id) if actor else None,
        )
    return [envelope.seq for envelope in appended]


def rename(api: ApiClient, host: Person, session_id: str, title: str) -> None:
    response = api.request("PATCH", f"/api/v1/sessions/{session_id}", host, json={"title": title})
    assert response.status_code == 200, response.text


def live_url(server: LiveServer, session_id: str) -> str:
    return f"ws://127.0.0.1:{server.port}/api/v1/sessions/{session_id}/live"


class LiveConnection(ClientConnection):
    welcome: dict[str, Any]
    """The server's answer to this socket's hello."""


@contextmanager
def live(
    server: LiveServer,
    session_id: str,
    person: Person,
    *,
    after: int = 0,
    **options: Any,
) -> Iterator[LiveConnection]:
    """A socket that said hello and got its welcome."""
    with connect(
        live_url(server, session_id),
        proxy=None,
        compression=None,
        open_timeout=5,
        create_connection=LiveConnection,
        **options,
    ) as websocket:
        assert isinstance(websocket, LiveConnection)
        websocket.send(json.dumps({"type": "hello", "token": person.access_token, "after": after}))
        websocket.welcome = json.loads(websocket.recv(timeout=5))
        assert websocket.welcome["type"] == "welcome", websocket.welcome
        yield websocket


def receive(
    websocket: ClientConnection, *, until: int, timeout: float = 5.0
) -> list[dict[str, Any]]:
    """Log entries (frames with a seq) up to seq `until`, skipping pings."""
    entries: list[dict[str, Any]] = []
    deadline = time.monotonic() + timeout
    while not entries or entries[-1]["seq"] < until:
        remaining = deadline - time.monotonic()
        assert remaining > 0, f"only got up to {entries[-1]['seq'] if entries else None}"
        frame = json.loads(websocket.recv(timeout=remaining))
        if "seq" in frame:
            entries.append(frame)
        else:
            assert frame == {"type": "ping"}, frame
    return entries


def assert_quiet(websocket: ClientConnection, seconds: float = 0.6) -> None:
    """No log entry arrives for a while (pings may)."""
    deadline = time.monotonic() + seconds
    while (remaining := deadline - time.monotonic()) > 0:
        try:
            frame = json.loads(websocket.recv(timeout=remaining))
        except TimeoutError:
            return
        assert "seq" not in frame, f"unexpected entry {frame}"


def closed_with(websocket: ClientConnection, *, timeout: float = 5.0) -> int | None:
    """Read until the server closes the socket; its close code."""
    return drain_until_closed(websocket, timeout=timeout)[1]


def drain_until_closed(
    websocket: ClientConnection, *, timeout: float = 5.0
) -> tuple[list[int], int | None]:
    """Every seq received until the server closes the socket, and its close code."""
    seqs = []
    deadline = time.monotonic() + timeout
    while True:
        try:
            frame = json.loads(websocket.recv(timeout=max(0.01, deadline - time.monotonic())))
        except ConnectionClosed:
            return seqs, websocket.close_code
        if "seq" in frame:
            seqs.append(frame["seq"])


def log_of(api: ApiClient, person: Person, session_id: str) -> list[tuple[int, str]]:
    response = api.request("GET", f"/api/v1/sessions/{session_id}/events?after=0", person)
    assert response.status_code == 200, response.text
    return [(entry["seq"], entry["type"]) for entry in response.json()["items"]]


def seqs_and_types(entries: list[dict[str, Any]]) -> list[tuple[int, str]]:
    return [(entry["seq"], entry["type"]) for entry in entries]


def hub_of(live_server: LiveServer) -> Hub:
    hub: Hub = live_server.server.config.app.state.resources.hub
    return hub


# --- handshake --------------------------------------------------------------------------


def test_an_upgraded_connection_leaves_no_reference_cycle_behind(
    server: LiveServer, classroom: tuple[Person, Person, str]
) -> None:
    """The HTTP connection a socket upgrades from is freed by reference counting: a class
    joining must not leave the garbage collector a cycle per socket to walk."""
    _, student, session_id = classroom
    gc.collect()
    gc.set_debug(gc.DEBUG_SAVEALL)  # what the collector finds unreachable stays to look at
    try:
        for _ in range(3):
            with live(server, session_id, student) as websocket:
                receive(websocket, until=1)
        gc.collect()
        left = [type(o).__name__ for o in gc.garbage if "Http" in type(o).__name__]
    finally:
        gc.set_debug(0)
        gc.garbage.clear()
    assert left == []


def test_hello_is_welcomed_with_head_and_role_then_pinged(
    server: LiveServer, classroom: tuple[Person, Person, str]
) -> None:
    teacher, student, session_id = classroom
    with live(server, session_id, student) as websocket:
        assert websocket.welcome == {
            "type": "welcome",
            "session_id": session_id,
            "head": 1,
            "role": "participant",
        }
        assert seqs_and_types(receive(websocket, until=1)) == [(1, "session.scheduled")]
        assert json.loads(websocket.recv(timeout=2)) == {"type": "ping"}  # every 0.5 s here
    with live(server, session_id, teacher) as websocket:
        assert websocket.welcome["role"] == "host"


@pytest.mark.parametrize(
    "first_frame",
    [
        {"type": "hello", "token": "not-a-jwt", "after": 0},
        {"type": "hello", "after": 0},
        {"type": "subscribe", "token": "whatever"},
        "not json",
    ],
    ids=["bad-token", "no-token", "not-a-hello", "not-json"],
)
def test_a_bad_hello_is_closed_4401(
    server: LiveServer, classroom: tuple[Person, Person, str], first_frame: Any
) -> None:
    _, _, session_id = classroom
    with connect(live_url(server, session_id), proxy=None, compression=None) as websocket:
        websocket.send(first_frame if isinstance(first_frame, str) else json.dumps(first_frame))
        assert closed_with(websocket) == 4401


def test_an_expired_token_is_closed_4401(
    server: LiveServer, classroom: tuple[Person, Person, str]
) -> None:
    _, student, session_id = classroom
    claims = jwt.decode(student.access_token, options={"verify_signature": False})
    expired = issue_access_token(
        LocalKeyStore(server.settings.keys_dir),
        issuer=claims["iss"],
        subject=uuid.UUID(claims["sub"]),
        session_id=uuid.UUID(claims["sid"]),
        authorized_party=claims["azp"],
        ttl_seconds=60,
        now=dt.datetime.now(dt.UTC) - dt.timedelta(hours=1),
    )
    with connect(live_url(server, session_id), proxy=None, compression=None) as websocket:
        websocket.send(json.dumps({"type": "hello", "token": expired}))
        assert closed_with(websocket) == 4401


def test_a_non_member_or_unknown_session_is_closed_4403(
    server: LiveServer, api: ApiClient, classroom: tuple[Person, Person, str]
) -> None:
    _, _, session_id = classroom
    outsider = api.signup("Outsider")
    for target in (session_id, str(uuid.uuid4()), "not-a-uuid"):
        with connect(live_url(server, target), proxy=None, compression=None) as websocket:
            websocket.send(json.dumps({"type": "hello", "token": outsider.access_token}))
            assert closed_with(websocket) == 4403, target


def test_a_student_removed_from_the_course_is_cut_off_4403_and_the_others_stay(
    server: LiveServer, api: ApiClient, classroom: tuple[Person, Person, str]
) -> None:
    teacher, student, session_id = classroom
    course_id = api.request("GET", f"/api/v1/sessions/{session_id}", teacher).json()["course_id"]
    with live(server, session_id, teacher) as host, live(server, session_id, student) as pupil:
        head = host.welcome["head"]
        rename(api, teacher, session_id, "Still here")
        assert receive(pupil, until=head + 1)[-1]["seq"] == head + 1
        removed = api.request(
            "DELETE", f"/api/v1/courses/{course_id}/members/{student.id}", teacher
        )
        assert removed.status_code == 204, removed.text
        assert closed_with(pupil) == 4403
        assert pupil.close_reason == "no longer allowed in this class"
        # The teacher's socket is untouched: the next event reaches it.
        rename(api, teacher, session_id, "Without her")
        assert receive(host, until=head + 2)[-1]["seq"] == head + 2
    # Coming back is refused at the hello, as for any outsider.
    with connect(live_url(server, session_id), proxy=None, compression=None) as websocket:
        websocket.send(json.dumps({"type": "hello", "token": student.access_token}))
        assert closed_with(websocket) == 4403


def test_no_hello_in_time_is_closed_4401(
    server: LiveServer, classroom: tuple[Person, Person, str]
) -> None:
    _, _, session_id = classroom
    started = time.monotonic()
    with connect(live_url(server, session_id), proxy=None, compression=None) as websocket:
        assert closed_with(websocket, timeout=5) == 4401
    assert 0.9 <= time.monotonic() - started < 4  # the hello timeout is 1 s here


def test_frames_after_hello_other_than_pong_are_closed_4400(
    server: LiveServer, classroom: tuple[Person, Person, str]
) -> None:
    _, student, session_id = classroom
    with live(server, session_id, student) as websocket:
        websocket.send(json.dumps({"type": "pong"}))  # tolerated
        receive(websocket, until=1)
        websocket.send(json.dumps({"type": "chat", "body": "commands go over REST"}))
        assert closed_with(websocket) == 4400


def short_lived(server: LiveServer, person: Person, seconds: float) -> str:
    """An access token of `person` that expires `seconds` from now."""
    claims = jwt.decode(person.access_token, options={"verify_signature": False})
    return issue_access_token(
        LocalKeyStore(server.settings.keys_dir),
        issuer=claims["iss"],
        subject=uuid.UUID(claims["sub"]),
        session_id=uuid.UUID(claims["sid"]),
        authorized_party=claims["azp"],
        ttl_seconds=60,
        now=dt.datetime.now(dt.UTC) - dt.timedelta(seconds=60 - seconds),
    )


@pytest.fixture(scope="module")
def strict_server(server: LiveServer) -> Iterator[LiveServer]:
    """A second api on the same database without clock leeway: tokens die at `exp`."""
    with sibling_of(server, jwt_leeway_seconds=0) as strict:
        yield strict


@contextmanager
def hello_with(server: LiveServer, session_id: str, token: str) -> Iterator[ClientConnection]:
    with connect(live_url(server, session_id), proxy=None, compression=None) as websocket:
        websocket.send(json.dumps({"type": "hello", "token": token}))
        assert json.loads(websocket.recv(timeout=5))["type"] == "welcome"
        yield websocket


def test_a_socket_is_closed_4401_when_its_token_expires(
    strict_server: LiveServer, api: ApiClient, classroom: tuple[Person, Person, str]
) -> None:
    teacher, student, session_id = classroom
    started = time.monotonic()
    with hello_with(strict_server, session_id, short_lived(strict_server, student, 2.5)) as pupil:
        rename(api, teacher, session_id, "Before the expiry")
        assert receive(pupil, until=2)[-1]["seq"] == 2  # it works until then
        assert closed_with(pupil, timeout=6) == 4401
        assert pupil.close_reason == "token expired or refused; refresh it and reconnect"
    assert 1.4 <= time.monotonic() - started < 5  # `exp` is in whole seconds


def test_a_fresh_token_keeps_the_socket_open(
    strict_server: LiveServer, api: ApiClient, classroom: tuple[Person, Person, str]
) -> None:
    teacher, student, session_id = classroom
    with hello_with(strict_server, session_id, short_lived(strict_server, student, 2.0)) as pupil:
        receive(pupil, until=1)
        pupil.send(json.dumps({"type": "token", "token": short_lived(strict_server, student, 4)}))
        time.sleep(2.5)  # past the first token's expiry
        rename(api, teacher, session_id, "Still watching")
        assert receive(pupil, until=2)[-1]["seq"] == 2
        # The second token expires in its turn: nothing new was sent.
        assert closed_with(pupil, timeout=5) == 4401


@pytest.mark.parametrize("fresh", ["garbage", "teacher", "expired"])
def test_a_refused_fresh_token_closes_the_socket_4401(
    strict_server: LiveServer, classroom: tuple[Person, Person, str], fresh: str
) -> None:
    teacher, student, session_id = classroom
    token = {
        "garbage": "not-a-jwt",
        "teacher": teacher.access_token,  # valid, but another user's
        "expired": short_lived(strict_server, student, -5),
    }[fresh]
    with hello_with(strict_server, session_id, student.access_token) as pupil:
        receive(pupil, until=1)
        pupil.send(json.dumps({"type": "token", "token": token}))
        assert closed_with(pupil) == 4401


def test_a_socket_of_a_signed_out_session_cannot_be_opened(
    server: LiveServer, api: ApiClient, classroom: tuple[Person, Person, str]
) -> None:
    _, student, session_id = classroom
    signed_out = api.http.post(
        "/auth/local/logout", headers={"Cookie": f"multistream_refresh={student.refresh_token}"}
    )
    assert signed_out.status_code == 204
    with connect(live_url(server, session_id), proxy=None, compression=None) as websocket:
        websocket.send(json.dumps({"type": "hello", "token": student.access_token}))
        assert closed_with(websocket) == 4401


# --- delivery ---------------------------------------------------------------------------


def test_after_zero_gets_the_whole_log_in_order_then_live_events(
    server: LiveServer, api: ApiClient, classroom: tuple[Person, Person, str]
) -> None:
    teacher, student, session_id = classroom
    assert api.request("POST", f"/api/v1/sessions/{session_id}/start", teacher).status_code == 200
    rename(api, teacher, session_id, "Before the socket")
    head = len(log_of(api, student, session_id))
    with live(server, session_id, student) as websocket:
        assert websocket.welcome["head"] == head
        caught_up = receive(websocket, until=head)
        rename(api, teacher, session_id, "While watching")
        assert api.request("POST", f"/api/v1/sessions/{session_id}/end", teacher).status_code == 200
        streamed = receive(websocket, until=head + 2)
        assert_quiet(websocket)
    assert seqs_and_types(caught_up + streamed) == log_of(api, student, session_id)
    assert [entry["type"] for entry in streamed] == ["session.updated", "session.ended"]
    assert streamed[0]["payload"] == {"title": "While watching"}


AUDIENCE_EVENTS = (
    NewEvent("test.for_staff", audience=EventAudience.staff),
    NewEvent("test.for_nobody", audience=EventAudience.none),
    NewEvent("test.for_actor", audience=EventAudience.actor),
    NewEvent("test.for_all"),
)
SEEN_BY_STUDENT = [
    (2, "gap.filtered"),
    (3, "gap.filtered"),
    (4, "test.for_actor"),  # the student is the actor
    (5, "test.for_all"),
]
SEEN_BY_TEACHER = [
    (2, "test.for_staff"),
    (3, "gap.filtered"),
    (4, "gap.filtered"),
    (5, "test.for_all"),
]


def test_each_viewer_gets_what_its_audience_allows_live_and_on_resume(
    server: LiveServer,
    publishing: sessionmaker[Session],
    classroom: tuple[Person, Person, str],
) -> None:
    teacher, student, session_id = classroom
    with (
        live(server, session_id, student) as as_student,
        live(server, session_id, teacher) as as_teacher,
    ):
        receive(as_student, until=1)
        receive(as_teacher, until=1)
        append(publishing, session_id, *AUDIENCE_EVENTS, actor=student)
        live_student = receive(as_student, until=5)
        live_teacher = receive(as_teacher, until=5)
    assert seqs_and_types(live_student) == SEEN_BY_STUDENT
    assert seqs_and_types(live_teacher) == SEEN_BY_TEACHER
    assert live_student[0] == {"seq": 2, "type": "gap.filtered"}  # nothing of the event leaks

    # The same from the log, on a resume.
    with live(server, session_id, student, after=1) as as_student:
        assert seqs_and_types(receive(as_student, until=5)) == SEEN_BY_STUDENT
    with live(server, session_id, teacher, after=1) as as_teacher:
        assert seqs_and_types(receive(as_teacher, until=5)) == SEEN_BY_TEACHER


def sibling_of(first: LiveServer, **changes: Any) -> LiveServer:
    """Another api process on its own port behind the first one's public URL, the issuer
    (`iss`) and party (`azp`) of the tokens: two replicas behind one balancer."""
    other = LiveServer(first.settings)
    other.settings = first.settings.model_copy(update=changes)
    config = uvicorn.Config(
        create_app(other.settings), host="127.0.0.1", port=other.port, log_config=None
    )
    other.server = uvicorn.Server(config)
    other.thread = threading.Thread(target=other.server.run, daemon=True)
    return other


def test_two_api_processes_deliver_every_event_once_in_order(
    server: LiveServer, classroom: tuple[Person, Person, str]
) -> None:
    teacher, student, session_id = classroom
    per_server = 12
    with sibling_of(server) as other, ExitStack() as sockets:
        clients = [
            sockets.enter_context(live(process, session_id, person))
            for process in (server, other)
            for person in (teacher, student, student)
        ]
        for websocket in clients:
            receive(websocket, until=1)

        def rename_many(process: LiveServer) -> None:
            client = ApiClient(process.url)
            for n in range(per_server):
                rename(client, teacher, session_id, f"{process.port} #{n}")
            client.close()

        # Commands on both processes at once: each publishes its own events, so Redis
        # interleaves the two streams in whatever order the commits' publishes land.
        writers = [threading.Thread(target=rename_many, args=(p,)) for p in (server, other)]
        for writer in writers:
            writer.start()
        for writer in writers:
            writer.join()
        head = 1 + 2 * per_server
        received = [receive(websocket, until=head) for websocket in clients]
        for websocket in clients:
            assert_quiet(websocket, 0.3)
    for entries in received:
        assert [entry["seq"] for entry in entries] == list(range(2, head + 1))


def test_a_client_resumes_with_exactly_what_it_missed(
    server: LiveServer,
    publishing: sessionmaker[Session],
    classroom: tuple[Person, Person, str],
) -> None:
    _, student, session_id = classroom
    with live(server, session_id, student) as websocket:
        last = receive(websocket, until=1)[-1]["seq"]
    missed = [
        append(publishing, session_id, NewEvent("test.missed", {"n": n}))[0] for n in range(20)
    ]
    with live(server, session_id, student, after=last) as websocket:
        entries = receive(websocket, until=missed[-1])
        assert_quiet(websocket, 0.3)
        (next_seq,) = append(publishing, session_id, NewEvent("test.after_resume"))
        after_resume = receive(websocket, until=next_seq)
    assert [entry["seq"] for entry in entries] == missed == list(range(2, 22))
    assert [entry["payload"]["n"] for entry in entries] == list(range(20))
    assert seqs_and_types(after_resume) == [(22, "test.after_resume")]


def test_sockets_joining_mid_stream_get_no_gap_and_no_duplicate_at_the_seam(
    server: LiveServer,
    publishing: sessionmaker[Session],
    classroom: tuple[Person, Person, str],
) -> None:
    """Catch-up from the log meets live events from Redis: events committed while a socket
    reads the log arrive by both ways, and each must be sent once."""
    teacher, student, session_id = classroom
    total = 80

    def stream() -> None:
        for n in range(total):
            append(publishing, session_id, NewEvent("test.tick", {"n": n}))
            time.sleep(0.004)

    writer = threading.Thread(target=stream)
    with ExitStack() as sockets:
        writer.start()
        joined = []
        for n in range(8):
            time.sleep(0.03)
            after = n * 3  # some from the start, some from a seq already behind
            person = teacher if n % 2 else student
            websocket = sockets.enter_context(live(server, session_id, person, after=after))
            joined.append((after, websocket))
        writer.join()
        head = 1 + total
        for after, websocket in joined:
            entries = receive(websocket, until=head)
            assert_quiet(websocket, 0.2)
            assert [entry["seq"] for entry in entries] == list(range(after + 1, head + 1))


def test_lost_and_reordered_publishes_are_repaired_from_the_log(
    server: LiveServer,
    engine: sa.Engine,
    api_settings: Settings,
    classroom: tuple[Person, Person, str],
) -> None:
    """Publishes from two processes can land out of order, and one can be lost: the
    gateway holds early events and reads the missing ones from the log."""
    _, student, session_id = classroom
    unpublished = make_sessionmaker(engine)  # appends without publishing anything
    client = redis.Redis.from_url(api_settings.redis_url)
    with live(server, session_id, student) as websocket:
        receive(websocket, until=1)
        with unpublished() as db, db.begin():
            envelopes = eventlog.record(
                db,
                session_id=uuid.UUID(session_id),
                events=[NewEvent("test.numbered", {"n": n}) for n in range(3)],
                actor_id=None,
            )
        # seq 4 first, then 3; seq 2 is never published.
        for envelope in (envelopes[2], envelopes[1]):
            client.publish(publisher.channel(session_id), envelope.model_dump_json())
        entries = receive(websocket, until=4, timeout=3)  # the reconcile poll is 5 s away
        assert_quiet(websocket, 0.3)
    client.close()
    assert [(entry["seq"], entry["payload"]["n"]) for entry in entries] == [(2, 0), (3, 1), (4, 2)]


# --- failures ---------------------------------------------------------------------------


def wait_for(condition: Any, what: str, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.05)
