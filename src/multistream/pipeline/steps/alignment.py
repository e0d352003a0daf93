"""align: the class's event log on the recording's timeline (`pipeline.align`), kept in
the step's output for `derivation` and the replay."""

from __future__ import annotations

import dataclasses

from multistream.eventlog import service as eventlog
from multistream.pipeline import align
from multistream.pipeline.bookkeeping import Step, output_of, succeed
from multistream.pipeline.failures import PermanentFailure
from multistream.pipeline.models import PipelineStepName
from multistream.recording.models import Recording
from multistream.sessions.models import LiveSession


def align_events(step: Step) -> None:
    with step.transaction() as db:
        duration_ms = int(output_of(db, step.run_id, PipelineStepName.extract)["duration_ms"])
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
