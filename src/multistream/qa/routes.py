"""Q&A of a live class over HTTP: list, ask, upvote, answer, dismiss, reopen; and how
Q&A's refusals read as problems."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Body, Depends

from multistream import problems
from multistream.access.dependencies import (
    Join,
    RequireSession,
    SessionAccess,
    SessionCommand,
    command_on,
)
from multistream.access.policy import Permission
from multistream.dependencies import AppResources, DbSession
from multistream.qa import domain
from multistream.qa import service as questions
from multistream.qa.schemas import QuestionAnswer, QuestionCreate, QuestionList, QuestionRead
from multistream.ratelimit import LIMITED
from multistream.sessions.routes import CLASS_CLOSED

router = APIRouter(prefix="/api/v1", tags=["questions"])

problems.refusals(
    {
        domain.QuestionDismissed: (409, "question-dismissed", "Question dismissed"),
    }
)

Ask = Annotated[SessionAccess, Depends(RequireSession(Permission.qa_ask))]
AskCommand = Annotated[SessionCommand, Depends(command_on(Permission.qa_ask))]
Moderate = Annotated[SessionCommand, Depends(command_on(Permission.qa_moderate))]

TRANSITION = problems.answers({409: "`invalid-transition` (with `status_now`)"})


def _moderate(
    command: SessionCommand,
    question_id: uuid.UUID,
    verb: domain.Command,
    answer: QuestionAnswer | None = None,
) -> QuestionRead:
    """Answer, dismiss or reopen a question, as the moderator who sent `command`."""
    return command.run(questions.moderate, question_id=question_id, verb=verb, answer=answer)


@router.get(
    "/sessions/{session_id}/questions",
    summary="Questions, most upvoted first (dismissed ones for hosts and moderators only)",
)
def list_questions(access: Join, db: DbSession) -> QuestionList:
    return questions.list_for_session(db, session=access.session, viewer=access.viewer)


@router.post(
    "/sessions/{session_id}/questions",
    status_code=201,
    summary="Ask a question (anonymous to other students if asked so)",
    responses={**CLASS_CLOSED, **LIMITED},
)
def ask_question(
    body: QuestionCreate, command: AskCommand, resources: AppResources
) -> QuestionRead:
    return command.run(
        questions.ask, data=body, rate_limiter=resources.rate_limiter, status_code=201
    )


@router.post(
    "/sessions/{session_id}/questions/{question_id}/vote",
    summary="Upvote a question (once: again changes nothing)",
    responses=problems.answers({409: "`class-closed`, or `question-dismissed`"}) | LIMITED,
)
def upvote_question(
    question_id: uuid.UUID, command: AskCommand, resources: AppResources
) -> QuestionRead:
    return command.run(questions.vote, question_id=question_id, rate_limiter=resources.rate_limiter)


@router.delete(
    "/sessions/{session_id}/questions/{question_id}/vote",
    summary="Take one's upvote back",
    responses={**CLASS_CLOSED, **LIMITED},
)
def remove_question_vote(
    question_id: uuid.UUID, access: Ask, db: DbSession, resources: AppResources
) -> QuestionRead:
    return questions.unvote(
        db, act=access.act(), question_id=question_id, rate_limiter=resources.rate_limiter
    )


@router.post(
    "/sessions/{session_id}/questions/{question_id}/answer",
    summary="Mark a question answered, with an optional written answer",
    responses=TRANSITION,
)
def answer_question(
    question_id: uuid.UUID,
    command: Moderate,
    body: Annotated[QuestionAnswer | None, Body()] = None,
) -> QuestionRead:
    return _moderate(command, question_id, domain.Command.answer, answer=body)


@router.post(
    "/sessions/{session_id}/questions/{question_id}/dismiss",
    summary="Dismiss a question (students no longer see it)",
    responses=TRANSITION,
)
def dismiss_question(question_id: uuid.UUID, command: Moderate) -> QuestionRead:
    return _moderate(command, question_id, domain.Command.dismiss)


@router.post(
    "/sessions/{session_id}/questions/{question_id}/reopen",
    summary="Reopen an answered or dismissed question (clears the answer)",
    responses=TRANSITION,
)
def reopen_question(question_id: uuid.UUID, command: Moderate) -> QuestionRead:
    return _moderate(command, question_id, domain.Command.reopen)
