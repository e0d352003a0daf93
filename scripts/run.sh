#!/usr/bin/env bash
# Run: start every service, migrate, then the api (serving the web app) and the worker.
# Ctrl-C stops them all.
set -euo pipefail
cd "$(dirname "$0")/.."
# Rebuild the web app when its sources are newer than the build.
if [ ! -f web/dist/index.html ] || [ -n "$(find web/src web/index.html -newer web/dist/index.html -print -quit)" ]; then
  npm --prefix web run --silent build
fi
exec .venv/bin/multistream up
