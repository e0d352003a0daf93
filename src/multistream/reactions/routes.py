"""Reactions of a live class over HTTP (documented with the polls, where they always were)."""

from __future__ import annotations

from fastapi import APIRouter

from multistream.access.dependencies import RaiseHand
from multistream.dependencies import AppResources, DbSession
from multistream.idempotency import Idempotent
from multistream.ratelimit import LIMITED
from multistream.reactions import service as reactions
from multistream.reactions.schemas import ReactionAccepted, ReactionCreate
from multistream.sessions.routes import CLASS_CLOSED

router = APIRouter(prefix="/api/v1", tags=["polls"])


@router.post(
    "/sessions/{session_id}/reactions",
    status_code=202,
    summary="React with an emoji (counted; announced once a second in reactions.burst)",
    responses={**CLASS_CLOSED, **LIMITED},
)
def react(
    body: ReactionCreate,
    access: RaiseHand,
    db: DbSession,
    resources: AppResources,
    idem: Idempotent,
) -> ReactionAccepted:
    accepted = reactions.react(
        session=access.session,
        user=access.user,
        emoji=body.emoji,
        rate_limiter=resources.rate_limiter,
        counter=resources.aggregator,
    )
    return idem.remember(db, accepted, status_code=202)
