"""The declarative base every table derives from.

Constraint names follow one convention so migrations, tests and error messages can name
them: `ck_<table>_<name>`, `uq_<table>_<columns>`, `fk_<table>_<columns>_<referred>`,
`pk_<table>`, `ix_<table>_<columns>`.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
import uuid
from collections.abc import Iterator
from typing import Any, cast

import annotated_types
import sqlalchemy as sa
import uuid_utils
from pydantic import AfterValidator, StringConstraints
from sqlalchemy import DateTime, MetaData
from sqlalchemy.orm import DeclarativeBase

NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_N_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def new_id() -> uuid.UUID:
    """A time-ordered UUID (v7), so ids sort by creation and index well."""
    return uuid.UUID(bytes=uuid_utils.uuid7().bytes)


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {  # noqa: RUF012 - SQLAlchemy reads this class attribute
        dt.datetime: DateTime(timezone=True),
    }


def table_of(model: type[Base]) -> sa.Table:
    """A model's Core table, for statements built once on the hot paths (plain rows, no
    mapped objects)."""
    return cast(sa.Table, model.__table__)


def str_enum(enum_type: type[enum.StrEnum]) -> sa.Enum:
    """A VARCHAR column holding a StrEnum's values; its CHECK constraint is not generated
    here but by `columns.state`, named for the column, so errors can point at it."""
    return sa.Enum(
        enum_type,
        native_enum=False,
        length=32,
        values_callable=lambda members: [member.value for member in members],
    )


def storable_text(value: str) -> str:
    """Refuse what PostgreSQL cannot store in text: NUL and unpaired surrogates. A pydantic
    validator of the text people type (chat, questions, polls)."""
    if "\x00" in value:
        raise ValueError("must not contain NUL characters")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise ValueError("must be valid Unicode text") from exc
    return value


@dataclasses.dataclass(frozen=True)
class PlainText(annotated_types.GroupedMetadata):
    """The rules of text people type, never interpreted: `Annotated[str, PlainText(1000)]`
    is trimmed, 1 to 1000 characters (0 to 1000 with `may_be_empty`) and `storable_text`."""

    most: int
    may_be_empty: bool = False

    def __iter__(self) -> Iterator[Any]:
        yield from StringConstraints(
            strip_whitespace=True,
            min_length=None if self.may_be_empty else 1,
            max_length=self.most,
        )
        yield AfterValidator(storable_text)
