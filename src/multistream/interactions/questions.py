"""Q&A of a live class: ask (optionally anonymously), upvote, answer, dismiss, reopen.

Every change locks the class's log, checks, appends its `qa.` events and lets
`qa_projection` apply them in the same transaction: a question's row and its votes are
created by the projection from the events, so rebuilding from the log gives the same rows.

Anonymous questions are anonymous to the other students, never to hosts and moderators:
`qa.question_asked` carries the question as a student sees it and is appended without an
actor; a second event, `qa.question_author` (audience staff), names the author for staff
and for the projection.

Upvotes are high-rate: `qa.vote_cast` / `qa.vote_removed` go to their voter only
(audience `actor`), and the aggregator announces the new counts to everyone in
`qa.votes_changed`, at most every 500 ms per class (`publish_votes`).

A question's status has one transition function::

    open ──answer──▶ answered ──reopen──▶ open
    open ──dismiss─▶ dismissed ──reopen──▶ open
    answered ──dismiss──▶ dismissed

Reopening clears the answer. Dismissed questions are hidden from students.
"""

from __future__ import annotations

import datetime as dt
import enum
import uuid
from collections.abc import Collection, Mapping

import sqlalchemy as sa
from sqlalchemy.orm import Session

from multistream.auth.models import User
from multistream.db.base import new_id
from multistream.eventlog import service as eventlog
from multistream.eventlog.domain import NewEvent, Viewer
from multistream.eventlog.models import EventAudience
from multistream.interactions import aggregator
from multistream.interactions.models import Question, QuestionStatus, QuestionVote
from multistream.interactions.schemas import (
    QuestionAnswer,
    QuestionAnswered,
    QuestionAsked,
    QuestionAuthor,
    QuestionChanged,
    QuestionCreate,
    QuestionList,
    QuestionRead,
    QuestionUpvotes,
    QuestionVoted,
    QuestionVotesChanged,
)
from multistream.problems import Problem, not_found
from multistream.ratelimit import RateKind, RateLimiter
from multistream.sessions.models import LiveSession, SessionStatus

STATE_LIMIT = 50
"""Questions in the state snapshot."""


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


# --- rules shared by questions, polls and reactions -------------------------------------------


def ensure_class_open(session: LiveSession) -> None:
    """Questions, votes and reactions are taken while a class is scheduled or live."""
    if session.status in (SessionStatus.ended, SessionStatus.canceled):
        raise Problem(
            409,
            "class-closed",
            "Class closed",
            f"This class is {session.status.value}: it takes no new questions, votes or reactions.",
            status_now=session.status.value,
        )


# --- the state machine ------------------------------------------------------------------------


class Command(enum.StrEnum):
    answer = "answer"
    dismiss = "dismiss"
    reopen = "reopen"


_TRANSITIONS: Mapping[tuple[QuestionStatus, Command], QuestionStatus] = {
    (QuestionStatus.open, Command.answer): QuestionStatus.answered,
    (QuestionStatus.open, Command.dismiss): QuestionStatus.dismissed,
    (QuestionStatus.answered, Command.dismiss): QuestionStatus.dismissed,
    (QuestionStatus.answered, Command.reopen): QuestionStatus.open,
    (QuestionStatus.dismissed, Command.reopen): QuestionStatus.open,
}


class InvalidTransition(Exception):
    def __init__(self, status: QuestionStatus, command: Command) -> None:
        super().__init__(f"cannot {command.value} a question that is {status.value}")
        self.status = status
        self.command = command


def transition(status: QuestionStatus, command: Command) -> QuestionStatus:
    """The status after `command`, or InvalidTransition."""
    try:
        return _TRANSITIONS[(status, command)]
    except KeyError:
        raise InvalidTransition(status, command) from None


def _invalid(error: InvalidTransition) -> Problem:
    return Problem(
        409,
        "invalid-transition",
        "Not possible now",
        f"This question is {error.status.value}, so it cannot be {error.command.value}ed"
        " (reopen it first).",
        status_now=error.status.value,
    )


# --- reading ----------------------------------------------------------------------------------


