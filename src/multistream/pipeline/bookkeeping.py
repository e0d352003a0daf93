"""The bookkeeping every step of a run shares: its `pipeline_steps` row and its run's.

Each step starts with `begin` (the step is `running`, its attempt counted; a step already
finished is skipped, so a redelivered task moves on) and ends with `succeed` in the same
transaction as its writes. `fail` and `will_retry` are what `pipeline.tasks` records when a
step raises (`pipeline.failures`). Locks are taken in one order everywhere: run, step, then
what the step writes.

Also the helpers steps use for their files: `download`, `put_artifact`, `artifact_json`.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import uuid
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import structlog
from sqlalchemy import event
from sqlalchemy.orm import Session

from multistream.db.engine import transaction
from multistream.ops.metrics import PIPELINE_STEP_SECONDS, PIPELINE_STEPS
from multistream.pipeline.failures import PermanentFailure, RunOver
from multistream.pipeline.models import (
    PipelineRun,
    PipelineRunStatus,
    PipelineStep,
    PipelineStepName,
    PipelineStepStatus,
)
from multistream.pipeline.runs import ACTIVE, DONE_STEP
from multistream.pipeline.worker import WorkerResources
from multistream.replay import service as replays
from multistream.replay.models import ReplayArtifactKind
from multistream.sessions.models import ReplayStatus
from multistream.storage import ObjectStore

log = structlog.get_logger(__name__)


@dataclasses.dataclass(frozen=True)
class Step:
    """A running step of a run, as its body needs it."""

    resources: WorkerResources
    run_id: uuid.UUID
    name: PipelineStepName
    session_id: uuid.UUID
    recording_id: uuid.UUID | None

    @property
    def store(self) -> ObjectStore:
        return self.resources.store

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        with transaction(self.resources.sessions) as db:
            yield db


def now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _count(name: PipelineStepName, outcome: str, seconds: float) -> None:
    PIPELINE_STEPS.labels(name.value, outcome).inc()
    PIPELINE_STEP_SECONDS.labels(name.value).observe(seconds)


def locked_run(db: Session, run_id: uuid.UUID) -> PipelineRun:
    """The run, locked; `RunOver` when it is finished or gone."""
    run = db.get(PipelineRun, run_id, with_for_update=True, populate_existing=True)
    if run is None or run.status not in ACTIVE:
        raise RunOver(str(run_id))
    return run


def locked_step(db: Session, run_id: uuid.UUID, name: PipelineStepName) -> PipelineStep:
    step = db.get(PipelineStep, (run_id, name), with_for_update=True, populate_existing=True)
    if step is None:
        raise RunOver(f"{run_id} has no step {name.value}")
    return step


def begin(resources: WorkerResources, run_id: uuid.UUID, name: PipelineStepName) -> Step | None:
    """Mark the step running (one attempt more); None when it already finished."""
    with transaction(resources.sessions) as db:
        run = locked_run(db, run_id)
        step = locked_step(db, run_id, name)
        if step.status in DONE_STEP:
            return None
        started = now()
        if run.status is PipelineRunStatus.queued:
            run.status = PipelineRunStatus.running
            run.started_at = started
            replays.set_status(
                db, session_id=run.session_id, status=ReplayStatus.processing, run_id=run_id
            )
        step.status = PipelineStepStatus.running
        step.attempts += 1
        step.started_at = started
        step.finished_at = None
        return Step(resources, run_id, name, run.session_id, run.recording_id)


def current_step(
    resources: WorkerResources, run_id: uuid.UUID, name: PipelineStepName
) -> Step | None:
    """The step as it runs (no new attempt counted); None when it already finished."""
    with transaction(resources.sessions) as db:
        run = db.get(PipelineRun, run_id)
        if run is None or run.status not in ACTIVE:
            raise RunOver(str(run_id))
        row = db.get(PipelineStep, (run_id, name))
        if row is None or row.status in DONE_STEP:
            return None
        return Step(resources, run_id, name, run.session_id, run.recording_id)


def succeed(db: Session, step: Step, output: Mapping[str, Any], *, last: bool = False) -> None:
    """Finish the step (and the run, after its last step) in the caller's transaction."""
    run = locked_run(db, step.run_id)
    row = locked_step(db, step.run_id, step.name)
    finished = now()
    row.status = PipelineStepStatus.succeeded
    row.output = {**(row.output or {}), **output}
    row.error = None
    row.started_at = row.started_at or finished
    row.finished_at = max(finished, row.started_at)
    if last:
        run.status = PipelineRunStatus.succeeded
        run.error = None
        run.started_at = run.started_at or finished
        run.finished_at = max(finished, run.started_at)
    db.flush()
    seconds = (row.finished_at - row.started_at).total_seconds()
    # Counted once the caller's transaction commits (a rolled-back step runs again).
    event.listen(db, "after_commit", lambda _db: _count(step.name, "succeeded", seconds), once=True)


