"""The garbage collector and the live sockets of one api process.

A full collection walks every tracked object: with thousands of sockets that is hundreds
of milliseconds of a paused event loop, again each time the heap grew by a quarter. So
what start-up built is frozen out of the collector's way when the hub starts, and
`Collector.keep_frozen` freezes the sockets' state as it arrives (constant time). A
collection that takes more than `PAUSE_WARNING_SECONDS` of CPU is logged.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import time
from collections.abc import Callable

import structlog

log = structlog.get_logger(__name__)

PAUSE_WARNING_SECONDS = 0.05
FREEZE_INTERVAL_SECONDS = 1.0
THAW_INTERVAL_SECONDS = 300.0


class Collector:
    """Watches the collector's pauses and keeps long-lived socket state frozen."""

    def __init__(self) -> None:
        self._started = (0.0, 0.0)
        self._attached_since_freeze = 0
        self._frozen_sockets = False
        self._last_thaw = time.monotonic()
        self.longest_pause = 0.0
        """Seconds, since start: the longest collection (CPU time of the thread it ran
        in: on a busy machine the wall time also counts waiting)."""

    def start(self) -> None:
        """Freeze what start-up built (it lives as long as the process), so full passes
        walk the sockets' objects only, and watch every collection."""
        gc.freeze()
        gc.callbacks.append(self._watch)

    def stop(self) -> None:
        with contextlib.suppress(ValueError):
            gc.callbacks.remove(self._watch)

    def attached(self) -> None:
        """A socket was attached: its state is frozen at the next pass."""
        self._attached_since_freeze += 1

    def _watch(self, phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            self._started = (time.perf_counter(), time.thread_time())
            return
        wall = time.perf_counter() - self._started[0]
        cpu = time.thread_time() - self._started[1]
        self.longest_pause = max(self.longest_pause, cpu)
        if cpu > PAUSE_WARNING_SECONDS:
            log.warning(
                "the garbage collector paused the event loop",
                cpu_milliseconds=round(cpu * 1000, 1),
                wall_milliseconds=round(wall * 1000, 1),
                generation=info.get("generation"),
                collected=info.get("collected"),
            )

    async def keep_frozen(self, sockets_open: Callable[[], bool]) -> None:
        """Every `FREEZE_INTERVAL_SECONDS`, when sockets were attached, collect the young
        generations (cheap: they are small) and freeze what survives. Reference cycles of
        sockets closed after that are reclaimed when no socket is left on the process
        (`sockets_open()` false): then, at most every `THAW_INTERVAL_SECONDS`, everything
        is unfrozen and collected once, and start-up state frozen again."""
        while True:
            await asyncio.sleep(FREEZE_INTERVAL_SECONDS)
            if self._attached_since_freeze:
                self._attached_since_freeze = 0
                gc.collect(1)
                gc.freeze()
                self._frozen_sockets = True
            elif (
                self._frozen_sockets
                and not sockets_open()
                and time.monotonic() - self._last_thaw > THAW_INTERVAL_SECONDS
            ):
                self._frozen_sockets = False
                self._last_thaw = time.monotonic()
                gc.unfreeze()
                gc.collect()
                gc.freeze()