def _read(question: Question, author_name: str | None, voted: bool, viewer: Viewer) -> QuestionRead:
    show_author = not question.anonymous or viewer.staff or question.author_id == viewer.user_id
    return QuestionRead(
        id=question.id,
        seq=question.seq,
        body=question.body,
        anonymous=question.anonymous,
        author_id=question.author_id if show_author else None,
        author_name=author_name if show_author else None,
        status=question.status,
        upvotes=question.upvotes,
        voted=voted,
        answer_text=question.answer_text,
        answered_at=question.answered_at,
        created_at=question.created_at,
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
    db: Session, *, session_id: uuid.UUID, viewer: Viewer, limit: int | None = None
) -> QuestionList:
    """Most upvoted first, then oldest first; dismissed ones only for staff."""
    where = [Question.session_id == session_id]
    if not viewer.staff:
        where.append(Question.status != QuestionStatus.dismissed)
    query = _select(viewer, *where).order_by(
        Question.upvotes.desc(), Question.created_at, Question.seq
    )
    if limit is not None:
        query = query.limit(limit)
    rows = db.execute(query).all()
    return QuestionList(items=[_read(q, name, voted, viewer) for q, name, voted in rows])


def for_state(db: Session, *, session_id: uuid.UUID, viewer: Viewer) -> list[QuestionRead]:
    """The top questions as `viewer` sees them, for the state snapshot."""
    return list_for_session(db, session_id=session_id, viewer=viewer, limit=STATE_LIMIT).items


def read(
    db: Session, *, session_id: uuid.UUID, question_id: uuid.UUID, viewer: Viewer
) -> QuestionRead:
    """One question as `viewer` sees it; 404 when it is not of this class, or dismissed and
    the viewer is a student."""
    row = db.execute(
        _select(viewer, Question.id == question_id, Question.session_id == session_id)
    ).one_or_none()
    if row is None or (row[0].status is QuestionStatus.dismissed and not viewer.staff):
        raise not_found("This question")
    question, name, voted = row
    return _read(question, name, voted, viewer)


# --- changing ---------------------------------------------------------------------------------


def ask(
    db: Session,
    *,
    session: LiveSession,
    author: User,
    viewer: Viewer,
    data: QuestionCreate,
    rate_limiter: RateLimiter,
    idempotency_key: str | None = None,
) -> QuestionRead:
    ensure_class_open(session)
    rate_limiter.hit(RateKind.questions, session_id=session.id, user_id=author.id)
    locked = eventlog.lock(db, session_id=session.id)
    assert locked is not None  # the request holds the class
    question = QuestionRead(
        id=new_id(),
        seq=locked.last_seq + 1,
        body=data.body,
        anonymous=data.anonymous,
        author_id=None if data.anonymous else author.id,
        author_name=None if data.anonymous else author.display_name,
        status=QuestionStatus.open,
        upvotes=0,
        voted=False,
        answer_text=None,
        answered_at=None,
        created_at=_now(),
    )
    events = [
        NewEvent("qa.question_asked", QuestionAsked(question=question).model_dump(mode="json"))
    ]
    if data.anonymous:
        # The envelope's actor would name the author: nobody is the actor, and only staff
        # (and the projection) learn who asked.
        author_event = QuestionAuthor(
            question_id=question.id, author_id=author.id, author_name=author.display_name
        )
        events.append(
            NewEvent(
                "qa.question_author",
                author_event.model_dump(mode="json"),
                audience=EventAudience.staff,
            )
        )
    eventlog.record(
        db,
        session_id=session.id,
        events=events,
        actor_id=None if data.anonymous else author.id,
        idempotency_key=idempotency_key,
    )
    return read(db, session_id=session.id, question_id=question.id, viewer=viewer)


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
        raise not_found("This question")
    return question


def vote(
    db: Session,
    *,
    session: LiveSession,
    question_id: uuid.UUID,
    viewer: Viewer,
    rate_limiter: RateLimiter,
    idempotency_key: str | None = None,
) -> QuestionRead:
    """Upvote once; upvoting again changes nothing (and answers the same)."""
    ensure_class_open(session)
    rate_limiter.hit(RateKind.votes, session_id=session.id, user_id=viewer.user_id)
    question = _locked_question(db, session=session, question_id=question_id, viewer=viewer)
    if question.status is QuestionStatus.dismissed:
        raise Problem(
            409,
            "question-dismissed",
            "Question dismissed",
            "This question was dismissed; reopen it before it can be upvoted.",
        )
    if db.get(QuestionVote, (question.id, viewer.user_id)) is None:
        _record_vote(db, "qa.vote_cast", session, question, viewer, idempotency_key)
    return read(db, session_id=session.id, question_id=question.id, viewer=viewer)


