"""Queuing a deck's rendering from the api: the task is sent by name, so the api does not
import the worker's task module (`studio.tasks`, which runs it)."""

from __future__ import annotations

import uuid

from multistream.pipeline.celery_app import celery_app, enqueue
from multistream.settings import Settings

TASK_NAME = "multistream.studio.render_deck"


def send_render(settings: Settings, asset_id: uuid.UUID) -> None:
    """Queue `render_deck` for the asset on the queue `settings` names."""
    enqueue(
        settings,
        celery_app.signature(TASK_NAME, args=(str(asset_id),), queue=settings.celery_queue),
    )
