"""The polls' rules without a database: states, ballots and the events commands make."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest

import multistream.areas  # noqa: F401 - the catalogue knows every area's event types
from multistream.errors import Invalid
from multistream.eventlog import catalog
from multistream.eventlog.domain import NewEvent
from multistream.eventlog.models import EventAudience
from multistream.polls import domain
from multistream.polls.domain import Command, Counts
from multistream.polls.models import PollKind, PollStatus
from multistream.polls.schemas import PollOption, PollRead

NOW = dt.datetime(2026, 12, 1, 9, 30, tzinfo=dt.UTC)
POLL = uuid.uuid4()
ADA = uuid.uuid4()
OPTIONS = ["a", "b", "c"]
COUNTS = Counts({"a": 2, "b": 0, "c": 1}, voters=3)


def poll(status: PollStatus) -> PollRead:
    return PollRead(
        id=POLL,
        question="Which light do plants use most?",
        kind=PollKind.single,
        options=[PollOption(id=option, text=option.upper()) for option in OPTIONS],
        anonymous=False,
        status=status,
        results_visible=False,
        opened_at=None,
        closed_at=None,
        correct_option_ids=[],
        counts=None,
        total_votes=None,
        my_vote=None,
    )


def close(*, results_visible: bool) -> list[NewEvent]:
    return domain.decide_close(
        PollStatus.open,
        poll_id=POLL,
        correct_option_ids=[],
        results_visible=results_visible,
        counts=COUNTS,
        now=NOW,
    )


def test_a_poll_goes_from_draft_to_open_to_closed_once() -> None:
    assert domain.transition(PollStatus.draft, Command.open) is PollStatus.open
    assert domain.transition(PollStatus.open, Command.close) is PollStatus.closed
    with pytest.raises(domain.InvalidTransition) as reopen:
        domain.transition(PollStatus.closed, Command.open)
    assert reopen.value.detail == (
        "This poll is closed, so it cannot be opened (a poll goes from draft to open to closed,"
        " once)."
    )
    assert reopen.value.facts == {"status_now": "closed"}
    with pytest.raises(domain.InvalidTransition):
        domain.transition(PollStatus.draft, Command.close)


def test_one_open_poll_per_class() -> None:
    other = uuid.uuid4()
    with pytest.raises(domain.PollAlreadyOpen) as refused:
        domain.decide_open(
            PollStatus.draft,
            already_open=("Ready?", other),
            as_students_see_it=poll(PollStatus.open),
        )
    assert refused.value.detail == "The poll “Ready?” is open; close it before opening this one."
    assert refused.value.facts == {"open_poll_id": str(other)}
    with pytest.raises(domain.InvalidTransition):  # the status is checked first
        domain.decide_open(
            PollStatus.open,
            already_open=("Ready?", other),
            as_students_see_it=poll(PollStatus.open),
        )
    opened = domain.decide_open(
        PollStatus.draft, already_open=None, as_students_see_it=poll(PollStatus.open)
    )
    assert (opened.type, opened.audience) == ("poll.opened", EventAudience.all)


def test_closing_shows_the_counts_to_students_only_when_results_are_shown() -> None:
    shown = close(results_visible=True)
    assert [event.type for event in shown] == ["poll.closed"]
    assert shown[0].payload["counts"] == COUNTS.per_option
    hidden, final = close(results_visible=False)
    assert (hidden.payload["counts"], hidden.payload["total_votes"]) == (None, None)
    assert (final.type, final.audience, final.payload["total_votes"]) == (
        "poll.tally",
        EventAudience.staff,
        3,
    )


def test_results_shown_or_hidden_and_a_draft_tells_staff_only() -> None:
    assert (
        domain.decide_results(
            poll_id=POLL, status=PollStatus.open, shown=True, visible=True, counts=COUNTS
        )
        == []
    )
    [draft] = domain.decide_results(
        poll_id=POLL, status=PollStatus.draft, shown=False, visible=True, counts=COUNTS
    )
    assert draft.audience is EventAudience.staff
    [hidden] = domain.decide_results(
        poll_id=POLL, status=PollStatus.open, shown=True, visible=False, counts=COUNTS
    )
    assert (hidden.audience, hidden.payload["counts"]) == (EventAudience.all, None)


@pytest.mark.parametrize(
    ("kind", "chosen", "message"),
    [
        (PollKind.single, ["x"], "an option is not one of this poll's options"),
        (PollKind.multiple, ["a", "a"], "options must be distinct"),
        (PollKind.single, ["a", "b"], "a single poll takes exactly one option"),
        (PollKind.quiz, ["a", "c"], "a quiz poll takes exactly one option"),
    ],
)
def test_a_wrong_ballot_names_the_field(kind: PollKind, chosen: list[str], message: str) -> None:
    with pytest.raises(Invalid) as refused:
        domain.check_ballot(OPTIONS, kind, chosen)
    assert (refused.value.field, refused.value.message) == ("option_ids", message)
    assert refused.value.detail == f"Check these fields: option_ids ({message})."


def test_a_ballot_is_put_in_the_poll_s_order() -> None:
    assert domain.check_ballot(OPTIONS, PollKind.multiple, ["c", "a"]) == ["a", "c"]


def test_a_vote_reaches_its_voter_only_nobody_when_anonymous() -> None:
    def vote(anonymous: bool, previous: list[str] | None) -> list[NewEvent]:
        return domain.decide_vote(
            PollStatus.open,
            poll_id=POLL,
            voter_id=ADA,
            anonymous=anonymous,
            chosen=["a"],
            previous=previous,
        )

    [named] = vote(False, None)
    [anonymous] = vote(True, ["b"])
    assert (named.audience, anonymous.audience) == (EventAudience.actor, EventAudience.none)
    assert anonymous.payload["user_id"] == str(ADA)  # kept in the log, for the projection
    assert vote(False, ["a"]) == []
    with pytest.raises(domain.PollNotOpen) as closed:
        domain.decide_vote(
            PollStatus.closed,
            poll_id=POLL,
            voter_id=ADA,
            anonymous=False,
            chosen=["a"],
            previous=None,
        )
    assert closed.value.facts == {"status_now": "closed"}


def test_every_event_the_rules_make_is_catalogued() -> None:
    events = [
        domain.decide_create(poll(PollStatus.draft)),
        domain.decide_open(
            PollStatus.draft, already_open=None, as_students_see_it=poll(PollStatus.open)
        ),
        *close(results_visible=False),
        *domain.decide_results(
            poll_id=POLL, status=PollStatus.open, shown=False, visible=True, counts=COUNTS
        ),
        *domain.decide_vote(
            PollStatus.open, poll_id=POLL, voter_id=ADA, anonymous=True, chosen=["a"], previous=None
        ),
        domain.tally(poll_id=POLL, counts=COUNTS, results_visible=True),
    ]
    for event in events:
        catalog.check(event)
