"""The Celery application on the Redis broker.

Late acknowledgement and one task prefetched per process: a worker killed mid-task
leaves the task on the queue for another worker, so every task must be idempotent.
"""

from __future__ import annotations

from celery import Celery

from multistream.settings import Settings, get_settings


def make_celery(settings: Settings) -> Celery:
    app = Celery("multistream")
    app.conf.update(
        broker_url=settings.redis_url,
        result_backend=settings.redis_url,
        result_expires=3600,
        task_acks_late=True,
        task_reject_on_worker_lost=True,
        worker_prefetch_multiplier=1,
        task_serializer="json",
        accept_content=["json"],
        result_serializer="json",
        timezone="UTC",
        enable_utc=True,
        broker_connection_retry_on_startup=True,
        broker_transport_options={"visibility_timeout": 3600},
        worker_hijack_root_logger=False,
        imports=["multistream.pipeline.tasks"],
    )
    return app


celery_app = make_celery(get_settings())
