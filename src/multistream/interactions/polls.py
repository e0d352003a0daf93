"""Polls of a live class: draft, open, vote, tally, close, show results.

A poll is drafted by a host or moderator (2 to 10 options; a quiz names its correct
options), opened (at most one open poll per class), voted in by students while open (a new
vote replaces the old), and closed, which freezes its result. Its status has one
transition function: draft ──open──▶ open ──close──▶ closed.

Who sees what (`PollRead`): drafts only staff; counts staff always, students only while
the host shows the results; correct options staff always, students once closed; who voted
for what nobody, ever, in an anonymous poll.

Every change locks the class's log, checks, appends its `poll.` event and lets
`poll_projection` apply it in the same transaction (a vote checks before the lock: see
`vote`). Votes are high-rate: `poll.vote_cast`
goes to its voter only (audience `actor`; `none` for an anonymous poll, where the event
has no actor either) and the aggregator announces the counts in `poll.tally` at most
every 500 ms per class (`publish_tally`). The vote event keeps `user_id` in the log,
which only the server reads: it is what makes `poll_votes` rebuildable and each voter
counted once.
"""

from __future__ import annotations

import datetime as dt
import enum
import uuid
from collections.abc import Collection, Mapping

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from multistream.auth.models import User
from multistream.db.base import new_id
from multistream.eventlog import service as eventlog
from multistream.eventlog.domain import NewEvent, Viewer
from multistream.eventlog.models import EventAudience
from multistream.interactions import aggregator
from multistream.interactions.models import Poll, PollKind, PollStatus, PollVote
from multistream.interactions.questions import ensure_class_open
from multistream.interactions.schemas import (
    PollBallot,
    PollClosed,
    PollCreate,
    PollCreated,
    PollList,
    PollOption,
    PollRead,
    PollResultsShown,
    PollTally,
    PollVoteCast,
)
from multistream.problems import Problem, not_found
from multistream.ratelimit import RateKind, RateLimiter
from multistream.sessions.models import LiveSession


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


# --- the state machine ------------------------------------------------------------------------


class Command(enum.StrEnum):
    open = "open"
    close = "close"


_TRANSITIONS: Mapping[tuple[PollStatus, Command], PollStatus] = {
    (PollStatus.draft, Command.open): PollStatus.open,
    (PollStatus.open, Command.close): PollStatus.closed,
}


class InvalidTransition(Exception):
    def __init__(self, status: PollStatus, command: Command) -> None:
        super().__init__(f"cannot {command.value} a poll that is {status.value}")
        self.status = status
        self.command = command


def transition(status: PollStatus, command: Command) -> PollStatus:
    """The status after `command`, or InvalidTransition."""
    try:
        return _TRANSITIONS[(status, command)]
    except KeyError:
        raise InvalidTransition(status, command) from None


def _invalid(error: InvalidTransition) -> Problem:
    done = {Command.open: "opened", Command.close: "closed"}[error.command]
    return Problem(
        409,
        "invalid-transition",
        "Not possible now",
        f"This poll is {error.status.value}, so it cannot be {done}"
        " (a poll goes from draft to open to closed, once).",
        status_now=error.status.value,
    )


# --- reading ----------------------------------------------------------------------------------

_COUNTS = sa.text(
    "SELECT chosen, count(*) FROM poll_votes, unnest(option_ids) AS chosen"
    " WHERE poll_id = :poll_id GROUP BY chosen"
)


def option_ids(poll: Poll) -> list[str]:
    return [str(option["id"]) for option in poll.options]


def tally(db: Session, *, poll: Poll) -> tuple[dict[str, int], int]:
    """Votes per option (every option, zeros included) and the number of voters."""
    counts = dict.fromkeys(option_ids(poll), 0)
    for chosen, n in db.execute(_COUNTS, {"poll_id": poll.id}):
        counts[chosen] = int(n)
    total = db.scalar(
        sa.select(sa.func.count()).select_from(PollVote).where(PollVote.poll_id == poll.id)
    )
    return counts, int(total or 0)


