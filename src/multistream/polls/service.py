"""Polls of a live class: draft, open, vote, close, show results, and the tallies.

Who sees what (`PollRead`): drafts only staff; counts staff always, students only while
the host shows the results; correct options staff always, students once closed; who voted
for what nobody, ever, in an anonymous poll.

Every change locks the class's log, loads the facts, lets `polls.domain` decide and records
the events (`eventlog.service.record`); `polls.projection` applies them in the same
transaction. A vote checks before the lock, and is written with the other votes of its
class that arrive meanwhile (`eventlog.appender`): see `vote`. The aggregator announces the
counts in `poll.tally` at most every 500 ms per class (`publish_tally`).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Collection, Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from multistream.aggregator import marks
from multistream.db.base import new_id, utcnow
from multistream.db.rows import as_schema
from multistream.errors import NotFound
from multistream.eventlog import service as eventlog
from multistream.eventlog.appender import Appender
from multistream.eventlog.domain import Viewer
from multistream.polls import domain
from multistream.polls.models import Poll, PollStatus, PollVote
from multistream.polls.schemas import PollBallot, PollCreate, PollList, PollOption, PollRead
from multistream.ratelimit import RateKind, RateLimiter
from multistream.sessions import domain as sessions
from multistream.sessions.act import Act
from multistream.sessions.models import LiveSession

# --- reading ----------------------------------------------------------------------------------

_COUNTS = sa.text(
    "SELECT p.voters, c.option_id, c.votes FROM polls AS p"
    " LEFT JOIN poll_option_counts AS c ON c.poll_id = p.id WHERE p.id = :poll_id"
).bindparams(sa.bindparam("poll_id", type_=sa.Uuid()))
"""The poll's counters, kept by `polls.projection` with each vote: no recount."""


def option_ids(poll: Poll) -> list[str]:
    return [str(option["id"]) for option in poll.options]


def tally(db: Session, *, poll: Poll) -> domain.Counts:
    """Votes per option (every option, zeros included) and the number of voters, as the
    counters stand in this transaction (under the log's lock: every vote logged before)."""
    counts = dict.fromkeys(option_ids(poll), 0)
    rows = db.execute(_COUNTS, {"poll_id": poll.id}).all()
    for _voters, chosen, n in rows:
        if chosen is not None:
            counts[chosen] = int(n)
    return domain.Counts(counts, int(rows[0][0]) if rows else 0)


def _view(
    poll: Poll, *, staff: bool, counts: domain.Counts | None, my_vote: list[str] | None
) -> PollRead:
    """`counts` is given only when the viewer may see them."""
    return as_schema(
        PollRead,
        poll,
        options=[PollOption(id=str(o["id"]), text=str(o["text"])) for o in poll.options],
        correct_option_ids=(
            list(poll.correct_option_ids) if staff or poll.status is PollStatus.closed else None
        ),
        counts=counts.per_option if counts else None,
        total_votes=counts.voters if counts else None,
        my_vote=my_vote,
    )


def _visible_counts(db: Session, poll: Poll, *, staff: bool) -> domain.Counts | None:
    return tally(db, poll=poll) if staff or poll.results_visible else None


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
    counts = _visible_counts(db, poll, staff=viewer.staff)
    mine = _my_votes(db, poll_ids=[poll.id], user_id=viewer.user_id).get(poll.id)
    return _view(poll, staff=viewer.staff, counts=counts, my_vote=mine)


def _get(db: Session, *, session: LiveSession, poll_id: uuid.UUID, staff: bool) -> Poll:
    poll = db.execute(
        sa.select(Poll)
        .where(Poll.id == poll_id, Poll.session_id == session.id)
        .execution_options(populate_existing=True)
    ).scalar_one_or_none()
    if poll is None or (poll.status is PollStatus.draft and not staff):
        raise NotFound("This poll")
    return poll


def read(db: Session, *, session: LiveSession, poll_id: uuid.UUID, viewer: Viewer) -> PollRead:
    poll = _get(db, session=session, poll_id=poll_id, staff=viewer.staff)
    return _read(db, poll, viewer)


