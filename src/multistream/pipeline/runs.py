"""Pipeline runs: queue one (the class ended, a host asked, a retry), read them, and hand
them to the workers once the queueing transaction has committed.

A run is a Celery chain `extract → transcribe → align → derive` (`pipeline.tasks`). The
run and its four `pipeline_steps` rows are written in the caller's transaction, with the
replay's status change; the chain is sent by the `db.after_commit` handler that `install`
registers on the session factory (the api's and the worker's), so a worker never looks for a run
that is not committed yet, and a rolled-back request queues nothing.

At most one run per class is unfinished (a partial unique index); a retry is a new run
(`trigger = retry`, `attempt + 1`) that reuses the steps the failed run finished.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
import structlog
from celery import chain
from sqlalchemy.orm import Session, sessionmaker

from multistream.db import after_commit
from multistream.db.base import new_id, utcnow
from multistream.db.engine import transaction
from multistream.db.rows import as_schema
from multistream.errors import DomainError
from multistream.pipeline.celery_app import celery_app, enqueue
from multistream.pipeline.models import (
    PipelineRun,
    PipelineRunStatus,
    PipelineStep,
    PipelineStepName,
    PipelineStepStatus,
    PipelineTrigger,
)
from multistream.pipeline.schemas import RunList, RunRead, StepRead
from multistream.recording import service as recordings
from multistream.recording.models import Recording, RecordingStatus
from multistream.replay import service as replays
from multistream.sessions.models import LiveSession, ReplayStatus, SessionStatus
from multistream.settings import Settings

log = structlog.get_logger(__name__)

STEPS = tuple(PipelineStepName)
"""In the order they run."""
ACTIVE = frozenset({PipelineRunStatus.queued, PipelineRunStatus.running})
DONE_STEP = frozenset({PipelineStepStatus.succeeded, PipelineStepStatus.skipped})
TASK_NAMES = {name: f"multistream.pipeline.{name.value}" for name in STEPS}
PENDING_KEY = "multistream.pending_runs"
NOT_SENT = (
    "The run could not be handed to the workers (the task broker did not answer). "
    "Retry it once the broker is back."
)


class RunRefused(DomainError):
    """A run cannot be queued now; the routes' table of refusals makes it a 409 problem with
    this slug and title."""

    def __init__(self, slug: str, title: str, detail: str, **facts: Any) -> None:
        super().__init__(detail, **facts)
        self.slug = slug
        self.title = title


# --- reads ---------------------------------------------------------------------------------


def get(db: Session, *, run_id: uuid.UUID) -> PipelineRun | None:
    return db.get(PipelineRun, run_id)


def steps_of(db: Session, *, run_id: uuid.UUID) -> list[PipelineStep]:
    rows = db.scalars(sa.select(PipelineStep).where(PipelineStep.run_id == run_id)).all()
    return sorted(rows, key=lambda step: STEPS.index(step.name))


def read(db: Session, run: PipelineRun) -> RunRead:
    db.flush()
    db.refresh(run)
    steps = [StepRead.model_validate(step) for step in steps_of(db, run_id=run.id)]
    return as_schema(RunRead, run, steps=steps)


def oldest_unfinished(db: Session) -> float | None:
    """When the oldest run still queued or running was queued (a Unix time); None when
    every run is finished. Read by the api's /metrics at each scrape: one second at most."""
    db.execute(sa.text("SET LOCAL statement_timeout = 1000"))
    queued = db.scalar(
        sa.select(sa.func.min(PipelineRun.created_at)).where(PipelineRun.status.in_(ACTIVE))
    )
    return None if queued is None else queued.timestamp()


def list_for_session(db: Session, *, session_id: uuid.UUID) -> RunList:
    rows = db.scalars(
        sa.select(PipelineRun)
        .where(PipelineRun.session_id == session_id)
        .order_by(PipelineRun.created_at.desc(), PipelineRun.id.desc())
    ).all()
    return RunList(items=[read(db, run) for run in rows])


