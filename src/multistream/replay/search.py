"""Search inside a class and across a course: words said, slides shown, questions asked and
chat messages posted, ranked together, each with the moment to seek to.

`q` takes web-search syntax (PostgreSQL's `websearch_to_tsquery`, English stemming). Every
kind is matched through a GIN index: `transcript_segments.search_vector`, and expression
indexes on questions and on chat messages not deleted (migration 0005), so the expressions
here must stay exactly those of the indexes.
"""

from __future__ import annotations

import uuid
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Session

from multistream.chat.models import ChatMessage
from multistream.eventlog.models import SessionEvent
from multistream.qa.models import Question, QuestionStatus
from multistream.recording.models import Recording
from multistream.replay.models import Chapter, ChapterSource, TranscriptSegment
from multistream.replay.schemas import (
    CourseSearchHit,
    CourseSearchResults,
    SearchHit,
    SearchHitKind,
    SearchResults,
)
from multistream.sessions.models import LiveSession, ReplayStatus
from multistream.studio.models import SlidePage

PLAYABLE = frozenset({ReplayStatus.partial, ReplayStatus.ready})
# ts_headline marks matches with plain-text guillemets: clients show snippets as text.
_HEADLINE_OPTIONS = "StartSel=«, StopSel=», MaxWords=24, MinWords=10, ShortWord=2"
ENGLISH: sa.ColumnElement[str] = sa.literal_column("'english'::regconfig")
"""The text search configuration of every search vector."""


def search(db: Session, *, session_id: uuid.UUID, query: str, limit: int) -> SearchResults:
    """Where a class talked about `query` (web-search syntax: words, "phrases", -not):
    transcript segments, slides, questions and chat messages, best first."""
    rows = _search(db, LiveSession.id == session_id, query=query, limit=limit)
    return SearchResults(query=query, items=[SearchHit.model_validate(row) for row in rows])


def search_course(
    db: Session, *, course_id: uuid.UUID, query: str, limit: int
) -> CourseSearchResults:
    """`search` across every class of a course that has a replay to watch."""
    rows = _search(
        db,
        sa.and_(LiveSession.course_id == course_id, LiveSession.replay_status.in_(PLAYABLE)),
        query=query,
        limit=limit,
    )
    return CourseSearchResults(
        query=query, items=[CourseSearchHit.model_validate(row) for row in rows]
    )


# How much a hit of each kind counts next to the others: words said point at the very
# moment, a question at when it was asked, a chat message at when it was posted (the room's
# words, not the teacher's), a slide only at the chapter it was up for.
_KIND_WEIGHT = {
    SearchHitKind.transcript: 1.0,
    SearchHitKind.question: 0.8,
    SearchHitKind.chat: 0.7,
    SearchHitKind.slide: 0.6,
}
_RANK_NORMALISATION = 1  # ts_rank divided by 1 + log(length): long slides do not dominate
_NO_IDX = sa.cast(sa.null(), sa.Integer)
_NO_REF = sa.cast(sa.null(), sa.Uuid)


def _first_word_of(query: str) -> sa.ColumnElement[int]:
    """Where a matching transcript segment says the first of the query's words (its word
    timings), so a hit seeks to the moment, not to the start of a long segment; the
    segment's start when no single word matches (a recogniser that gave no timings)."""
    word = sa.func.jsonb_array_elements(TranscriptSegment.words).table_valued(
        sa.column("value", JSONB), name="word"
    )
    terms = sa.func.tsvector_to_array(sa.func.to_tsvector(ENGLISH, query))
    said_at = (
        sa.select(sa.func.min(sa.cast(word.c.value["start_ms"].astext, sa.BigInteger)))
        .where(
            sa.func.tsvector_to_array(sa.func.to_tsvector(ENGLISH, word.c.value["word"].astext)).op(
                "&&"
            )(terms)
        )
        .scalar_subquery()
    )
    return sa.func.greatest(
        TranscriptSegment.start_ms, sa.func.coalesce(said_at, TranscriptSegment.start_ms)
    )


