"""The four steps of a run, and the bookkeeping every step shares.

```
extract     recording ─► 16 kHz mono WAV (artifact `audio`)            replay: partial
transcribe  WAV ─► chunks ─► (one task per chunk, any worker) ─► stitch ─► transcript_segments
align       event log ─► timeline on media time (in the step's output)
derive      chapters, highlights, captions.vtt, transcript.json, summary.json  replay: ready
```

Each step starts with `begin` (the step is `running`, its attempt counted; a step already
finished is skipped, so a redelivered task moves on) and ends with `succeed` in the same
transaction as its writes. Writes are upserts keyed as the schema says, plus deletes of
rows past the new end, so a step run twice leaves what one run leaves.

A step raises `PermanentFailure` (its message is a sentence for the host) when retrying
cannot help, `TransientFailure` when it can (the recording is not uploaded yet, a chunk
is still being transcribed); `pipeline.tasks` turns these, and dependency outages, into
a failed run or a retry with backoff. `RunOver` means the run finished meanwhile.
"""

from __future__ import annotations

import bisect
import dataclasses
import datetime as dt
import json
import tempfile
import uuid
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import sqlalchemy as sa
import structlog
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.orm import Session

from multistream.db.engine import transaction
from multistream.eventlog import service as eventlog
from multistream.interactions.models import Poll, PollStatus, PollVote, Question, QuestionStatus
from multistream.pipeline import align, captions, decode, derive, summary
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
from multistream.pipeline.models import (
    PipelineRun,
    PipelineRunStatus,
    PipelineStep,
    PipelineStepName,
    PipelineStepStatus,
)
from multistream.pipeline.runs import ACTIVE, DONE_STEP
from multistream.pipeline.worker import WorkerResources
from multistream.recording.models import Recording, RecordingStatus
from multistream.replay import service as replays
from multistream.replay import timeline as replay_timeline
from multistream.replay.models import (
    Chapter,
    Highlight,
    HighlightKind,
    ReplayArtifact,
    ReplayArtifactKind,
    TranscriptSegment,
)
from multistream.sessions.models import LiveSession, ReplayStatus
from multistream.storage import ObjectNotFound, ObjectStore
from multistream.studio.models import SlidePage

log = structlog.get_logger(__name__)

WAITING_FOR_RECORDING = "The recording has not reached storage yet (still being uploaded)."
DERIVED_HIGHLIGHTS = frozenset(HighlightKind) - {HighlightKind.manual}


class PermanentFailure(Exception):
    """Retrying will not help; `str(exc)` tells the host why."""


class TransientFailure(Exception):
    """Worth retrying later; `str(exc)` says what is awaited."""


class AwaitingRecording(Exception):
    """The run's recording is on its way to storage (a recorder uploading, Egress finishing
    the file): look again soon. Not a failed try."""


class RunOver(Exception):
    """The run is finished (failed, canceled) or gone: the task stops without a trace."""


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


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _locked_run(db: Session, run_id: uuid.UUID) -> PipelineRun:
    run = db.get(PipelineRun, run_id, with_for_update=True, populate_existing=True)
    if run is None or run.status not in ACTIVE:
        raise RunOver(str(run_id))
    return run


def _locked_step(db: Session, run_id: uuid.UUID, name: PipelineStepName) -> PipelineStep:
    step = db.get(PipelineStep, (run_id, name), with_for_update=True, populate_existing=True)
    if step is None:
        raise RunOver(f"{run_id} has no step {name.value}")
    return step


# --- bookkeeping -----------------------------------------------------------------------------


def begin(resources: WorkerResources, run_id: uuid.UUID, name: PipelineStepName) -> Step | None:
    """Mark the step running (one attempt more); None when it already finished."""
    with transaction(resources.sessions) as db:
        run = _locked_run(db, run_id)
        step = _locked_step(db, run_id, name)
        if step.status in DONE_STEP:
            return None
        now = _now()
        if run.status is PipelineRunStatus.queued:
            run.status = PipelineRunStatus.running
            run.started_at = now
            replays.set_status(
                db, session_id=run.session_id, status=ReplayStatus.processing, run_id=run_id
            )
        step.status = PipelineStepStatus.running
        step.attempts += 1
        step.started_at = now
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
    run = _locked_run(db, step.run_id)
    row = _locked_step(db, step.run_id, step.name)
    now = _now()
    row.status = PipelineStepStatus.succeeded
    row.output = {**(row.output or {}), **output}
    row.error = None
    row.started_at = row.started_at or now
    row.finished_at = max(now, row.started_at)
    if last:
        run.status = PipelineRunStatus.succeeded
        run.error = None
        run.started_at = run.started_at or now
        run.finished_at = max(now, run.started_at)
    db.flush()