def active_run(db: Session, *, session_id: uuid.UUID) -> PipelineRun | None:
    return db.scalars(
        sa.select(PipelineRun).where(
            PipelineRun.session_id == session_id, PipelineRun.status.in_(ACTIVE)
        )
    ).first()


# --- queueing ------------------------------------------------------------------------------


def start(
    db: Session,
    *,
    session: LiveSession,
    trigger: PipelineTrigger,
    idempotency_key: str | None = None,
) -> PipelineRun:
    """Queue a run over the class's latest recording. Refused (RunRefused) while the class
    has not ended, when it has no recording, or while another run is unfinished."""
    _lock(db, session.id)
    if session.status is not SessionStatus.ended:
        raise RunRefused(
            "session-not-ended",
            "Class not over",
            f"This class is {session.status.value}; its replay is made once it has ended.",
        )
    recording = _recording_to_process(db, session.id)
    _refuse_if_active(db, session.id)
    return _create(db, session, recording, trigger, reuse=(), idempotency_key=idempotency_key)


def retry(db: Session, *, run: PipelineRun, idempotency_key: str | None = None) -> PipelineRun:
    """A new attempt of a failed run: the steps it finished are reused, the rest run."""
    session = db.get(LiveSession, run.session_id)
    assert session is not None
    _lock(db, session.id)
    db.refresh(run)
    if run.status is not PipelineRunStatus.failed:
        raise RunRefused(
            "run-not-failed",
            "Nothing to retry",
            f"This run is {run.status.value}; only a failed run can be retried.",
            run_status=run.status.value,
        )
    _refuse_if_active(db, session.id)
    recording = _recording_to_process(db, session.id)
    # Reuse finished steps only while they worked on the same recording.
    reuse = steps_of(db, run_id=run.id) if recording.id == run.recording_id else []
    return _create(
        db,
        session,
        recording,
        PipelineTrigger.retry,
        reuse=[step for step in reuse if step.status in DONE_STEP],
        previous=run,
        idempotency_key=idempotency_key,
    )


NEVER_STARTED = frozenset(
    {RecordingStatus.starting, RecordingStatus.failed, RecordingStatus.deleted}
)
"""Recordings that will bring no file: the recorder never began (or gave up), or staff
deleted it."""


def ensure_queued(db: Session, *, session: LiveSession) -> PipelineRun | None:
    """Queue a run for an ended class whose recording has none yet — called when the class
    ends and when a recorder stores its file: the unfinished run if there is one, a new run
    if the latest recording began and has not been processed, else None. Never refuses.
    (A run queued before the file is stored waits for it: `extract` retries.)"""
    _lock(db, session.id)
    if session.status is not SessionStatus.ended:
        return None
    recording = recordings.latest(db, session_id=session.id)
    if recording is None or recording.status in NEVER_STARTED:
        return None
    active = active_run(db, session_id=session.id)
    if active is not None:
        return active
    done = db.scalar(
        sa.select(sa.func.count())
        .select_from(PipelineRun)
        .where(
            PipelineRun.recording_id == recording.id,
            PipelineRun.status == PipelineRunStatus.succeeded,
        )
    )
    if done:
        return None
    return _create(db, session, recording, PipelineTrigger.session_ended, reuse=())


def _lock(db: Session, session_id: uuid.UUID) -> None:
    """Queue on the class's row: two requests never both see "no unfinished run"."""
    db.execute(sa.select(LiveSession.id).where(LiveSession.id == session_id).with_for_update())


def _recording_to_process(db: Session, session_id: uuid.UUID) -> Recording:
    """The class's latest recording; refused when there is none or it was deleted."""
    recording = recordings.latest(db, session_id=session_id)
    if recording is None:
        raise RunRefused(
            "no-recording", "No recording", "This class was not recorded, so there is no replay."
        )
    if recording.status is RecordingStatus.deleted:
        raise RunRefused(
            "recording-deleted",
            "Recording deleted",
            "This class's recording was deleted, so there is nothing to make a replay from.",
        )
    return recording


