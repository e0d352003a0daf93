"""What a request tells the aggregator: a poll or a question of a class got votes.

The mark waits on the transaction (`db.after_commit`) and reaches the aggregator of the
process when it commits (`Aggregator.watch`), never if it rolls back: the next
announcement is read after the vote is in the log.
"""

from __future__ import annotations

import uuid

from sqlalchemy.orm import Session

from multistream.aggregator.domain import Kind
from multistream.db import after_commit

DIRTY_KEY = "multistream.aggregator.dirty"

__all__ = ["DIRTY_KEY", "Kind", "touch"]


def touch(db: Session, *, session_id: uuid.UUID, kind: Kind, ref: uuid.UUID) -> None:
    """Note that `ref` (a poll or a question) of a class got votes; the aggregator hears of
    it when the transaction commits (and never if it rolls back)."""
    after_commit.later(db, DIRTY_KEY, (session_id, kind, ref))
