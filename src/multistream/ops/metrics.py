"""Prometheus metrics of every process: the api exposes them at /metrics, the worker and
the recorder on a port of their own (`serve`). docs/ops/metrics.md lists them all."""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterable, Sequence

import structlog
from prometheus_client import (
    REGISTRY,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    ProcessCollector,
    multiprocess,
    start_http_server,
)
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.metrics_core import Metric
from prometheus_client.registry import Collector

log = structlog.get_logger(__name__)

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
    "Live sockets open on this process.",
    multiprocess_mode="livesum",
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
    multiprocess_mode="livemax",
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
    "Inputs refused with 429, by kind (chat, questions, votes, reactions, joins, signups,"
    " login_failures, logins) and scope (user, session, address, account_address).",
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

# --- the event log (eventlog.service, eventlog.publisher) ----------------------------------
EVENTS_APPENDED = Counter(
    "multistream_events_appended_total",
    "Events appended to class logs, by type (the catalog's types; `test` and `bench` for"
    " the exempt ones). Counted as they are appended: a transaction rolled back afterwards"
    " still counted them.",
    ["type"],
)
EVENTS_PUBLISHED = Counter(
    "multistream_events_published_total",
    "Events published to Redis after their commit, by type and outcome (published, failed).",
    ["type", "outcome"],
)


def event_type_label(event_type: str) -> str:
    """The `type` label of an event type: its catalog name, or `test`/`bench` for the types
    the catalog exempts (any name goes there: the label set stays bounded)."""
    for prefix in ("test.", "bench."):
        if event_type.startswith(prefix):
            return prefix[:-1]
    return event_type


# --- Idempotency-Key (idempotency) ---------------------------------------------------------
IDEMPOTENCY_REQUESTS = Counter(
    "multistream_idempotency_requests_total",
    "Requests sent with an Idempotency-Key, by outcome: new (the key claimed), replayed"
    " (answered with the stored response), in_progress (409: the first is still running),"
    " taken_over (the first never answered: its claim timed out) or reused (422: the key"
    " came with another request).",
    ["outcome"],
)


# --- webhooks (sessions.routes, auth.routes) -----------------------------------------------
WEBHOOKS = Counter(
    "multistream_webhooks_total",
    "Webhook deliveries, by source (livekit, clerk) and outcome: accepted (applied or"
    " ignored), duplicate (an event id already received) or rejected (signature or body"
    " refused).",
    ["source", "outcome"],
)

# --- the pipeline (pipeline.bookkeeping, worker process) -----------------------------------
PIPELINE_STEP_SECONDS = Histogram(
    "multistream_pipeline_step_duration_seconds",
    "Time from a step's (last) start to its end, succeeded or failed, by step.",
    ["step"],
    buckets=(1, 5, 15, 30, 60, 120, 300, 600, 1200, 1800, 3600, 7200, 14400),
)
PIPELINE_STEPS = Counter(
    "multistream_pipeline_steps_total",
    "Pipeline steps finished, by step and outcome (succeeded, failed).",
    ["step", "outcome"],
)

# --- the recorder process (recording.runner) ----------------------------------------------
RECORDER_CAPACITY = Gauge(
    "multistream_recorder_capacity",
    "Classes this recorder process records at once at most.",
    multiprocess_mode="livesum",
)
RECORDER_CLASSES = Gauge(
    "multistream_recorder_classes",
    "Classes this recorder process holds, by state: recording (the class is live) or"
    " uploading (over: its recording is being stored and assembled).",
    ["state"],
    multiprocess_mode="livesum",
)


# --- read at scrape time by the api (ops.routes) ---------------------------------------------
class BacklogCollector(Collector):
    """What waits for the workers, read when /metrics is scraped:
    `multistream_celery_queue_length{queue}` (LLEN of each queue in Redis) and
    `multistream_pipeline_oldest_unfinished_run_seconds` (a query). A source that fails
    (Redis or the database down, a timeout) leaves its metric out of the scrape."""

    def __init__(
        self,
        queue_length: Callable[[str], int],
        queues: Sequence[str],
        oldest_unfinished: Callable[[], float | None],
    ) -> None:
        self.queue_length = queue_length
        self.queues = list(dict.fromkeys(queues))
        self.oldest_unfinished = oldest_unfinished

    def collect(self) -> Iterable[Metric]:
        lengths = GaugeMetricFamily(
            "multistream_celery_queue_length",
            "Tasks waiting in a Celery queue (not yet taken by a worker), by queue.",
            labels=["queue"],
        )
        for queue in self.queues:
            try:
                lengths.add_metric([queue], self.queue_length(queue))
            except Exception as exc:  # Redis down or slow: no sample
                log.warning("queue length unavailable", queue=queue, error=str(exc))
                break
        else:
            yield lengths
        try:
            oldest = self.oldest_unfinished()
        except Exception as exc:  # the database down or slow: no sample
            log.warning("oldest unfinished run unavailable", error=str(exc))
            return
        yield GaugeMetricFamily(
            "multistream_pipeline_oldest_unfinished_run_seconds",
            "Age of the oldest pipeline run still queued or running (0 when there is none).",
            value=0.0 if oldest is None else max(0.0, time.time() - oldest),
        )


def serve(port: int, process: str) -> None:
    """Expose this process's metrics on `port` (all interfaces); 0 leaves them unexposed.
    In multiprocess mode (`PROMETHEUS_MULTIPROC_DIR` set before prometheus_client was
    imported: the Celery worker, see `cli.processes.worker`) the sum of every process's
    files, and this process's own process metrics (`process_start_time_seconds`).
    A port already taken is logged, not raised: the process works on, unobserved.
    """
    if not port:
        return
    registry = REGISTRY
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
        ProcessCollector(registry=registry)
    try:
        start_http_server(port, registry=registry)
    except OSError as exc:
        log.error(
            "metrics not served: port unavailable", process=process, port=port, error=str(exc)
        )
        return
    log.info("metrics served", process=process, port=port)