def list_for_session(db: Session, *, session: LiveSession, viewer: Viewer) -> PollList:
    """Newest first; drafts only for staff."""
    where = [Poll.session_id == session.id]
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
                counts=_visible_counts(db, poll, staff=viewer.staff),
                my_vote=mine.get(poll.id),
            )
            for poll in polls
        ]
    )


def for_state(db: Session, *, session: LiveSession, viewer: Viewer) -> PollRead | None:
    """The open poll, or else the latest closed one with results shown; None if neither."""
    poll = (
        db.scalars(
            sa.select(Poll).where(Poll.session_id == session.id, Poll.status == PollStatus.open)
        ).first()
        or db.scalars(
            sa.select(Poll)
            .where(
                Poll.session_id == session.id,
                Poll.status == PollStatus.closed,
                Poll.results_visible.is_(True),
            )
            .order_by(Poll.closed_at.desc())
            .limit(1)
        ).first()
    )
    return _read(db, poll, viewer) if poll is not None else None


VIEWER_COLUMNS = (
    sa.select(sa.func.json_object_agg(PollVote.poll_id, PollVote.option_ids))
    .join(Poll, Poll.id == PollVote.poll_id)
    .where(
        Poll.session_id == sa.bindparam("session_id"), PollVote.user_id == sa.bindparam("user_id")
    )
    .scalar_subquery(),
)
"""What `for_viewer` needs, read with the class's head (`sessions.state`): the viewer's
choice in each poll of the class (`{poll id: option ids}`; null when none)."""


def for_viewer(
    shared: PollRead | None, values: Sequence[Any], *, viewer: Viewer
) -> PollRead | None:
    """The poll part as the viewer's audience sees it (`shared`) with the viewer's vote."""
    (chosen,) = values
    if shared is None or not chosen or str(shared.id) not in chosen:
        return shared
    return shared.model_copy(update={"my_vote": [str(o) for o in chosen[str(shared.id)]]})


# --- changing ---------------------------------------------------------------------------------


def create(db: Session, *, act: Act, data: PollCreate) -> PollRead:
    """Draft a poll; its options get ids unique across every poll."""
    sessions.require_class_open(act.session.status)
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
    act.record(db, [domain.decide_create(draft)])
    return read(db, session=act.session, poll_id=draft.id, viewer=Viewer(act.actor.id, staff=True))


def _locked_poll(db: Session, *, session: LiveSession, poll_id: uuid.UUID) -> Poll:
    eventlog.lock(db, session_id=session.id)
    return _get(db, session=session, poll_id=poll_id, staff=True)


def _as_staff(db: Session, poll: Poll, act: Act) -> PollRead:
    return _read(db, poll, Viewer(act.actor.id, staff=True))


def open_poll(db: Session, *, act: Act, poll_id: uuid.UUID) -> PollRead:
    sessions.require_class_open(act.session.status)
    poll = _locked_poll(db, session=act.session, poll_id=poll_id)
    other = db.scalars(
        sa.select(Poll).where(Poll.session_id == act.session.id, Poll.status == PollStatus.open)
    ).first()
    as_students_see_it = _view(poll, staff=False, counts=None, my_vote=None).model_copy(
        update={"status": PollStatus.open, "opened_at": utcnow()}
    )
    if poll.results_visible:
        as_students_see_it.counts = dict.fromkeys(option_ids(poll), 0)
        as_students_see_it.total_votes = 0
    already_open = (other.question, other.id) if other is not None else None
    event = domain.decide_open(
        poll.status, already_open=already_open, as_students_see_it=as_students_see_it
    )
    act.record(db, [event])
    return _as_staff(db, poll, act)


def close_poll(db: Session, *, act: Act, poll_id: uuid.UUID) -> PollRead:
    """Close the poll: its result is final (`domain.decide_close`)."""
    poll = _locked_poll(db, session=act.session, poll_id=poll_id)
    counts = tally(db, poll=poll)
    events = domain.decide_close(
        poll.status,
        poll_id=poll.id,
        correct_option_ids=list(poll.correct_option_ids),
        results_visible=poll.results_visible,
        counts=counts,
        now=utcnow(),
    )
    act.record(db, events)
    return _as_staff(db, poll, act)