def fail(
    resources: WorkerResources, run_id: uuid.UUID, name: PipelineStepName, reason: str
) -> None:
    """The step and its run fail with `reason`; the replay too (unless it is ready)."""
    with transaction(resources.sessions) as db:
        try:
            run = _locked_run(db, run_id)
        except RunOver:
            return
        step = _locked_step(db, run_id, name)
        now = _now()
        step.status = PipelineStepStatus.failed
        step.error = reason
        step.started_at = step.started_at or now
        step.finished_at = max(now, step.started_at)
        run.status = PipelineRunStatus.failed
        run.error = f"{name.value}: {reason}"
        run.finished_at = max(now, run.started_at or now)
        replays.set_status(
            db, session_id=run.session_id, status=ReplayStatus.failed, reason=reason, run_id=run_id
        )
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
            _locked_run(db, run_id)
        except RunOver:
            return
        step = _locked_step(db, run_id, name)
        if step.status in DONE_STEP:
            return
        if whole_step:
            step.status = PipelineStepStatus.pending
        step.error = f"{reason} Trying again in {wait:g} s."


def _output(db: Session, run_id: uuid.UUID, name: PipelineStepName) -> dict[str, Any]:
    step = db.get(PipelineStep, (run_id, name))
    if step is None or step.status not in DONE_STEP or step.output is None:
        raise PermanentFailure(f"The {name.value} step has not finished; run it first.")
    return dict(step.output)


def _download(store: ObjectStore, key: str, path: Path) -> Path:
    with path.open("wb") as out:
        for part in store.stream(key):
            out.write(part)
    return path


def _put_artifact(step: Step, kind: ReplayArtifactKind, data: bytes | Path) -> str:
    key = replays.artifact_key(step.session_id, kind)
    content_type = replays.artifact_content_type(kind)
    if isinstance(data, Path):
        with data.open("rb") as body:
            step.store.put(key, body, content_type=content_type)
    else:
        step.store.put(key, data, content_type=content_type)
    return key


def _upsert_artifact(
    db: Session, session_id: uuid.UUID, kind: ReplayArtifactKind, key: str
) -> None:
    upsert = pg_insert(ReplayArtifact).values(session_id=session_id, kind=kind, storage_key=key)
    db.execute(
        upsert.on_conflict_do_update(
            index_elements=[ReplayArtifact.session_id, ReplayArtifact.kind],
            set_={"storage_key": upsert.excluded.storage_key},
            where=ReplayArtifact.storage_key.is_distinct_from(upsert.excluded.storage_key),
        )
    )


# --- extract ---------------------------------------------------------------------------------


def await_recording(resources: WorkerResources, run_id: uuid.UUID) -> None:
    """Return once the run's recording is stored (`ready`), or never will be (`extract`
    then says why). Meanwhile — a recorder uploading, Egress still writing the file it
    named when it started — raise `AwaitingRecording`, with a note on the step; after
    `pipeline_recording_wait_seconds` from the run's start, fail it for good."""
    with transaction(resources.sessions) as db:
        run = db.get(PipelineRun, run_id)
        if run is None or run.status not in ACTIVE:
            raise RunOver(str(run_id))
        recording = db.get(Recording, run.recording_id) if run.recording_id else None
        if recording is None or recording.status in (RecordingStatus.ready, RecordingStatus.failed):
            return
        limit = resources.settings.pipeline_recording_wait_seconds
        if (_now() - run.created_at).total_seconds() > limit:
            raise PermanentFailure(
                f"The recording did not reach storage within {limit / 60:g} minutes of the"
                " class's end; once it is stored, retry the run."
            )
        step = _locked_step(db, run_id, PipelineStepName.extract)
        if step.error != WAITING_FOR_RECORDING:
            step.error = WAITING_FOR_RECORDING
    raise AwaitingRecording(WAITING_FOR_RECORDING)


