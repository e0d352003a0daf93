"""Students who come back: api CPU per `GET …/state` of a student whose last request was
more than `--gap` seconds ago (by default 12 s: longer than the 10 s the token verifier
used to remember a token).

    .venv/bin/python bench/commands/come_back.py --students 300 --passes 3

As `run.py`: a database of its own, the api pinned to `--api-cpus`, this process to
`--client-cpus`, a teacher's class through REST and `--students` students with minted
tokens. Every student asks for the class's state once (not measured), then, `--passes`
times after a pause of `--gap` seconds, every student again, one request at a time; the
api's CPU over each pass divided by its requests is the CPU per request.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
import shared


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--students", type=int, default=300)
    parser.add_argument("--passes", type=int, default=3)
    parser.add_argument("--gap", type=float, default=12.0)
    parser.add_argument("--api-cpus", default="0")
    parser.add_argument("--client-cpus", default="1")
    parser.add_argument("--port", type=int, default=8494)
    parser.add_argument("--database", default="multistream_bench_come_back")
    args = parser.parse_args()

    with shared.lecture(args, args.students) as lecture:
        api, base_url, tokens = lecture.api, lecture.base_url, lecture.tokens
        path = f"/api/v1/sessions/{lecture.room.session_id}/state"
        with httpx.Client(base_url=base_url, timeout=30) as http:
            for n in range(args.passes + 1):
                if n:
                    time.sleep(args.gap)
                cpu, load = shared.cpu_seconds(api.pid), os.getloadavg()[0]
                for token in tokens:
                    response = http.get(path, headers={"Authorization": f"Bearer {token}"})
                    response.raise_for_status()
                per_request = (shared.cpu_seconds(api.pid) - cpu) / len(tokens) * 1000
                name = "first pass (not measured)" if n == 0 else f"pass {n}"
                print(f"{name}: {per_request:.2f} ms api CPU per request, load {load:.1f}")


if __name__ == "__main__":
    main()
