"""extract: wait for the recording to be stored, decode it to the speech audio the
transcription reads, and take a picture of the video at each slide or scene change."""

from __future__ import annotations

import tempfile
import uuid
from pathlib import Path

from multistream.db.engine import transaction
from multistream.pipeline import decode
from multistream.pipeline.bookkeeping import (
    Step,
    artifact_json,
    download,
    locked_run,
    locked_step,
    now,
    put_artifact,
    succeed,
)
from multistream.pipeline.failures import (
    AwaitingRecording,
    PermanentFailure,
    RunOver,
    TransientFailure,
)
from multistream.pipeline.models import PipelineRun, PipelineStepName
from multistream.pipeline.runs import ACTIVE
from multistream.pipeline.worker import WorkerResources
from multistream.recording.models import Recording, RecordingStatus
from multistream.replay import service as replays
from multistream.replay import store as replay_store
from multistream.replay import timeline as replay_timeline
from multistream.replay.models import ReplayArtifactKind
from multistream.sessions.models import LiveSession, ReplayStatus
from multistream.storage import ObjectNotFound

WAITING_FOR_RECORDING = "The recording has not reached storage yet (still being uploaded)."
THUMBNAIL_SETTLE_MS = 1000
"""A change's picture is taken this far after it (at most half the span): the frame the
recorder composed once the new slide or scene was up."""


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
        if (now() - run.created_at).total_seconds() > limit:
            raise PermanentFailure(
                f"The recording did not reach storage within {limit / 60:g} minutes of the"
                " class's end; once it is stored, retry the run."
            )
        step = locked_step(db, run_id, PipelineStepName.extract)
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
            download(step.store, key, original)
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
        audio_key = put_artifact(step, ReplayArtifactKind.audio, wav)
        thumbnails = _thumbnails(step, original, probe.duration_ms) if probe.has_video else {}
        index_key = (
            put_artifact(step, ReplayArtifactKind.thumbnails, artifact_json(thumbnails))
            if thumbnails
            else None
        )
    with step.transaction() as db:
        locked_run(db, step.run_id)  # locks in one order everywhere: run, step, session
        replay_store.write_artifact(
            db, session_id=step.session_id, kind=ReplayArtifactKind.audio, key=audio_key
        )
        if index_key is not None:
            replay_store.write_artifact(
                db, session_id=step.session_id, kind=ReplayArtifactKind.thumbnails, key=index_key
            )
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
