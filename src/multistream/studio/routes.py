"""Scenes, studio control, the stage and the hand queue of a class over HTTP; and how the
studio's refusals read as problems."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, BackgroundTasks, Depends, Response

from multistream import problems
from multistream.access.dependencies import (
    Join,
    RaiseHand,
    RequireSession,
    SessionAccess,
    SessionCommand,
    command_on,
)
from multistream.access.policy import Permission, allows
from multistream.dependencies import AppResources, DbSession
from multistream.problems import Problem
from multistream.studio import domain, stage
from multistream.studio import service as studio
from multistream.studio.schemas import (
    BannerSet,
    DeckAttach,
    ParticipantList,
    ParticipantRead,
    SceneActivate,
    SceneCreate,
    SceneList,
    SceneRead,
    SceneUpdate,
    SlideChange,
    StudioSnapshot,
)

router = APIRouter(prefix="/api/v1", tags=["studio"])

_STATUS = {
    domain.Reason.class_closed: (409, "invalid-transition", "Not possible now"),
    domain.Reason.no_deck: (409, "no-deck", "No deck attached"),
    domain.Reason.staff_on_stage: (409, "staff-on-stage", "Already publishing"),
}
_FIELD = {
    domain.Reason.page_out_of_range: "page_no",
    domain.Reason.position_out_of_range: "position",
}


def _refused(error: domain.Refused) -> Problem:
    """A refused studio or stage command: a conflict, or a field out of range."""
    if error.reason in _FIELD:
        return problems.field_problem(
            error.detail, field=_FIELD[error.reason], message=error.detail
        )
    status, slug, title = _STATUS[error.reason]
    return Problem(status, slug, title, error.detail, **error.facts)


problems.refusals(
    {
        domain.Refused: _refused,
        domain.NotADeck: (422, "not-a-deck", "Not a slide deck"),
        domain.DeckNotReady: (409, "deck-not-ready", "Deck not ready"),
    }
)

Edit = Annotated[SessionAccess, Depends(RequireSession(Permission.studio_edit))]
EditCommand = Annotated[SessionCommand, Depends(command_on(Permission.studio_edit))]
Control = Annotated[SessionCommand, Depends(command_on(Permission.studio_control))]
ManageStage = Annotated[SessionAccess, Depends(RequireSession(Permission.stage_manage))]
ManageStageCommand = Annotated[SessionCommand, Depends(command_on(Permission.stage_manage))]
RaiseHandCommand = Annotated[SessionCommand, Depends(command_on(Permission.hand_raise))]

CLOSED = problems.answers({409: "invalid-transition: the class has ended or was canceled"})
NOT_LIVE = problems.answers({409: "invalid-transition: the class is not live"})


@router.get("/sessions/{session_id}/scenes", summary="Scenes of a class, in switcher order")
def list_scenes(access: Join, db: DbSession) -> SceneList:
    return studio.list_scenes(db, session=access.session)


@router.post(
    "/sessions/{session_id}/scenes", status_code=201, summary="Add a scene", responses=CLOSED
)
def create_scene(body: SceneCreate, command: EditCommand) -> SceneRead:
    return command.run(studio.create_scene, data=body, status_code=201)


@router.patch(
    "/sessions/{session_id}/scenes/{scene_id}",
    summary="Rename, re-lay-out or move a scene (the others shift)",
    responses=CLOSED,
)
def update_scene(scene_id: uuid.UUID, body: SceneUpdate, access: Edit, db: DbSession) -> SceneRead:
    return studio.update_scene(db, act=access.act(), scene_id=scene_id, data=body)


@router.delete(
    "/sessions/{session_id}/scenes/{scene_id}",
    status_code=204,
    summary="Delete a scene (if it was active, none is)",
    responses=CLOSED,
)
def delete_scene(scene_id: uuid.UUID, access: Edit, db: DbSession) -> Response:
    studio.delete_scene(db, act=access.act(), scene_id=scene_id)
    return Response(status_code=204)


@router.post(
    "/sessions/{session_id}/studio/activate-scene", summary="Switch scenes", responses=CLOSED
)
def activate_scene(body: SceneActivate, command: Control) -> StudioSnapshot:
    return command.run(studio.activate_scene, scene_id=body.scene_id)


@router.post(
    "/sessions/{session_id}/studio/deck",
    summary="Attach a ready slide deck of the course (page 1 shows)",
    responses=problems.answers({409: "invalid-transition or deck-not-ready"}),
)
def attach_deck(body: DeckAttach, command: Control) -> StudioSnapshot:
    return command.run(studio.attach_deck, asset_id=body.asset_id)


@router.post(
    "/sessions/{session_id}/studio/slide",
    summary="Show a page of the attached deck",
    responses=problems.answers({409: "invalid-transition or no-deck"}),
)
def change_slide(body: SlideChange, command: Control) -> StudioSnapshot:
    return command.run(studio.change_slide, page_no=body.page_no)


@router.post(
    "/sessions/{session_id}/studio/banner",
    summary="Show a banner over the stage (null or empty takes it down)",
    responses=CLOSED,
)
def set_banner(body: BannerSet, command: Control) -> StudioSnapshot:
    return command.run(studio.set_banner, text=body.text)


@router.get(
    "/sessions/{session_id}/participants",
    summary="People of the class: hands up first, then the stage, then the others",
)
def list_participants(access: Join, db: DbSession) -> ParticipantList:
    return stage.list_participants(db, session=access.session)


@router.post("/sessions/{session_id}/hands", summary="Raise your hand", responses=NOT_LIVE)
def raise_hand(command: RaiseHandCommand) -> ParticipantRead:
    return command.run(stage.raise_hand)


@router.delete(
    "/sessions/{session_id}/hands/{user_id}",
    status_code=204,
    summary="Lower a hand (your own; staff may lower anyone's)",
    responses=NOT_LIVE,
)
def lower_hand(user_id: uuid.UUID, access: RaiseHand, db: DbSession) -> Response:
    may_lower_others = access.role is None or allows(access.role, Permission.hands_lower_others)
    stage.lower_hand(db, act=access.act(), user_id=user_id, may_lower_others=may_lower_others)
    return Response(status_code=204)


@router.post(
    "/sessions/{session_id}/stage/{user_id}",
    summary="Bring a participant on stage: they may publish",
    responses=problems.answers({409: "invalid-transition or staff-on-stage"}),
)
def invite_to_stage(
    user_id: uuid.UUID,
    command: ManageStageCommand,
    resources: AppResources,
    background: BackgroundTasks,
) -> ParticipantRead:
    invited = command.run(stage.invite, user_id=user_id)
    _sync_publish_later(background, resources, command.access.session.id, user_id)
    return invited


@router.delete(
    "/sessions/{session_id}/stage/{user_id}",
    status_code=204,
    summary="Take a participant off stage: their tracks are unpublished",
    responses=NOT_LIVE,
)
def remove_from_stage(
    user_id: uuid.UUID,
    access: ManageStage,
    db: DbSession,
    resources: AppResources,
    background: BackgroundTasks,
) -> Response:
    stage.remove(db, act=access.act(), user_id=user_id)
    _sync_publish_later(background, resources, access.session.id, user_id)
    return Response(status_code=204)


def _sync_publish_later(
    background: BackgroundTasks, resources: AppResources, session_id: uuid.UUID, user_id: uuid.UUID
) -> None:
    """Tell the media server what the person may publish now, after the commit (background
    tasks run once the response is out)."""
    background.add_task(
        stage.sync_publish,
        resources.sessions,
        resources.settings,
        session_id=session_id,
        user_id=user_id,
    )
