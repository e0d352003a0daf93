from __future__ import annotations

import json

from multistream import contracts


def test_committed_contracts_match_the_code() -> None:
    assert contracts.stale() == [], "run `multistream contracts export` and commit docs/contracts"


def test_every_operation_documents_its_permission() -> None:
    document = json.loads(contracts.generate()["openapi.json"])
    for path, methods in document["paths"].items():
        for method, operation in methods.items():
            assert operation.get("x-permission"), f"{method} {path}"


def test_json_schemas_resolve_locally() -> None:
    text = contracts.generate()["schemas.json"]
    assert "#/components/" not in text
    assert "CourseRead" in json.loads(text)["$defs"]
