"""`reaction_buckets` as a projection of `reactions.burst`: a burst adds its counts to the
second's rows (two bursts of one second, from two api processes, add up)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.orm import Session

from multistream.eventlog.projections import Projection, deleting
from multistream.eventlog.schemas import EventEnvelope
from multistream.reactions.models import ReactionBucket


def _burst(db: Session, event: EventEnvelope) -> None:
    second = dt.datetime.fromisoformat(event.payload["second"])
    counts = {emoji: int(n) for emoji, n in event.payload["counts"].items() if int(n) > 0}
    if not counts:
        return
    insert = pg_insert(ReactionBucket).values(
        [
            {"session_id": event.session_id, "second": second, "emoji": emoji, "count": n}
            for emoji, n in sorted(counts.items())
        ]
    )
    db.execute(
        insert.on_conflict_do_update(
            index_elements=[ReactionBucket.session_id, ReactionBucket.second, ReactionBucket.emoji],
            set_={"count": ReactionBucket.count + insert.excluded.count},
        )
    )


PROJECTION = Projection.handling(
    "reactions", {"reactions.burst": _burst}, reset=deleting(ReactionBucket)
)
