"""Who may hold a live socket of this api process, and for how long.

A socket is admitted at its hello, as REST admits a request, and lives until its token
expires (cut off with 4401, `Gatekeeper.expire`) unless the client sends a fresh one
(`renew`). While it stays open it is checked again every
`realtime_reauthorize_interval_seconds`, in one query for every socket of the process,
and one whose user may no longer join is cut off with 4403 (`reauthorize`). The checks
themselves are `realtime.service`'s, run in worker threads.
"""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import Awaitable, Callable, Coroutine, Iterable
from typing import Any, Protocol, TypeVar

import structlog
from sqlalchemy.orm import Session

from multistream.auth.tokens import TokenVerifier
from multistream.realtime import service
from multistream.realtime.protocol import CloseCode
from multistream.realtime.service import Admission, Refused
from multistream.realtime.subscriber import Subscriber
from multistream.sessions import presence
from multistream.settings import Settings

log = structlog.get_logger(__name__)

T = TypeVar("T")


class InThread(Protocol):
    """Runs `work` in a worker thread, in a transaction of its own (`Hub._in_thread`)."""

    def __call__(self, work: Callable[[Session], T], /) -> Awaitable[T]: ...


EXPIRY_CHECK_SECONDS = 1.0
"""How often the expired tokens' sockets are looked for (`expire`)."""

Hello = tuple[str, str, "asyncio.Future[Admission]"]


class Gatekeeper:
    """Admits the hub's sockets and cuts off those whose access ended."""

    def __init__(
        self,
        *,
        settings: Settings,
        verifier: TokenVerifier,
        in_thread: InThread,
        spawn: Callable[[Coroutine[Any, Any, None]], None],
        subscribers: Callable[[], Iterable[Subscriber]],
    ) -> None:
        self.settings = settings
        self._verifier = verifier
        self._in_thread = in_thread
        self._spawn = spawn
        self._subscribers = subscribers
        self._hellos: list[Hello] = []
        self._admitting = False

    async def admit(self, *, token: str, session_id: str) -> Admission:
        """The caller's admission to the session, or `service.Refused`.

        Hellos are admitted in batches: those that arrive while a batch is being checked
        wait for the next one, checked in one worker-thread job and five queries
        (`service.admit_many`), so a crowd joining at once costs a few database round
        trips per batch, not per socket."""
        future: asyncio.Future[Admission] = asyncio.get_running_loop().create_future()
        self._hellos.append((token, session_id, future))
        if not self._admitting:
            self._admitting = True
            self._spawn(self._admit_batches())
        return await future

    async def _admit_batches(self) -> None:
        try:
            while self._hellos:
                batch, self._hellos = self._hellos, []

                def check(db: Session, batch: list[Hello] = batch) -> list[Admission | Refused]:
                    return service.admit_many(
                        db,
                        settings=self.settings,
                        verifier=self._verifier,
                        hellos=[(token, session_id) for token, session_id, _ in batch],
                    )

                outcomes: list[Admission | Refused] | list[Exception]
                try:
                    outcomes = await self._in_thread(check)
                except Exception as exc:
                    outcomes = [exc] * len(batch)
                for (_, _, future), outcome in zip(batch, outcomes, strict=True):
                    if future.done():
                        continue  # its socket is gone
                    if isinstance(outcome, Exception):
                        future.set_exception(outcome)
                    else:
                        future.set_result(outcome)
        finally:
            self._admitting = False

    async def renew(self, *, token: str, admission: Admission) -> float:
        """The expiry of a fresh token the socket's client sent, or `service.Refused`."""
        return await self._in_thread(
            lambda db: service.renew(
                db,
                settings=self.settings,
                verifier=self._verifier,
                token=token,
                user_id=admission.viewer.user_id,
            )
        )

    async def expiry_loop(self) -> None:
        while True:
            await asyncio.sleep(EXPIRY_CHECK_SECONDS)
            self.expire(now=time.time())

    def expire(self, *, now: float) -> None:
        """Cut off (4401) every socket whose token expired, with the verifier's leeway,
        and whose client sent no fresh one: one pass a second over the sockets instead of
        a timer per socket (it would hold ~0.6 KB per socket for hours)."""
        deadline = now - self.settings.jwt_leeway_seconds
        for subscriber in list(self._subscribers()):
            if subscriber.expires_at < deadline and subscriber.close_code is None:
                log.info(
                    "live socket closed: token expired",
                    session_id=subscriber.key,
                    user_id=str(subscriber.viewer.user_id),
                )
                subscriber.disconnect(CloseCode.unauthenticated)

    async def reauthorize_loop(self) -> None:
        while True:
            await asyncio.sleep(self.settings.realtime_reauthorize_interval_seconds)
            await self.reauthorize()

    async def reauthorize(self) -> None:
        """Cut off (4403) every socket whose user may no longer join its session."""
        subscribers = list(self._subscribers())
        watching = {(s.admission.session_id, s.viewer.user_id) for s in subscribers}
        if not watching:
            return
        # Staff connected now keep their class from ending by itself (`sessions.presence`).
        present = {
            (s.admission.session_id, s.viewer.user_id) for s in subscribers if s.viewer.staff
        }

        def check(db: Session) -> set[tuple[uuid.UUID, uuid.UUID]]:
            presence.mark_seen(db, present=present)
            return service.still_admitted(db, watching=watching)

        try:
            allowed = await self._in_thread(check)
        except Exception as exc:
            # Not knowing is not a reason to cut everyone off: the next check decides.
            log.warning("re-checking live sockets' access failed", error=str(exc))
            return
        for subscriber in subscribers:
            if (subscriber.admission.session_id, subscriber.viewer.user_id) in allowed:
                continue
            if subscriber.close_code is None:
                log.info(
                    "live socket closed: access withdrawn",
                    session_id=subscriber.key,
                    user_id=str(subscriber.viewer.user_id),
                )
                subscriber.disconnect(CloseCode.forbidden)