def extract(step: Step) -> None:
    with step.transaction() as db:
        recording = db.get(Recording, step.recording_id) if step.recording_id else None
        if recording is None:
            raise PermanentFailure("The run's recording no longer exists.")
        if recording.status is RecordingStatus.failed:
            raise PermanentFailure(f"The recording failed: {recording.error}")
        if not recording.storage_key:
            raise TransientFailure(WAITING_FOR_RECORDING)
        key, stored = recording.storage_key, recording.status is RecordingStatus.ready
    with tempfile.TemporaryDirectory(prefix="multistream-extract-") as folder:
        original, wav = Path(folder) / "recording", Path(folder) / "audio.wav"
        try:
            _download(step.store, key, original)
        except ObjectNotFound as exc:
            if stored:
                raise PermanentFailure(
                    "The recording's file is missing from storage; upload it again, then retry."
                ) from exc
            raise TransientFailure(WAITING_FOR_RECORDING) from exc
        try:
            probe = decode.to_speech_wav(original, wav)
        except decode.UnreadableMedia as exc:
            raise PermanentFailure(str(exc)) from exc
        audio_key = _put_artifact(step, ReplayArtifactKind.audio, wav)
        thumbnails = _thumbnails(step, original, probe.duration_ms) if probe.has_video else {}
        index_key = (
            _put_artifact(step, ReplayArtifactKind.thumbnails, _json(thumbnails))
            if thumbnails
            else None
        )
    with step.transaction() as db:
        _locked_run(db, step.run_id)  # locks in one order everywhere: run, step, session
        _upsert_artifact(db, step.session_id, ReplayArtifactKind.audio, audio_key)
        if index_key is not None:
            _upsert_artifact(db, step.session_id, ReplayArtifactKind.thumbnails, index_key)
        recording = db.get(Recording, step.recording_id, with_for_update=True)
        if recording is not None and recording.duration_ms != probe.duration_ms:
            # The file's own length is what the chapters tile and the player shows (a
            # recorder's count may differ by a rounding millisecond).
            recording.duration_ms = probe.duration_ms
        # The recording is stored and plays: students may watch before the transcript.
        replays.set_status(
            db, session_id=step.session_id, status=ReplayStatus.partial, run_id=step.run_id
        )
        succeed(
            db,
            step,
            {
                "probe": probe.to_json(),
                "duration_ms": probe.duration_ms,
                "thumbnails": thumbnails,
            },
        )


THUMBNAIL_SETTLE_MS = 1000
"""A change's picture is taken this far after it (at most half the span): the frame the
recorder composed once the new slide or scene was up."""


def _thumbnail_prefix(step: Step) -> str:
    """Where the pictures go; the `thumbnails` artifact (`thumbs/index.json`) lists them."""
    return f"sessions/{step.session_id}/replay/thumbs/"


