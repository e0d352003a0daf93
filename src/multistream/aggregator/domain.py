"""The aggregator's timing rules, pure: time is passed in. Which (class, kind) may be
announced now, and which seconds of reactions are over."""

from __future__ import annotations

import collections
import dataclasses
import enum
import uuid
from collections.abc import Iterable

BURST_SECONDS = 1
"""A reaction burst covers one second."""
BURST_GRACE_SECONDS = 0.25
"""How long after its second is over a bucket is taken: taps counted late still make it."""


class Kind(enum.StrEnum):
    """What changed: a poll's votes (`poll.tally`) or questions' upvotes (`qa.votes_changed`)."""

    tally = "tally"
    upvotes = "upvotes"


Key = tuple[uuid.UUID, Kind]


@dataclasses.dataclass
class Schedule:
    """Which (class, kind) may be announced now: dirty, and the last announcement at least
    `interval` ago."""

    interval: float
    _dirty: dict[Key, set[uuid.UUID]] = dataclasses.field(default_factory=dict)
    _last: dict[Key, float] = dataclasses.field(default_factory=dict)

    def mark(self, key: Key, refs: Iterable[uuid.UUID]) -> None:
        self._dirty.setdefault(key, set()).update(refs)

    def due(self, now: float) -> list[Key]:
        # Forget announcements long enough ago to no longer matter (bounded memory).
        for key in [k for k, at in self._last.items() if now - at >= self.interval]:
            del self._last[key]
        return [key for key in self._dirty if key not in self._last]

    def next_due(self, now: float) -> float | None:
        """Seconds until the earliest dirty key is due (0 if one is); None if none is dirty."""
        waits = [
            max(0.0, self._last[key] + self.interval - now) if key in self._last else 0.0
            for key in self._dirty
        ]
        return min(waits, default=None)

    def take(self, key: Key) -> set[uuid.UUID]:
        return self._dirty.pop(key, set())

    def announced(self, key: Key, now: float) -> None:
        """Record an announcement (or an attempt) that ended at `now`."""
        self._last[key] = now

    def retry_after(self, key: Key, now: float, delay: float) -> None:
        """Make `key` due again `delay` seconds from now (not at once)."""
        self._last[key] = now - self.interval + delay

    @property
    def pending(self) -> bool:
        return bool(self._dirty)


@dataclasses.dataclass
class Bucket:
    first_seen: float
    in_redis: bool = False
    local: collections.Counter[str] = dataclasses.field(default_factory=collections.Counter)


@dataclasses.dataclass
class ReactionBuckets:
    """The seconds of reactions this process counted and has not announced yet, with the
    counts Redis did not take."""

    grace: float = BURST_GRACE_SECONDS
    _buckets: dict[tuple[uuid.UUID, int], Bucket] = dataclasses.field(default_factory=dict)

    def add(
        self, session_id: uuid.UUID, second: int, emoji: str, *, in_redis: bool, now: float
    ) -> None:
        bucket = self._buckets.setdefault((session_id, second), Bucket(first_seen=now))
        if in_redis:
            bucket.in_redis = True
        else:
            bucket.local[emoji] += 1

    def closed(self, wall_now: float) -> list[tuple[uuid.UUID, int]]:
        """Buckets whose second (plus the grace period) is over, oldest first."""
        return sorted(
            (key for key in self._buckets if key[1] + BURST_SECONDS + self.grace <= wall_now),
            key=lambda key: key[1],
        )

    def done(self, session_id: uuid.UUID, second: int) -> None:
        self._buckets.pop((session_id, second), None)

    def take(self, session_id: uuid.UUID, second: int) -> tuple[bool, float] | None:
        """Start taking a bucket: whether Redis holds counts of it, and when it was first
        seen; None if there is no such bucket. Taps counted from now on set it again."""
        bucket = self._buckets.get((session_id, second))
        if bucket is None:
            return None
        in_redis, bucket.in_redis = bucket.in_redis, False
        return in_redis, bucket.first_seen

    def redis_failed(self, session_id: uuid.UUID, second: int) -> None:
        bucket = self._buckets.get((session_id, second))
        if bucket is not None:
            bucket.in_redis = True

    def add_local(
        self, session_id: uuid.UUID, second: int, counts: collections.Counter[str]
    ) -> collections.Counter[str]:
        """Add counts taken out of Redis; return every count of the bucket in hand."""
        bucket = self._buckets.get((session_id, second))
        if bucket is None:
            return collections.Counter()
        bucket.local.update(counts)
        return collections.Counter(bucket.local)

    def announced(
        self, session_id: uuid.UUID, second: int, counts: collections.Counter[str]
    ) -> None:
        """`counts` are in the log: forget them, and the bucket unless taps came since."""
        bucket = self._buckets.get((session_id, second))
        if bucket is None:
            return
        bucket.local.subtract(counts)
        bucket.local = +bucket.local
        if not bucket.local and not bucket.in_redis:
            del self._buckets[(session_id, second)]

    @property
    def pending(self) -> bool:
        return bool(self._buckets)
