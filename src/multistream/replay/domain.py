"""The replay state machine (`sessions.replay_status`), as one transition function.

```
none ──► pending ──► processing ──► partial ──► ready
            │            │  ▲          │
            └────────────┴──┼──────────┴──► failed
                            └─────── retry ───┘
any status ──► deleted (staff deleted the recording; final)
```

`partial`: the recording plays, derived artifacts (transcript, chapters…) are not done.
A replay that is `ready` stays ready while a re-run refreshes it in place (its run reports
progress and failure), so a student never loses a replay that worked.
"""

from __future__ import annotations

from multistream.sessions.models import ReplayStatus

_NEXT: dict[ReplayStatus, frozenset[ReplayStatus]] = {
    ReplayStatus.none: frozenset({ReplayStatus.pending}),
    ReplayStatus.pending: frozenset({ReplayStatus.processing, ReplayStatus.failed}),
    ReplayStatus.processing: frozenset({ReplayStatus.partial, ReplayStatus.failed}),
    ReplayStatus.partial: frozenset({ReplayStatus.ready, ReplayStatus.failed}),
    ReplayStatus.ready: frozenset(),
    ReplayStatus.failed: frozenset({ReplayStatus.processing}),
    ReplayStatus.deleted: frozenset(),
}
for _status in (s for s in ReplayStatus if s is not ReplayStatus.deleted):
    # Staff may delete a recording whatever its replay's state; nothing comes back.
    _NEXT[_status] = _NEXT[_status] | {ReplayStatus.deleted}


def can_move(current: ReplayStatus, target: ReplayStatus) -> bool:
    """Whether `current → target` is a transition of the machine (staying is not one)."""
    return target in _NEXT[current]


def path_to(current: ReplayStatus, target: ReplayStatus) -> list[ReplayStatus]:
    """The statuses to pass through, in order, to reach `target` from `current` by the
    pipeline's forward moves (pending → processing → partial → ready); empty when already
    there or when `target` cannot be reached (then the replay keeps its status).

    A run skips no status: a retried run whose recording is already extracted still goes
    failed → processing → partial, so every client sees the same sequence."""
    if current is target:
        return []
    if can_move(current, target):
        return [target]
    order = [
        ReplayStatus.pending,
        ReplayStatus.processing,
        ReplayStatus.partial,
        ReplayStatus.ready,
    ]
    if target not in order:
        return []
    steps: list[ReplayStatus] = []
    status = current
    while status is not target:
        following = [s for s in order if can_move(status, s)]
        if not following:
            return []
        status = following[0]
        steps.append(status)
    return steps
