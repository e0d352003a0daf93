"""The artifact engine: start, inspect and retry pipeline runs (hosts of the class only)."""

from __future__ import annotations

import dataclasses
import uuid
from typing import Annotated

from fastapi import APIRouter, Depends

from multistream import problems
from multistream.access.dependencies import (
    ManageReplay,
    RequireCourse,
    RequireSession,
    SessionAccess,
)
from multistream.access.policy import Permission
from multistream.auth.dependencies import CurrentUser
from multistream.dependencies import DbSession
from multistream.idempotency import Idempotent
from multistream.pipeline import runs
from multistream.pipeline.models import PipelineRun, PipelineTrigger
from multistream.pipeline.schemas import RunCreate, RunList, RunRead
from multistream.problems import Problem, not_found
from multistream.sessions.models import LiveSession

router = APIRouter(prefix="/internal/artifacts", tags=["pipeline"])


@dataclasses.dataclass(frozen=True)
class RunAccess:
    run: PipelineRun
    access: SessionAccess


class RequireSessionInBody(RequireSession):
    """The class named by the body's `session_id`, if the caller may do `permission` in it."""

    def __call__(  # type: ignore[override]
        self, body: RunCreate, user: CurrentUser, db: DbSession
    ) -> SessionAccess:
        return _session_access(self.permission, body.session_id, user, db)


class RequireRun(RequireSession):
    """The run named by the `run_id` path parameter, if the caller may do `permission` in
    its class's course; a run of a course the caller is not in answers 404."""

    def __call__(  # type: ignore[override]
        self, run_id: uuid.UUID, user: CurrentUser, db: DbSession
    ) -> RunAccess:
        run = runs.get(db, run_id=run_id)
        if run is None:
            raise not_found("This pipeline run")
        try:
            access = _session_access(self.permission, run.session_id, user, db)
        except Problem as problem:
            if problem.status == 404:
                raise not_found("This pipeline run") from None
            raise
        return RunAccess(run=run, access=access)


def _session_access(
    permission: Permission, session_id: uuid.UUID, user: CurrentUser, db: DbSession
) -> SessionAccess:
    row = db.get(LiveSession, session_id)
    if row is None:
        raise not_found("This class")
    course = RequireCourse(permission)(row.course_id, user, db)
    return SessionAccess(session=row, course=course.course, user=user, role=course.role)


ManageBody = Annotated[SessionAccess, Depends(RequireSessionInBody(Permission.pipeline_manage))]
ManageRun = Annotated[RunAccess, Depends(RequireRun(Permission.pipeline_manage))]


def _refused(error: runs.RunRefused) -> Problem:
    return Problem(409, error.slug, error.title, error.detail, **error.facts)


problems.refusals({runs.RunRefused: _refused})


@router.post(
    "/runs",
    status_code=201,
    summary="Make a class's replay again from its recording",
    responses=problems.answers({409: "session-not-ended, no-recording or run-in-progress"}),
)
def start_run(access: ManageBody, db: DbSession, idem: Idempotent) -> RunRead:
    run = runs.start(
        db,
        session=access.session,
        trigger=PipelineTrigger.manual,
        idempotency_key=idem.event_key,
    )
    return idem.remember(db, runs.read(db, run), status_code=201)


@router.get("/runs/{run_id}", summary="A pipeline run, with its steps")
def get_run(access: ManageRun, db: DbSession) -> RunRead:
    return runs.read(db, access.run)


@router.post(
    "/runs/{run_id}/retry",
    status_code=201,
    summary="Retry a failed run: a new run that redoes the steps that did not finish",
    responses=problems.answers({409: "run-not-failed, no-recording or run-in-progress"}),
)
def retry_run(access: ManageRun, db: DbSession, idem: Idempotent) -> RunRead:
    run = runs.retry(db, run=access.run, idempotency_key=idem.event_key)
    return idem.remember(db, runs.read(db, run), status_code=201)


@router.get("/sessions/{session_id}/runs", summary="A class's pipeline runs, latest first")
def list_runs(access: ManageReplay, db: DbSession) -> RunList:
    return runs.list_for_session(db, session_id=access.session.id)
