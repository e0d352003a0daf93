"""The shared parts of the state snapshot kept per process (`sessions.state._SharedParts`):
an entry never replaces a newer one, and the least recently used one is dropped."""

from __future__ import annotations

import uuid

from multistream.sessions.state import _Shared, _SharedParts


def _entry(seq: int, read_at: float = 0.0) -> _Shared:
    return _Shared(seq=seq, parts={"seq": seq}, read_at=read_at)


def test_an_entry_never_replaces_a_newer_one() -> None:
    kept = _SharedParts(4)
    key = (uuid.uuid4(), False)
    kept.keep([(key, _entry(5))])
    kept.keep([(key, _entry(4))])  # a slower transaction, read before the 5th event
    assert kept.get(key) == _entry(5)
    kept.keep([(key, _entry(5, read_at=1.0))])  # read again at the same seq: fresher
    assert kept.get(key) == _entry(5, read_at=1.0)
    kept.keep([(key, _entry(7, read_at=1.0))])  # moved on over joins
    assert kept.get(key) == _entry(7, read_at=1.0)


def test_the_least_recently_used_entry_is_dropped() -> None:
    kept = _SharedParts(2)
    first, second, third = ((uuid.uuid4(), staff) for staff in (False, True, False))
    kept.keep([(first, _entry(1)), (second, _entry(1))])
    assert kept.get(first) is not None  # used: second is now the least recently used
    kept.keep([(third, _entry(1))])
    assert kept.get(second) is None
    assert kept.get(first) is not None
    assert kept.get(third) is not None
