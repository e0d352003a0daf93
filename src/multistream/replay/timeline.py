"""The class replayed at its moment: what was on screen, said in the chat, asked and voted,
each on the recording's clock.

```
log / tables:  10:03:12.250 slide 3     10:03:40 chat "why?"     10:05:00 poll closed
                     │                        │                        │
recording:     0 ─ 192 250 ms ─────────── 220 000 ms ────────────── 300 000 ms ── duration
```

`media_ms = at - clock_start`, where the clock starts when the class's stored recording
did (`recordings.started_at`), else when the class did — as `pipeline.align` reckons it.
Moments before the recording began count as 0; the chat keeps its order.

Deleted chat messages and dismissed questions are not replayed: a moderator's decision
outlives the class. Poll counts follow the class's own visibility rule: students see the
results of a poll only if they were shown to them, staff always.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence

import sqlalchemy as sa
from sqlalchemy.orm import Session

from multistream.auth.models import User
from multistream.chat.models import ChatMessage
from multistream.eventlog.models import SessionEvent
from multistream.pipeline import align
from multistream.polls.models import Poll, PollKind, PollStatus, PollVote
from multistream.polls.schemas import PollOption
from multistream.qa.models import Question, QuestionStatus
from multistream.recording.models import Recording
from multistream.replay.schemas import (
    ReplayChat,
    ReplayChatMessage,
    ReplayPoll,
    ReplayQuestion,
    ScreenSpanRead,
)
from multistream.sessions.models import LiveSession


def clock_start(db: Session, *, session: LiveSession) -> dt.datetime | None:
    """The wall-clock moment that media time 0 stands for."""
    recorded = db.scalar(
        sa.select(Recording.started_at)
        .where(
            Recording.session_id == session.id,
            Recording.storage_key.is_not(None),
            Recording.started_at.is_not(None),
        )
        .order_by(Recording.created_at.desc())
        .limit(1)
    )
    return recorded or session.started_at


def _ms(at: dt.datetime | None, start: dt.datetime) -> int | None:
    return None if at is None else max(0, align.media_ms(at, start))


def screen(
    db: Session, *, session_id: uuid.UUID, start: dt.datetime, duration_ms: int
) -> list[ScreenSpanRead]:
    """What was on screen when: `pipeline.align`'s spans, from the slide, deck and scene
    events of the log (an index on type keeps this to the few dozen it needs)."""
    events = db.scalars(
        sa.select(SessionEvent)
        .where(
            SessionEvent.session_id == session_id,
            SessionEvent.type.in_(sorted(align.SLIDE_TYPES | align.SCENE_TYPES)),
        )
        .order_by(SessionEvent.seq)
    ).all()
    timeline = align.build_timeline(events, started_at=start, duration_ms=duration_ms)
    return [
        ScreenSpanRead(
            start_ms=span.start_ms,
            end_ms=span.end_ms,
            asset_id=uuid.UUID(span.asset_id) if span.asset_id else None,
            page_no=span.page_no,
            layout=span.layout,
        )
        for span in align.screen_spans(timeline)
    ]


def questions(db: Session, *, session_id: uuid.UUID, start: dt.datetime) -> list[ReplayQuestion]:
    # A question is placed where its event is in the log (as search places it), not at the
    # moment its service made it, a few milliseconds before the append.
    rows = db.execute(
        sa.select(Question, User.display_name, SessionEvent.occurred_at)
        .outerjoin(User, User.id == Question.author_id)
        .join(
            SessionEvent,
            (SessionEvent.session_id == Question.session_id) & (SessionEvent.seq == Question.seq),
        )
        .where(Question.session_id == session_id, Question.status != QuestionStatus.dismissed)
        .order_by(Question.seq)
    ).all()
    return [
        ReplayQuestion(
            id=question.id,
            body=question.body,
            author_name=None if question.anonymous else name,
            asked_ms=_ms(asked_at, start) or 0,
            upvotes=question.upvotes,
            answered_ms=_ms(question.answered_at, start)
            if question.status is QuestionStatus.answered
            else None,
            answer_text=question.answer_text
            if question.status is QuestionStatus.answered
            else None,
        )
        for question, name, asked_at in rows
    ]


def polls(
    db: Session, *, session_id: uuid.UUID, start: dt.datetime, staff: bool
) -> list[ReplayPoll]:
    rows: Sequence[Poll] = db.scalars(
        sa.select(Poll)
        .where(
            Poll.session_id == session_id,
            Poll.status != PollStatus.draft,
            Poll.opened_at.is_not(None),
        )
        .order_by(Poll.opened_at, Poll.id)
    ).all()
    if not rows:
        return []
    option = sa.func.unnest(PollVote.option_ids).label("option_id")
    counts: dict[uuid.UUID, dict[str, int]] = {}
    for poll_id, option_id, count in db.execute(
        sa.select(PollVote.poll_id, option, sa.func.count())
        .where(PollVote.poll_id.in_([poll.id for poll in rows]))
        .group_by(PollVote.poll_id, option)
    ).all():
        counts.setdefault(poll_id, {})[str(option_id)] = int(count)
    voters = dict(
        db.execute(
            sa.select(PollVote.poll_id, sa.func.count())
            .where(PollVote.poll_id.in_([poll.id for poll in rows]))
            .group_by(PollVote.poll_id)
        ).all()
    )
    replayed = []
    for poll in rows:
        shown = staff or poll.results_visible
        tally = {str(o["id"]): counts.get(poll.id, {}).get(str(o["id"]), 0) for o in poll.options}
        replayed.append(
            ReplayPoll(
                id=poll.id,
                question=poll.question,
                kind=poll.kind,
                options=[PollOption(id=str(o["id"]), text=str(o["text"])) for o in poll.options],
                opened_ms=_ms(poll.opened_at, start) or 0,
                closed_ms=_ms(poll.closed_at, start),
                counts=tally if shown else None,
                total_votes=int(voters.get(poll.id, 0)) if shown else None,
                correct_option_ids=list(poll.correct_option_ids)
                if poll.kind is PollKind.quiz and (shown or poll.status is PollStatus.closed)
                else None,
            )
        )
    return replayed


def chat(db: Session, *, session_id: uuid.UUID, start: dt.datetime) -> ReplayChat:
    """Every message not deleted, in the order posted (one indexed range read)."""
    rows = db.execute(
        sa.select(
            ChatMessage.id,
            ChatMessage.created_at,
            ChatMessage.body,
            ChatMessage.reply_to_id,
            ChatMessage.pinned_at,
            User.display_name,
        )
        .outerjoin(User, User.id == ChatMessage.author_id)
        .where(ChatMessage.session_id == session_id, ChatMessage.deleted_at.is_(None))
        .order_by(ChatMessage.seq)
    ).all()
    return ReplayChat(
        items=[
            ReplayChatMessage(
                id=row.id,
                at_ms=_ms(row.created_at, start) or 0,
                author_name=row.display_name,
                body=row.body,
                reply_to_id=row.reply_to_id,
                pinned=row.pinned_at is not None,
            )
            for row in rows
        ]
    )