def _view(
    poll: Poll,
    *,
    staff: bool,
    counts: tuple[dict[str, int], int] | None,
    my_vote: list[str] | None,
) -> PollRead:
    """`counts` is given only when the viewer may see them."""
    return PollRead(
        id=poll.id,
        question=poll.question,
        kind=poll.kind,
        options=[PollOption(id=str(o["id"]), text=str(o["text"])) for o in poll.options],
        anonymous=poll.anonymous,
        status=poll.status,
        results_visible=poll.results_visible,
        opened_at=poll.opened_at,
        closed_at=poll.closed_at,
        correct_option_ids=(
            list(poll.correct_option_ids) if staff or poll.status is PollStatus.closed else None
        ),
        counts=counts[0] if counts else None,
        total_votes=counts[1] if counts else None,
        my_vote=my_vote,
    )


def _my_votes(
    db: Session, *, poll_ids: Collection[uuid.UUID], user_id: uuid.UUID
) -> dict[uuid.UUID, list[str]]:
    rows = db.execute(
        sa.select(PollVote.poll_id, PollVote.option_ids).where(
            PollVote.poll_id.in_(poll_ids), PollVote.user_id == user_id
        )
    ).all()
    return {poll_id: list(chosen) for poll_id, chosen in rows}


def _read(db: Session, poll: Poll, viewer: Viewer) -> PollRead:
    counts = tally(db, poll=poll) if viewer.staff or poll.results_visible else None
    mine = _my_votes(db, poll_ids=[poll.id], user_id=viewer.user_id).get(poll.id)
    return _view(poll, staff=viewer.staff, counts=counts, my_vote=mine)


def _get(db: Session, *, session_id: uuid.UUID, poll_id: uuid.UUID, staff: bool) -> Poll:
    poll = db.execute(
        sa.select(Poll)
        .where(Poll.id == poll_id, Poll.session_id == session_id)
        .execution_options(populate_existing=True)
    ).scalar_one_or_none()
    if poll is None or (poll.status is PollStatus.draft and not staff):
        raise not_found("This poll")
    return poll


def read(db: Session, *, session_id: uuid.UUID, poll_id: uuid.UUID, viewer: Viewer) -> PollRead:
    poll = _get(db, session_id=session_id, poll_id=poll_id, staff=viewer.staff)
    return _read(db, poll, viewer)


def list_for_session(db: Session, *, session_id: uuid.UUID, viewer: Viewer) -> PollList:
    """Newest first; drafts only for staff."""
    where = [Poll.session_id == session_id]
    if not viewer.staff:
        where.append(Poll.status != PollStatus.draft)
    polls = db.scalars(
        sa.select(Poll).where(*where).order_by(Poll.created_at.desc(), Poll.id.desc())
    ).all()
    mine = _my_votes(db, poll_ids=[p.id for p in polls], user_id=viewer.user_id)
    return PollList(
        items=[
            _view(
                poll,
                staff=viewer.staff,
                counts=tally(db, poll=poll) if viewer.staff or poll.results_visible else None,
                my_vote=mine.get(poll.id),
            )
            for poll in polls
        ]
    )


def for_state(db: Session, *, session_id: uuid.UUID, viewer: Viewer) -> PollRead | None:
    """The open poll, or else the latest closed one with results shown; None if neither."""
    poll = (
        db.scalars(
            sa.select(Poll).where(Poll.session_id == session_id, Poll.status == PollStatus.open)
        ).first()
        or db.scalars(
            sa.select(Poll)
            .where(
                Poll.session_id == session_id,
                Poll.status == PollStatus.closed,
                Poll.results_visible.is_(True),
            )
            .order_by(Poll.closed_at.desc())
            .limit(1)
        ).first()
    )
    return _read(db, poll, viewer) if poll is not None else None


# --- changing ---------------------------------------------------------------------------------


def create(
    db: Session,
    *,
    session: LiveSession,
    actor: User,
    data: PollCreate,
    idempotency_key: str | None = None,
) -> PollRead:
    """Draft a poll; its options get ids unique across every poll."""
    ensure_class_open(session)
    options = [PollOption(id=str(new_id()), text=text) for text in data.options]
    draft = PollRead(
        id=new_id(),
        question=data.question,
        kind=data.kind,
        options=options,
        anonymous=data.anonymous,
        status=PollStatus.draft,
        results_visible=False,
        opened_at=None,
        closed_at=None,
        correct_option_ids=[options[i].id for i in data.correct_option_indexes or []],
        counts={option.id: 0 for option in options},
        total_votes=0,
        my_vote=None,
    )
    eventlog.lock(db, session_id=session.id)
    eventlog.record(
        db,
        session_id=session.id,
        events=[
            NewEvent(
                "poll.created",
                PollCreated(poll=draft).model_dump(mode="json"),
                audience=EventAudience.staff,
            )
        ],
        actor_id=actor.id,
        idempotency_key=idempotency_key,
    )
    return read(db, session_id=session.id, poll_id=draft.id, viewer=Viewer(actor.id, staff=True))


