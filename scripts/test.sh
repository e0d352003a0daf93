#!/usr/bin/env bash
# Test: start the services the tests need, point the tests at them, then the linters and
# type checkers, pytest (in parallel across the cores), Vitest, and Playwright end to end.
set -euo pipefail
cd "$(dirname "$0")/.."

.venv/bin/multistream services up
eval "$(.venv/bin/multistream services env)"

# Static checks, and the contracts the web app is typed from.
.venv/bin/ruff check src tests
.venv/bin/ruff format --check src tests
.venv/bin/mypy
# The layers (pyproject.toml [tool.importlinter], docs/architecture.md).
.venv/bin/lint-imports --no-cache
# The alert rules (docs/ops): valid, and each fires, and stays quiet, as its unit tests say.
if [ -x .multistream/bin/promtool ] || command -v go >/dev/null; then
  .multistream/bin/promtool check rules docs/ops/alerts.yml
  .multistream/bin/promtool test rules docs/ops/alerts.test.yml
else
  echo "promtool missing (no Go to build it with): the alert rules were not checked" >&2
fi
.venv/bin/multistream contracts check
npm --prefix web run --silent contracts:check
npm --prefix web run --silent typecheck

# Unit and integration tests (pytest, against the real services), then the web's own.
.venv/bin/pytest -n "${PYTEST_WORKERS:-2}" -m "not solo" "$@"
# Then, alone on the machine, the tests that measure real time (marker `solo`): run beside
# the rest, they would measure their neighbours too. (Exit 5: none selected by "$@".)
.venv/bin/pytest -m solo "$@" || [ $? -eq 5 ]
npm --prefix web test --silent

# End to end in Chromium against the built app.
npm --prefix web run --silent build >/dev/null
bash scripts/e2e.sh
