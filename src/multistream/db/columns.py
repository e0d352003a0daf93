"""The column declarations the tables share, written once as annotated types.

A table writes `id: Mapped[Id]` or `session_id: Mapped[SessionKey]` and gets the type,
default and foreign key below; arguments to a `mapped_column()` on the right add to them
(`session_id: Mapped[SessionRef] = mapped_column(index=True)`). Nullability follows the
annotation, as for any `Mapped[...]`: the `…OrNull` types are nullable.

A rule about one column comes with it (`title: Mapped[str] = text(200, nonblank=True)`,
`state(Enum)`, `nonnegative()`, `positive()`): the column adds its named CHECK to the table
it joins, so the table's arguments need not name the column again to say it.

Constraint names still come from `Base`'s naming convention, so a table that switches to
these types keeps its schema (`tests/integration/test_migrations.py` compares them).
"""

from __future__ import annotations

import datetime as dt
import enum
import uuid
from collections.abc import Callable
from typing import Annotated, Any, TypeVar

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, MappedColumn, mapped_column

from multistream.db.base import new_id, str_enum, utcnow

Id = Annotated[uuid.UUID, mapped_column(primary_key=True, default=new_id)]
"""A time-ordered UUID primary key, made by the application."""

CreatedAt = Annotated[dt.datetime, mapped_column(server_default=sa.func.now(), default=utcnow)]
"""When the row was written (also the type of any "now, unless told" timestamp)."""

Text = Annotated[str, mapped_column(sa.Text)]
TextOrNull = Annotated[str | None, mapped_column(sa.Text)]
BigInt = Annotated[int, mapped_column(sa.BigInteger)]
BigIntOrNull = Annotated[int | None, mapped_column(sa.BigInteger)]

Count = Annotated[int, mapped_column(server_default=sa.text("0"), default=0)]
"""A counter that starts at zero."""

Flag = Annotated[bool, mapped_column(server_default=sa.false(), default=False)]
"""A yes/no that starts as no."""

Ordinal = Annotated[int, mapped_column(primary_key=True, autoincrement=False)]
"""A number given by the application that, with its parent's key, names the row."""

JsonObject = Annotated[
    dict[str, Any], mapped_column(JSONB, server_default=sa.text("'{}'::jsonb"), default=dict)
]
JsonList = Annotated[
    list[dict[str, Any]], mapped_column(JSONB, server_default=sa.text("'[]'::jsonb"), default=list)
]

# Foreign keys. A `…Key` is part of the primary key; a `…Ref` is not.
SessionKey = Annotated[
    uuid.UUID, mapped_column(sa.ForeignKey("sessions.id", ondelete="CASCADE"), primary_key=True)
]
SessionRef = Annotated[uuid.UUID, mapped_column(sa.ForeignKey("sessions.id", ondelete="CASCADE"))]
CourseRef = Annotated[uuid.UUID, mapped_column(sa.ForeignKey("courses.id", ondelete="CASCADE"))]
UserKey = Annotated[
    uuid.UUID, mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
]
UserRefOrNull = Annotated[
    uuid.UUID | None, mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
]
"""A user a row mentions (its author, who created or deleted it): kept when they go."""


def parent_key(table: str) -> MappedColumn[Any]:
    """The key of a row owned by one row of `table`, removed with it."""
    return mapped_column(sa.ForeignKey(f"{table}.id", ondelete="CASCADE"), primary_key=True)


def ref_or_null(table: str) -> MappedColumn[Any]:
    """A row of `table` this row points at, if any: null again when that row goes."""
    return mapped_column(sa.ForeignKey(f"{table}.id", ondelete="SET NULL"))


E = TypeVar("E", bound=enum.StrEnum)
T = TypeVar("T")


def _bringing(
    column: MappedColumn[T], check: Callable[[str], sa.CheckConstraint]
) -> MappedColumn[T]:
    """`column`, adding `check(<its name>)` to the table it joins: a column learns its name
    from the attribute it is assigned to, so the CHECK is made only then. The listener
    propagates to copies, so a mixin's column brings it to each table of the mixin."""

    def add_check(joined: sa.Column[Any], table: sa.Table) -> None:
        table.append_constraint(check(joined.name))

    sa.event.listen(column.column, "after_parent_attach", add_check, propagate=True)
    return column


def state(
    enum_type: type[E], initial: E | None = None, *, primary_key: bool = False
) -> MappedColumn[E]:
    """A StrEnum column (see `str_enum`), starting at `initial` when given, with its
    `one_of` CHECK."""
    if initial is None:
        column = mapped_column(str_enum(enum_type), primary_key=primary_key)
    else:
        column = mapped_column(
            str_enum(enum_type),
            primary_key=primary_key,
            server_default=initial.value,
            default=initial,
        )
    return _bringing(column, lambda name: one_of(name, enum_type))


