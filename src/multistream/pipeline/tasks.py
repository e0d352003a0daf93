"""Background tasks: the pipeline's steps as Celery tasks (and a ping).

A run is the chain `extract → transcribe → align → derive` (`pipeline.runs.signature`).
`transcribe` replaces itself with a chord: one `transcribe_chunk` per chunk, on any
worker (the `celery_asr_queue`), then `transcribe_finish`, then the rest of the chain.

Every task is acknowledged late (a worker killed mid-task leaves it to run again) and is
idempotent (`pipeline.steps`, `pipeline.bookkeeping`). How a task ends:

- the step's work is done → the chain moves on;
- `PermanentFailure` (corrupt media, a recogniser that cannot load) or an unexpected
  error → the run fails with the reason, the chain stops (`Ignore`);
- a transient failure (storage, broker, database) → retried after
  `pipeline_retry_backoff_seconds * 2**n` (at most `…_max_seconds`), up to
  `pipeline_max_retries` times, then the run fails saying so;
- the recording is still on its way to storage (`AwaitingRecording`, before `extract`) →
  looked for again every `RECORDING_POLL_SECONDS`; these polls are not failed tries (the
  task counts them in its `polls` argument), and `await_recording` gives up after
  `pipeline_recording_wait_seconds`;
- the run finished meanwhile (`RunOver`) → the chain stops quietly.
"""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import Callable
from typing import Any, TypeVar

import kombu.exceptions
import redis.exceptions
import sqlalchemy.exc
import structlog
from celery import Task, chord
from celery.exceptions import Ignore

from multistream.pipeline import bookkeeping
from multistream.pipeline.asr import Chunk
from multistream.pipeline.celery_app import celery_app
from multistream.pipeline.failures import (
    AwaitingRecording,
    PermanentFailure,
    RunOver,
    TransientFailure,
)
from multistream.pipeline.models import PipelineStepName
from multistream.pipeline.runs import TASK_NAMES
from multistream.pipeline.steps import alignment, derivation, extraction, transcription
from multistream.pipeline.worker import WorkerResources, worker_resources
from multistream.settings import Settings
from multistream.storage import StorageUnavailable

log = structlog.get_logger(__name__)

T = TypeVar("T")
RECORDING_POLL_SECONDS = 1.0
CHUNK_TASK = "multistream.pipeline.transcribe_chunk"
FINISH_TASK = "multistream.pipeline.transcribe_finish"

TRANSIENT: tuple[type[Exception], ...] = (
    TransientFailure,
    StorageUnavailable,
    sqlalchemy.exc.OperationalError,
    sqlalchemy.exc.InterfaceError,
    redis.exceptions.ConnectionError,
    redis.exceptions.TimeoutError,
    kombu.exceptions.OperationalError,
    ConnectionError,
    TimeoutError,
)


@celery_app.task(name="multistream.ping")
def ping() -> str:
    """Answer 'pong': lets operators and tests see that a worker consumes the queue."""
    return "pong"


def backoff(settings: Settings, retries: int) -> float:
    """Seconds to wait before retry number `retries + 1`."""
    return float(
        min(
            settings.pipeline_retry_backoff_seconds * 2**retries,
            settings.pipeline_retry_backoff_max_seconds,
        )
    )


def _reason(exc: BaseException) -> str:
    if isinstance(exc, TransientFailure):
        return str(exc)
    if isinstance(exc, StorageUnavailable):
        return "File storage did not answer."
    if isinstance(exc, sqlalchemy.exc.DBAPIError | sqlalchemy.exc.InterfaceError):
        return "The database did not answer."
    if isinstance(exc, redis.exceptions.RedisError | kombu.exceptions.OperationalError):
        return "The task broker did not answer."
    return f"A network call failed ({type(exc).__name__})."


def _guarded(
    task: Task[Any, Any],
    run_id: str,
    name: PipelineStepName,
    work: Callable[[WorkerResources, uuid.UUID], T],
    *,
    part: bool = False,
    polls: int | None = None,
) -> T:
    """Run `work`, turning its failures into a failed run or a retry (see the module);
    `part`: the task is one part of its step (a chunk), which goes on meanwhile; `polls`:
    the task's own count of its waits for the recording (a task that may wait for it)."""
    resources = worker_resources()
    run = uuid.UUID(run_id)
    counted = None if polls is None else {"polls": polls}  # kept across retries
    try:
        return work(resources, run)
    except AwaitingRecording as exc:
        if polls is None:
            raise RuntimeError("only a task counting its polls may wait for a recording") from exc
        log.info("pipeline run waits for its recording", run_id=run_id, polls=polls + 1)
        raise task.retry(
            countdown=RECORDING_POLL_SECONDS, exc=exc, kwargs={"polls": polls + 1}
        ) from exc
    except RunOver as exc:
        log.info("pipeline task dropped: run over", run_id=run_id, step=name.value)
        raise Ignore() from exc
    except PermanentFailure as exc:
        bookkeeping.fail(resources, run, name, str(exc))
        raise Ignore() from exc
    except TRANSIENT as exc:
        reason = _reason(exc)
        retries = task.request.retries - (polls or 0)
        if retries >= resources.settings.pipeline_max_retries:
            bookkeeping.fail(
                resources,
                run,
                name,
                f"{reason} Gave up after {retries + 1} tries; retry the run later.",
            )
            raise Ignore() from exc
        wait = backoff(resources.settings, retries)
        log.warning("pipeline step will retry", run_id=run_id, step=name.value, reason=reason)
        with contextlib.suppress(*TRANSIENT):  # the database is down: retry, unrecorded
            bookkeeping.will_retry(resources, run, name, reason, wait, whole_step=not part)
        raise task.retry(countdown=wait, exc=exc, kwargs=counted) from exc
    except Exception as exc:
        log.exception("pipeline step crashed", run_id=run_id, step=name.value)
        bookkeeping.fail(
            resources,
            run,
            name,
            f"An error on our side stopped this step ({type(exc).__name__}); "
            "retry the run, and report it if it happens again.",
        )
        raise Ignore() from exc


