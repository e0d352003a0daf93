"""The platform's Celery processes as subprocesses, for integration tests and benchmarks:
`Worker` (`python -m multistream worker`) and `Recorder` (`python -m multistream recorder`).

Each subprocess's environment spells out every setting of the caller's `Settings` (its
database, its object store, its queue), so it works on exactly what the caller's api works
on. Each test run has its own queue (`celery_queue`), so parallel runs and xdist workers
never take each other's tasks.
"""

from __future__ import annotations

import enum
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any, Self

from pydantic import AliasChoices, SecretStr

from multistream.pipeline.celery_app import celery_app
from multistream.settings import Settings


def environment(settings: Settings) -> dict[str, str]:
    """The process environment that makes `Settings()` equal `settings`."""
    env = dict(os.environ)
    for name, field in Settings.model_fields.items():
        alias = field.validation_alias
        variable = (
            str(alias.choices[0])
            if isinstance(alias, AliasChoices)
            else f"MULTISTREAM_{name.upper()}"
        )
        env[variable] = _text(getattr(settings, name))
    return env


def _text(value: Any) -> str:
    if isinstance(value, SecretStr):
        return value.get_secret_value()
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, enum.Enum):
        return str(value.value)
    if isinstance(value, list):
        return json.dumps(value)
    if value is None:
        return ""
    return str(value)


class CeleryProcess:
    """A `multistream` Celery command as a subprocess of the caller's settings, logging
    to `log_path`; `with` it to start it and stop it (warm shutdown) afterwards."""

    command = "worker"

    def __init__(self, settings: Settings, log_path: Path, *, concurrency: int = 1) -> None:
        self.settings = settings
        self.log_path = log_path
        self.concurrency = concurrency
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        with self.log_path.open("wb") as log:
            self.process = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "multistream",
                    self.command,
                    "--concurrency",
                    str(self.concurrency),
                ],
                env=environment(self.settings),
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    def __enter__(self) -> Self:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")[-5000:]

    def stop(self) -> None:
        process, self.process = self.process, None
        if process is None or process.poll() is not None:
            return
        process.send_signal(signal.SIGTERM)  # warm shutdown: the worker stops its children
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)  # the group this process started
            process.wait(timeout=10)


class Recorder(CeleryProcess):
    """`multistream recorder`: a participant recorder process (`--concurrency`: classes at
    once); it claims classes from the database, so it needs no queue."""

    command = "recorder"


class Worker(CeleryProcess):
    """`with Worker(settings, log_path) as worker:` a worker consuming settings.celery_queue,
    answering pings before the block starts; stopped (warm shutdown) after it."""

    def start(self) -> None:
        super().start()
        try:
            self._wait_until_consuming(timeout=60)
        except BaseException:
            self.stop()
            raise

    def _wait_until_consuming(self, *, timeout: float) -> None:
        if self.process is None:
            raise RuntimeError("the worker is not started")
        with celery_app.connection_for_write(self.settings.redis_url) as connection:
            result = celery_app.send_task(
                "multistream.ping", queue=self.settings.celery_queue, connection=connection
            )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"the worker exited at start:\n{self.log()}")
            if result.ready():
                if (answer := result.get(timeout=1)) != "pong":
                    raise RuntimeError(f"the worker answered the ping with {answer!r}")
                result.forget()
                return
            time.sleep(0.2)
        raise RuntimeError(f"the worker did not answer a ping in {timeout} s:\n{self.log()}")
