#!/usr/bin/env bash
# End-to-end tests: the built web app served by a real api (on its own fresh database),
# driven by Playwright in Debian's Chromium. Called by scripts/test.sh; the services
# must be up (`multistream services up`).
set -euo pipefail
cd "$(dirname "$0")/.."

eval "$(.venv/bin/multistream services env)"
port="${E2E_PORT:-8479}"
database="${E2E_DATABASE:-multistream_e2e}"  # another port and database: runs side by side
admin_url="$DATABASE_URL"
psql -q "$admin_url" -c "DROP DATABASE IF EXISTS $database WITH (FORCE)" -c "CREATE DATABASE $database"

export DATABASE_URL="${admin_url%/*}/$database"
export MULTISTREAM_API_PORT="$port"
export MULTISTREAM_LOG_LEVEL=WARNING
# A queue of its own: no other worker on this Redis takes (and fails) the e2e api's tasks.
export MULTISTREAM_CELERY_QUEUE="multistream-e2e-$port"
.venv/bin/multistream migrate >/dev/null

log="$(mktemp)"
.venv/bin/multistream api >"$log" 2>&1 &
api_pid=$!
# The worker renders uploaded slide decks (and runs the other background jobs).
worker_log="$(mktemp)"
.venv/bin/multistream worker --concurrency 1 >"$worker_log" 2>&1 &
worker_pid=$!
# The recorder records the demo class the replay tests watch.
recorder_log="$(mktemp)"
.venv/bin/multistream recorder >"$recorder_log" 2>&1 &
recorder_pid=$!
trap 'kill $api_pid $worker_pid $recorder_pid 2>/dev/null; wait $api_pid $worker_pid $recorder_pid 2>/dev/null || true' EXIT
for _ in $(seq 1 300); do  # up to a minute on a busy machine
  curl -fsS "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && break
  sleep 0.2
done
curl -fsS "http://127.0.0.1:$port/healthz" >/dev/null || { cat "$log"; exit 1; }

# A real recorded replay for e2e/replay.spec.ts: the bot teacher gives a short class through
# LiveKit, the recorder and the pipeline (`multistream demo`, as a newcomer would run it).
if [ "${E2E_DEMO:-1}" = 1 ]; then
  demo_json="$(mktemp --suffix .json)"
  echo "e2e: teaching the demo class (about 3 minutes)"
  .venv/bin/multistream demo --api-url "http://127.0.0.1:$port" --slides 3 --minutes 1.7 \
      --timeout-minutes 15 --json "$demo_json" >/dev/null \
    || { echo "--- api"; tail -30 "$log"; echo "--- worker"; tail -30 "$worker_log";
         echo "--- recorder"; tail -30 "$recorder_log"; exit 1; }
  export E2E_DEMO_JSON="$demo_json"
fi

# Arguments go to Playwright, e.g. `scripts/e2e.sh studio.spec.ts` (E2E_DEMO=0 skips the demo).
E2E_BASE_URL="http://127.0.0.1:$port" npm --prefix web run --silent e2e -- "$@" \
  || { tail -50 "$log"; echo "--- worker"; tail -30 "$worker_log"; echo "--- recorder";
       tail -30 "$recorder_log"; exit 1; }
