"""What a worker process's tasks share: settings, a database pool and the object store,
opened on the first task (after Celery forks the process), once per process."""

from __future__ import annotations

import functools
from dataclasses import dataclass

from redis import Redis as SyncRedis
from sqlalchemy.orm import Session, sessionmaker

from multistream.db.engine import make_engine, make_sessionmaker
from multistream.settings import Settings, get_settings
from multistream.storage import ObjectStore, make_object_store


@dataclass(frozen=True)
class WorkerResources:
    settings: Settings
    sessions: sessionmaker[Session]
    store: ObjectStore


@functools.cache
def worker_resources() -> WorkerResources:
    import multistream.tables  # noqa: F401 - every table, so foreign keys resolve
    from multistream.eventlog import publisher
    from multistream.pipeline import runs

    settings = get_settings()
    sessions = make_sessionmaker(make_engine(settings, pool_size=2))
    # Events tasks append are pushed to live clients after commit, as the api's are; runs
    # a task queues are sent to the workers after commit.
    publisher.install(
        sessions, SyncRedis.from_url(settings.redis_url, socket_connect_timeout=1, socket_timeout=2)
    )
    runs.install(sessions, settings)
    return WorkerResources(settings=settings, sessions=sessions, store=make_object_store(settings))
