"""Q&A of a live class: ask (optionally anonymously), upvote, answer, dismiss, reopen.

Every change locks the class's log, loads the facts, lets `qa.domain` decide and records
the events (`eventlog.service.record`); `qa.projection` creates a question's row and its
votes from them in the same transaction, so rebuilding from the log gives the same rows.

Upvotes are high-rate: they reach their voter only, and the aggregator announces the new
counts in `qa.votes_changed`, at most every 500 ms per class (`publish_votes`).
"""

from __future__ import annotations

import uuid
from collections.abc import Collection, Mapping, Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from multistream.aggregator import marks
from multistream.auth.models import User
from multistream.db.base import new_id, utcnow
from multistream.db.rows import as_schema
from multistream.errors import NotFound
from multistream.eventlog import service as eventlog
from multistream.eventlog.domain import Viewer
from multistream.qa import domain
from multistream.qa.models import Question, QuestionStatus, QuestionVote
from multistream.qa.schemas import QuestionAnswer, QuestionCreate, QuestionList, QuestionRead
from multistream.ratelimit import RateKind, RateLimiter
from multistream.sessions import domain as sessions
from multistream.sessions.act import Act
from multistream.sessions.models import LiveSession

# --- reading ----------------------------------------------------------------------------------


def _read(question: Question, author_name: str | None, voted: bool, viewer: Viewer) -> QuestionRead:
    show_author = not question.anonymous or viewer.staff or question.author_id == viewer.user_id
    return as_schema(
        QuestionRead,
        question,
        author_id=question.author_id if show_author else None,
        author_name=author_name if show_author else None,
        voted=voted,
    )


def _select(viewer: Viewer, *where: sa.ColumnElement[bool]) -> sa.Select[Question, str, bool]:
    voted = (
        sa.exists()
        .where(QuestionVote.question_id == Question.id, QuestionVote.user_id == viewer.user_id)
        .label("voted")
    )
    return (
        sa.select(Question, User.display_name, voted)
        .outerjoin(User, User.id == Question.author_id)
        .where(*where)
        .execution_options(populate_existing=True)
    )


def list_for_session(
    db: Session, *, session: LiveSession, viewer: Viewer, limit: int | None = None
) -> QuestionList:
    """Most upvoted first, then oldest first; dismissed ones only for staff."""
    where = [Question.session_id == session.id]
    if not viewer.staff:
        where.append(Question.status != QuestionStatus.dismissed)
    query = _select(viewer, *where).order_by(
        Question.upvotes.desc(), Question.created_at, Question.seq
    )
    if limit is not None:
        query = query.limit(limit)
    rows = db.execute(query).all()
    return QuestionList(items=[_read(q, name, voted, viewer) for q, name, voted in rows])


def for_state(db: Session, *, session: LiveSession, viewer: Viewer) -> list[QuestionRead]:
    """The top questions as `viewer` sees them, for the state snapshot."""
    return list_for_session(db, session=session, viewer=viewer, limit=domain.STATE_LIMIT).items


VIEWER_COLUMNS = (
    sa.select(sa.func.array_agg(QuestionVote.question_id))
    .join(Question, Question.id == QuestionVote.question_id)
    .where(
        Question.session_id == sa.bindparam("session_id"),
        QuestionVote.user_id == sa.bindparam("user_id"),
    )
    .scalar_subquery(),
    sa.select(sa.func.array_agg(Question.id))
    .where(
        Question.session_id == sa.bindparam("session_id"),
        Question.anonymous.is_(True),
        Question.author_id == sa.bindparam("user_id"),
    )
    .scalar_subquery(),
    sa.select(User.display_name).where(User.id == sa.bindparam("user_id")).scalar_subquery(),
)
"""What `for_viewer` needs, read with the class's head (`sessions.state`): the questions
of the class the viewer upvoted, those they asked anonymously, and their name."""


def for_viewer(
    shared: list[QuestionRead], values: Sequence[Any], *, viewer: Viewer
) -> list[QuestionRead]:
    """The top questions as the viewer's audience sees them (`shared`), with the viewer's
    upvotes, and the author of their own anonymous questions shown to them."""
    voted, own, name = values
    voted, own = set(voted or ()), set(own or ())
    if not voted and not own:
        return shared
    seen = []
    for question in shared:
        update: dict[str, object] = {}
        if question.id in voted:
            update["voted"] = True
        if question.id in own:
            update |= {"author_id": viewer.user_id, "author_name": name}
        seen.append(question.model_copy(update=update) if update else question)
    return seen


def read(
    db: Session, *, session: LiveSession, question_id: uuid.UUID, viewer: Viewer
) -> QuestionRead:
    """One question as `viewer` sees it; not found when it is not of this class, or
    dismissed and the viewer is a student."""
    row = db.execute(
        _select(viewer, Question.id == question_id, Question.session_id == session.id)
    ).one_or_none()
    if row is None or (row[0].status is QuestionStatus.dismissed and not viewer.staff):
        raise NotFound("This question")
    question, name, voted = row
    return _read(question, name, voted, viewer)


# --- changing ---------------------------------------------------------------------------------


