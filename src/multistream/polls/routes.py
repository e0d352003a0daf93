"""Polls of a live class over HTTP; and how the polls' refusals read as problems."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends

from multistream import problems
from multistream.access.dependencies import Join, SessionCommand, command_on
from multistream.access.policy import Permission
from multistream.dependencies import AppResources, DbSession
from multistream.eventlog import appender
from multistream.polls import domain
from multistream.polls import service as polls
from multistream.polls.schemas import (
    PollBallot,
    PollCreate,
    PollList,
    PollRead,
    PollResultsVisibility,
)
from multistream.ratelimit import LIMITED
from multistream.sessions.routes import CLASS_CLOSED

router = APIRouter(prefix="/api/v1", tags=["polls"])

problems.refusals(
    {
        domain.PollAlreadyOpen: (409, "poll-already-open", "Another poll is open"),
        domain.PollNotOpen: (409, "poll-not-open", "Poll not open"),
    }
)

Manage = Annotated[SessionCommand, Depends(command_on(Permission.polls_manage))]
Vote = Annotated[SessionCommand, Depends(command_on(Permission.polls_vote))]


@router.get(
    "/sessions/{session_id}/polls",
    summary="Polls, newest first (drafts for hosts and moderators only)",
)
def list_polls(access: Join, db: DbSession) -> PollList:
    return polls.list_for_session(db, session=access.session, viewer=access.viewer)


@router.post(
    "/sessions/{session_id}/polls",
    status_code=201,
    summary="Draft a poll (single, multiple or quiz; 2 to 10 options)",
    responses=CLASS_CLOSED,
)
def create_poll(body: PollCreate, command: Manage) -> PollRead:
    return command.run(polls.create, data=body, status_code=201)


@router.get(
    "/sessions/{session_id}/polls/{poll_id}",
    summary="A poll as the caller may see it (counts when allowed)",
)
def get_poll(poll_id: uuid.UUID, access: Join, db: DbSession) -> PollRead:
    return polls.read(db, session=access.session, poll_id=poll_id, viewer=access.viewer)


@router.post(
    "/sessions/{session_id}/polls/{poll_id}/open",
    summary="Open a drafted poll (one open poll per class)",
    responses=problems.answers(
        {409: "`poll-already-open`, `invalid-transition` or `class-closed`"}
    ),
)
def open_poll(poll_id: uuid.UUID, command: Manage) -> PollRead:
    return command.run(polls.open_poll, poll_id=poll_id)


@router.post(
    "/sessions/{session_id}/polls/{poll_id}/close",
    summary="Close an open poll: its result is final",
    responses=problems.answers({409: "`invalid-transition` (with `status_now`)"}),
)
def close_poll(poll_id: uuid.UUID, command: Manage) -> PollRead:
    return command.run(polls.close_poll, poll_id=poll_id)


@router.post(
    "/sessions/{session_id}/polls/{poll_id}/results",
    summary="Show the results to students, or hide them",
)
def show_poll_results(poll_id: uuid.UUID, body: PollResultsVisibility, command: Manage) -> PollRead:
    return command.run(polls.show_results, poll_id=poll_id, visible=body.visible)


@router.put(
    "/sessions/{session_id}/polls/{poll_id}/vote",
    summary="Vote in the open poll (a new vote replaces the old)",
    responses=problems.answers(
        {
            409: "`poll-not-open` or `class-closed`",
            422: "`validation`: an option not of this poll, or too many/few",
        }
    )
    | LIMITED,
)
def vote_in_poll(
    poll_id: uuid.UUID, body: PollBallot, command: Vote, resources: AppResources
) -> PollRead:
    # Not `command.run`: the answer is remembered in the batch that writes the vote
    # (`eventlog.appender`), with its event, not in the request's transaction.
    return polls.vote(
        command.db,
        act=command.access.act(command.idem.event_key),
        poll_id=poll_id,
        ballot=body,
        rate_limiter=resources.rate_limiter,
        appender=appender.of(resources.sessions),
        remember=command.idem.remember,
    )
