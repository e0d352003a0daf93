"""How a step says it cannot finish now; `pipeline.tasks` decides what happens next.

```
Exception
 ├── PermanentFailure     retrying will not help: the run fails with the message
 ├── TransientFailure     worth another try later (with backoff, a bounded number of tries)
 ├── AwaitingRecording    the recording is on its way to storage: look again soon, no try counted
 └── RunOver              the run finished meanwhile (failed, canceled) or is gone: stop quietly
```
"""

from __future__ import annotations


class PermanentFailure(Exception):
    """Retrying will not help; `str(exc)` tells the host why."""


class TransientFailure(Exception):
    """Worth retrying later; `str(exc)` says what is awaited."""


class AwaitingRecording(Exception):
    """The run's recording is on its way to storage (a recorder uploading, Egress finishing
    the file): look again soon. Not a failed try."""


class RunOver(Exception):
    """The run is finished (failed, canceled) or gone: the task stops without a trace."""