def unvote(
    db: Session,
    *,
    session: LiveSession,
    question_id: uuid.UUID,
    viewer: Viewer,
    rate_limiter: RateLimiter,
) -> QuestionRead:
    """Take one's upvote back; without one, nothing changes."""
    ensure_class_open(session)
    rate_limiter.hit(RateKind.votes, session_id=session.id, user_id=viewer.user_id)
    question = _locked_question(db, session=session, question_id=question_id, viewer=viewer)
    if db.get(QuestionVote, (question.id, viewer.user_id)) is not None:
        _record_vote(db, "qa.vote_removed", session, question, viewer, None)
    return read(db, session_id=session.id, question_id=question.id, viewer=viewer)


def _record_vote(
    db: Session,
    event_type: str,
    session: LiveSession,
    question: Question,
    viewer: Viewer,
    idempotency_key: str | None,
) -> None:
    payload = QuestionVoted(question_id=question.id, user_id=viewer.user_id)
    eventlog.record(
        db,
        session_id=session.id,
        events=[
            NewEvent(event_type, payload.model_dump(mode="json"), audience=EventAudience.actor)
        ],
        actor_id=viewer.user_id,
        idempotency_key=idempotency_key,
    )
    aggregator.touch(db, session_id=session.id, kind=aggregator.Kind.upvotes, ref=question.id)


def _moderate(
    db: Session,
    *,
    session: LiveSession,
    question_id: uuid.UUID,
    actor: User,
    viewer: Viewer,
    command: Command,
    answer: QuestionAnswer | None = None,
    idempotency_key: str | None = None,
) -> QuestionRead:
    question = _locked_question(db, session=session, question_id=question_id, viewer=viewer)
    try:
        transition(question.status, command)
    except InvalidTransition as error:
        raise _invalid(error) from error
    if command is Command.answer:
        text = answer.text if answer is not None and answer.text else None
        event = NewEvent(
            "qa.question_answered",
            QuestionAnswered(
                question_id=question.id, answer_text=text, answered_at=_now()
            ).model_dump(mode="json"),
        )
    else:
        event_type = (
            "qa.question_dismissed" if command is Command.dismiss else "qa.question_reopened"
        )
        event = NewEvent(
            event_type, QuestionChanged(question_id=question.id).model_dump(mode="json")
        )
    eventlog.record(
        db,
        session_id=session.id,
        events=[event],
        actor_id=actor.id,
        idempotency_key=idempotency_key,
    )
    return read(db, session_id=session.id, question_id=question.id, viewer=viewer)


def answer(
    db: Session,
    *,
    session: LiveSession,
    question_id: uuid.UUID,
    actor: User,
    viewer: Viewer,
    data: QuestionAnswer | None,
    idempotency_key: str | None = None,
) -> QuestionRead:
    return _moderate(
        db,
        session=session,
        question_id=question_id,
        actor=actor,
        viewer=viewer,
        command=Command.answer,
        answer=data,
        idempotency_key=idempotency_key,
    )


def dismiss(
    db: Session,
    *,
    session: LiveSession,
    question_id: uuid.UUID,
    actor: User,
    viewer: Viewer,
    idempotency_key: str | None = None,
) -> QuestionRead:
    return _moderate(
        db,
        session=session,
        question_id=question_id,
        actor=actor,
        viewer=viewer,
        command=Command.dismiss,
        idempotency_key=idempotency_key,
    )


def reopen(
    db: Session,
    *,
    session: LiveSession,
    question_id: uuid.UUID,
    actor: User,
    viewer: Viewer,
    idempotency_key: str | None = None,
) -> QuestionRead:
    return _moderate(
        db,
        session=session,
        question_id=question_id,
        actor=actor,
        viewer=viewer,
        command=Command.reopen,
        idempotency_key=idempotency_key,
    )


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
    rows = db.execute(
        sa.select(Question.id, Question.upvotes).where(
            Question.session_id == session_id,
            Question.id.in_(question_ids),
            Question.status != QuestionStatus.dismissed,
        )
    ).all()
    changed = {qid: upvotes for qid, upvotes in rows if known.get(qid) != upvotes}
    if changed:
        payload = QuestionVotesChanged(
            questions=[
                QuestionUpvotes(id=qid, upvotes=upvotes) for qid, upvotes in sorted(changed.items())
            ]
        )
        eventlog.record(
            db,
            session_id=session_id,
            events=[NewEvent("qa.votes_changed", payload.model_dump(mode="json"))],
            actor_id=None,
        )
    return changed
