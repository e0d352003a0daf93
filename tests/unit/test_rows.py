"""`db.rows`: rows as schemas and back, without a database."""

from __future__ import annotations

import datetime as dt
import uuid

import multistream.tables  # noqa: F401 - every table, so foreign keys resolve
from multistream.db.rows import as_row, as_schema
from multistream.qa.models import Question, QuestionStatus
from multistream.qa.schemas import QuestionRead

ASKED = dt.datetime(2026, 12, 7, 9, 30, tzinfo=dt.UTC)


def question(**changes: object) -> QuestionRead:
    fields: dict[str, object] = {
        "id": uuid.uuid4(),
        "seq": 7,
        "body": "Why is the sky blue?",
        "anonymous": False,
        "author_id": uuid.uuid4(),
        "author_name": "Ada",
        "status": QuestionStatus.open,
        "upvotes": 0,
        "voted": False,
        "answer_text": None,
        "answered_at": None,
        "created_at": ASKED,
    }
    return QuestionRead.model_validate(fields | changes)


def test_a_row_takes_the_schemas_fields_that_are_its_columns_and_the_values_given() -> None:
    asked = question()
    session_id = uuid.uuid4()
    row = as_row(Question, asked, session_id=session_id, seq=12)
    assert (row.id, row.body, row.author_id, row.created_at) == (
        asked.id,
        asked.body,
        asked.author_id,
        ASKED,
    )
    assert row.session_id == session_id
    assert row.seq == 12  # the value given wins over the schema's
    assert row.status is QuestionStatus.open
    assert not hasattr(row, "author_name")  # a field of the schema, not a column


def test_a_row_read_back_as_its_schema_is_the_schema_it_was_made_from() -> None:
    asked = question(anonymous=True, author_id=None, author_name=None)
    row = as_row(Question, asked, session_id=uuid.uuid4())
    assert as_schema(QuestionRead, row, author_name=None, voted=False) == asked
