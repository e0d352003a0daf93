"""Route guards: `RequireCourse(permission)`, `RequireSession(permission)` and
`RequireAsset(permission)` resolve the course, class or asset in the path and check the
caller's role in its course against the policy table (`access.service`).

A course the caller is not a member of answers 404, as if it did not exist; a member
without the permission gets 403.
"""

from __future__ import annotations

import uuid

from fastapi.dependencies.models import Dependant

from multistream.access import service as access
from multistream.access.policy import Permission
from multistream.access.service import AssetAccess, CourseAccess, SessionAccess
from multistream.auth.dependencies import CurrentUser, current_user
from multistream.dependencies import DbSession

__all__ = [
    "AssetAccess",
    "CourseAccess",
    "RequireAsset",
    "RequireCourse",
    "RequireSession",
    "SessionAccess",
    "route_permission",
]


class RequireCourse:
    """Dependency: the course named by the `course_id` path parameter, if the caller may
    do `permission` in it."""

    def __init__(self, permission: Permission) -> None:
        self.permission = permission

    def __call__(self, course_id: uuid.UUID, user: CurrentUser, db: DbSession) -> CourseAccess:
        return access.course_access(db, course_id=course_id, user=user, permission=self.permission)


class RequireSession:
    """Dependency: the live session named by the `session_id` path parameter, if the caller
    may do `permission` in its course."""

    def __init__(self, permission: Permission) -> None:
        self.permission = permission

    def __call__(self, session_id: uuid.UUID, user: CurrentUser, db: DbSession) -> SessionAccess:
        return access.session_access(
            db, session_id=session_id, user=user, permission=self.permission
        )


class RequireAsset:
    """Dependency: the asset named by the `asset_id` path parameter, if the caller may do
    `permission` in its course."""

    def __init__(self, permission: Permission) -> None:
        self.permission = permission

    def __call__(self, asset_id: uuid.UUID, user: CurrentUser, db: DbSession) -> AssetAccess:
        return access.asset_access(db, asset_id=asset_id, user=user, permission=self.permission)


def route_permission(dependant: Dependant) -> str:
    """What a route requires, read from its dependencies: a permission value,
    `authenticated` (any signed-in user) or `public`."""
    found: list[str] = []

    def walk(node: Dependant) -> None:
        if isinstance(node.call, RequireCourse | RequireSession | RequireAsset):
            found.append(node.call.permission.value)
        elif node.call is current_user:
            found.append("authenticated")
        for child in node.dependencies:
            walk(child)

    walk(dependant)
    permissions = [p for p in found if p != "authenticated"]
    if permissions:
        return permissions[0]
    return "authenticated" if found else "public"