def fail(
    resources: WorkerResources, run_id: uuid.UUID, name: PipelineStepName, reason: str
) -> None:
    """The step and its run fail with `reason`; the replay too (unless it is ready)."""
    with transaction(resources.sessions) as db:
        try:
            run = locked_run(db, run_id)
        except RunOver:
            return
        step = locked_step(db, run_id, name)
        finished = now()
        step.status = PipelineStepStatus.failed
        step.error = reason
        step.started_at = step.started_at or finished
        step.finished_at = max(finished, step.started_at)
        run.status = PipelineRunStatus.failed
        run.error = f"{name.value}: {reason}"
        run.finished_at = max(finished, run.started_at or finished)
        replays.set_status(
            db, session_id=run.session_id, status=ReplayStatus.failed, reason=reason, run_id=run_id
        )
        seconds = (step.finished_at - step.started_at).total_seconds()
    _count(name, "failed", seconds)
    log.warning("pipeline run failed", run_id=str(run_id), step=name.value, reason=reason)


def will_retry(
    resources: WorkerResources,
    run_id: uuid.UUID,
    name: PipelineStepName,
    reason: str,
    wait: float,
    *,
    whole_step: bool = True,
) -> None:
    """Note on the step that it waits for another try (`pending` again, unless only a part
    of it — one chunk — waits while the rest runs)."""
    with transaction(resources.sessions) as db:
        try:
            locked_run(db, run_id)
        except RunOver:
            return
        step = locked_step(db, run_id, name)
        if step.status in DONE_STEP:
            return
        if whole_step:
            step.status = PipelineStepStatus.pending
        step.error = f"{reason} Trying again in {wait:g} s."


def output_of(db: Session, run_id: uuid.UUID, name: PipelineStepName) -> dict[str, Any]:
    """What an earlier step of the run left in its output (it must have finished)."""
    step = db.get(PipelineStep, (run_id, name))
    if step is None or step.status not in DONE_STEP or step.output is None:
        raise PermanentFailure(f"The {name.value} step has not finished; run it first.")
    return dict(step.output)


# --- files -----------------------------------------------------------------------------------


def download(store: ObjectStore, key: str, path: Path) -> Path:
    with path.open("wb") as out:
        for part in store.stream(key):
            out.write(part)
    return path


def put_artifact(step: Step, kind: ReplayArtifactKind, data: bytes | Path) -> str:
    """Store an artifact's file where the replay expects it; its key."""
    key = replays.artifact_key(step.session_id, kind)
    content_type = replays.artifact_content_type(kind)
    if isinstance(data, Path):
        with data.open("rb") as body:
            step.store.put(key, body, content_type=content_type)
    else:
        step.store.put(key, data, content_type=content_type)
    return key


def artifact_json(document: Any) -> bytes:
    """Artifacts are byte-for-byte the same on every run: sorted keys, no timestamps."""
    return json.dumps(document, sort_keys=True, ensure_ascii=False, indent=1).encode()
