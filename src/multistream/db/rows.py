"""Rows as response schemas, and back.

Most `…Read` schemas show a table's columns under their own names, plus a few values the
row does not hold (the caller's role, signed URLs, counts). `as_schema` fills the columns
from the rows and takes the rest as arguments, so a reader names only what differs.
`as_row` goes the other way, for a projection that makes a row from the schema an event
carries (`poll.created`, `qa.question_asked`).
"""

from __future__ import annotations

from typing import Any, TypeVar

import sqlalchemy as sa
from pydantic import BaseModel

M = TypeVar("M", bound=BaseModel)
T = TypeVar("T")


def as_schema(schema: type[M], *rows: object, **values: Any) -> M:
    """`schema` with `values`, and each of its other fields read from the first of `rows`
    that has an attribute of that name (validated as the constructor validates)."""
    for field in schema.model_fields:
        if field not in values:
            row = next((row for row in rows if hasattr(row, field)), None)
            if row is not None:
                values[field] = getattr(row, field)
    return schema(**values)


def as_row(model: type[T], schema: BaseModel, **values: Any) -> T:
    """A new `model` row with `values`, and each of its other columns read from the field of
    `schema` of that name (the inverse of `as_schema`); columns `schema` does not have keep
    their defaults."""
    fields = type(schema).model_fields
    for column in sa.inspect(model).column_attrs:
        if column.key not in values and column.key in fields:
            values[column.key] = getattr(schema, column.key)
    return model(**values)