def _locked_poll(db: Session, *, session: LiveSession, poll_id: uuid.UUID) -> Poll:
    eventlog.lock(db, session_id=session.id)
    return _get(db, session_id=session.id, poll_id=poll_id, staff=True)


def open_poll(
    db: Session,
    *,
    session: LiveSession,
    poll_id: uuid.UUID,
    actor: User,
    idempotency_key: str | None = None,
) -> PollRead:
    ensure_class_open(session)
    poll = _locked_poll(db, session=session, poll_id=poll_id)
    try:
        transition(poll.status, Command.open)
    except InvalidTransition as error:
        raise _invalid(error) from error
    other = db.scalars(
        sa.select(Poll).where(Poll.session_id == session.id, Poll.status == PollStatus.open)
    ).first()
    if other is not None:
        raise Problem(
            409,
            "poll-already-open",
            "Another poll is open",
            f"The poll “{other.question}” is open; close it before opening this one.",
            open_poll_id=str(other.id),
        )
    as_students_see_it = _view(poll, staff=False, counts=None, my_vote=None).model_copy(
        update={"status": PollStatus.open, "opened_at": _now()}
    )
    if poll.results_visible:
        as_students_see_it.counts = dict.fromkeys(option_ids(poll), 0)
        as_students_see_it.total_votes = 0
    eventlog.record(
        db,
        session_id=session.id,
        events=[
            NewEvent("poll.opened", PollCreated(poll=as_students_see_it).model_dump(mode="json"))
        ],
        actor_id=actor.id,
        idempotency_key=idempotency_key,
    )
    return _read(db, poll, Viewer(actor.id, staff=True))


def close_poll(
    db: Session,
    *,
    session: LiveSession,
    poll_id: uuid.UUID,
    actor: User,
    idempotency_key: str | None = None,
) -> PollRead:
    """Close the poll: its result is final. Students get the counts in `poll.closed` when
    results are shown; otherwise staff get them in a last `poll.tally`."""
    poll = _locked_poll(db, session=session, poll_id=poll_id)
    try:
        transition(poll.status, Command.close)
    except InvalidTransition as error:
        raise _invalid(error) from error
    counts, total = tally(db, poll=poll)
    shown = poll.results_visible
    closed = PollClosed(
        poll_id=poll.id,
        closed_at=_now(),
        correct_option_ids=list(poll.correct_option_ids),
        counts=counts if shown else None,
        total_votes=total if shown else None,
    )
    events = [NewEvent("poll.closed", closed.model_dump(mode="json"))]
    if not shown:
        final = PollTally(poll_id=poll.id, counts=counts, total_votes=total)
        events.append(
            NewEvent("poll.tally", final.model_dump(mode="json"), audience=EventAudience.staff)
        )
    eventlog.record(
        db,
        session_id=session.id,
        events=events,
        actor_id=actor.id,
        idempotency_key=idempotency_key,
    )
    return _read(db, poll, Viewer(actor.id, staff=True))


def show_results(
    db: Session,
    *,
    session: LiveSession,
    poll_id: uuid.UUID,
    actor: User,
    visible: bool,
    idempotency_key: str | None = None,
) -> PollRead:
    """Show the results to students (or hide them again); no change, no event."""
    poll = _locked_poll(db, session=session, poll_id=poll_id)
    if poll.results_visible != visible:
        counts, total = tally(db, poll=poll)
        shown = PollResultsShown(
            poll_id=poll.id,
            visible=visible,
            counts=counts if visible else None,
            total_votes=total if visible else None,
        )
        audience = EventAudience.staff if poll.status is PollStatus.draft else EventAudience.all
        eventlog.record(
            db,
            session_id=session.id,
            events=[
                NewEvent("poll.results_shown", shown.model_dump(mode="json"), audience=audience)
            ],
            actor_id=actor.id,
            idempotency_key=idempotency_key,
        )
    return _read(db, poll, Viewer(actor.id, staff=True))


def _ballot_problem(message: str) -> Problem:
    return Problem(
        422,
        "validation",
        "Invalid request",
        f"Check these fields: option_ids ({message}).",
        errors=[{"field": "option_ids", "location": "body", "message": message}],
    )