def _step(
    body: Callable[[bookkeeping.Step], None], name: PipelineStepName
) -> Callable[[WorkerResources, uuid.UUID], None]:
    def work(resources: WorkerResources, run_id: uuid.UUID) -> None:
        step = bookkeeping.begin(resources, run_id, name)
        if step is not None:
            body(step)

    return work


@celery_app.task(name=TASK_NAMES[PipelineStepName.extract], bind=True, max_retries=None)
def extract(self: Task[[str, int], None], run_id: str, polls: int = 0) -> None:
    """The recording to 16 kHz mono audio; the replay becomes playable (`partial`)."""
    body = _step(extraction.extract, PipelineStepName.extract)

    def work(resources: WorkerResources, run: uuid.UUID) -> None:
        extraction.await_recording(resources, run)
        body(resources, run)

    _guarded(self, run_id, PipelineStepName.extract, work, polls=polls)


@celery_app.task(name=TASK_NAMES[PipelineStepName.transcribe], bind=True, max_retries=None)
def transcribe(self: Task[[str], None], run_id: str) -> None:
    """Plan the chunks, then hand over to a chord of chunk tasks and the stitching."""

    def plan(resources: WorkerResources, run: uuid.UUID) -> list[Chunk] | None:
        step = bookkeeping.begin(resources, run, PipelineStepName.transcribe)
        if step is None:
            return None
        chunks = transcription.plan_transcription(step)
        if not chunks:
            transcription.finish_transcription(step)
            return None
        return chunks

    chunks = _guarded(self, run_id, PipelineStepName.transcribe, plan)
    if chunks is None:
        return
    settings = worker_resources().settings
    header = [
        celery_app.signature(
            CHUNK_TASK,
            args=(run_id, index, chunk.to_json()),
            immutable=True,
            queue=settings.asr_queue,
        )
        for index, chunk in enumerate(chunks)
    ]
    finish = celery_app.signature(
        FINISH_TASK, args=(run_id,), immutable=True, queue=settings.celery_queue
    )
    # The rest of the run's chain (align, derive) follows the chord's body.
    raise self.replace(chord(header, finish))


@celery_app.task(name=CHUNK_TASK, bind=True, max_retries=None)
def transcribe_chunk(
    self: Task[[str, int, dict[str, Any]], int], run_id: str, index: int, chunk: dict[str, Any]
) -> int:
    """Transcribe one chunk of a run's audio; the number of segments found."""

    def work(resources: WorkerResources, run: uuid.UUID) -> int:
        return transcription.transcribe_piece(resources, run, index, Chunk.from_json(chunk))

    return _guarded(self, run_id, PipelineStepName.transcribe, work, part=True)


@celery_app.task(name=FINISH_TASK, bind=True, max_retries=None)
def transcribe_finish(self: Task[[str], None], run_id: str) -> None:
    """Stitch the chunks' segments into the session's transcript."""

    def work(resources: WorkerResources, run: uuid.UUID) -> None:
        step = bookkeeping.current_step(resources, run, PipelineStepName.transcribe)
        if step is not None:
            transcription.finish_transcription(step)

    _guarded(self, run_id, PipelineStepName.transcribe, work, part=True)


@celery_app.task(name=TASK_NAMES[PipelineStepName.align], bind=True, max_retries=None)
def align(self: Task[[str], None], run_id: str) -> None:
    """Put the class's event log on the recording's timeline."""
    _guarded(
        self, run_id, PipelineStepName.align, _step(alignment.align_events, PipelineStepName.align)
    )


@celery_app.task(name=TASK_NAMES[PipelineStepName.derive], bind=True, max_retries=None)
def derive(self: Task[[str], None], run_id: str) -> None:
    """Chapters, highlights, captions, transcript and summary; the replay is ready."""
    _guarded(
        self,
        run_id,
        PipelineStepName.derive,
        _step(derivation.derive_replay, PipelineStepName.derive),
    )
