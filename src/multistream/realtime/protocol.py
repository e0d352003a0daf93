"""The frames of the live socket (`WS /api/v1/sessions/{id}/live`) and its close codes.

```
client                                   server
  │ ── connect ──────────────────────────▶ │
  │ ── {"type":"hello","token","after"} ─▶ │  first frame, within 5 s
  │ ◀─ {"type":"welcome","session_id",…} ─ │  or close 4401 / 4403
  │ ◀─ envelope, seq after+1 ────────────  │  catch-up from the log …
  │ ◀─ {"seq":N,"type":"gap.filtered"} ──  │  … events the caller may not see
  │ ◀─ envelope, live ───────────────────  │  then live, same order, no gaps
  │ ◀─ {"type":"ping"} ──────────────────  │  every 20 s
  │ ── {"type":"token","token"} ────────▶ │  before the token expires, or close 4401
```

Every frame is a JSON text frame. Frames that carry a `seq` are entries of the log (an
`EventEnvelope`, or a `gap.filtered` placeholder); frames without one are control frames
(`welcome`, `ping`). After its hello the client sends only `{"type":"token","token":…}`
(a fresh access token of the same user, before the current one expires: the socket is
closed with 4401 when its token expires) and, optionally, `{"type":"pong"}`: commands go
over REST. Anything else closes the socket with 4400.
"""

from __future__ import annotations

import enum
import uuid
from typing import Annotated, Literal

from pydantic import BaseModel, Field, TypeAdapter

from multistream.access.policy import SessionRole


class CloseCode(enum.IntEnum):
    """Why the server closed the socket. 4xxx codes are the gateway's own."""

    unauthenticated = 4401
    """No hello in time, a first frame that is not a hello, a token that does not verify
    (or whose user is gone, or whose sign-in ended); mid-stream, the socket's token
    expired with no fresh one sent, or a `token` frame was refused. Refresh the token,
    then reconnect."""
    forbidden = 4403
    """Unknown session, or the caller may not join it (not a member of its course)."""
    unexpected_frame = 4400
    """The client sent something other than a token or a pong after its hello."""
    slow_client = 4008
    """The client fell too far behind (its send buffer passed the bound). Reconnect and
    resume with `after` = the last seq applied."""
    internal_error = 1011
    """The gateway failed (e.g. the database did not answer). Reconnect with backoff."""


class Hello(BaseModel):
    """The client's first frame: who it is and the last seq it has applied. Unknown
    fields are ignored, so newer clients can say more."""

    type: Literal["hello"]
    token: Annotated[str, Field(min_length=1, max_length=8192)]
    after: Annotated[int, Field(ge=0)] = 0


class Welcome(BaseModel):
    """The server's answer to a valid hello; `head` is the session's latest seq."""

    type: Literal["welcome"] = "welcome"
    session_id: uuid.UUID
    head: int
    role: SessionRole


class Pong(BaseModel):
    """A frame a client may send after its hello (it is ignored)."""

    type: Literal["pong"]


class FreshToken(BaseModel):
    """A newer access token of the socket's user, sent before the current one expires:
    the socket then lives until the new token's expiry. Nothing is answered; a token that
    does not verify, or is another user's, closes the socket with 4401."""

    type: Literal["token"]
    token: Annotated[str, Field(min_length=1, max_length=8192)]


ClientFrame = TypeAdapter[Pong | FreshToken](
    Annotated[Pong | FreshToken, Field(discriminator="type")]
)
"""What a client may send after its hello."""


PING_FRAME = '{"type":"ping"}'
