"""Commands benchmark: what one request of each hot command costs the api in CPU.

    .venv/bin/python bench/commands/run.py --requests 300 --in-flight 20

It recreates and migrates a database of its own (`multistream_bench_commands`), starts the
real api (`multistream api`) pinned to CPU `--api-cpus` (0) with `taskset`, pins itself
(the load generator) to `--client-cpus` (1), and through REST makes a teacher, a class
with an open poll and a few questions; `--students` students are written straight into
the database and get tokens minted with the api's signing key (as in bench/votes).

Then, for each scenario, one request at a time (sequential) and with `--in-flight`
requests in flight: a few warm-up requests, then `--requests` requests, each as the next
student in turn. The api's CPU over those requests (user + system from /proc/<pid>/stat,
every thread) divided by the requests is the CPU per request; also requests per second,
latency and the answers by status. Scenarios:

- `vote`: `PUT …/polls/{id}/vote`, each student alternating between options (every vote
  a change, so every vote appends an event);
- `chat`: `POST …/chat`;
- `upvote`: `POST …/questions/{id}/vote`, each (student, question) pair once (an upvote
  again changes nothing, and costs less);
- `join`: `POST …/join` (a student's first join logs `participant.joined`);
- `state`: `GET …/state`;
- for reference, `healthz` (`GET /healthz`, no authentication, no database) and `courses`
  (`GET /api/v1/courses`, authenticated, one query).

The per-class rate limits of chat are raised for the api it starts (the per-person ones
stay: each student sends few requests). `BENCH_API_COMMAND` is not used: profile the api
with `py-spy record --pid` (see bench/README.md).
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import itertools
import json
import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from multistream.devtools.databases import fresh_database

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
import shared

SCENARIOS = ("healthz", "courses", "state", "vote", "chat", "upvote", "join")
WARM_UP = 20


@dataclass
class Plan:
    """Builds the n-th request of a scenario: (method, path, token index, json body)."""

    session_id: str
    poll_id: str
    options: list[str]
    question_ids: list[str]
    students: int
    counters: dict[str, itertools.count[int]] = field(
        default_factory=lambda: collections.defaultdict(itertools.count)
    )

    def next(self, scenario: str) -> tuple[str, str, int | None, dict[str, object] | None]:
        n = next(self.counters[scenario])
        student = n % self.students
        base = f"/api/v1/sessions/{self.session_id}"
        if scenario == "healthz":
            return "GET", "/healthz", None, None
        if scenario == "courses":
            return "GET", "/api/v1/courses", student, None
        if scenario == "state":
            return "GET", f"{base}/state", student, None
        if scenario == "vote":
            # The same student's next vote is for another option: always a change.
            option = self.options[(n // self.students + student) % len(self.options)]
            return "PUT", f"{base}/polls/{self.poll_id}/vote", student, {"option_ids": [option]}
        if scenario == "chat":
            return "POST", f"{base}/chat", student, {"body": f"Message {n} from {student}"}
        if scenario == "upvote":
            question = self.question_ids[(n // self.students) % len(self.question_ids)]
            return "POST", f"{base}/questions/{question}/vote", student, None
        if scenario == "join":
            return "POST", f"{base}/join", student, None
        raise ValueError(scenario)


@dataclass
class Result:
    scenario: str
    in_flight: int
    requests: int
    seconds: float
    api_cpu: float
    statuses: collections.Counter[int]
    latencies: list[float]
    load: tuple[float, float]

    @property
    def cpu_ms(self) -> float:
        return self.api_cpu / self.requests * 1000

    def row(self) -> str:
        ok = sum(v for k, v in self.statuses.items() if 200 <= k < 300)
        lat = sorted(self.latencies)
        p50 = lat[len(lat) // 2] * 1000
        p99 = lat[min(len(lat) - 1, int(0.99 * len(lat)))] * 1000
        return (
            f"| {self.scenario} | {self.in_flight} | {self.cpu_ms:.2f} |"
            f" {self.requests / self.seconds:.0f} | {p50:.1f} / {p99:.1f} |"
            f" {ok}/{self.requests} | {dict(self.statuses)} |"
            f" {self.load[0]:.1f} → {self.load[1]:.1f} |"
        )


async def measure(
    client: httpx.AsyncClient,
    plan: Plan,
    tokens: list[str],
    scenario: str,
    *,
    requests: int,
    in_flight: int,
    cpu: Callable[[], float],
) -> Result:
    statuses: collections.Counter[int] = collections.Counter()
    latencies: list[float] = []

    async def one(record: bool) -> None:
        method, path, who, body = plan.next(scenario)
        headers = {"Authorization": f"Bearer {tokens[who]}"} if who is not None else {}
        started = time.perf_counter()
        try:
            response = await client.request(method, path, headers=headers, json=body)
            status = response.status_code
        except httpx.HTTPError:
            status = -1
        if record:
            latencies.append(time.perf_counter() - started)
            statuses[status] += 1

    async def run(count: int, record: bool) -> None:
        queue = iter(range(count))

        async def worker() -> None:
            for _ in queue:
                await one(record)

        await asyncio.gather(*(worker() for _ in range(in_flight)))

    await run(WARM_UP, record=False)
    load_before = os.getloadavg()[0]
    cpu_before = cpu()
    started = time.perf_counter()
    await run(requests, record=True)
    seconds = time.perf_counter() - started
    api_cpu = cpu() - cpu_before
    return Result(
        scenario,
        in_flight,
        requests,
        seconds,
        api_cpu,
        statuses,
        latencies,
        (load_before, os.getloadavg()[0]),
    )


def start_profiler(pid: int, output: Path, cpus: str) -> subprocess.Popen[bytes]:
    output.parent.mkdir(parents=True, exist_ok=True)
    py_spy = Path(sys.executable).parent / "py-spy"
    command = [str(py_spy), "record", "--pid", str(pid), "--format", "raw", "--nolineno"]
    command += ["--gil", "--nonblocking", "--rate", "200", "-o", str(output)]
    profiler = subprocess.Popen(
        ["taskset", "-c", cpus, *command], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    time.sleep(1)  # attached before the requests start
    return profiler


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=300, help="per scenario and mode")
    parser.add_argument("--in-flight", type=int, default=20)
    parser.add_argument("--students", type=int, default=1000)
    parser.add_argument("--questions", type=int, default=5)
    parser.add_argument("--scenarios", default=",".join(SCENARIOS))
    parser.add_argument("--api-cpus", default="0", help="taskset CPU list of the api")
    parser.add_argument("--client-cpus", default="1", help="CPUs of this process")
    parser.add_argument("--port", type=int, default=8493)
    parser.add_argument("--database", default="multistream_bench_commands")
    parser.add_argument("--json", type=Path, help="write the results here too")
    parser.add_argument(
        "--profile",
        type=Path,
        help="record the api with py-spy (collapsed stacks, GIL holders) during each"
        " scenario's in-flight run, one file per scenario in this folder",
    )
    args = parser.parse_args()

    shared.pin_self({int(c) for c in args.client_cpus.split(",")})
    database_url = fresh_database(args.database)
    public_url = f"http://127.0.0.1:{args.port}"
    api = shared.start_api(
        args.port,
        database_url,
        public_url,
        cpus=args.api_cpus,
        env={
            "MULTISTREAM_RATE_LIMIT_CHAT_SESSION": "1000000/10",
            "MULTISTREAM_RATE_LIMIT_VOTES_SESSION": "1000000/10",
            "MULTISTREAM_RATE_LIMIT_JOINS_SESSION": "1000000/10",
        },
    )
    try:
        asyncio.run(run(args, api.pid, public_url, database_url))
    finally:
        shared.stop([api])


async def run(args: argparse.Namespace, pid: int, base_url: str, database_url: str) -> None:
    room = shared.classroom(base_url)
    teacher = {"Authorization": f"Bearer {room.teacher_token}"}
    question_ids = []
    with httpx.Client(base_url=base_url, timeout=30) as http:
        for n in range(args.questions):
            response = http.post(
                f"/api/v1/sessions/{room.session_id}/questions",
                headers={**teacher, "Idempotency-Key": str(uuid.uuid4())},
                json={"body": f"Question {n}: why is the sky blue?"},
            )
            response.raise_for_status()
            question_ids.append(response.json()["id"])
    students = shared.enroll_students(database_url, room.course_id, args.students)
    tokens = shared.mint_tokens(students, base_url)
    plan = Plan(
        room.session_id,
        room.poll["id"],
        [option["id"] for option in room.poll["options"]],
        question_ids,
        args.students,
    )
    print(
        f"api pid {pid} on CPU {args.api_cpus}, client on CPU {args.client_cpus};"
        f" {args.requests} requests per scenario and mode; {args.students} students"
    )
    print(
        "\n| scenario | in flight | api CPU per request (ms) | requests/s | latency p50 / p99 (ms)"
        " | answered 2xx | statuses | load average |"
    )
    print("| --- | --- | --- | --- | --- | --- | --- | --- |")
    results = []
    limits = httpx.Limits(max_connections=args.in_flight, max_keepalive_connections=args.in_flight)
    async with httpx.AsyncClient(base_url=base_url, limits=limits, timeout=60) as client:
        for scenario in args.scenarios.split(","):
            for in_flight in (1, args.in_flight):
                profiler = (
                    start_profiler(pid, args.profile / f"{scenario}.txt", args.client_cpus)
                    if args.profile and in_flight > 1
                    else None
                )
                result = await measure(
                    client,
                    plan,
                    tokens,
                    scenario,
                    requests=args.requests,
                    in_flight=in_flight,
                    cpu=lambda: shared.cpu_seconds(pid),
                )
                if profiler is not None:
                    profiler.send_signal(signal.SIGINT)
                    profiler.wait(timeout=60)
                results.append(result)
                print(result.row(), flush=True)
    if args.json:
        args.json.write_text(
            json.dumps(
                [
                    {
                        "scenario": r.scenario,
                        "in_flight": r.in_flight,
                        "cpu_ms": r.cpu_ms,
                        "rps": r.requests / r.seconds,
                        "statuses": dict(r.statuses),
                        "load": r.load,
                    }
                    for r in results
                ],
                indent=2,
            )
        )


if __name__ == "__main__":
    main()
