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

from multistream.errors import DomainError, Invalid, WrongStatus
from multistream.eventlog.domain import NewEvent
from multistream.sessions.models import MediaStatus, SessionStatus


class InvalidTransition(WrongStatus):
    status: SessionStatus
    command: str

    def __init__(self, status: SessionStatus, command: str) -> None:
        super().__init__(
            f"This class is {status.value}, so it cannot be {command}.",
            status,
            command,
        )


class ClassClosed(DomainError):
    def __init__(self, status: SessionStatus) -> None:
        super().__init__(
            f"This class is {status.value}: it takes no new questions, votes or reactions.",
            status_now=status.value,
        )


def require_class_open(status: SessionStatus) -> None:
    """Questions, votes and reactions are taken while a class is scheduled or live."""
    if status in (SessionStatus.ended, SessionStatus.canceled):
        raise ClassClosed(status)


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


def decide_end(
    facts: SessionFacts, *, now: dt.datetime, reason: str, detail: str | None = None
) -> list[NewEvent]:
    if facts.status is SessionStatus.ended:
        return []
    if facts.status is not SessionStatus.live:
        raise InvalidTransition(facts.status, "ended")
    payload = {"ended_at": _iso(now), "reason": reason}
    if detail is not None:
        payload["detail"] = detail
    return [NewEvent("session.ended", payload)]


# --- classes that end by themselves ------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class LifetimeRules:
    """When a live class ends by itself (settings `session_abandoned_after_seconds`,
    `session_overtime_grace_seconds`, `session_end_warning_seconds`)."""

    abandoned_after: dt.timedelta
    """No host (teacher or TA) connected for this long."""
    overtime_grace: dt.timedelta
    """This long past the scheduled end."""
    warn_before: dt.timedelta
    """`session.ending_soon` this long before."""


@dataclasses.dataclass(frozen=True)
class LifetimeFacts:
    status: SessionStatus
    scheduled_start: dt.datetime
    scheduled_end: dt.datetime
    started_at: dt.datetime
    host_seen_at: dt.datetime
    """The last moment a host was known to be connected (the studio's live socket, the
    LiveKit room, or joining)."""
    ending_reason: str | None
    ending_at: dt.datetime | None


def planned_end(facts: LifetimeFacts) -> dt.datetime:
    """When the class was meant to end: its scheduled end, or, for a class that started
    late, its start plus its scheduled length (a late start still gets the whole slot)."""
    return max(
        facts.scheduled_end, facts.started_at + (facts.scheduled_end - facts.scheduled_start)
    )


def _minutes(delta: dt.timedelta) -> str:
    """A length a person reads: seconds under a minute, else whole minutes."""
    seconds = delta.total_seconds()
    count, unit = (round(seconds), "second") if seconds < 60 else (round(seconds / 60), "minute")
    return f"{count} {unit}{'s' if count != 1 else ''}"


def decide_lifetime(
    facts: LifetimeFacts, *, now: dt.datetime, rules: LifetimeRules
) -> list[NewEvent]:
    """End a live class nobody teaches any more, or that runs far past its end, so its
    recorder is released and its replay made; warn first (`session.ending_soon`), and
    take the warning back when a host returns or the class is extended."""
    if facts.status is not SessionStatus.live:
        return []
    deadlines = [
        (facts.host_seen_at + rules.abandoned_after, "abandoned"),
        (planned_end(facts) + rules.overtime_grace, "overtime"),
    ]
    deadline, reason = min(deadlines)
    if now >= deadline:
        detail = (
            f"No teacher was connected for {_minutes(rules.abandoned_after)}."
            if reason == "abandoned"
            else f"The class ran {_minutes(rules.overtime_grace)} past its scheduled end."
        )
        return decide_end(
            SessionFacts(facts.status, None), now=now, reason="abandoned", detail=detail
        )
    if now >= deadline - rules.warn_before:
        if facts.ending_reason == reason and facts.ending_at == deadline:
            return []
        detail = (
            f"No teacher has been connected for {_minutes(now - facts.host_seen_at)}: the"
            f" class ends by itself {_minutes(rules.abandoned_after)} after its teacher left,"
            " so that its recording is kept and its replay made. A teacher opening the studio"
            " keeps it going."
            if reason == "abandoned"
            else f"The class is {_minutes(now - planned_end(facts))} past its scheduled end:"
            f" it ends by itself {_minutes(rules.overtime_grace)} past it. Extend the class"
            " to keep it going."
        )
        return [
            NewEvent(
                "session.ending_soon",
                {"reason": reason, "ends_at": _iso(deadline), "detail": detail},
            )
        ]
    if facts.ending_reason is not None:
        return [NewEvent("session.ending_canceled", {"reason": facts.ending_reason})]
    return []


def decide_cancel(facts: SessionFacts) -> list[NewEvent]:
    if facts.status is not SessionStatus.scheduled:
        raise InvalidTransition(facts.status, "canceled")
    return [NewEvent("session.canceled", {})]


def require_ends_after_start(start: dt.datetime, end: dt.datetime) -> None:
    if end <= start:
        raise Invalid("scheduled_end", "The class must end after it starts.", "before start")


def decide_update(facts: SessionFacts, changes: dict[str, Any]) -> list[NewEvent]:
    if facts.status in (SessionStatus.ended, SessionStatus.canceled):
        raise InvalidTransition(facts.status, "edited")
    return [NewEvent("session.updated", changes)] if changes else []


def decide_media_status(current: MediaStatus, new: MediaStatus) -> list[NewEvent]:
    return [] if current is new else [NewEvent("session.media_status", {"media_status": new.value})]
