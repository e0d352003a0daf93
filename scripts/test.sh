#!/usr/bin/env bash
# Test: start the services the tests need, point the tests at them, then run the linters,
# the type checker and the test suite (in parallel across the machine's cores).
set -euo pipefail
cd "$(dirname "$0")/.."

.venv/bin/multistream services up
eval "$(.venv/bin/multistream services env)"

.venv/bin/ruff check src tests
.venv/bin/ruff format --check src tests
.venv/bin/mypy
.venv/bin/pytest -n "${PYTEST_WORKERS:-2}" "$@"