def _thumbnails(step: Step, video: Path, duration_ms: int) -> dict[str, str]:
    """A picture of the video at the start of each slide or scene shown (what the chapters
    show); {span start ms: storage key}. A frame that cannot be read is left out."""
    from multistream.recording import assemble

    with step.transaction() as db:
        session = db.get(LiveSession, step.session_id)
        assert session is not None
        start = replay_timeline.clock_start(db, session=session)
        spans = (
            replay_timeline.screen(
                db, session_id=step.session_id, start=start, duration_ms=duration_ms
            )
            if start is not None
            else []
        )
    found: dict[str, str] = {}
    bounds = [(span.start_ms, span.end_ms) for span in spans] or [(0, duration_ms)]
    for begin, end in bounds:
        at = begin + min(THUMBNAIL_SETTLE_MS, (end - begin) // 2)
        try:
            picture = assemble.thumbnail(video, at)
        except assemble.AssemblyError:
            continue
        key = f"{_thumbnail_prefix(step)}{begin}.jpg"
        step.store.put(key, picture, content_type="image/jpeg")
        found[str(begin)] = key
    return found


# --- transcribe ------------------------------------------------------------------------------


def _work_key(step: Step, index: int, suffix: str) -> str:
    return f"sessions/{step.session_id}/replay/work/{step.run_id}/chunk-{index:04d}.{suffix}"


def plan_transcription(step: Step) -> list[Chunk]:
    """Cut the audio into chunks at quiet moments and put each in storage for whichever
    worker transcribes it; [] when the audio is empty (the transcript is then empty)."""
    settings = step.resources.settings
    with step.transaction() as db:
        _locked_run(db, step.run_id)
        # A retried run that reuses its extract: the recording plays again.
        replays.set_status(
            db, session_id=step.session_id, status=ReplayStatus.partial, run_id=step.run_id
        )
        duration_ms = int(_output(db, step.run_id, PipelineStepName.extract)["duration_ms"])
    with tempfile.TemporaryDirectory(prefix="multistream-plan-") as folder:
        wav = Path(folder) / "audio.wav"
        key = replays.artifact_key(step.session_id, ReplayArtifactKind.audio)
        try:
            _download(step.store, key, wav)
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
        _locked_run(db, step.run_id)
        row = _locked_step(db, step.run_id, step.name)
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
        run = _locked_run(db, run_id)
        row = _locked_step(db, run_id, PipelineStepName.transcribe)
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
            _download(step.store, _work_key(step, index, "wav"), piece)
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
        row = _locked_step(db, run_id, PipelineStepName.transcribe)
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
        _locked_run(db, step.run_id)
        row = _locked_step(db, step.run_id, step.name)
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
        _locked_run(db, step.run_id)
        _write_transcript(db, step.session_id, segments)
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


def _write_transcript(db: Session, session_id: uuid.UUID, segments: Sequence[Segment]) -> None:
    rows = []
    for index, segment in enumerate(segments):
        start = max(segment.start_ms, 0)
        rows.append(
            {
                "session_id": session_id,
                "idx": index,
                "start_ms": start,
                "end_ms": max(segment.end_ms, start + 1),
                "text": segment.text.strip(),
                "words": [w.to_json() for w in segment.words],
                "confidence": min(max(float(segment.confidence), 0.0), 1.0),
            }
        )
    for batch in (rows[i : i + 500] for i in range(0, len(rows), 500)):
        upsert = pg_insert(TranscriptSegment).values(batch)
        db.execute(
            upsert.on_conflict_do_update(
                index_elements=[TranscriptSegment.session_id, TranscriptSegment.idx],
                set_={
                    key: upsert.excluded[key]
                    for key in ("start_ms", "end_ms", "text", "words", "confidence")
                },
            )
        )
    db.execute(
        sa.delete(TranscriptSegment).where(
            TranscriptSegment.session_id == session_id, TranscriptSegment.idx >= len(rows)
        )
    )


# --- align -----------------------------------------------------------------------------------


def align_events(step: Step) -> None:
    with step.transaction() as db:
        duration_ms = int(_output(db, step.run_id, PipelineStepName.extract)["duration_ms"])
        recording = db.get(Recording, step.recording_id) if step.recording_id else None
        session = db.get(LiveSession, step.session_id)
        assert session is not None
        if recording is not None and recording.started_at is not None:
            started_at, clock = recording.started_at, "recording.started_at"
        elif session.started_at is not None:
            # Without the recorder's own start, the class's start is the best guess.
            started_at, clock = session.started_at, "session.started_at"
        else:
            raise PermanentFailure("Neither the recording nor the class has a start time.")
        events: list[align.LoggedEvent] = []
        after = 0
        while batch := eventlog.read_after(db, session_id=step.session_id, after=after):
            events.extend(batch)
            after = batch[-1].seq
        timeline = align.build_timeline(events, started_at=started_at, duration_ms=duration_ms)
        spans = align.screen_spans(timeline)
        succeed(
            db,
            step,
            {
                "clock": clock,
                "started_at": started_at.isoformat(),
                "events_read": len(events),
                "timeline": timeline.to_json(),
                "screen": [dataclasses.asdict(span) for span in spans],
            },
        )


# --- derive ----------------------------------------------------------------------------------


def derive_replay(step: Step) -> None:
    settings = step.resources.settings
    with step.transaction() as db:
        timeline = align.Timeline.from_json(
            _output(db, step.run_id, PipelineStepName.align)["timeline"]
        )
        session = db.get(LiveSession, step.session_id)
        assert session is not None
        segments = db.scalars(
            sa.select(TranscriptSegment)
            .where(TranscriptSegment.session_id == step.session_id)
            .order_by(TranscriptSegment.idx)
        ).all()
        spoken = [derive.SpokenSegment(s.start_ms, s.end_ms, s.text) for s in segments]
        spans = align.screen_spans(timeline)
        pages = _slide_pages(db, spans)
        thumbnails = {
            int(ms): key
            for ms, key in (
                _output(db, step.run_id, PipelineStepName.extract).get("thumbnails") or {}
            ).items()
        }
        chapters = derive.chapters(
            timeline,
            spoken,
            min_ms=round(settings.chapter_min_seconds * 1000),
            split_ms=round(settings.chapter_topic_split_seconds * 1000),
            slide_titles={key: page.title for key, page in pages.items() if page.title},
            fallback_title=session.title,
        )
        highlights = derive.highlights(
            timeline,
            questions=_questions(db, step.session_id),
            polls=_polls(db, step.session_id),
        )
        vtt = captions.to_webvtt(
            captions.CaptionSegment(
                s.start_ms,
                s.end_ms,
                s.text,
                tuple(
                    captions.TimedWord(str(w["word"]), int(w["start_ms"]), int(w["end_ms"]))
                    for w in s.words
                ),
            )
            for s in segments
        )
        chapter_texts = [
            " ".join(s.text for s in spoken if c.start_ms <= s.start_ms < c.end_ms)
            for c in chapters
        ]
        digest = summary.summarize(
            [
                summary.SpokenText(
                    s.start_ms, s.text, tuple((str(w["word"]), int(w["start_ms"])) for w in s.words)
                )
                for s in segments
            ],
            chapters=chapter_texts,
        )
        transcript = _transcript_document(step.session_id, timeline.duration_ms, segments, spans)
    keys = {
        ReplayArtifactKind.captions_vtt: _put_artifact(
            step, ReplayArtifactKind.captions_vtt, vtt.encode()
        ),
        ReplayArtifactKind.transcript_json: _put_artifact(
            step, ReplayArtifactKind.transcript_json, transcript
        ),
        ReplayArtifactKind.summary: _put_artifact(
            step, ReplayArtifactKind.summary, _json(digest.to_json())
        ),
    }
    with step.transaction() as db:
        _locked_run(db, step.run_id)
        _write_chapters(db, step.session_id, chapters, pages, thumbnails)
        _write_highlights(db, step.session_id, highlights)
        for kind, key in keys.items():
            _upsert_artifact(db, step.session_id, kind, key)
        replays.set_status(
            db, session_id=step.session_id, status=ReplayStatus.ready, run_id=step.run_id
        )
        succeed(
            db,
            step,
            {
                "chapters": len(chapters),
                "highlights": len(highlights),
                "cues": vtt.count(" --> "),
                "keywords": digest.keywords,
            },
            last=True,
        )


def _json(document: Any) -> bytes:
    """Artifacts are byte-for-byte the same on every run: sorted keys, no timestamps."""
    return json.dumps(document, sort_keys=True, ensure_ascii=False, indent=1).encode()


def _slide_pages(
    db: Session, spans: Sequence[align.ScreenSpan]
) -> dict[tuple[str, int], SlidePage]:
    asset_ids = {uuid.UUID(s.asset_id) for s in spans if s.asset_id}
    if not asset_ids:
        return {}
    rows = db.scalars(sa.select(SlidePage).where(SlidePage.asset_id.in_(asset_ids))).all()
    return {(str(row.asset_id), row.page_no): row for row in rows}


def _questions(db: Session, session_id: uuid.UUID) -> list[derive.QuestionFacts]:
    rows = db.scalars(sa.select(Question).where(Question.session_id == session_id)).all()
    return [
        derive.QuestionFacts(
            id=row.id,
            body=row.body,
            upvotes=row.upvotes,
            dismissed=row.status is QuestionStatus.dismissed,
        )
        for row in rows
    ]


def _polls(db: Session, session_id: uuid.UUID) -> list[derive.PollFacts]:
    polls = db.scalars(
        sa.select(Poll)
        .where(Poll.session_id == session_id, Poll.status != PollStatus.draft)
        .order_by(Poll.opened_at, Poll.id)
    ).all()
    option = sa.func.unnest(PollVote.option_ids).label("option_id")
    counted = db.execute(
        sa.select(PollVote.poll_id, option, sa.func.count())
        .where(PollVote.poll_id.in_([p.id for p in polls]))
        .group_by(PollVote.poll_id, option)
    ).all()
    counts: dict[uuid.UUID, dict[str, int]] = {}
    for poll_id, option_id, count in counted:
        counts.setdefault(poll_id, {})[str(option_id)] = int(count)
    return [
        derive.PollFacts(
            id=poll.id,
            question=poll.question,
            options=[(str(o["id"]), str(o["text"])) for o in poll.options],
            counts=counts.get(poll.id, {}),
        )
        for poll in polls
    ]


def _transcript_document(
    session_id: uuid.UUID,
    duration_ms: int,
    segments: Sequence[TranscriptSegment],
    spans: Sequence[align.ScreenSpan],
) -> bytes:
    items = []
    for segment in segments:
        span = align.span_at(spans, (segment.start_ms + segment.end_ms) // 2)
        slide = (
            {"asset_id": span.asset_id, "page_no": span.page_no}
            if span is not None and span.asset_id is not None
            else None
        )
        items.append(
            {
                "idx": segment.idx,
                "start_ms": segment.start_ms,
                "end_ms": segment.end_ms,
                "text": segment.text,
                "confidence": segment.confidence,
                "words": segment.words,
                "slide": slide,
            }
        )
    return _json({"session_id": str(session_id), "duration_ms": duration_ms, "segments": items})


def _write_chapters(
    db: Session,
    session_id: uuid.UUID,
    chapters: Sequence[derive.ChapterDraft],
    pages: Mapping[tuple[str, int], SlidePage],
    thumbnails: Mapping[int, str],
) -> None:
    """Rows 0…n-1 upserted, the rest deleted; the tiling is checked at commit. A chapter's
    picture is the video's at the change that began it (`extract`), else its deck page's."""
    starts = sorted(thumbnails)
    rows = []
    for index, chapter in enumerate(chapters):
        page = (
            pages.get((str(chapter.slide_asset_id), chapter.slide_page))
            if chapter.slide_asset_id and chapter.slide_page
            else None
        )
        rows.append(
            {
                "session_id": session_id,
                "idx": index,
                "start_ms": chapter.start_ms,
                "end_ms": chapter.end_ms,
                "title": chapter.title,
                "source": chapter.source,
                # A deck deleted since the class: the chapter keeps its title, not the link.
                "slide_asset_id": chapter.slide_asset_id if page is not None else None,
                "slide_page": chapter.slide_page if page is not None else None,
                "thumbnail_key": _picture_at(thumbnails, starts, chapter.start_ms)
                or (page.thumb_key if page is not None else None),
            }
        )
    if rows:
        upsert = pg_insert(Chapter).values(rows)
        db.execute(
            upsert.on_conflict_do_update(
                index_elements=[Chapter.session_id, Chapter.idx],
                set_={
                    key: upsert.excluded[key] for key in rows[0] if key not in ("session_id", "idx")
                },
            )
        )
    db.execute(sa.delete(Chapter).where(Chapter.session_id == session_id, Chapter.idx >= len(rows)))


def _picture_at(thumbnails: Mapping[int, str], starts: Sequence[int], ms: int) -> str | None:
    """The picture of what was on screen at `ms`: the last change at or before it."""
    index = bisect.bisect_right(starts, ms) - 1
    return thumbnails[starts[index]] if index >= 0 else None


def _write_highlights(
    db: Session, session_id: uuid.UUID, highlights: Sequence[derive.HighlightDraft]
) -> None:
    """Upserted on (kind, ref_id) or (kind, start_ms); derived ones no longer found are
    deleted, manual ones are left alone."""
    for draft in highlights:
        values = {
            "session_id": session_id,
            "kind": draft.kind,
            "start_ms": draft.start_ms,
            "end_ms": draft.end_ms,
            "title": draft.title,
            "score": draft.score,
            "ref_id": draft.ref_id,
        }
        upsert = pg_insert(Highlight).values(values)
        if draft.ref_id is not None:
            statement = upsert.on_conflict_do_update(
                index_elements=[Highlight.session_id, Highlight.kind, Highlight.ref_id],
                index_where=Highlight.ref_id.is_not(None),
                set_={k: upsert.excluded[k] for k in ("start_ms", "end_ms", "title", "score")},
            )
        else:
            statement = upsert.on_conflict_do_update(
                index_elements=[Highlight.session_id, Highlight.kind, Highlight.start_ms],
                index_where=Highlight.ref_id.is_(None),
                set_={k: upsert.excluded[k] for k in ("end_ms", "title", "score")},
            )
        db.execute(statement)
    existing = db.execute(
        sa.select(Highlight.id, Highlight.kind, Highlight.ref_id, Highlight.start_ms).where(
            Highlight.session_id == session_id, Highlight.kind.in_(DERIVED_HIGHLIGHTS)
        )
    ).all()
    wanted = {draft.key for draft in highlights}
    stale = [
        row.id
        for row in existing
        if (row.kind.value, str(row.ref_id) if row.ref_id else f"@{row.start_ms}") not in wanted
    ]
    if stale:
        db.execute(sa.delete(Highlight).where(Highlight.id.in_(stale)))
