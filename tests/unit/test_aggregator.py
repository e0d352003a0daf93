"""The aggregator's timing rules, driven by a fake clock: how often a class's tallies go
out, that the last vote always gets one, and when a second of reactions is announced."""

from __future__ import annotations

import collections
import itertools
import math
import uuid

import pytest

from multistream.aggregator.domain import (
    BURST_GRACE_SECONDS,
    Kind,
    ReactionBuckets,
    Schedule,
)

CLASS = uuid.uuid4()
POLL = uuid.uuid4()
TICK = 0.1


class FakeClock:
    def __init__(self, now: float = 1000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


def run(
    schedule: Schedule, clock: FakeClock, votes_at: list[float], until: float
) -> list[tuple[float, set[uuid.UUID]]]:
    """Tick every 100 ms with votes at the given offsets (seconds); return when each
    announcement went out and the votes it covered."""
    start = clock.now
    pending = sorted(votes_at)
    announced: list[tuple[float, set[uuid.UUID]]] = []
    voted: set[uuid.UUID] = set()
    covered: set[uuid.UUID] = set()
    while clock.now - start <= until:
        while pending and pending[0] <= clock.now - start:
            pending.pop(0)
            vote = uuid.uuid4()
            voted.add(vote)
            schedule.mark((CLASS, Kind.tally), [POLL])
        for key in schedule.due(clock()):
            schedule.take(key)
            clock.advance(0.02)  # the announcement takes a while
            covered = set(voted)
            announced.append((clock.now - start, covered))
            schedule.announced(key, clock())
        clock.advance(TICK)
    assert covered == voted, "the last vote was never announced"
    return announced


def test_fifty_quick_votes_give_at_most_one_tally_per_interval() -> None:
    clock = FakeClock()
    schedule = Schedule(interval=0.5)
    votes = [n * 0.03 for n in range(50)]  # 1.5 s of votes
    announced = run(schedule, clock, votes, until=3)
    duration = announced[-1][0] - votes[0]
    assert len(announced) <= math.ceil(duration / 0.5) + 1
    times = [at for at, _ in announced]
    assert all(later - earlier >= 0.5 for earlier, later in itertools.pairwise(times))
    assert len(announced) >= 3  # and not fewer than needed: every ~0.5 s while votes come


def test_a_lone_vote_is_announced_at_the_next_tick() -> None:
    clock = FakeClock()
    schedule = Schedule(interval=0.5)
    announced = run(schedule, clock, [0.0], until=1)
    assert len(announced) == 1
    assert announced[0][0] < TICK + 0.05


def test_a_vote_right_after_an_announcement_waits_for_the_interval() -> None:
    clock = FakeClock()
    schedule = Schedule(interval=0.5)
    key = (CLASS, Kind.tally)
    schedule.mark(key, [POLL])
    assert schedule.due(clock()) == [key]
    schedule.take(key)
    schedule.announced(key, clock())
    schedule.mark(key, [POLL])
    assert schedule.due(clock()) == []
    assert schedule.next_due(clock()) == pytest.approx(0.5)
    clock.advance(0.3)
    assert schedule.next_due(clock()) == pytest.approx(0.2)
    clock.advance(0.2)
    assert schedule.due(clock()) == [key]
    assert schedule.next_due(clock()) == 0


def test_classes_and_kinds_have_rates_of_their_own() -> None:
    clock = FakeClock()
    schedule = Schedule(interval=0.5)
    other = uuid.uuid4()
    keys = [(CLASS, Kind.tally), (CLASS, Kind.upvotes), (other, Kind.tally)]
    schedule.announced(keys[0], clock())
    for key in keys:
        schedule.mark(key, [uuid.uuid4()])
    assert set(schedule.due(clock())) == set(keys[1:])
    assert schedule.take(keys[1]) != set()
    assert schedule.take(keys[1]) == set()
    assert schedule.pending


def test_nothing_dirty_means_nothing_due_and_old_announcements_are_forgotten() -> None:
    clock = FakeClock()
    schedule = Schedule(interval=0.5)
    assert schedule.next_due(clock()) is None
    schedule.announced((CLASS, Kind.tally), clock())
    clock.advance(0.6)
    assert schedule.due(clock()) == []
    assert schedule._last == {}


def test_a_second_of_reactions_closes_after_a_grace_period() -> None:
    clock = FakeClock(now=5000.0)
    buckets = ReactionBuckets()
    buckets.add(CLASS, 100, "👍", in_redis=True, now=clock())
    buckets.add(CLASS, 100, "❓", in_redis=False, now=clock())
    buckets.add(CLASS, 101, "👍", in_redis=False, now=clock())
    assert buckets.closed(101.0) == []
    assert buckets.closed(101.0 + BURST_GRACE_SECONDS) == [(CLASS, 100)]
    assert buckets.closed(103.0) == [(CLASS, 100), (CLASS, 101)]  # oldest first

    assert buckets.take(CLASS, 100) == (True, clock())
    in_hand = buckets.add_local(CLASS, 100, collections.Counter({"👍": 4}))
    assert in_hand == {"👍": 4, "❓": 1}
    buckets.announced(CLASS, 100, in_hand)
    assert buckets.closed(103.0) == [(CLASS, 101)]
    assert buckets.take(CLASS, 100) is None


def test_taps_counted_while_a_second_is_announced_are_kept() -> None:
    buckets = ReactionBuckets()
    buckets.add(CLASS, 100, "👍", in_redis=False, now=0)
    in_redis, _ = buckets.take(CLASS, 100) or (None, None)
    assert in_redis is False
    counts = buckets.add_local(CLASS, 100, collections.Counter())
    buckets.add(CLASS, 100, "👍", in_redis=True, now=0)  # a late tap, in Redis
    buckets.announced(CLASS, 100, counts)
    assert buckets.take(CLASS, 100) == (True, 0)  # announced in a burst of its own


def test_redis_failing_keeps_the_bucket_for_later() -> None:
    buckets = ReactionBuckets()
    buckets.add(CLASS, 100, "👍", in_redis=True, now=0)
    assert buckets.take(CLASS, 100) == (True, 0)
    buckets.redis_failed(CLASS, 100)
    assert buckets.take(CLASS, 100) == (True, 0)
    buckets.done(CLASS, 100)
    assert not buckets.pending


def test_a_class_another_process_announced_is_tried_again_a_tick_later() -> None:
    clock = FakeClock()
    schedule = Schedule(interval=0.5)
    key = (CLASS, Kind.tally)
    schedule.mark(key, [POLL])
    schedule.retry_after(key, clock(), TICK)
    assert schedule.due(clock()) == []
    assert schedule.next_due(clock()) == pytest.approx(TICK)
    clock.advance(TICK)
    assert schedule.due(clock()) == [key]