def show_results(db: Session, *, act: Act, poll_id: uuid.UUID, visible: bool) -> PollRead:
    """Show the results to students (or hide them again); no change, no event."""
    poll = _locked_poll(db, session=act.session, poll_id=poll_id)
    shown = poll.results_visible
    counts = tally(db, poll=poll)
    events = domain.decide_results(
        poll_id=poll.id, status=poll.status, shown=shown, visible=visible, counts=counts
    )
    act.record(db, events)
    return _as_staff(db, poll, act)


_POLL_AND_MY_VOTE = (
    sa.select(Poll, PollVote.option_ids)
    .outerjoin(
        PollVote,
        (PollVote.poll_id == Poll.id) & (PollVote.user_id == sa.bindparam("user_id")),
    )
    .where(Poll.id == sa.bindparam("poll_id"), Poll.session_id == sa.bindparam("session_id"))
    .execution_options(populate_existing=True)
)
"""A vote's one read: the poll and the caller's current vote (built once)."""


Remember = Callable[[Session, PollRead], PollRead]
"""Stores a command's answer with its events (`IdempotencyKey.remember`)."""


def _as_is(db: Session, result: PollRead) -> PollRead:
    return result


def vote(
    db: Session,
    *,
    act: Act,
    poll_id: uuid.UUID,
    ballot: PollBallot,
    rate_limiter: RateLimiter,
    appender: Appender | None = None,
    remember: Remember = _as_is,
) -> PollRead:
    """Vote, or change one's vote, while the poll is open.

    Votes are the busiest path of a class and every event of a class is appended under one
    lock, so nothing is read under it: the poll and the caller's vote are read before, and
    a poll closed in between is caught by the `poll_votes` trigger, which reads the poll's
    status under that lock (closing takes it too).

    With an `appender`, the write (the event, the counters, the aggregator's mark, the
    answer `remember`ed for the idempotency key) goes into the class's next batch
    (`eventlog.appender`), and `db`'s transaction ends there (committed with the write
    when no batch of the class is being written, else before waiting for one): the
    caller does not use `db` again. Without one, or when the vote changes nothing,
    everything happens in `db`, for the caller to commit."""
    session, viewer = act.session, act.viewer
    sessions.require_class_open(session.status)
    rate_limiter.hit(RateKind.votes, session_id=session.id, user_id=viewer.user_id)
    row = db.execute(
        _POLL_AND_MY_VOTE,
        {"poll_id": poll_id, "session_id": session.id, "user_id": viewer.user_id},
    ).one_or_none()
    if row is None or (row[0].status is PollStatus.draft and not viewer.staff):
        raise NotFound("This poll")
    poll, previous = row
    chosen = domain.check_ballot(option_ids(poll), poll.kind, ballot.option_ids)
    events = domain.decide_vote(
        poll.status,
        poll_id=poll.id,
        voter_id=viewer.user_id,
        anonymous=poll.anonymous,
        chosen=chosen,
        previous=list(previous) if previous is not None else None,
    )

    def write(batch: Session) -> PollRead:
        if events:
            try:
                act.record(batch, events, anonymous=poll.anonymous)
            except IntegrityError as error:
                if _constraint(error) == "ck_poll_votes_poll_open":
                    raise domain.PollNotOpen(PollStatus.closed) from error
                raise
            marks.touch(batch, session_id=session.id, kind=marks.Kind.tally, ref=poll.id)
        counts = _visible_counts(batch, poll, staff=viewer.staff)
        return remember(batch, _view(poll, staff=viewer.staff, counts=counts, my_vote=chosen))

    if appender is None or not events:
        return write(db)
    return appender.run(db, session_id=session.id, work=write)


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
    events = [
        domain.tally(
            poll_id=poll.id, counts=tally(db, poll=poll), results_visible=poll.results_visible
        )
        for poll in polls
    ]
    eventlog.record(db, session_id=session_id, events=events, actor_id=None)
    return len(events)
