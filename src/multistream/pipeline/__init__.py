"""The artifact pipeline: Celery app, tasks and steps that turn a recording into a replay."""
