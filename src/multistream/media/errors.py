"""What can go wrong at the LiveKit boundary, split by what the caller should do about it.

```
MediaError
├── MediaUnavailable        LiveKit is unreachable, too slow, or failing (HTTP 5xx):
│   │                       degrade (the class goes on without live media) and retry later
│   └── MediaDisabled       live media is switched off in the settings: nothing to retry
└── MediaRequestFailed      LiveKit answered and refused the request (HTTP 4xx): a bug
    └── MediaNotFound       the room or participant does not exist (any more)

InvalidWebhook              a webhook delivery that did not verify: answer 401
```
"""

from __future__ import annotations


class MediaError(Exception):
    """Any failure of a call to LiveKit."""


class MediaUnavailable(MediaError):
    """LiveKit could not be reached or did not answer in time; callers degrade."""


class MediaDisabled(MediaUnavailable):
    """Live media is not configured (`settings.media_configured` is false)."""

    def __init__(self) -> None:
        super().__init__(
            "live media is disabled: set LIVEKIT_URL (and MULTISTREAM_MEDIA_ENABLED=true) "
            "to use a LiveKit server"
        )


class MediaRequestFailed(MediaError):
    """LiveKit answered with an error: the request itself was wrong."""

    def __init__(self, action: str, *, code: str, message: str, status: int) -> None:
        super().__init__(f"LiveKit refused to {action}: {code} ({status}): {message}")
        self.action = action
        self.code = code
        self.status = status


class MediaNotFound(MediaRequestFailed):
    """The room or participant named in the request does not exist."""


class InvalidWebhook(Exception):
    """A webhook delivery whose signature, body hash or content did not verify."""
