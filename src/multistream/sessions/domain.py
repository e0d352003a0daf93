"""The session state machine, as pure functions: `decide(state, command) -> events`.

```
scheduled ──start──► live ──end──► ended
    │
    └──cancel──► canceled
```
`start` on a live session and `end` on an ended one decide no events (safe retries);
any other move out of order raises `InvalidTransition`.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

from multistream.eventlog.domain import NewEvent
from multistream.sessions.models import MediaStatus, SessionStatus


class InvalidTransition(Exception):
    def __init__(self, status: SessionStatus, command: str) -> None:
        super().__init__(f"a {status.value} session cannot be {command}")
        self.status = status
        self.command = command


@dataclasses.dataclass(frozen=True)
class SessionFacts:
    """What the rules need to know about a session."""

    status: SessionStatus
    started_at: dt.datetime | None


def _iso(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).isoformat()


def decide_start(facts: SessionFacts, *, now: dt.datetime, media: MediaStatus) -> list[NewEvent]:
    if facts.status is SessionStatus.live:
        return []
    if facts.status is not SessionStatus.scheduled:
        raise InvalidTransition(facts.status, "started")
    return [
        NewEvent("session.started", {"started_at": _iso(now)}),
        NewEvent("session.media_status", {"media_status": media.value}),
    ]


def decide_end(facts: SessionFacts, *, now: dt.datetime, reason: str) -> list[NewEvent]:
    if facts.status is SessionStatus.ended:
        return []
    if facts.status is not SessionStatus.live:
        raise InvalidTransition(facts.status, "ended")
    return [NewEvent("session.ended", {"ended_at": _iso(now), "reason": reason})]


def decide_cancel(facts: SessionFacts) -> list[NewEvent]:
    if facts.status is not SessionStatus.scheduled:
        raise InvalidTransition(facts.status, "canceled")
    return [NewEvent("session.canceled", {})]


def decide_update(facts: SessionFacts, changes: dict[str, Any]) -> list[NewEvent]:
    if facts.status in (SessionStatus.ended, SessionStatus.canceled):
        raise InvalidTransition(facts.status, "edited")
    return [NewEvent("session.updated", changes)] if changes else []


def decide_media_status(current: MediaStatus, new: MediaStatus) -> list[NewEvent]:
    return [] if current is new else [NewEvent("session.media_status", {"media_status": new.value})]
