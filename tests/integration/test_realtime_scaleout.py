"""Two api processes, one class: the live gateway scales out through Redis.

Two real `multistream api` processes (subprocesses on free ports, one database, one
Redis, the tokens of one issuer as behind a balancer), sockets of one class on both,
commands on both at once: every socket gets every event exactly once, in order.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest
from websockets.sync.client import ClientConnection, connect

from multistream.devtools.processes import environment
from multistream.settings import Settings
from tests.apiclient import ApiClient, Person
from tests.integration.test_realtime import assert_quiet, receive, rename, schedule
from tests.throwaway import free_port

STARTUP_SECONDS = 60


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture(scope="module")
def processes(
    api_settings: Settings, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[list[str]]:
    """The base URLs of two api processes behind one public URL."""
    ports = [free_port(), free_port()]
    settings = api_settings.model_copy(
        update={"api_port": ports[0], "public_url": f"http://127.0.0.1:{ports[0]}"}
    )
    env = {
        **environment(settings),
        "MULTISTREAM_WORKER_METRICS_PORT": "0",
        "MULTISTREAM_RECORDER_METRICS_PORT": "0",
    }
    logs: Path = tmp_path_factory.mktemp("scaleout")
    started = []
    try:
        for port in ports:
            with (logs / f"api-{port}.log").open("wb") as log:
                started.append(
                    subprocess.Popen(
                        [sys.executable, "-m", "multistream", "api", "--port", str(port)],
                        env=env,
                        stdout=log,
                        stderr=subprocess.STDOUT,
                    )
                )
        urls = [f"http://127.0.0.1:{port}" for port in ports]
        for url, process in zip(urls, started, strict=True):
            deadline = time.monotonic() + STARTUP_SECONDS
            while True:
                assert process.poll() is None, f"the api on {url} exited at startup"
                try:
                    if httpx.get(f"{url}/healthz", timeout=2).status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                assert time.monotonic() < deadline, f"{url} did not answer"
                time.sleep(0.1)
        yield urls
    finally:
        for process in started:
            _stop(process)


@contextmanager
def socket_on(url: str, session_id: str, person: Person) -> Iterator[ClientConnection]:
    address = url.replace("http://", "ws://") + f"/api/v1/sessions/{session_id}/live"
    with connect(address, proxy=None, compression=None, open_timeout=5) as websocket:
        websocket.send(json.dumps({"type": "hello", "token": person.access_token, "after": 0}))
        welcome = json.loads(websocket.recv(timeout=5))
        assert welcome["type"] == "welcome", welcome
        yield websocket


def open_sockets(url: str) -> int:
    metrics = httpx.get(f"{url}/metrics", timeout=5).text
    match = re.search(r"^multistream_ws_connections ([0-9.e+]+)$", metrics, re.MULTILINE)
    assert match, "multistream_ws_connections missing from /metrics"
    return int(float(match.group(1)))


def test_two_api_processes_give_every_socket_every_event_once_in_order(
    processes: list[str],
) -> None:
    api = ApiClient(processes[0])
    teacher, students = api.signup("Teacher"), [api.signup("Student") for _ in range(2)]
    course = api.create_course(teacher)
    for student in students:
        assert api.join(student, api.invite(teacher, course["id"])).status_code == 200
    session_id = schedule(api, teacher, course["id"])
    per_process = 15

    with ExitStack() as stack:
        sockets = [
            stack.enter_context(socket_on(url, session_id, person))
            for url in processes
            for person in (teacher, *students)
        ]
        for websocket in sockets:
            receive(websocket, until=1)
        assert [open_sockets(url) for url in processes] == [3, 3]

        def rename_many(url: str) -> None:
            client = ApiClient(url)
            for n in range(per_process):
                rename(client, teacher, session_id, f"{url[-4:]} #{n}")
            client.close()

        # Commands on both processes at once: each publishes its own events, and Redis
        # interleaves the two streams in whatever order their publishes land.
        writers = [threading.Thread(target=rename_many, args=(url,)) for url in processes]
        for writer in writers:
            writer.start()
        for writer in writers:
            writer.join()
        head = 1 + 2 * per_process
        received: list[list[dict[str, Any]]] = [
            receive(websocket, until=head) for websocket in sockets
        ]
        for websocket in sockets:
            assert_quiet(websocket, 0.3)
    api.close()

    log = [(seq, kind) for seq, kind in _log(processes[1], teacher, session_id)]
    assert [seq for seq, _ in log] == list(range(1, head + 1))
    for entries in received:
        assert [(entry["seq"], entry["type"]) for entry in entries] == log[1:]


def _log(url: str, person: Person, session_id: str) -> list[tuple[int, str]]:
    client = ApiClient(url)
    response = client.request("GET", f"/api/v1/sessions/{session_id}/events?after=0", person)
    client.close()
    assert response.status_code == 200, response.text
    return [(entry["seq"], entry["type"]) for entry in response.json()["items"]]
