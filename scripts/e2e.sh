#!/usr/bin/env bash
# End-to-end tests: the built web app served by a real api (on its own fresh database),
# driven by Playwright in Debian's Chromium. Called by scripts/test.sh; the services
# must be up (`multistream services up`).
set -euo pipefail
cd "$(dirname "$0")/.."

eval "$(.venv/bin/multistream services env)"
port="${E2E_PORT:-8479}"
database="multistream_e2e"
admin_url="$DATABASE_URL"
psql -q "$admin_url" -c "DROP DATABASE IF EXISTS $database WITH (FORCE)" -c "CREATE DATABASE $database"

export DATABASE_URL="${admin_url%/*}/$database"
export MULTISTREAM_API_PORT="$port"
export MULTISTREAM_LOG_LEVEL=WARNING
.venv/bin/multistream migrate >/dev/null

log="$(mktemp)"
.venv/bin/multistream api >"$log" 2>&1 &
api_pid=$!
trap 'kill $api_pid 2>/dev/null; wait $api_pid 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do
  curl -fsS "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && break
  sleep 0.2
done
curl -fsS "http://127.0.0.1:$port/healthz" >/dev/null || { cat "$log"; exit 1; }

E2E_BASE_URL="http://127.0.0.1:$port" npm --prefix web run --silent e2e || { tail -50 "$log"; exit 1; }
