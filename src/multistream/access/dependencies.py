"""Route guards: `RequireCourse(permission)`, `RequireSession(permission)` and
`RequireAsset(permission)` resolve the course, class or asset in the path and check the
caller's role in its course against the policy table (`access.service`).

A course the caller is not a member of answers 404, as if it did not exist; a member
without the permission gets 403.

`command_on(permission)` serves a command route: a POST that changes a class through one
service call. Such a route guards the caller's role, runs the service in the request's
transaction with the request's `Idempotency-Key` (for the events it appends), and
remembers the result as the response; the dependency gives it all of that:

```
Ask = Annotated[SessionCommand, Depends(command_on(Permission.qa_ask))]

@router.post("/sessions/{session_id}/questions", status_code=201, ...)
def ask_question(body: QuestionCreate, command: Ask) -> QuestionRead:
    return command.run(questions.ask, data=body, status_code=201)
```

The dependencies resolve in the order a handler declaring them one by one would use: the
guard first (a 404 or 403 claims no key), then the transaction, then the key.
"""

from __future__ import annotations

import dataclasses
import uuid
from collections.abc import Awaitable, Callable
from typing import Annotated, Any, TypeVar

from fastapi import Depends
from fastapi.dependencies.models import Dependant
from pydantic import BaseModel
from sqlalchemy.orm import Session

from multistream.access import service as access
from multistream.access.policy import Permission
from multistream.access.service import AssetAccess, CourseAccess, SessionAccess
from multistream.auth.dependencies import (
    CurrentUser,
    VerifiedCaller,
    caller_is,
    current_user,
    verified_token,
)
from multistream.auth.models import User
from multistream.auth.service import user_for_token
from multistream.dependencies import AppResources, DbSession, committed
from multistream.eventlog.domain import Viewer
from multistream.idempotency import IdempotencyKey, Idempotent

__all__ = [
    "AssetAccess",
    "CourseAccess",
    "Join",
    "ManageMembers",
    "RequireAsset",
    "RequireCourse",
    "RequireSession",
    "SessionAccess",
    "SessionCommand",
    "ViewCourse",
    "command_on",
    "route_permission",
]

M = TypeVar("M", bound=BaseModel)


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

    def __call__(
        self,
        session_id: uuid.UUID,
        verified: VerifiedCaller,
        db: DbSession,
        resources: AppResources,
    ) -> SessionAccess:
        if resources.settings.auth_provider != "local":
            user = caller_is(user_for_token(db, settings=resources.settings, token=verified))
            return access.session_access(
                db, session_id=session_id, user=user, permission=self.permission
            )
        # The caller and the class in one round trip (every command and read of a class).
        found = access.caller_session_access(
            db, session_id=session_id, token=verified, permission=self.permission
        )
        caller_is(found.user if found is not None else None)
        assert found is not None
        return found


class RequireAsset:
    """Dependency: the asset named by the `asset_id` path parameter, if the caller may do
    `permission` in its course."""

    def __init__(self, permission: Permission) -> None:
        self.permission = permission

    def __call__(self, asset_id: uuid.UUID, user: CurrentUser, db: DbSession) -> AssetAccess:
        return access.asset_access(db, asset_id=asset_id, user=user, permission=self.permission)


Join = Annotated[SessionAccess, Depends(RequireSession(Permission.session_join))]
"""The class in the path, for anyone who may join it: the guard most areas' reads share."""
ViewCourse = Annotated[CourseAccess, Depends(RequireCourse(Permission.course_view))]
"""The course in the path, for anyone who may see it."""
ManageMembers = Annotated[CourseAccess, Depends(RequireCourse(Permission.members_manage))]
"""The course in the path, for its hosts: who is in it (courses) and where the roster
comes from (lti)."""
RaiseHand = Annotated[SessionAccess, Depends(RequireSession(Permission.hand_raise))]
"""The class in the path, for anyone who may take part in it: raise or lower a hand
(studio), react (reactions)."""
ManageReplay = Annotated[SessionAccess, Depends(RequireSession(Permission.pipeline_manage))]
"""The class in the path, for its hosts: its pipeline runs (pipeline) and its recording
(replay)."""


@dataclasses.dataclass(frozen=True)
class SessionCommand:
    """What a command route on a class works with: who may do what in which class
    (`access`), the request's transaction and its idempotency key."""

    access: SessionAccess
    db: Session
    idem: IdempotencyKey

    @property
    def user(self) -> User:
        return self.access.user

    @property
    def viewer(self) -> Viewer:
        return self.access.viewer

    def run(self, service: Callable[..., M], /, status_code: int = 200, **arguments: Any) -> M:
        """`service(db, act=<the caller in the class, with the request's key>, **arguments)`;
        what it returns is remembered as the response (`IdempotencyKey.remember`), and
        committed at once (`committed`: the class's lock is released in this thread)."""
        act = self.access.act(self.idem.event_key)
        result = service(self.db, act=act, **arguments)
        return committed(self.db, self.idem.remember(self.db, result, status_code=status_code))


def command_on(permission: Permission) -> Callable[..., Awaitable[SessionCommand]]:
    """The dependency of a command route on the class named by `session_id`, for callers
    who may do `permission` in its course."""
    require = RequireSession(permission)

    # The guard is a default, not an annotation: annotations are strings in this module,
    # read in its globals, where `require` is not. Keyword-only, so it can come first.
    # Async: it only puts the three together, on the event loop (no worker thread).
    async def command(
        *,
        access: SessionAccess = Depends(require),  # noqa: B008 - FastAPI's dependency marker
        db: DbSession,
        idem: Idempotent,
    ) -> SessionCommand:
        return SessionCommand(access, db, idem)

    return command


def route_permission(dependant: Dependant) -> str:
    """What a route requires, read from its dependencies: a permission value,
    `authenticated` (any signed-in user) or `public`."""
    found: list[str] = []

    def walk(node: Dependant) -> None:
        if isinstance(node.call, RequireCourse | RequireSession | RequireAsset):
            found.append(node.call.permission.value)
        elif node.call is current_user or node.call is verified_token:
            found.append("authenticated")
        for child in node.dependencies:
            walk(child)

    walk(dependant)
    permissions = [p for p in found if p != "authenticated"]
    if permissions:
        return permissions[0]
    return "authenticated" if found else "public"