def _refuse_if_active(db: Session, session_id: uuid.UUID) -> None:
    active = active_run(db, session_id=session_id)
    if active is not None:
        raise RunRefused(
            "run-in-progress",
            "Already processing",
            "This class's replay is being made now; wait for that run to finish.",
            run_id=str(active.id),
        )


def _create(
    db: Session,
    session: LiveSession,
    recording: Recording,
    trigger: PipelineTrigger,
    *,
    reuse: Sequence[PipelineStep],
    previous: PipelineRun | None = None,
    idempotency_key: str | None = None,
) -> PipelineRun:
    attempt = (
        db.scalar(
            sa.select(sa.func.max(PipelineRun.attempt)).where(PipelineRun.session_id == session.id)
        )
        or 0
    ) + 1
    run = PipelineRun(
        id=new_id(),
        session_id=session.id,
        recording_id=recording.id,
        status=PipelineRunStatus.queued,
        trigger=trigger,
        attempt=attempt,
    )
    db.add(run)
    db.flush()
    reused = {step.name: step for step in reuse}
    for name in STEPS:
        done = reused.get(name)
        db.add(
            PipelineStep(
                run_id=run.id,
                name=name,
                status=PipelineStepStatus.skipped if done else PipelineStepStatus.pending,
                attempts=0,
                output=(
                    {**(done.output or {}), "reused_from_run": str(previous.id)}
                    if done and previous
                    else None
                ),
            )
        )
    db.flush()
    # A retry goes failed → processing; a first run none → pending. A ready replay stays
    # ready while the run refreshes it.
    current = ReplayStatus(
        db.execute(
            sa.select(LiveSession.replay_status).where(LiveSession.id == session.id)
        ).scalar_one()
    )
    target = ReplayStatus.processing if current is ReplayStatus.failed else ReplayStatus.pending
    replays.set_status(
        db, session_id=session.id, status=target, run_id=run.id, idempotency_key=idempotency_key
    )
    after_commit.later(db, PENDING_KEY, run.id)
    log.info("pipeline run queued", run_id=str(run.id), session_id=str(session.id))
    return run


# --- sending to the workers ----------------------------------------------------------------


def signature(run_id: uuid.UUID, settings: Settings) -> chain:
    """The run's chain of step tasks, every task on the main queue."""
    return chain(
        *(
            celery_app.signature(
                TASK_NAMES[name], args=(str(run_id),), immutable=True, queue=settings.celery_queue
            )
            for name in STEPS
        )
    )


def send(settings: Settings, run_id: uuid.UUID) -> None:
    enqueue(settings, signature(run_id, settings))


def install(factory: sessionmaker[Session], settings: Settings) -> None:
    """Send the runs a transaction queued when it commits (and forget them on rollback)."""

    def send_all(run_ids: list[uuid.UUID]) -> None:
        for run_id in run_ids:
            try:
                send(settings, run_id)
            except Exception as exc:  # the request already succeeded: fail the run, loudly
                log.error("pipeline run not sent", run_id=str(run_id), error=str(exc))
                _fail_unsent(factory, run_id)

    after_commit.handle(factory, PENDING_KEY, send_all)


def _fail_unsent(factory: sessionmaker[Session], run_id: uuid.UUID) -> None:
    try:
        with transaction(factory) as db:
            run = db.get(PipelineRun, run_id, with_for_update=True)
            if run is None or run.status not in ACTIVE:
                return
            run.status = PipelineRunStatus.failed
            run.error = NOT_SENT
            run.finished_at = max(utcnow(), run.started_at or utcnow())
            replays.set_status(
                db,
                session_id=run.session_id,
                status=ReplayStatus.failed,
                reason=NOT_SENT,
                run_id=run.id,
            )
    except Exception as exc:  # the database is gone too: the run stays queued
        log.error("unsent pipeline run left queued", run_id=str(run_id), error=str(exc))
