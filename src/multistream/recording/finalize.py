"""The end of a participant recording: its segments fetched from storage, put together into
one file on the recording's clock, stored; then the segments deleted.

Segments are placed at `segment.started_at - recording.started_at`; a gap (no recorder
held the class) becomes black and silence, an overlap (two recorders for a moment) is cut,
so media time equals wall time from `recording.started` everywhere. Video segments (MP4)
are remuxed by `recording.assemble`; audio segments (WAV, the audio-only recorder) are
joined here with silence between them.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import uuid
import wave
from pathlib import Path

import numpy as np
from sqlalchemy.orm import Session, sessionmaker

from multistream.db.engine import transaction
from multistream.recording import service as recordings
from multistream.recording.assemble import assemble
from multistream.recording.models import Recording
from multistream.settings import Settings
from multistream.storage import ObjectStore


@dataclasses.dataclass(frozen=True)
class Placed:
    path: Path
    start_ms: int
    """Where the segment begins on the recording's clock."""
    duration_ms: int


def store_recording(
    settings: Settings,
    factory: sessionmaker[Session],
    store: ObjectStore,
    recording_id: uuid.UUID,
    workdir: Path,
) -> recordings.StoredFile | None:
    """Fetch the segments, put them together, store the file; None when there are none."""
    with transaction(factory) as db:
        recording = db.get(Recording, recording_id)
        if recording is None or recording.started_at is None:
            return None
        started_at = recording.started_at
        rows = [
            (row.storage_key, row.started_at, row.duration_ms)
            for row in recordings.segments(db, recording_id=recording_id)
        ]
        key_base = recordings.recording_key(recording, "")
    if not rows:
        return None
    placed = []
    for index, (key, at, duration_ms) in enumerate(rows):
        local = workdir / f"part-{index:05d}{Path(key).suffix}"
        with local.open("wb") as file:
            for chunk in store.stream(key):
                file.write(chunk)
        start_ms = max(0, round((at - started_at).total_seconds() * 1000))
        placed.append(Placed(local, start_ms, duration_ms))
    duration_ms = max(p.start_ms + p.duration_ms for p in placed)
    if all(p.path.suffix == ".wav" for p in placed):
        out, mime = workdir / "recording.wav", "audio/wav"
        duration_ms = join_wav(placed, out)
    else:
        out, mime = workdir / "recording.mp4", "video/mp4"
        duration_ms = assemble(
            [(p.path, p.start_ms) for p in placed], duration_ms=duration_ms, out_path=out
        ).duration_ms
    key = f"{key_base}{out.suffix.lstrip('.')}"
    with out.open("rb") as body:
        info = store.put(key, body, content_type=mime)
    for part in placed:
        part.path.unlink(missing_ok=True)
    out.unlink(missing_ok=True)
    return recordings.StoredFile(
        storage_key=key,
        mime=mime,
        duration_ms=duration_ms,
        size_bytes=info.size,
        ended_at=started_at + dt.timedelta(milliseconds=duration_ms),
    )


def join_wav(parts: list[Placed], out: Path) -> int:
    """Mono 16-bit WAV segments laid on one timeline: silence in gaps, the later segment
    wins an overlap. Returns the duration in ms."""
    rate = None
    pieces: list[tuple[int, np.ndarray]] = []
    for part in parts:
        with wave.open(str(part.path), "rb") as wav:
            if (wav.getnchannels(), wav.getsampwidth()) != (1, 2):
                raise ValueError(f"{part.path.name} is not mono 16-bit PCM")
            rate = rate or wav.getframerate()
            if wav.getframerate() != rate:
                raise ValueError("the audio segments have different sample rates")
            samples = np.frombuffer(wav.readframes(wav.getnframes()), dtype=np.int16)
        pieces.append((part.start_ms * rate // 1000, samples))
    assert rate is not None
    total = max(start + len(samples) for start, samples in pieces)
    timeline = np.zeros(total, dtype=np.int16)
    for start, samples in pieces:
        timeline[start : start + len(samples)] = samples
    with wave.open(str(out), "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(2)
        wav.setframerate(rate)
        wav.writeframes(timeline.tobytes())
    return total * 1000 // rate


def delete_segments(
    factory: sessionmaker[Session], store: ObjectStore, recording_id: uuid.UUID
) -> None:
    """Once the assembled file is stored, the segments are not needed (the log keeps the
    gaps); objects first, then the rows."""
    from multistream.recording.models import RecordingSegment

    with transaction(factory) as db:
        keys = [row.storage_key for row in recordings.segments(db, recording_id=recording_id)]
    for key in keys:
        store.delete(key)
    with transaction(factory) as db:
        db.query(RecordingSegment).filter(RecordingSegment.recording_id == recording_id).delete()
