"""Background tasks. The pipeline steps land here with the recording issue."""

from __future__ import annotations

from multistream.pipeline.celery_app import celery_app


@celery_app.task(name="multistream.ping")
def ping() -> str:
    """Answer 'pong': lets operators and tests see that a worker consumes the queue."""
    return "pong"
