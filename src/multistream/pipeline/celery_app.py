"""The Celery application on the Redis broker.

Late acknowledgement and one task prefetched per process: a worker killed mid-task
leaves the task on the queue for another worker, so every task must be idempotent.
"""

from __future__ import annotations

from celery import Celery
from celery.canvas import Signature

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
        # A task whose worker died (no ack) is put back after the visibility timeout, by
        # any worker's sweep. Keeping the unacked bookkeeping per queue means a worker with a
        # short timeout only ever puts back its own queue's tasks.
        broker_transport_options={
            "visibility_timeout": settings.celery_visibility_timeout_seconds,
            "unacked_key": f"unacked:{settings.celery_queue}",
            "unacked_index_key": f"unacked_index:{settings.celery_queue}",
            "unacked_mutex_key": f"unacked_mutex:{settings.celery_queue}",
        },
        worker_hijack_root_logger=False,
        task_default_queue=settings.celery_queue,
        imports=[
            "multistream.pipeline.tasks",
            "multistream.studio.tasks",
            "multistream.lti.tasks",
        ],
    )
    return app


celery_app = make_celery(get_settings())


_SEND_RETRY = {"max_retries": 2, "interval_start": 0.2, "interval_step": 0.5}


def enqueue(settings: Settings, task: Signature) -> None:
    """Put `task` (a signature or a chain, by task name: the api does not import the
    worker's task modules) on the broker `settings` names, not the one this process was
    started with: the api's settings are the ones that count. A broker that does not
    answer is tried twice more, then the error is raised."""
    with celery_app.connection_for_write(settings.redis_url, connect_timeout=3) as connection:
        task.apply_async(connection=connection, retry=True, retry_policy=_SEND_RETRY)
