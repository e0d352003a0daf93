"""Prometheus metrics of the api process, exposed at /metrics."""

from __future__ import annotations

from prometheus_client import Counter, Histogram

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
