"""Assets of a course: upload (multipart, streamed), list and read."""

from __future__ import annotations

import functools
from typing import Annotated, Any, get_args

import anyio.to_thread
from fastapi import APIRouter, BackgroundTasks, Depends, Request, Response

from multistream.access.dependencies import (
    AssetAccess,
    CourseAccess,
    RequireAsset,
    RequireCourse,
    ViewCourse,
)
from multistream.access.policy import Permission
from multistream.dependencies import AppResources, DbSession
from multistream.problems import ProblemDocument, field_problem
from multistream.studio import assets, upload
from multistream.studio.models import AssetKind
from multistream.studio.schemas import AssetList, AssetRead, UploadKind

router = APIRouter(prefix="/api/v1", tags=["assets"])

EditStudio = Annotated[CourseAccess, Depends(RequireCourse(Permission.studio_edit))]
ViewAsset = Annotated[AssetAccess, Depends(RequireAsset(Permission.course_view))]

UPLOAD_BODY: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "content": {
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "required": ["file"],
                    "properties": {
                        "file": {
                            "type": "string",
                            "format": "binary",
                            "description": "A PDF slide deck, or a PNG, JPEG, WebP or GIF image.",
                        },
                        "kind": {
                            "type": "string",
                            "enum": list(get_args(UploadKind)),
                            "description": "What the file must be; default: what it is.",
                        },
                    },
                }
            }
        },
    }
}


def _kind(fields: dict[str, str]) -> UploadKind | None:
    value = fields.get("kind", "").strip()
    if not value:
        return None
    if value == AssetKind.slide_deck.value:
        return "slide_deck"
    if value == AssetKind.image.value:
        return "image"
    raise field_problem(
        "Check these fields: kind.", field="kind", message="kind must be slide_deck or image."
    )


@router.post(
    "/courses/{course_id}/assets",
    status_code=201,
    summary="Upload a slide deck (PDF) or an image",
    openapi_extra=UPLOAD_BODY,
    responses={
        200: {"model": AssetRead, "description": "The same file is already in the course"},
        413: {"model": ProblemDocument, "description": "Too large (`payload-too-large`)"},
        415: {
            "model": ProblemDocument,
            "description": "Not an accepted type (`unsupported-media-type`)",
        },
        503: {"model": ProblemDocument, "description": "Storage down (`storage-unavailable`)"},
    },
)
async def upload_asset(
    request: Request,
    response: Response,
    access: EditStudio,
    db: DbSession,
    resources: AppResources,
    background: BackgroundTasks,
) -> AssetRead:
    settings = resources.settings
    received = await upload.receive(request, max_bytes=settings.asset_max_bytes)
    try:
        create = functools.partial(
            assets.create,
            db,
            store=resources.store,
            settings=settings,
            course=access.course,
            owner=access.user,
            upload=received,
            kind=_kind(received.fields),
        )
        asset, created = await anyio.to_thread.run_sync(create)
    finally:
        received.close()
    if created and asset.kind is AssetKind.slide_deck:
        # Runs after the response, so after the commit: the worker finds the row.
        background.add_task(assets.queue_render, settings, resources.sessions, asset_id=asset.id)
    response.status_code = 201 if created else 200
    return asset


@router.get("/courses/{course_id}/assets", summary="Slide decks and images of a course")
def list_assets(access: ViewCourse, db: DbSession, resources: AppResources) -> AssetList:
    return assets.list_for_course(
        db, course=access.course, store=resources.store, settings=resources.settings
    )


@router.get("/assets/{asset_id}", summary="An asset, with its rendered pages")
def get_asset(access: ViewAsset, db: DbSession, resources: AppResources) -> AssetRead:
    return assets.read(db, access.asset, store=resources.store, settings=resources.settings)
