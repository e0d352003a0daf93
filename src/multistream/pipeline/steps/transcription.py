"""transcribe: cut the audio into chunks at quiet moments, transcribe each on whichever
worker takes it (`transcribe_piece`, one task per chunk), then stitch the chunks' segments
into the class's transcript.

Chunk audio and results are files under `sessions/{id}/replay/work/{run}/`, keyed by run
and chunk number, so a chunk run twice writes the same file; `finish_transcription` reads
them from storage (not from the chord's results), waits by a `TransientFailure` for any
still missing, and deletes them once the transcript is written.
"""

from __future__ import annotations

import json
import tempfile
import uuid
from pathlib import Path

import structlog

from multistream.db.engine import transaction
from multistream.pipeline.asr import (
    AsrEngine,
    AsrError,
    AudioFormatError,
    Chunk,
    Segment,
    make_engine,
    plan_chunks,
    read_wav,
    stitch,
    transcribe_chunk,
    write_wav,
)
from multistream.pipeline.bookkeeping import (
    Step,
    download,
    locked_run,
    locked_step,
    output_of,
    succeed,
)
from multistream.pipeline.failures import PermanentFailure, TransientFailure
from multistream.pipeline.models import PipelineStepName
from multistream.pipeline.runs import DONE_STEP
from multistream.pipeline.worker import WorkerResources
from multistream.replay import service as replays
from multistream.replay import store as replay_store
from multistream.replay.models import ReplayArtifactKind
from multistream.sessions.models import ReplayStatus
from multistream.storage import ObjectNotFound

log = structlog.get_logger(__name__)


def _work_key(step: Step, index: int, suffix: str) -> str:
    return f"sessions/{step.session_id}/replay/work/{step.run_id}/chunk-{index:04d}.{suffix}"


def plan_transcription(step: Step) -> list[Chunk]:
    """Cut the audio into chunks at quiet moments and put each in storage for whichever
    worker transcribes it; [] when the audio is empty (the transcript is then empty)."""
    settings = step.resources.settings
    with step.transaction() as db:
        locked_run(db, step.run_id)
        # A retried run that reuses its extract: the recording plays again.
        replays.set_status(
            db, session_id=step.session_id, status=ReplayStatus.partial, run_id=step.run_id
        )
        duration_ms = int(output_of(db, step.run_id, PipelineStepName.extract)["duration_ms"])
    with tempfile.TemporaryDirectory(prefix="multistream-plan-") as folder:
        wav = Path(folder) / "audio.wav"
        key = replays.artifact_key(step.session_id, ReplayArtifactKind.audio)
        try:
            download(step.store, key, wav)
        except ObjectNotFound as exc:
            raise PermanentFailure(
                "The extracted audio is missing from storage; retry the run from the start."
            ) from exc
        chunks = (
            plan_chunks(wav, settings.asr_chunk_seconds, settings.asr_chunk_max_seconds)
            if duration_ms > 0
            else []
        )
        for index, chunk in enumerate(chunks):
            piece = Path(folder) / f"chunk-{index}.wav"
            write_wav(piece, read_wav(wav, chunk.start_ms, chunk.end_ms))
            with piece.open("rb") as body:
                step.store.put(_work_key(step, index, "wav"), body, content_type="audio/wav")
    with step.transaction() as db:
        locked_run(db, step.run_id)
        row = locked_step(db, step.run_id, step.name)
        row.output = {
            **(row.output or {}),
            "chunks": [chunk.to_json() for chunk in chunks],
            "chunk_starts": int((row.output or {}).get("chunk_starts", 0)),
        }
    return chunks


_engines: dict[str, AsrEngine] = {}


def _engine(resources: WorkerResources) -> AsrEngine:
    """One loaded speech recogniser per worker process (loading a model takes seconds)."""
    settings = resources.settings
    choice = f"{settings.asr_engine}:{settings.asr_model}:{settings.asr_language}"
    if choice not in _engines:
        _engines[choice] = make_engine(settings)
    return _engines[choice]


def transcribe_piece(
    resources: WorkerResources, run_id: uuid.UUID, index: int, chunk: Chunk
) -> int:
    """Transcribe chunk `index` and put its segments in storage; the segment count."""
    with transaction(resources.sessions) as db:
        run = locked_run(db, run_id)
        row = locked_step(db, run_id, PipelineStepName.transcribe)
        if row.status in DONE_STEP:
            return 0
        # Counted on the step: a chunk that runs again after a lost worker shows here.
        row.output = {
            **(row.output or {}),
            "chunk_starts": int((row.output or {}).get("chunk_starts", 0)) + 1,
        }
        step = Step(
            resources, run_id, PipelineStepName.transcribe, run.session_id, run.recording_id
        )
    with tempfile.TemporaryDirectory(prefix="multistream-chunk-") as folder:
        piece = Path(folder) / "chunk.wav"
        try:
            download(step.store, _work_key(step, index, "wav"), piece)
        except ObjectNotFound as exc:
            raise PermanentFailure(
                f"Audio chunk {index} is missing from storage; retry the run."
            ) from exc
        try:
            engine = _engine(resources)
            found = transcribe_chunk(engine, piece, Chunk(0, chunk.duration_ms))
        except (AsrError, AudioFormatError) as exc:
            raise PermanentFailure(f"Speech recognition could not run: {exc}") from exc
    segments = [segment.shifted(chunk.start_ms) for segment in found]
    body = json.dumps(
        {"engine": engine.name, "segments": [s.to_json() for s in segments]}, sort_keys=True
    ).encode()
    step.store.put(_work_key(step, index, "json"), body, content_type="application/json")
    with transaction(resources.sessions) as db:
        row = locked_step(db, run_id, PipelineStepName.transcribe)
        if row.status not in DONE_STEP:
            # For the replay's progress; a chunk run again after a lost worker counts twice,
            # so readers cap it at the chunks planned.
            row.output = {
                **(row.output or {}),
                "chunks_done": int((row.output or {}).get("chunks_done", 0)) + 1,
            }
    return len(segments)


def finish_transcription(step: Step) -> None:
    """Stitch the chunks' segments into the transcript (rows 0…n-1, nothing after)."""
    with step.transaction() as db:
        locked_run(db, step.run_id)
        row = locked_step(db, step.run_id, step.name)
        if row.status in DONE_STEP:
            return
        plan = [Chunk.from_json(c) for c in (row.output or {}).get("chunks", [])]
    results: list[list[Segment]] = []
    engines: set[str] = set()
    for index in range(len(plan)):
        try:
            data = json.loads(step.store.get(_work_key(step, index, "json")))
        except ObjectNotFound as exc:
            raise TransientFailure(f"Audio chunk {index} is not transcribed yet.") from exc
        engines.add(str(data["engine"]))
        results.append([Segment.from_json(s) for s in data["segments"]])
    segments = stitch(results)
    with step.transaction() as db:
        locked_run(db, step.run_id)
        replay_store.write_transcript(db, session_id=step.session_id, segments=segments)
        succeed(
            db,
            step,
            {
                "segments": len(segments),
                "words": sum(len(s.words) for s in segments),
                "engine": ", ".join(sorted(engines)) or None,
            },
        )
    for index in range(len(plan)):
        for suffix in ("wav", "json"):
            try:
                step.store.delete(_work_key(step, index, suffix))
            except Exception as exc:  # leftovers cost storage, not correctness
                log.warning("chunk not cleaned up", index=index, error=str(exc))
