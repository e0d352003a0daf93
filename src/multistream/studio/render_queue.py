"""Queuing a deck's rendering from the api: the task is sent by name, so the api does not
import the worker's task module (`studio.tasks`, which runs it)."""

from __future__ import annotations

import uuid

from multistream.pipeline.celery_app import celery_app
from multistream.settings import Settings

TASK_NAME = "multistream.studio.render_deck"


def send_render(settings: Settings, asset_id: uuid.UUID) -> None:
    """Queue `render_deck` on the broker and queue that `settings` name (not the ones this
    process was started with: the api's settings are the ones that count)."""
    with celery_app.connection_for_write(settings.redis_url, connect_timeout=3) as connection:
        celery_app.send_task(
            TASK_NAME,
            args=(str(asset_id),),
            queue=settings.celery_queue,
            connection=connection,
            retry=True,
            retry_policy={"max_retries": 2, "interval_start": 0.2, "interval_step": 0.5},
        )
