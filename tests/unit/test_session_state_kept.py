"""The shared parts of the state snapshot kept per process (`sessions.state._SharedParts`):
an entry never replaces a newer one, the least recently used one is dropped, and of the
requests that find an entry expired, one reads the parts again while the others use it."""

from __future__ import annotations

import uuid

from multistream.sessions.state import FRESH_FOR, _Shared, _SharedParts


def _entry(seq: int, read_at: float = 0.0) -> _Shared:
    return _Shared(seq=seq, parts={"seq": seq}, read_at=read_at)


def test_an_entry_never_replaces_a_newer_one() -> None:
    kept = _SharedParts(4)
    key = (uuid.uuid4(), False)
    kept.keep([(key, _entry(5))])
    kept.keep([(key, _entry(4))])  # a slower transaction, read before the 5th event
    assert kept.usable(key, now=0.0) == _entry(5)
    kept.keep([(key, _entry(5, read_at=1.0))])  # read again at the same seq: fresher
    assert kept.usable(key, now=1.0) == _entry(5, read_at=1.0)
    kept.keep([(key, _entry(7, read_at=1.0))])  # moved on over joins
    assert kept.usable(key, now=1.0) == _entry(7, read_at=1.0)


def test_the_least_recently_used_entry_is_dropped() -> None:
    kept = _SharedParts(2)
    first, second, third = ((uuid.uuid4(), staff) for staff in (False, True, False))
    kept.keep([(first, _entry(1)), (second, _entry(1))])
    assert kept.usable(first, now=0.0) is not None  # used: second is now the oldest
    kept.keep([(third, _entry(1))])
    assert kept.usable(second, now=0.0) is None
    assert kept.usable(first, now=0.0) is not None
    assert kept.usable(third, now=0.0) is not None


def test_one_request_reads_an_expired_entry_again_while_the_others_use_it() -> None:
    kept = _SharedParts(4)
    key = (uuid.uuid4(), False)
    kept.keep([(key, _entry(3))])
    expired = FRESH_FOR + 1.0
    assert kept.usable(key, now=expired) is None  # this request reads the parts again
    assert kept.usable(key, now=expired) == _entry(3)  # the others meanwhile
    kept.keep([(key, _entry(3, read_at=expired))])
    assert kept.usable(key, now=expired) == _entry(3, read_at=expired)
    later = expired + FRESH_FOR + 1.0
    assert kept.usable(key, now=later) is None  # expired again: read again, once
    assert kept.usable(key, now=later) == _entry(3, read_at=expired)
    # The request reading them again failed: after FRESH_FOR another one does.
    assert kept.usable(key, now=later + FRESH_FOR + 1.0) is None