def _search(
    db: Session, sessions: sa.ColumnElement[bool], *, query: str, limit: int
) -> list[dict[str, Any]]:
    tsquery = sa.func.websearch_to_tsquery(ENGLISH, query)

    def ranked(
        kind: SearchHitKind, vector: sa.SQLColumnExpression[Any], text: sa.SQLColumnExpression[str]
    ) -> tuple[sa.ColumnElement[Any], ...]:
        rank = sa.func.ts_rank(vector, tsquery, _RANK_NORMALISATION) * _KIND_WEIGHT[kind]
        return (
            sa.literal(kind.value).label("kind"),
            sa.cast(text, sa.Text).label("text"),
            sa.cast(rank, sa.Double).label("rank"),
        )

    said = (
        sa.select(
            LiveSession.id.label("session_id"),
            *ranked(
                SearchHitKind.transcript, TranscriptSegment.search_vector, TranscriptSegment.text
            ),
            TranscriptSegment.idx.label("idx"),
            _NO_REF.label("ref_id"),
            _first_word_of(query).label("start_ms"),
            TranscriptSegment.end_ms.label("end_ms"),
        )
        .join(TranscriptSegment, TranscriptSegment.session_id == LiveSession.id)
        .where(sessions, TranscriptSegment.search_vector.bool_op("@@")(tsquery))
    )
    slide_text = sa.func.concat_ws(". ", SlidePage.title, SlidePage.text)
    slide_vector = sa.func.to_tsvector(ENGLISH, slide_text)
    shown = (
        sa.select(
            LiveSession.id,
            *ranked(SearchHitKind.slide, slide_vector, slide_text),
            _NO_IDX,
            _NO_REF,
            Chapter.start_ms,
            Chapter.end_ms,
        )
        .join(Chapter, Chapter.session_id == LiveSession.id)
        .join(
            SlidePage,
            sa.and_(
                SlidePage.asset_id == Chapter.slide_asset_id,
                SlidePage.page_no == Chapter.slide_page,
            ),
        )
        # A slide's chapter starts when it went up; topic splits of it are not repeated.
        .where(sessions, Chapter.source == ChapterSource.slide, slide_vector.bool_op("@@")(tsquery))
    )

    def posted_at(
        kind: SearchHitKind,
        text: sa.SQLColumnExpression[str],
        ref_id: sa.SQLColumnExpression[uuid.UUID],
        at: sa.SQLColumnExpression[Any],
    ) -> sa.Select[Any]:
        """Hits of what someone posted at one moment (a question, a chat message), whose
        `text` matches: they point at that moment, as both start and end."""
        vector = sa.func.to_tsvector(ENGLISH, text)
        at_ms = _media_ms(at)
        return sa.select(
            LiveSession.id, *ranked(kind, vector, text), _NO_IDX, ref_id, at_ms, at_ms
        ).where(sessions, vector.bool_op("@@")(tsquery))

    asked = (
        posted_at(SearchHitKind.question, Question.body, Question.id, SessionEvent.occurred_at)
        .join(Question, Question.session_id == LiveSession.id)
        .join(
            SessionEvent,
            sa.and_(
                SessionEvent.session_id == Question.session_id, SessionEvent.seq == Question.seq
            ),
        )
        .where(Question.status != QuestionStatus.dismissed)
    )
    posted = (
        posted_at(SearchHitKind.chat, ChatMessage.body, ChatMessage.id, ChatMessage.created_at)
        .join(ChatMessage, ChatMessage.session_id == LiveSession.id)
        .where(ChatMessage.deleted_at.is_(None))
    )
    hits = sa.union_all(said, shown, asked, posted).subquery()
    best = (
        sa.select(
            hits,
            LiveSession.title.label("session_title"),
            LiveSession.started_at.label("session_started_at"),
        )
        .join(LiveSession, LiveSession.id == hits.c.session_id)
        .order_by(hits.c.rank.desc(), LiveSession.started_at.desc(), hits.c.start_ms)
        .limit(limit)
        .subquery()
    )
    # Snippets only for the hits returned: ts_headline re-parses the whole text.
    rows = db.execute(
        sa.select(
            *(column for column in best.c if column.name != "text"),
            sa.func.ts_headline(ENGLISH, best.c.text, tsquery, _HEADLINE_OPTIONS).label("snippet"),
        ).order_by(best.c.rank.desc(), best.c.session_started_at.desc(), best.c.start_ms)
    ).mappings()
    return [dict(row) for row in rows]


def _media_ms(at: sa.SQLColumnExpression[Any]) -> sa.ColumnElement[int]:
    """`at` on the class's recording clock, in whole ms (rounded, as `pipeline.align`
    does), never before 0."""
    return sa.func.greatest(
        0,
        sa.cast(sa.func.round(sa.extract("epoch", at - _clock_start()) * 1000), sa.BigInteger),
    )


def _clock_start() -> sa.ColumnElement[Any]:
    """The moment a class's media time 0 stands for (as `pipeline.align` reckons it): its
    latest stored recording's start, else the class's own start."""
    recorded = (
        sa.select(Recording.started_at)
        .where(
            Recording.session_id == LiveSession.id,
            Recording.storage_key.is_not(None),
            Recording.started_at.is_not(None),
        )
        .order_by(Recording.created_at.desc())
        .limit(1)
        .scalar_subquery()
    )
    return sa.func.coalesce(recorded, LiveSession.started_at)
