"""`PlainText`: the rules of the text people type (chat, questions, polls), as one
annotation: trimmed, within its length, and storable by PostgreSQL."""

from __future__ import annotations

from typing import Annotated

import pytest
from pydantic import TypeAdapter, ValidationError

from multistream.db.base import PlainText

Short = TypeAdapter(Annotated[str, PlainText(5)])
ShortOrEmpty = TypeAdapter(Annotated[str, PlainText(5, may_be_empty=True)])


def test_text_is_trimmed_and_kept_within_its_length() -> None:
    assert Short.validate_python("  hello \n") == "hello"
    with pytest.raises(ValidationError, match="at most 5 characters"):
        Short.validate_python("hello!")


def test_blank_text_is_refused_unless_it_may_be_empty() -> None:
    with pytest.raises(ValidationError, match="at least 1 character"):
        Short.validate_python("   ")
    assert ShortOrEmpty.validate_python("   ") == ""


def test_what_postgresql_cannot_store_is_refused() -> None:
    for adapter in (Short, ShortOrEmpty):
        with pytest.raises(ValidationError, match="must not contain NUL characters"):
            adapter.validate_python("a\x00b")


def test_the_json_schema_states_the_lengths() -> None:
    assert Short.json_schema() == {"type": "string", "minLength": 1, "maxLength": 5}
    assert ShortOrEmpty.json_schema() == {"type": "string", "maxLength": 5}
