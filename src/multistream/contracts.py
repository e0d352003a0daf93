"""The API contracts other clients build on, exported to `docs/contracts/`.

- `openapi.json` — the OpenAPI document of the api (each operation carries its
  `x-permission`);
- `schemas.json` — the JSON Schemas of every request/response model, as one JSON Schema
  document with `$defs`;
- `events.json` — the event catalogue (`eventlog.catalog`): every event type with its
  audiences, description and payload schema (a `$ref` into `$defs`).

The web app generates its TypeScript types from `openapi.json` (`npm run contracts`), and
a test fails when the committed files differ from what the code generates.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from multistream.settings import PROJECT_ROOT, Settings

CONTRACTS_DIR = PROJECT_ROOT / "docs" / "contracts"


def _dump(document: dict[str, Any]) -> str:
    return json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def generate() -> dict[str, str]:
    from multistream.app import create_app
    from multistream.eventlog import catalog

    # Defaults only: the documents must not depend on the machine they are made on.
    settings = Settings(_env_file=None, env="development", log_json=False)
    openapi = create_app(settings).openapi()
    schemas = {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "Multistream API models",
        "$defs": openapi.get("components", {}).get("schemas", {}),
    }
    text = _dump(schemas).replace("#/components/schemas/", "#/$defs/")
    return {
        "openapi.json": _dump(openapi),
        "schemas.json": text,
        "events.json": _dump(catalog.json_schema()),
    }


def export(folder: Path = CONTRACTS_DIR) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, text in generate().items():
        path = folder / name
        path.write_text(text)
        written.append(path)
    return written


def stale(folder: Path = CONTRACTS_DIR) -> list[str]:
    """Names of the committed contract files that differ from what the code generates."""
    return [
        name
        for name, text in generate().items()
        if not (folder / name).exists() or (folder / name).read_text() != text
    ]
