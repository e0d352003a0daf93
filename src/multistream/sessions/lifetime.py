"""Live classes that end by themselves, so their recorders are released and their replays
made: nobody has taught them for a while, or they run far past their scheduled end.

A loop started with the api (every `session_watch_interval_seconds`) reads the live
classes, when a host (teacher or TA) was last seen, and lets `domain.decide_lifetime`
decide: nothing, `session.ending_soon` (with the deadline), `session.ending_canceled` (a
host came back, the class was extended), or the end (reason `abandoned`). Every api
process runs it: each class is decided under its row lock, and a decision already logged
decides nothing the second time.

Where "a host was last seen" comes from: `participants.last_seen_at` of the class's hosts
and moderators, which joining sets and the live gateway refreshes for every staff socket
at each re-authorisation; for a class about to be warned, the LiveKit room is asked too (a
teacher whose studio socket dropped but who still broadcasts is there).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import uuid

import anyio.to_thread
import sqlalchemy as sa
import structlog
from sqlalchemy.orm import Session, sessionmaker

from multistream.db.engine import transaction
from multistream.eventlog import service as eventlog
from multistream.media.errors import MediaError
from multistream.media.rooms import MediaRooms
from multistream.ops.periodic import Periodic
from multistream.sessions import domain
from multistream.sessions import service as sessions
from multistream.sessions.models import LiveSession, SessionStatus
from multistream.sessions.presence import host_seen_at, mark_seen
from multistream.settings import Settings

log = structlog.get_logger(__name__)


def rules(settings: Settings) -> domain.LifetimeRules:
    return domain.LifetimeRules(
        abandoned_after=dt.timedelta(seconds=settings.session_abandoned_after_seconds),
        overtime_grace=dt.timedelta(seconds=settings.session_overtime_grace_seconds),
        warn_before=dt.timedelta(seconds=settings.session_end_warning_seconds),
    )


def check_class(db: Session, *, session_id: uuid.UUID, rules: domain.LifetimeRules) -> str | None:
    """Decide one live class under its lock; the event type logged, if any."""
    row = eventlog.lock(db, session_id=session_id)
    if row is None or row.status is not SessionStatus.live:
        return None
    facts = domain.LifetimeFacts(
        status=row.status,
        scheduled_start=row.scheduled_start,
        scheduled_end=row.scheduled_end,
        started_at=row.started_at or row.scheduled_start,
        host_seen_at=host_seen_at(db, session=row),
        ending_reason=row.ending_reason,
        ending_at=row.ending_at,
    )
    events = domain.decide_lifetime(facts, now=dt.datetime.now(dt.UTC), rules=rules)
    if not events:
        return None
    if events[0].type == "session.ended":
        sessions.end(
            db, session=row, actor=None, reason="abandoned", detail=events[0].payload.get("detail")
        )
        log.info("class ended by itself", session_id=str(row.id), detail=events[0].payload)
    else:
        sessions.record_system(db, session=row, events=events)
    return events[0].type


class LifetimeWatch:
    """The loop of the api process that applies `check_class` to every live class."""

    def __init__(self, settings: Settings, factory: sessionmaker[Session]) -> None:
        self._settings = settings
        self._factory = factory
        self._rules = rules(settings)
        self._loop = Periodic(
            "class-lifetime-watch",
            self.check_once,
            interval=settings.session_watch_interval_seconds,
        )

    def start(self) -> None:
        self._loop.start()

    async def stop(self) -> None:
        await self._loop.stop()

    async def check_once(self) -> dict[uuid.UUID, str]:
        """Look at every live class once; the events logged, by class."""
        candidates = await anyio.to_thread.run_sync(self._about_to_warn)
        if candidates and self._settings.media_configured:
            await self._ask_livekit(candidates)
        return await anyio.to_thread.run_sync(self._decide_all)

    def _live(self, db: Session) -> list[LiveSession]:
        return list(
            db.scalars(sa.select(LiveSession).where(LiveSession.status == SessionStatus.live))
        )

    def _about_to_warn(self) -> dict[uuid.UUID, str]:
        """Live classes whose hosts are gone long enough to be warned: their rooms."""
        now = dt.datetime.now(dt.UTC)
        with transaction(self._factory) as db:
            return {
                row.id: sessions.room_name(row)
                for row in self._live(db)
                if host_seen_at(db, session=row)
                + self._rules.abandoned_after
                - self._rules.warn_before
                <= now
            }

    async def _ask_livekit(self, candidates: dict[uuid.UUID, str]) -> None:
        present: set[tuple[uuid.UUID, uuid.UUID]] = set()
        try:
            async with MediaRooms(self._settings) as rooms:
                for session_id, room in candidates.items():
                    for participant in await rooms.list_participants(room):
                        with contextlib.suppress(ValueError):
                            present.add((session_id, uuid.UUID(participant.identity)))
        except MediaError as exc:
            # The media server not answering is not a reason to end anyone's class early;
            # it is not a proof of presence either, so the log-based rule decides.
            log.info("could not ask LiveKit who is in the rooms", error=str(exc))
        if present:
            await anyio.to_thread.run_sync(self._mark_seen, present)

    def _mark_seen(self, present: set[tuple[uuid.UUID, uuid.UUID]]) -> None:
        with transaction(self._factory) as db:
            mark_seen(db, present=present)

    def _decide_all(self) -> dict[uuid.UUID, str]:
        with transaction(self._factory) as db:
            ids = [row.id for row in self._live(db)]
        decided: dict[uuid.UUID, str] = {}
        for session_id in ids:
            with transaction(self._factory) as db:
                logged = check_class(db, session_id=session_id, rules=self._rules)
            if logged is not None:
                decided[session_id] = logged
        return decided
