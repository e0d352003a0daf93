"""The per-session event log, idempotency records and webhook receipts."""
