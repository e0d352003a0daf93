"""Fan-out benchmark of the live gateway: N sockets on one session, events at a fixed rate.

    .venv/bin/python bench/fanout/run.py --clients 1000 --rate 5 --duration 30

It starts the real api (`multistream api`, a uvicorn process) on a database of its own
(`multistream_bench`, recreated and migrated each run) and the local Redis, signs up a
teacher and a student, schedules a class, and opens N WebSocket clients (spread over
`--client-procs` processes on uvloop) that say hello as the student: by default the lean
client of `lean.py` (frames parsed by hand, stamped when their bytes arrive: ~1/3 of the
`websockets` client's CPU per frame, so the clients' own backlog adds less to the
latency measured), or with `--client websockets` the `websockets` library's asyncio
client.
Then it appends events with `eventlog.record` (published after commit, as the api does)
at `--rate` per second for `--duration` seconds, and reports:

- connected clients and how long connecting took;
- delivery latency: append (`occurred_at`) → received by a client, p50/p90/p99/max over
  every (client, event) pair; and deliveries that were missing, duplicated or out of order;
- CPU of the api process while events flow (100% = one core) and of the client
  processes; RSS of the api before the clients connect, once they are idle, and at the
  end, and so the memory of one idle connection.

Everything runs on this machine: clients and api share its cores, so the latency includes
the clients' own scheduling delays (their CPU use is reported to judge that).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import multiprocessing as mp
import os
import resource
import signal
import statistics
import subprocess
import sys
import time
import uuid
from array import array
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import redis
import sqlalchemy as sa

from multistream.devtools.databases import fresh_database

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
import shared

ROOT = Path(__file__).resolve().parents[2]
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
PAGE_SIZE = os.sysconf("SC_PAGE_SIZE")


# --- the api process ----------------------------------------------------------------------


def raise_file_limit() -> int:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < hard:
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    return hard


def pinned(command: list[str], core: int | None) -> list[str]:
    return ["taskset", "-c", str(core), *command] if core is not None else command


def wait_for_port(port: int, process: subprocess.Popen[bytes], what: str) -> None:
    import socket

    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 1):
            return
        if process.poll() is not None:
            raise SystemExit(f"{what} exited at startup")
        time.sleep(0.2)
    process.kill()
    raise SystemExit(f"{what} did not start")


def start_bare(kind: str, port: int, session_id: str, core: int | None) -> subprocess.Popen[bytes]:
    """One of the bare baselines (`bench/fanout/bare.py`)."""
    from multistream.settings import Settings

    command = [
        sys.executable,
        str(Path(__file__).with_name("bare.py")),
        kind,
        "--port",
        str(port),
        "--session",
        session_id,
        "--redis-url",
        Settings().redis_url,
    ]
    server = subprocess.Popen(pinned(command, core), cwd=ROOT, stdout=subprocess.DEVNULL)
    wait_for_port(port, server, f"the bare {kind} server")
    return server


@dataclass
class ProcStat:
    user_seconds: float
    system_seconds: float
    rss_mb: float

    @property
    def cpu_seconds(self) -> float:
        return self.user_seconds + self.system_seconds


def proc_stat(pid: int) -> ProcStat:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    utime, stime = int(fields[11]), int(fields[12])
    rss_pages = int(Path(f"/proc/{pid}/statm").read_text().split()[1])
    return ProcStat(utime / CLOCK_TICKS, stime / CLOCK_TICKS, rss_pages * PAGE_SIZE / 2**20)


def metric(base_url: str, name: str) -> float:
    text = httpx.get(f"{base_url}/metrics", timeout=30).text
    return sum(
        float(line.rsplit(" ", 1)[1])
        for line in text.splitlines()
        if line.startswith(name) and not line.startswith("#")
    )


def histogram_quantiles(base_url: str, name: str, fractions: list[float]) -> list[float]:
    """Quantiles of a Prometheus histogram, as the upper bound of the bucket they fall in."""
    text = httpx.get(f"{base_url}/metrics", timeout=30).text
    buckets = []
    for line in text.splitlines():
        if line.startswith(f"{name}_bucket"):
            bound = line.split('le="', 1)[1].split('"', 1)[0]
            buckets.append((float(bound), float(line.rsplit(" ", 1)[1])))
    total = buckets[-1][1] if buckets else 0
    return [
        next((bound for bound, count in buckets if count >= fraction * total), float("nan"))
        for fraction in fractions
    ]


# --- a classroom through the REST api -------------------------------------------------------


def classroom(base_url: str) -> tuple[str, str, str]:
    """A teacher and a student in one course with one class: (session id, student token,
    teacher token)."""
    http = httpx.Client(base_url=base_url, headers={"Origin": base_url}, timeout=30)

    def signup(name: str) -> dict[str, Any]:
        response = http.post(
            "/auth/local/signup",
            json={
                "email": f"{name}.{uuid.uuid4().hex[:8]}@example.com",
                "password": "correct horse battery staple",
                "display_name": name,
            },
        )
        response.raise_for_status()
        return dict(response.json())

    teacher, student = signup("teacher"), signup("student")
    as_teacher = {"Authorization": f"Bearer {teacher['access_token']}"}
    course = http.post("/api/v1/courses", headers=as_teacher, json={"title": "Bench"}).json()
    invite = http.post(
        f"/api/v1/courses/{course['id']}/invites", headers=as_teacher, json={"role": "student"}
    ).json()
    http.post(
        f"/api/v1/invites/{invite['code']}/accept",
        headers={"Authorization": f"Bearer {student['access_token']}"},
    ).raise_for_status()
    session = shared.schedule_class(http, as_teacher, course["id"], "Fan-out")
    http.close()
    return str(session["id"]), str(student["access_token"]), str(teacher["access_token"])


# --- client processes -------------------------------------------------------------------------


def client_process(
    index: int,
    count: int,
    url: str,
    token: str,
    connected: Any,
    stop: Any,
    results: Any,
    core: int | None = None,
    kind: str = "lean",
) -> None:
    raise_file_limit()
    if core is not None:
        os.sched_setaffinity(0, {core})
    # uvloop, as the servers use: the clients share one core and read every frame, so an
    # unhurried client loop would set the latency's tail for any server.
    import uvloop

    clients = _lean_clients if kind == "lean" else _clients
    uvloop.run(clients(index, count, url, token, connected, stop, results))


@dataclass
class Clients:
    """What one client process's sockets share and report: every delivery's latency, the
    seqs each socket received, and why sockets failed."""

    count: int
    latencies: array[float] = field(default_factory=lambda: array("d"))
    seqs: list[list[int]] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)
    welcomed: int = 0
    gate: asyncio.Semaphore = field(default_factory=lambda: asyncio.Semaphore(100))
    """Connections opening at once."""

    async def run(
        self,
        one_client: Callable[[], Awaitable[None]],
        leave: Callable[[list[asyncio.Task[None]]], None],
        *,
        index: int,
        connected: Any,
        stop: Any,
        results: Any,
    ) -> None:
        """Open `count` clients, say when they are in, hold them until `stop`, then
        `leave` and report."""
        started = time.process_time()
        tasks = [asyncio.create_task(one_client()) for _ in range(self.count)]
        while self.welcomed + len(self.failures) < self.count:
            await asyncio.sleep(0.2)
        connected.put((index, self.welcomed, self.failures[:5]))
        while not stop.is_set():
            await asyncio.sleep(0.2)
        leave(tasks)
        await asyncio.gather(*tasks, return_exceptions=True)
        results.put(
            (
                index,
                self.latencies.tobytes(),
                self.seqs,
                self.failures[:5],
                len(self.failures),
                time.process_time() - started,
            )
        )

    def failed(self, exc: Exception) -> None:
        self.failures.append(f"{type(exc).__name__}: {exc}"[:200])


async def _lean_clients(
    index: int, count: int, url: str, token: str, connected: Any, stop: Any, results: Any
) -> None:
    """The clients of `lean.py`: frames parsed by hand, stamped on arrival."""
    from lean import LeanSocket, Timestamps

    loop = asyncio.get_running_loop()
    host, port = url.removeprefix("ws://").split("/", 1)[0].split(":")
    clients = Clients(count)
    timestamps = Timestamps()
    sockets: list[LeanSocket] = []

    async def one_client() -> None:
        hello = {"type": "hello", "token": token, "after": 1}
        socket = LeanSocket(url, hello, clients.latencies, timestamps)
        sockets.append(socket)
        clients.seqs.append(socket.received)
        try:
            async with clients.gate:
                await loop.create_connection(lambda: socket, host, int(port))
                await asyncio.wait_for(socket.welcomed, 60)
            clients.welcomed += 1
            await socket.closed
        except Exception as exc:
            clients.failed(exc)

    def leave(tasks: list[asyncio.Task[None]]) -> None:
        for socket in sockets:
            socket.close()

    await clients.run(
        one_client, leave, index=index, connected=connected, stop=stop, results=results
    )


async def _clients(
    index: int, count: int, url: str, token: str, connected: Any, stop: Any, results: Any
) -> None:
    """The `websockets` library's asyncio clients (`--client websockets`)."""
    from websockets.asyncio.client import connect

    clients = Clients(count)

    async def one_client() -> None:
        received: list[int] = []
        clients.seqs.append(received)
        try:
            async with clients.gate:
                websocket = await connect(
                    url, compression=None, open_timeout=60, ping_interval=None, max_queue=None
                )
                await websocket.send(json.dumps({"type": "hello", "token": token, "after": 1}))
                welcome = json.loads(await websocket.recv())
                assert welcome["type"] == "welcome", welcome
            clients.welcomed += 1
            async for frame in websocket:
                now = time.time()
                entry = json.loads(frame)
                seq = entry.get("seq")
                if seq is None:
                    continue
                received.append(seq)
                clients.latencies.append(now - _timestamp(entry["occurred_at"]))
        except Exception as exc:
            clients.failed(exc)

    def leave(tasks: list[asyncio.Task[None]]) -> None:
        for task in tasks:
            task.cancel()

    await clients.run(
        one_client, leave, index=index, connected=connected, stop=stop, results=results
    )


