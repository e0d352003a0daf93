from __future__ import annotations

import pytest
from pydantic import ValidationError

from multistream.realtime.protocol import Hello


def test_hello_defaults_after_to_zero_and_ignores_unknown_fields() -> None:
    hello = Hello.model_validate_json('{"type":"hello","token":"t","client":"web 1.2"}')
    assert (hello.token, hello.after) == ("t", 0)


@pytest.mark.parametrize(
    "frame",
    [
        '{"type":"hello","after":3}',
        '{"type":"hello","token":"","after":3}',
        '{"type":"hello","token":"t","after":-1}',
        '{"type":"welcome","token":"t"}',
        "hello",
    ],
)
def test_a_hello_needs_its_type_a_token_and_a_seq(frame: str) -> None:
    with pytest.raises(ValidationError):
        Hello.model_validate_json(frame)
