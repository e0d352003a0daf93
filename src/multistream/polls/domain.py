"""Pure rules of polls: a poll's states, a valid ballot, and which events a command makes.
Nothing here reads the database or the clock; `polls.service` loads the facts, passes
`now`, and records what a `decide_*` function returns.

A poll is drafted by a host or moderator (2 to 10 options; a quiz names its correct
options), opened (at most one open poll per class), voted in by students while open (a new
vote replaces the old), and closed, which freezes its result. Its status has one
transition function: draft ──open──▶ open ──close──▶ closed.

Votes are high-rate: `poll.vote_cast` goes to its voter only (audience `actor`; `none`
for an anonymous poll, where the event has no actor either) and the aggregator announces
the counts in `poll.tally`. The vote event keeps `user_id` in the log, which only the
server reads: it is what makes `poll_votes` rebuildable and each voter counted once.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
import uuid
from collections.abc import Mapping, Sequence

from multistream.errors import DomainError, Invalid, WrongStatus
from multistream.eventlog.domain import NewEvent
from multistream.eventlog.models import EventAudience
from multistream.polls.models import PollKind, PollStatus
from multistream.polls.schemas import (
    PollClosed,
    PollCreated,
    PollRead,
    PollResultsShown,
    PollTally,
    PollVoteCast,
)


class Command(enum.StrEnum):
    open = "open"
    close = "close"


_TRANSITIONS: Mapping[tuple[PollStatus, Command], PollStatus] = {
    (PollStatus.draft, Command.open): PollStatus.open,
    (PollStatus.open, Command.close): PollStatus.closed,
}
_DONE = {Command.open: "opened", Command.close: "closed"}


class InvalidTransition(WrongStatus):
    status: PollStatus
    command: Command

    def __init__(self, status: PollStatus, command: Command) -> None:
        super().__init__(
            f"This poll is {status.value}, so it cannot be {_DONE[command]}"
            " (a poll goes from draft to open to closed, once).",
            status,
            command,
        )


class PollAlreadyOpen(DomainError):
    def __init__(self, question: str, poll_id: uuid.UUID) -> None:
        super().__init__(
            f"The poll “{question}” is open; close it before opening this one.",
            open_poll_id=str(poll_id),
        )


class PollNotOpen(DomainError):
    def __init__(self, status: PollStatus) -> None:
        super().__init__(
            f"This poll is {status.value}; votes are taken only while it is open.",
            status_now=status.value,
        )


def transition(status: PollStatus, command: Command) -> PollStatus:
    """The status after `command`, or InvalidTransition."""
    try:
        return _TRANSITIONS[(status, command)]
    except KeyError:
        raise InvalidTransition(status, command) from None


@dataclasses.dataclass(frozen=True)
class Counts:
    """Votes per option id (every option, zeros included) and the number of voters."""

    per_option: dict[str, int]
    voters: int


# --- drafting, opening, closing ----------------------------------------------------------------


def decide_create(draft: PollRead) -> NewEvent:
    """A draft is for staff only."""
    return NewEvent.of(
        "poll.created",
        PollCreated(poll=draft),
        EventAudience.staff,
    )


def decide_open(
    status: PollStatus, *, already_open: tuple[str, uuid.UUID] | None, as_students_see_it: PollRead
) -> NewEvent:
    """Open a draft (`already_open`: the question and id of the class's open poll, if any)."""
    transition(status, Command.open)
    if already_open is not None:
        raise PollAlreadyOpen(*already_open)
    return NewEvent.of("poll.opened", PollCreated(poll=as_students_see_it))


def decide_close(
    status: PollStatus,
    *,
    poll_id: uuid.UUID,
    correct_option_ids: list[str],
    results_visible: bool,
    counts: Counts,
    now: dt.datetime,
) -> list[NewEvent]:
    """Close the poll: its result is final. Students get the counts in `poll.closed` when
    results are shown; otherwise staff get them in a last `poll.tally`."""
    transition(status, Command.close)
    closed = PollClosed(
        poll_id=poll_id,
        closed_at=now,
        correct_option_ids=correct_option_ids,
        counts=counts.per_option if results_visible else None,
        total_votes=counts.voters if results_visible else None,
    )
    events = [NewEvent.of("poll.closed", closed)]
    if not results_visible:
        events.append(tally(poll_id=poll_id, counts=counts, results_visible=False))
    return events


def decide_results(
    *, poll_id: uuid.UUID, status: PollStatus, shown: bool, visible: bool, counts: Counts
) -> list[NewEvent]:
    """Show the results to students (or hide them again): staff only see it for a draft."""
    if shown == visible:
        return []
    results = PollResultsShown(
        poll_id=poll_id,
        visible=visible,
        counts=counts.per_option if visible else None,
        total_votes=counts.voters if visible else None,
    )
    audience = EventAudience.staff if status is PollStatus.draft else EventAudience.all
    return [NewEvent.of("poll.results_shown", results, audience)]


# --- voting ----------------------------------------------------------------------------------


def _ballot_refused(message: str) -> Invalid:
    return Invalid("option_ids", f"Check these fields: option_ids ({message}).", message)


def check_ballot(options: Sequence[str], kind: PollKind, chosen: Sequence[str]) -> list[str]:
    """The chosen options in the poll's order, or `Invalid` naming what is wrong."""
    picked = set(chosen)
    if not picked <= set(options):
        raise _ballot_refused("an option is not one of this poll's options")
    if len(picked) != len(chosen):
        raise _ballot_refused("options must be distinct")
    if kind is not PollKind.multiple and len(picked) != 1:
        raise _ballot_refused(f"a {kind.value} poll takes exactly one option")
    return [option for option in options if option in picked]


def decide_vote(
    status: PollStatus,
    *,
    poll_id: uuid.UUID,
    voter_id: uuid.UUID,
    anonymous: bool,
    chosen: list[str],
    previous: list[str] | None,
) -> list[NewEvent]:
    """Vote, or change one's vote, while the poll is open; the same vote again is nothing."""
    if status is not PollStatus.open:
        raise PollNotOpen(status)
    if previous == chosen:
        return []
    cast = PollVoteCast(poll_id=poll_id, option_ids=chosen, user_id=voter_id)
    audience = EventAudience.none if anonymous else EventAudience.actor
    return [NewEvent.of("poll.vote_cast", cast, audience)]


def tally(*, poll_id: uuid.UUID, counts: Counts, results_visible: bool) -> NewEvent:
    """The counts of an open poll: for everyone while its results are shown, else staff."""
    payload = PollTally(poll_id=poll_id, counts=counts.per_option, total_votes=counts.voters)
    audience = EventAudience.all if results_visible else EventAudience.staff
    return NewEvent.of("poll.tally", payload, audience)