def _timestamp(iso: str) -> float:
    from datetime import datetime

    return datetime.fromisoformat(iso.replace("Z", "+00:00")).timestamp()


# --- the run -----------------------------------------------------------------------------------


def percentile(ordered: list[float], fraction: float) -> float:
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=1000)
    parser.add_argument("--rate", type=float, default=5.0, help="events appended per second")
    parser.add_argument("--duration", type=float, default=30.0, help="seconds of appending")
    parser.add_argument("--client-procs", type=int, default=2)
    parser.add_argument("--payload-bytes", type=int, default=200)
    parser.add_argument("--port", type=int, default=8491)
    parser.add_argument("--database", default="multistream_bench")
    parser.add_argument(
        "--server",
        choices=["api", "bare-websockets", "bare-starlette"],
        default="api",
        help="the api, or one of the bare baselines of bench/fanout/bare.py",
    )
    parser.add_argument(
        "--client",
        choices=["lean", "websockets"],
        default="lean",
        help="the clients: lean.py's hand-parsed frames, or the websockets asyncio client",
    )
    parser.add_argument(
        "--no-pin",
        dest="pin",
        action="store_false",
        help="do not pin the server to core 0 and the clients to core 1 (taskset)",
    )
    args = parser.parse_args()
    args.server_core, args.client_core = (
        (0, 1) if args.pin and os.cpu_count() != 1 else (None, None)
    )

    limit = raise_file_limit()
    print(
        f"open files limit: {limit}; server: {args.server}; client: {args.client};"
        f" load average {os.getloadavg()}"
    )
    database_url = fresh_database(args.database)
    base_url = f"http://127.0.0.1:{args.port}"
    if args.server == "api":
        server = shared.start_api(
            args.port,
            database_url,
            public_url="",
            cpus=None if args.server_core is None else str(args.server_core),
            command=os.environ.get("BENCH_API_COMMAND", "").split() or None,
        )
    else:
        args.bare_session = str(uuid.uuid4())
        server = start_bare(
            args.server.removeprefix("bare-"), args.port, args.bare_session, args.server_core
        )
    try:
        run(args, server, base_url, database_url)
    finally:
        server.send_signal(signal.SIGINT)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()


