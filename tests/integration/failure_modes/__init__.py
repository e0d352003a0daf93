"""The failure-mode suite: every failure mode of the spec's table (60-ops-security.md,
"Failure modes that must be tested") caused for real — a private service instance stopped
and started again, a worker killed, a socket that stops reading — against a live api.

Each test is named after the section of docs/runbook.md an operator would open, and reads
the metric that section tells them to look at, from the process's /metrics.
"""
