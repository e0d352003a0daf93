"""A check the api runs every few seconds in the background (media retries, classes that end
by themselves, classes nobody records): started with the app, stopped with it, and never
stopped by one failed round."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable

import structlog

log = structlog.get_logger(__name__)


class Periodic:
    """Runs `check` every `interval` seconds on the event loop, between `start` and `stop`."""

    def __init__(
        self, name: str, check: Callable[[], Awaitable[object]], *, interval: float
    ) -> None:
        self.name = name
        self._check = check
        self._interval = interval
        self._task: asyncio.Task[None] | None = None
        self._stopping = asyncio.Event()

    def start(self) -> None:
        if self._task is None:
            self._stopping.clear()
            self._task = asyncio.create_task(self._run(), name=self.name)

    async def stop(self, *, grace: float = 10.0) -> None:
        """Let a round under way finish (its thread holds a database connection that must go
        back to the pool before the pool is disposed), then stop; cancel after `grace`."""
        if self._task is not None:
            self._stopping.set()
            try:
                await asyncio.wait_for(asyncio.shield(self._task), timeout=grace)
            except TimeoutError:
                self._task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await self._task
            self._task = None

    async def _run(self) -> None:
        while True:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._stopping.wait(), timeout=self._interval)
            if self._stopping.is_set():
                return
            try:
                await self._check()
            except Exception as exc:  # the loop must outlive any one failure
                log.warning("background check failed", check=self.name, error=str(exc))
