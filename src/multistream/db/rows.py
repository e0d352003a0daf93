"""Reading rows as response schemas.

Most `…Read` schemas show a table's columns under their own names, plus a few values the
row does not hold (the caller's role, signed URLs, counts). `as_schema` fills the columns
from the rows and takes the rest as arguments, so a reader names only what differs.
"""

from __future__ import annotations

from typing import Any, TypeVar

from pydantic import BaseModel

M = TypeVar("M", bound=BaseModel)


def as_schema(schema: type[M], *rows: object, **values: Any) -> M:
    """`schema` with `values`, and each of its other fields read from the first of `rows`
    that has an attribute of that name (validated as the constructor validates)."""
    for field in schema.model_fields:
        if field not in values:
            row = next((row for row in rows if hasattr(row, field)), None)
            if row is not None:
                values[field] = getattr(row, field)
    return schema(**values)
