"""Operations: structured logs, request ids, metrics, health and readiness."""