def run(args: argparse.Namespace, api: subprocess.Popen[bytes], base_url: str, db_url: str) -> None:
    import multistream.tables  # noqa: F401 - every table, and the projections events reach
    from multistream.db.engine import make_sessionmaker
    from multistream.eventlog import publisher
    from multistream.eventlog import service as eventlog
    from multistream.eventlog.domain import NewEvent
    from multistream.eventlog.models import EventAudience
    from multistream.eventlog.schemas import EventEnvelope
    from multistream.settings import Settings

    bare = args.server != "api"
    if bare:
        session_id, student_token = args.bare_session, "bare"
    else:
        session_id, student_token, _ = classroom(base_url)
    ws_url = f"ws://127.0.0.1:{args.port}/api/v1/sessions/{session_id}/live"
    baseline = proc_stat(api.pid)
    print(f"api pid {api.pid}, RSS before clients: {baseline.rss_mb:.1f} MB")

    context = mp.get_context("spawn")
    connected, results, stop = context.Queue(), context.Queue(), context.Event()
    shares = [args.clients // args.client_procs] * args.client_procs
    shares[0] += args.clients - sum(shares)
    procs = [
        context.Process(
            target=client_process,
            args=(
                i,
                share,
                ws_url,
                student_token,
                connected,
                stop,
                results,
                args.client_core,
                args.client,
            ),
            daemon=True,  # gone with the bench, should it fail
        )
        for i, share in enumerate(shares)
    ]
    started = time.monotonic()
    for proc in procs:
        proc.start()
    welcomed, connect_failures = 0, []
    for _ in procs:
        _, count, failures = connected.get(timeout=600)
        welcomed += count
        connect_failures += failures
    connect_seconds = time.monotonic() - started
    print(f"connected {welcomed}/{args.clients} in {connect_seconds:.1f} s")
    for failure in connect_failures[:5]:
        print(f"  connect failure: {failure}")
    time.sleep(2)  # let the server settle
    idle = proc_stat(api.pid)
    per_connection_kb = (idle.rss_mb - baseline.rss_mb) * 1024 / max(1, welcomed)
    print(
        f"RSS with {welcomed} idle sockets: {idle.rss_mb:.1f} MB ({per_connection_kb:.1f} KB each)"
    )

    settings = Settings(database_url=db_url)
    engine = sa.create_engine(settings.database_url_sync, pool_size=2)
    factory = make_sessionmaker(engine)
    publish_to = redis.Redis.from_url(settings.redis_url)
    publisher.install(factory, publish_to)
    payload = {"text": "x" * args.payload_bytes}
    total = int(args.rate * args.duration)
    before = proc_stat(api.pid)
    clients_cpu_before = sum(proc_stat(p.pid).cpu_seconds for p in procs if p.pid)
    began = time.monotonic()
    for n in range(total):
        due = began + n / args.rate
        if (wait := due - time.monotonic()) > 0:
            time.sleep(wait)
        if bare:  # the same envelope, published as the api's publisher does
            publish_to.publish(
                publisher.channel(session_id),
                EventEnvelope(
                    session_id=uuid.UUID(session_id),
                    seq=n + 2,
                    type="bench.tick",
                    occurred_at=datetime.now(UTC),
                    actor_id=None,
                    audience=EventAudience.all,
                    payload={"n": n, **payload},
                ).model_dump_json(),
            )
            continue
        with factory() as db, db.begin():
            eventlog.record(
                db,
                session_id=uuid.UUID(session_id),
                events=[NewEvent("bench.tick", {"n": n, **payload})],
                actor_id=None,
            )
    appended_for = time.monotonic() - began
    time.sleep(3)  # stragglers
    after = proc_stat(api.pid)
    clients_cpu = sum(proc_stat(p.pid).cpu_seconds for p in procs if p.pid) - clients_cpu_before
    window = appended_for + 3
    if bare:
        slow, api_lag = 0.0, [float("nan")] * 2
    else:
        try:
            slow = metric(base_url, "multistream_ws_slow_client_disconnects_total")
            api_lag = histogram_quantiles(
                base_url, "multistream_ws_fanout_lag_seconds", [0.5, 0.99]
            )
        except httpx.HTTPError as exc:
            print(f"  /metrics did not answer: {exc!r}")
            slow, api_lag = float("nan"), [float("nan")] * 2
    stop.set()

    latencies: list[float] = []
    missing = duplicated = disordered = lost_clients = dropped = 0
    expected = list(range(2, 2 + total))
    for _ in procs:
        _, raw, seqs, failures, failure_count, _ = results.get(timeout=120)
        dropped += failure_count
        for failure in failures:
            print(f"  client failure: {failure}")
        values = array("d")
        values.frombytes(raw)
        latencies.extend(values)
        for received in seqs:
            if not received:
                lost_clients += 1
            missing += len(set(expected) - set(received))
            duplicated += len(received) - len(set(received))
            disordered += received != sorted(received)
    for proc in procs:
        proc.join(timeout=30)
    engine.dispose()
    publish_to.close()

    latencies.sort()
    deliveries = len(latencies)
    print(f"appended {total} events in {appended_for:.1f} s ({total / appended_for:.1f}/s)")
    print(
        f"deliveries {deliveries}/{welcomed * total}: missing {missing}, duplicated "
        f"{duplicated}, out of order on {disordered} clients, slow-client cut-offs {slow:.0f},"
        f" clients dropped {dropped}, clients that got nothing {lost_clients}"
    )
    if latencies:
        print(
            "latency append→received: "
            f"p50 {percentile(latencies, 0.5) * 1000:.1f} ms, "
            f"p90 {percentile(latencies, 0.9) * 1000:.1f} ms, "
            f"p99 {percentile(latencies, 0.99) * 1000:.1f} ms, "
            f"max {latencies[-1] * 1000:.1f} ms, mean {statistics.fmean(latencies) * 1000:.1f} ms"
        )
    print(
        "api-side fan-out lag (append→written to the socket, histogram bucket bounds):"
        f" p50 ≤ {api_lag[0] * 1000:.0f} ms, p99 ≤ {api_lag[1] * 1000:.0f} ms"
    )
    user = (after.user_seconds - before.user_seconds) / window * 100
    system = (after.system_seconds - before.system_seconds) / window * 100
    print(
        f"api CPU while appending: {user + system:.0f}% of one core (user {user:.0f}%,"
        f" system {system:.0f}%); clients' CPU: {clients_cpu / window * 100:.0f}% (all"
        " processes)"
    )
    print(f"api RSS at the end: {after.rss_mb:.1f} MB")
    cpu_seconds = after.cpu_seconds - before.cpu_seconds
    user_seconds = after.user_seconds - before.user_seconds
    per_delivery = cpu_seconds / max(1, deliveries) * 1e6
    print(
        f"SUMMARY server={args.server} client={args.client}"
        f" clients={welcomed}/{args.clients} rate={args.rate:g}"
        f" connect={connect_seconds:.1f}s idle_rss_per_socket={per_connection_kb:.1f}KB"
        f" cpu_per_delivery={per_delivery:.1f}us"
        f" (user {user_seconds / max(1, deliveries) * 1e6:.1f}us)"
        f" p50={percentile(latencies, 0.5) * 1000 if latencies else float('nan'):.0f}ms"
        f" p99={percentile(latencies, 0.99) * 1000 if latencies else float('nan'):.0f}ms"
        f" delivered={deliveries}/{welcomed * total} missing={missing} dup={duplicated}"
        f" disordered={disordered} load={os.getloadavg()[0]:.2f}"
    )


if __name__ == "__main__":
    main()
