"""derive: from the timeline (`alignment`) and the transcript, the replay's chapters,
highlights, captions, transcript document and summary (`pipeline.derive`, `captions`,
`summary` do the work, pure); the replay is `ready` and the run `succeeded`."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

import sqlalchemy as sa
from sqlalchemy.orm import Session

from multistream.pipeline import align, captions, derive, summary
from multistream.pipeline.asr.base import Segment, Word
from multistream.pipeline.bookkeeping import (
    Step,
    artifact_json,
    locked_run,
    output_of,
    put_artifact,
    succeed,
)
from multistream.pipeline.models import PipelineStepName
from multistream.polls.models import Poll, PollStatus, PollVote
from multistream.qa.models import Question, QuestionStatus
from multistream.replay import service as replays
from multistream.replay import store as replay_store
from multistream.replay.models import ReplayArtifactKind, TranscriptSegment
from multistream.sessions.models import LiveSession, ReplayStatus
from multistream.studio.models import SlidePage


def derive_replay(step: Step) -> None:
    settings = step.resources.settings
    with step.transaction() as db:
        timeline = align.Timeline.from_json(
            output_of(db, step.run_id, PipelineStepName.align)["timeline"]
        )
        session = db.get(LiveSession, step.session_id)
        assert session is not None
        segments = db.scalars(
            sa.select(TranscriptSegment)
            .where(TranscriptSegment.session_id == step.session_id)
            .order_by(TranscriptSegment.idx)
        ).all()
        spoken = [
            Segment(
                s.start_ms,
                s.end_ms,
                s.text,
                tuple(Word.from_json(w) for w in s.words),
                s.confidence or 0.0,
            )
            for s in segments
        ]
        spans = align.screen_spans(timeline)
        pages = _slide_pages(db, spans)
        thumbnails = {
            int(ms): key
            for ms, key in (
                output_of(db, step.run_id, PipelineStepName.extract).get("thumbnails") or {}
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
        vtt = captions.to_webvtt(spoken)
        chapter_texts = [
            " ".join(s.text for s in spoken if c.start_ms <= s.start_ms < c.end_ms)
            for c in chapters
        ]
        digest = summary.summarize(spoken, chapters=chapter_texts)
        transcript = _transcript_document(step.session_id, timeline.duration_ms, segments, spans)
    keys = {
        ReplayArtifactKind.captions_vtt: put_artifact(
            step, ReplayArtifactKind.captions_vtt, vtt.encode()
        ),
        ReplayArtifactKind.transcript_json: put_artifact(
            step, ReplayArtifactKind.transcript_json, transcript
        ),
        ReplayArtifactKind.summary: put_artifact(
            step, ReplayArtifactKind.summary, artifact_json(digest.model_dump(mode="json"))
        ),
    }
    with step.transaction() as db:
        locked_run(db, step.run_id)
        replay_store.write_chapters(
            db, session_id=step.session_id, chapters=chapters, pages=pages, thumbnails=thumbnails
        )
        replay_store.write_highlights(db, session_id=step.session_id, highlights=highlights)
        for kind, key in keys.items():
            replay_store.write_artifact(db, session_id=step.session_id, kind=kind, key=key)
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
    return artifact_json(
        {"session_id": str(session_id), "duration_ms": duration_ms, "segments": items}
    )
