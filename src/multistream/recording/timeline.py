"""Audio on a wall-clock timeline: what the participant recorder writes.

LiveKit delivers audio frames only while someone publishes; a recording made of those
frames alone would be shorter than the class and drift against the event log. The mixer
instead writes exactly as many samples as the clock says have passed since the recording
started: the frames that arrived are mixed in (several speakers add up, clipped to int16),
and whatever did not arrive is silence. So `media_ms == wall-clock ms since started_at`,
which is what the pipeline's alignment step relies on.

A source that falls behind more than `max_backlog_ms` (a stalled stream delivering a burst)
loses its oldest samples, so one late burst never shifts the timeline.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import numpy.typing as npt

Samples = npt.NDArray[np.int16]


class WallClockMixer:
    def __init__(
        self,
        *,
        sample_rate: int,
        clock: Callable[[], float],
        max_backlog_ms: int = 500,
    ) -> None:
        self.sample_rate = sample_rate
        self._clock = clock
        self._started = clock()
        self._written = 0
        self._max_backlog = sample_rate * max_backlog_ms // 1000
        self._pending: dict[str, list[Samples]] = {}

    @property
    def written_samples(self) -> int:
        return self._written

    @property
    def written_ms(self) -> int:
        return self._written * 1000 // self.sample_rate

    def push(self, source: str, samples: Samples) -> None:
        """Queue mono int16 samples from `source` (one speaker's track)."""
        queue = self._pending.setdefault(source, [])
        queue.append(samples)
        backlog = sum(len(chunk) for chunk in queue)
        if backlog > self._max_backlog:
            merged = np.concatenate(queue)[backlog - self._max_backlog :]
            queue[:] = [merged]

    def forget(self, source: str) -> None:
        """A track went away: drop what it had queued."""
        self._pending.pop(source, None)

    def pull(self) -> Samples:
        """The samples due since the last pull: mixed audio, silence where there was none."""
        due = round((self._clock() - self._started) * self.sample_rate) - self._written
        if due <= 0:
            return np.zeros(0, dtype=np.int16)
        mix = np.zeros(due, dtype=np.int32)
        for queue in self._pending.values():
            taken = self._take(queue, due)
            mix[: len(taken)] += taken
        self._written += due
        return np.clip(mix, -32768, 32767).astype(np.int16)

    @staticmethod
    def _take(queue: list[Samples], count: int) -> Samples:
        if not queue:
            return np.zeros(0, dtype=np.int16)
        merged = np.concatenate(queue) if len(queue) > 1 else queue[0]
        taken, rest = merged[:count], merged[count:]
        queue[:] = [rest] if len(rest) else []
        return taken