def text(most: int, *, nonblank: bool = False, default: str | None = None) -> MappedColumn[Any]:
    """A text column of at most `most` characters (and, when `nonblank`, something besides
    white space), with its `text_length` CHECK; `default` when given."""
    column: MappedColumn[Any] = (
        mapped_column(sa.Text)
        if default is None
        else mapped_column(sa.Text, server_default=default, default=default)
    )
    return _bringing(column, lambda name: text_length(name, most, nonblank=nonblank))


def one_of(column: str, enum_type: type[enum.StrEnum]) -> sa.CheckConstraint:
    """The named CHECK that `column` holds one of `enum_type`'s values (`ck_<table>_<column>`)."""
    return sa.CheckConstraint(sa.column(column, sa.Text).in_(list(enum_type)), name=column)


def nonnegative(*args: Any, **kwargs: Any) -> MappedColumn[Any]:
    """A number column never below zero (`mapped_column(*args, **kwargs)`), with its CHECK
    `<column> >= 0` (`ck_<table>_<column>_nonnegative`)."""
    return _bringing(
        mapped_column(*args, **kwargs),
        lambda name: sa.CheckConstraint(f"{name} >= 0", name=f"{name}_nonnegative"),
    )


def positive(*args: Any, **kwargs: Any) -> MappedColumn[Any]:
    """A whole-number column above zero (`mapped_column(*args, **kwargs)`), with its CHECK
    `<column> > 0` (`ck_<table>_<column>_positive`)."""
    return _bringing(
        mapped_column(*args, **kwargs),
        lambda name: sa.CheckConstraint(f"{name} > 0", name=f"{name}_positive"),
    )


def status_has(status: str, column: str) -> sa.CheckConstraint:
    """The named CHECK that a row whose `status` is `status` has a `column`
    (`ck_<table>_<status>_has_<column>`: a failed upload has its error…)."""
    return sa.CheckConstraint(
        f"status <> '{status}' OR {column} IS NOT NULL", name=f"{status}_has_{column}"
    )


def text_length(column: str, most: int, *, nonblank: bool = False) -> sa.CheckConstraint:
    """The named CHECK that `column` holds at most `most` characters (and, when `nonblank`,
    something besides white space): `ck_<table>_<column>_length`."""
    within = f"char_length({column}) <= {most}"
    rule = rf"{column} ~ '\S' AND {within}" if nonblank else within
    return sa.CheckConstraint(rule, name=f"{column}_length")


def unique_where(name: str, *columns: str | sa.ColumnElement[Any], where: str) -> sa.Index:
    """The partial unique index `name`: `columns` are unique among the rows where `where`
    holds (one open poll per class, one owner per course…)."""
    return sa.Index(name, *columns, unique=True, postgresql_where=sa.text(where))


def made_by_event() -> tuple[sa.ForeignKeyConstraint, sa.UniqueConstraint]:
    """The constraints of a row that one event of the log created, named by its
    (`session_id`, `seq`): it goes with the event, and no event makes two."""
    return (
        sa.ForeignKeyConstraint(
            ["session_id", "seq"],
            ["session_events.session_id", "session_events.seq"],
            ondelete="CASCADE",
        ),
        sa.UniqueConstraint("session_id", "seq"),
    )


class Posted:
    """The columns of what a person posts in a class (a chat message, a question): made by
    one event of the log, named by (`session_id`, `seq`), with `posted_rules()` in the
    table's arguments."""

    id: Mapped[Id]
    session_id: Mapped[uuid.UUID]
    seq: Mapped[BigInt]
    """The event that created the row."""
    author_id: Mapped[UserRefOrNull]
    body: Mapped[Text]
    created_at: Mapped[CreatedAt]


def text_search(table: str, column: str, *, where: str | None = None) -> sa.Index:
    """The GIN index `ix_<table>_search` over the English text vector of `column` (of the
    rows matching `where`, if given). `replay.search` must query the same expression."""
    return sa.Index(
        f"ix_{table}_search",
        sa.text(f"to_tsvector('english'::regconfig, {column})"),
        postgresql_using="gin",
        postgresql_where=None if where is None else sa.text(where),
    )


def posted_rules(
    table: str, *, body_most: int, search_where: str | None = None
) -> tuple[sa.CheckConstraint | sa.ForeignKeyConstraint | sa.UniqueConstraint | sa.Index, ...]:
    """The constraints of a `Posted` table: a body of at most `body_most` characters, not
    only white space; `made_by_event()`'s; and its body's `text_search` index (over the
    rows matching `search_where`, if given)."""
    return (
        text_length("body", body_most, nonblank=True),
        *made_by_event(),
        text_search(table, "body", where=search_where),
    )
