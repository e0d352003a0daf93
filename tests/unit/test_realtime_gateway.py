"""The hub's ordering rules, without sockets or services.

`RecordingSubscriber` stands in for the subscribers of a feed; the real ones, Redis and
the log are exercised by tests/integration/test_realtime.py.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import uuid

from sqlalchemy.orm import sessionmaker

from multistream.eventlog.models import EventAudience
from multistream.eventlog.schemas import EventEnvelope
from multistream.realtime.gateway import Hub, SessionFeed
from multistream.realtime.subscriber import LiveEvent
from multistream.settings import Settings

SESSION = uuid.uuid4()


def event(seq: int) -> LiveEvent:
    return LiveEvent.from_envelope(
        EventEnvelope(
            session_id=SESSION,
            seq=seq,
            type="test.happened",
            occurred_at=dt.datetime.now(dt.UTC),
            actor_id=None,
            audience=EventAudience.all,
            payload={},
        )
    )


class RecordingSubscriber:
    """Records what the hub offers it."""

    def __init__(self) -> None:
        self.offered: list[int] = []

    def offer(self, live_event: LiveEvent) -> None:
        self.offered.append(live_event.seq)


def hub_with_feed(delivered: int) -> tuple[Hub, SessionFeed, list[RecordingSubscriber]]:
    hub = Hub(
        settings=Settings(_env_file=None),  # type: ignore[call-arg]
        sessions=sessionmaker(),  # never used: nothing here reads the log
        verifier=None,  # type: ignore[arg-type]
    )
    feed = SessionFeed(SESSION, delivered=delivered)
    subscribers = [RecordingSubscriber(), RecordingSubscriber()]
    feed.subscribers.update(subscribers)  # type: ignore[arg-type]
    hub.feeds[str(SESSION)] = feed
    return hub, feed, subscribers


def test_a_feed_passes_events_in_order_holds_early_ones_and_drops_duplicates() -> None:
    async def scenario() -> tuple[SessionFeed, list[RecordingSubscriber]]:
        hub, feed, subscribers = hub_with_feed(delivered=1)
        hub._ingest(feed, event(3))  # 2 is missing: held
        hub._ingest(feed, event(4))
        assert subscribers[0].offered == []
        assert feed.gap_timer is not None  # a log read is due, should 2 never come
        hub._ingest(feed, event(2))  # here it is
        hub._ingest(feed, event(3))  # a duplicate (Redis and the log both brought it)
        hub._ingest(feed, event(1))
        hub._ingest(feed, event(5))
        return feed, subscribers

    feed, subscribers = asyncio.run(scenario())
    for subscriber in subscribers:
        assert subscriber.offered == [2, 3, 4, 5]
    assert feed.delivered == 5
    assert feed.held == {}
    assert feed.gap_timer is None  # nothing missing any more: no log read


def test_events_of_sessions_nobody_watches_here_are_dropped_unread() -> None:
    async def scenario() -> list[RecordingSubscriber]:
        hub, _, subscribers = hub_with_feed(delivered=1)
        hub._on_message(f"session:{uuid.uuid4()}".encode(), b"not even json")
        hub._on_message(f"session:{SESSION}".encode(), b"not json either")  # logged, ignored
        hub._on_message(f"session:{SESSION}".encode(), event(2).frame.encode())  # the real thing
        return subscribers

    subscribers = asyncio.run(scenario())
    assert subscribers[0].offered == [2]
