"""Summarise a py-spy profile in the collapsed ("raw") format: the functions that take
the most samples by themselves (self) and with what they call (total).

    py-spy record --pid PID --format raw --nolineno --gil -o /tmp/api.txt
    .venv/bin/python bench/profile.py /tmp/api.txt --top 25

`bench/commands/run.py --profile DIR` records one such file per scenario.
"""

from __future__ import annotations

import argparse
import collections
import re
from pathlib import Path

_FRAME = re.compile(r"^(?P<name>.*?) \((?P<file>[^()]*)\)$")


def short(frame: str) -> str:
    match = _FRAME.match(frame)
    if not match:
        return frame
    file = match["file"]
    for marker in ("site-packages/", "src/", "lib/python3.11/"):
        if marker in file:
            file = file.split(marker, 1)[1]
            break
    return f"{match['name']} ({file})"


def summarise(path: Path, top: int) -> str:
    self_: collections.Counter[str] = collections.Counter()
    total: collections.Counter[str] = collections.Counter()
    samples = 0
    for line in path.read_text().splitlines():
        stack, _, count_text = line.rpartition(" ")
        if not stack or not count_text.isdigit():
            continue
        count = int(count_text)
        frames = [short(f) for f in stack.split(";")]
        samples += count
        self_[frames[-1]] += count
        for frame in set(frames):
            total[frame] += count
    lines = [f"{path.name}: {samples} samples"]
    lines.append(f"  self (top {top}):")
    lines += [f"    {n / samples:6.1%}  {f}" for f, n in self_.most_common(top)]
    lines.append(f"  total (top {top}):")
    lines += [f"    {n / samples:6.1%}  {f}" for f, n in total.most_common(top)]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("files", type=Path, nargs="+")
    parser.add_argument("--top", type=int, default=20)
    args = parser.parse_args()
    for path in args.files:
        print(summarise(path, args.top))


if __name__ == "__main__":
    main()