def _check_ballot(poll: Poll, ballot: PollBallot) -> list[str]:
    """The chosen options in the poll's order, or a 422 naming what is wrong."""
    ids = option_ids(poll)
    chosen = set(ballot.option_ids)
    if not chosen <= set(ids):
        raise _ballot_problem("an option is not one of this poll's options")
    if len(chosen) != len(ballot.option_ids):
        raise _ballot_problem("options must be distinct")
    if poll.kind is not PollKind.multiple and len(chosen) != 1:
        raise _ballot_problem(f"a {poll.kind.value} poll takes exactly one option")
    return [option for option in ids if option in chosen]


def _not_open(status: PollStatus) -> Problem:
    return Problem(
        409,
        "poll-not-open",
        "Poll not open",
        f"This poll is {status.value}; votes are taken only while it is open.",
        status_now=status.value,
    )


def vote(
    db: Session,
    *,
    session: LiveSession,
    poll_id: uuid.UUID,
    viewer: Viewer,
    ballot: PollBallot,
    rate_limiter: RateLimiter,
    idempotency_key: str | None = None,
) -> PollRead:
    """Vote, or change one's vote, while the poll is open.

    Votes are the busiest path of a class and every event of a class is appended under one
    lock, so nothing is read under it: the poll and the caller's vote are read before, and
    a poll closed in between is caught by the `poll_votes` trigger, which reads the poll's
    status under that lock (closing takes it too)."""
    ensure_class_open(session)
    rate_limiter.hit(RateKind.votes, session_id=session.id, user_id=viewer.user_id)
    row = db.execute(
        sa.select(Poll, PollVote.option_ids)
        .outerjoin(PollVote, (PollVote.poll_id == Poll.id) & (PollVote.user_id == viewer.user_id))
        .where(Poll.id == poll_id, Poll.session_id == session.id)
        .execution_options(populate_existing=True)
    ).one_or_none()
    if row is None or (row[0].status is PollStatus.draft and not viewer.staff):
        raise not_found("This poll")
    poll, previous = row
    chosen = _check_ballot(poll, ballot)
    if poll.status is not PollStatus.open:
        raise _not_open(poll.status)
    if previous is None or list(previous) != chosen:
        cast = PollVoteCast(poll_id=poll.id, option_ids=chosen, user_id=viewer.user_id)
        event = NewEvent(
            "poll.vote_cast",
            cast.model_dump(mode="json"),
            audience=EventAudience.none if poll.anonymous else EventAudience.actor,
        )
        try:
            eventlog.record(
                db,
                session_id=session.id,
                events=[event],
                actor_id=None if poll.anonymous else viewer.user_id,
                idempotency_key=idempotency_key,
            )
        except IntegrityError as error:
            if _constraint(error) == "ck_poll_votes_poll_open":
                raise _not_open(PollStatus.closed) from error
            raise
        aggregator.touch(db, session_id=session.id, kind=aggregator.Kind.tally, ref=poll.id)
    counts = tally(db, poll=poll) if viewer.staff or poll.results_visible else None
    return _view(poll, staff=viewer.staff, counts=counts, my_vote=chosen)


def _constraint(error: IntegrityError) -> str | None:
    diag = getattr(error.orig, "diag", None)
    return getattr(diag, "constraint_name", None)


# --- the aggregator's part --------------------------------------------------------------------


def publish_tally(db: Session, *, session_id: uuid.UUID, poll_ids: Collection[uuid.UUID]) -> int:
    """Append a `poll.tally` for each open poll among `poll_ids` (audience all while
    results are shown, else staff); return how many. Counted under the log's lock, so a
    tally includes every vote logged before it."""
    if eventlog.lock(db, session_id=session_id) is None:
        return 0
    polls = db.scalars(
        sa.select(Poll)
        .where(
            Poll.session_id == session_id,
            Poll.id.in_(poll_ids),
            Poll.status == PollStatus.open,
        )
        .execution_options(populate_existing=True)
    ).all()
    events = []
    for poll in polls:
        counts, total = tally(db, poll=poll)
        events.append(
            NewEvent(
                "poll.tally",
                PollTally(poll_id=poll.id, counts=counts, total_votes=total).model_dump(
                    mode="json"
                ),
                audience=EventAudience.all if poll.results_visible else EventAudience.staff,
            )
        )
    eventlog.record(db, session_id=session_id, events=events, actor_id=None)
    return len(events)