def ask(db: Session, *, act: Act, data: QuestionCreate, rate_limiter: RateLimiter) -> QuestionRead:
    session, author = act.session, act.actor
    sessions.require_class_open(session.status)
    rate_limiter.hit(RateKind.questions, session_id=session.id, user_id=author.id)
    locked = eventlog.lock(db, session_id=session.id)
    assert locked is not None  # the request holds the class
    question = QuestionRead(
        id=new_id(),
        seq=locked.last_seq + 1,  # a question carries its own seq in its event
        body=data.body,
        anonymous=data.anonymous,
        author_id=None if data.anonymous else author.id,
        author_name=None if data.anonymous else author.display_name,
        status=QuestionStatus.open,
        upvotes=0,
        voted=False,
        answer_text=None,
        answered_at=None,
        created_at=utcnow(),
    )
    act.record(
        db,
        domain.decide_ask(question, author_id=author.id, author_name=author.display_name),
        # The envelope's actor would name the author of an anonymous question.
        anonymous=data.anonymous,
    )
    return read(db, session=session, question_id=question.id, viewer=act.viewer)


def _locked_question(
    db: Session, *, session: LiveSession, question_id: uuid.UUID, viewer: Viewer
) -> Question:
    eventlog.lock(db, session_id=session.id)
    question = db.execute(
        sa.select(Question)
        .where(Question.id == question_id, Question.session_id == session.id)
        .execution_options(populate_existing=True)
    ).scalar_one_or_none()
    if question is None or (question.status is QuestionStatus.dismissed and not viewer.staff):
        raise NotFound("This question")
    return question


def _voted(db: Session, *, question: Question, viewer: Viewer) -> bool:
    return db.get(QuestionVote, (question.id, viewer.user_id)) is not None


_VOTED = (
    sa.exists()
    .where(
        QuestionVote.question_id == Question.id,
        QuestionVote.user_id == sa.bindparam("user_id"),
    )
    .label("voted")
)
_QUESTION_TO_VOTE = (
    sa.select(Question, User.display_name, _VOTED)
    .outerjoin(User, User.id == Question.author_id)
    .where(
        Question.id == sa.bindparam("question_id"),
        Question.session_id == sa.bindparam("session_id"),
    )
    .execution_options(populate_existing=True)
)
"""An upvote's one read under the log's lock: the question as `read` gives it (its
author's name, whether the caller has voted), built once."""


def vote(
    db: Session, *, act: Act, question_id: uuid.UUID, rate_limiter: RateLimiter
) -> QuestionRead:
    """Upvote a question (once per person). The answer is built from what was read under
    the log's lock and what the vote changed: no read after it."""
    session, viewer = act.session, act.viewer
    sessions.require_class_open(session.status)
    rate_limiter.hit(RateKind.votes, session_id=session.id, user_id=viewer.user_id)
    locked = eventlog.lock(db, session_id=session.id)
    row = db.execute(
        _QUESTION_TO_VOTE,
        {"question_id": question_id, "session_id": session.id, "user_id": viewer.user_id},
    ).one_or_none()
    if row is None or (row[0].status is QuestionStatus.dismissed and not viewer.staff):
        raise NotFound("This question")
    question, author_name, voted = row
    events = domain.decide_vote(
        question.status, question_id=question.id, voter_id=viewer.user_id, voted=voted
    )
    if events:
        act.record(db, events, locked=locked)
        marks.touch(db, session_id=session.id, kind=marks.Kind.upvotes, ref=question.id)
        # The projection added the upvote to this very row (one more than read under the
        # lock); told so rather than read again.
        set_committed_value(question, "upvotes", question.upvotes + 1)
    return _read(question, author_name, True, viewer)


def unvote(
    db: Session, *, act: Act, question_id: uuid.UUID, rate_limiter: RateLimiter
) -> QuestionRead:
    session, viewer = act.session, act.viewer
    sessions.require_class_open(session.status)
    rate_limiter.hit(RateKind.votes, session_id=session.id, user_id=viewer.user_id)
    question = _locked_question(db, session=session, question_id=question_id, viewer=viewer)
    events = domain.decide_unvote(
        question_id=question.id,
        voter_id=viewer.user_id,
        voted=_voted(db, question=question, viewer=viewer),
    )
    if events:
        act.record(db, events)
        marks.touch(db, session_id=session.id, kind=marks.Kind.upvotes, ref=question.id)
    return read(db, session=session, question_id=question.id, viewer=viewer)


def moderate(
    db: Session,
    *,
    act: Act,
    question_id: uuid.UUID,
    verb: domain.Command,
    answer: QuestionAnswer | None = None,
) -> QuestionRead:
    """Answer (with an optional written answer), dismiss or reopen a question."""
    session, viewer = act.session, act.viewer
    question = _locked_question(db, session=session, question_id=question_id, viewer=viewer)
    answer_text = answer.text if answer is not None else None
    events = [
        domain.decide_moderation(
            question.status, verb, question_id=question.id, answer_text=answer_text, now=utcnow()
        )
    ]
    act.record(db, events)
    return read(db, session=session, question_id=question.id, viewer=viewer)


# --- the aggregator's part --------------------------------------------------------------------


def publish_votes(
    db: Session,
    *,
    session_id: uuid.UUID,
    question_ids: Collection[uuid.UUID],
    known: Mapping[uuid.UUID, int],
) -> dict[uuid.UUID, int]:
    """Append `qa.votes_changed` with the upvotes of those `question_ids` whose count is not
    `known` (what was last announced); return the counts announced. Dismissed questions are
    left out. Read under the log's lock, so the event includes every vote logged before it.
    """
    if eventlog.lock(db, session_id=session_id) is None:
        return {}
    upvotes = db.execute(
        sa.select(Question.id, Question.upvotes).where(
            Question.session_id == session_id,
            Question.id.in_(question_ids),
            Question.status != QuestionStatus.dismissed,
        )
    ).all()
    changed, events = domain.decide_votes_changed(dict(upvotes), known=known)
    eventlog.record(db, session_id=session_id, events=events, actor_id=None)
    return changed
