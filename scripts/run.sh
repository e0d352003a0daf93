#!/usr/bin/env bash
# Run: start every service, migrate, then the api and the worker. Ctrl-C stops them all.
set -euo pipefail
cd "$(dirname "$0")/.."
exec .venv/bin/multistream up
