"""The table of reactions: counts per class, second and emoji (a projection of
`reactions.burst`)."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from multistream.db import columns
from multistream.db.base import Base


class ReactionBucket(Base):
    """The number of one emoji reaction in one session during one second."""

    __tablename__ = "reaction_buckets"
    __table_args__ = (
        sa.CheckConstraint(
            "date_trunc('second', second AT TIME ZONE 'UTC') = second AT TIME ZONE 'UTC'",
            name="whole_second",
        ),
        sa.CheckConstraint("char_length(emoji) BETWEEN 1 AND 16", name="emoji_length"),
    )

    session_id: Mapped[columns.SessionKey]
    second: Mapped[dt.datetime] = mapped_column(primary_key=True)
    emoji: Mapped[str] = mapped_column(sa.Text, primary_key=True)
    count: Mapped[int] = columns.positive()
