"""Prometheus metrics of the api process, exposed at /metrics."""

from __future__ import annotations

from prometheus_client import Counter, Gauge, Histogram

REQUEST_SECONDS = Histogram(
    "multistream_http_request_duration_seconds",
    "Time to answer an HTTP request, by route template and status class.",
    ["method", "route", "status"],
)
DEPENDENCY_UP = Counter(
    "multistream_readiness_checks_total",
    "Readiness checks of each dependency, by outcome.",
    ["dependency", "status"],
)

# --- the live gateway (realtime.gateway) --------------------------------------------------
WS_CONNECTIONS = Gauge(
    "multistream_ws_connections",
    "Live sockets open on this process, by session.",
    ["session_id"],
)
WS_EVENTS_SENT = Counter(
    "multistream_ws_events_sent_total",
    "Log entries (envelopes and gap.filtered placeholders) written to live sockets, by"
    " phase: catchup (read from the log after a hello) or live (fanned out).",
    ["phase"],
)
WS_SLOW_CLIENT_DISCONNECTS = Counter(
    "multistream_ws_slow_client_disconnects_total",
    "Live sockets closed (4008) because their send queue passed its bound.",
)
WS_FANOUT_LAG = Histogram(
    "multistream_ws_fanout_lag_seconds",
    "From an event's append (occurred_at) to its write to a live socket.",
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0),
)
WS_REDIS_SUBSCRIBED = Gauge(
    "multistream_ws_redis_subscribed",
    "1 while the gateway's Redis subscription is up; 0 while it polls the log instead.",
)
WS_LOG_READS = Counter(
    "multistream_ws_log_reads_total",
    "Reads of the event log by the gateway, by reason: catchup (a socket's resume), gap"
    " (an event missing from Redis) or poll (Redis down, or the periodic reconcile).",
    ["reason"],
)

# --- rate limits (multistream.ratelimit) --------------------------------------------------
RATE_LIMIT_REJECTIONS = Counter(
    "multistream_rate_limit_rejections_total",
    "Inputs refused with 429, by kind (chat, questions, votes, reactions) and scope (user,"
    " session).",
    ["kind", "scope"],
)
RATE_LIMIT_FAIL_OPEN = Counter(
    "multistream_rate_limit_fail_open_total",
    "Inputs let through unchecked because Redis did not answer, by kind.",
    ["kind"],
)

# --- recording (recording.watch, recording.recorder_process) -------------------------------
RECORDINGS_UNRECORDED = Counter(
    "multistream_recordings_unrecorded_total",
    "Live classes reported as not being recorded (`recording.failed`), by code: no_recorder"
    " (none free within the claim timeout) or recorder_lost (its recorder stopped renewing"
    " and none took over).",
    ["code"],
)
RECORDINGS_FAILED = Counter(
    "multistream_recordings_failed_total",
    "Recordings that ended failed (`recording.stopped` failed), by stage: never_recorded,"
    " recorder (the recorder's own error) or assembly.",
    ["stage"],
)
