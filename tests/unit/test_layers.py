"""The layers, checked on the source: who may import whom.

```
app, areas ──► <area>.routes ──► <area>.service ──► <area>.domain
                                       │                  │
                                       ▼                  ▼
               eventlog, db, storage, errors, problems (foundations: no area above them)
```

Every import counts, those inside functions too: a lazy import that closes a cycle is a
cycle all the same.
"""

from __future__ import annotations

import ast
import functools
from collections.abc import Iterator
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[2] / "src"
AREAS = (
    "aggregator",
    "chat",
    "courses",
    "media",
    "pipeline",
    "polls",
    "qa",
    "reactions",
    "realtime",
    "recording",
    "replay",
    "studio",
)
"""Areas a foundation must not know (the log hangs off `sessions.models`, which it may)."""
FOUNDATIONS = ("eventlog", "db", "storage", "errors", "problems", "ratelimit")
COMPOSITION = {"multistream.tables"}
"""Imports every table, and with them every area (`multistream.areas`)."""
SHAPED = ("chat", "qa", "polls", "reactions", "sessions", "studio")
"""Areas whose services raise domain errors and whose rules are pure."""
HTTP = ("routes", "_routes", "dependencies", "idempotency", "app", "webapp")


def _name(path: Path) -> str:
    parts = path.relative_to(SRC).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


@functools.cache
def modules() -> dict[str, Path]:
    return {_name(path): path for path in SRC.rglob("*.py") if "migrations" not in path.parts}


@functools.cache
def imports(module: str) -> frozenset[str]:
    """Every module `module` imports, anywhere in it, except under `TYPE_CHECKING`."""
    tree = ast.parse(modules()[module].read_text())
    found: set[str] = set()

    def visit(node: ast.AST) -> Iterator[str]:
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.dump(node.test):
            return
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            yield node.module
            yield from (f"{node.module}.{alias.name}" for alias in node.names)
        for child in ast.iter_child_nodes(node):
            yield from visit(child)

    found.update(visit(tree))
    return frozenset(found)


def _under(module: str, *packages: str) -> bool:
    return any(
        module == f"multistream.{package}" or module.startswith(f"multistream.{package}.")
        for package in packages
    )


def _of(*packages: str) -> list[str]:
    return sorted(m for m in modules() if _under(m, *packages))


@pytest.mark.parametrize("module", _of(*FOUNDATIONS))
def test_a_foundation_imports_no_area(module: str) -> None:
    if module in COMPOSITION:
        pytest.skip("the composition point")
    assert sorted(m for m in imports(module) if _under(m, *AREAS, "areas")) == []


@pytest.mark.parametrize("module", [m for m in _of(*SHAPED) if m.endswith(".domain")])
def test_the_rules_do_no_io_and_know_no_http(module: str) -> None:
    refused = ("sqlalchemy", "fastapi", "starlette", "redis", "multistream.problems")
    assert sorted(m for m in imports(module) if m.startswith(refused)) == []
    assert sorted(m for m in imports(module) if m.endswith((".service", ".routes"))) == []


@pytest.mark.parametrize(
    "module", [m for m in _of(*SHAPED) if m.rsplit(".", 1)[-1] in ("service", "stage", "state")]
)
def test_a_service_raises_domain_errors_not_problems(module: str) -> None:
    assert (
        sorted(m for m in imports(module) if m.startswith(("multistream.problems", "fastapi")))
        == []
    )
    assert sorted(m for m in imports(module) if m.endswith(".routes")) == []


def test_only_the_http_layer_uses_the_route_guards() -> None:
    users = sorted(
        module
        for module in modules()
        if "multistream.access.dependencies" in imports(module)
        and not module.rsplit(".", 1)[-1].endswith(HTTP)
    )
    assert users == []


def test_no_import_cycle() -> None:
    graph = {
        module: {
            imported for imported in imports(module) if imported in modules() and imported != module
        }
        for module in modules()
    }
    cycles: list[list[str]] = []
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []

    def strong(module: str) -> None:  # Tarjan's strongly connected components
        index[module] = low[module] = len(index)
        stack.append(module)
        for imported in graph[module]:
            if imported not in index:
                strong(imported)
                low[module] = min(low[module], low[imported])
            elif imported in stack:
                low[module] = min(low[module], index[imported])
        if low[module] == index[module]:
            component = [stack.pop()]
            while component[-1] != module:
                component.append(stack.pop())
            if len(component) > 1:
                cycles.append(sorted(component))

    for module in sorted(graph):
        if module not in index:
            strong(module)
    assert cycles == []
