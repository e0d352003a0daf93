"""`Idempotency-Key` for POSTs that create or change something.

Same user + same key + same request → the stored response, and nothing happens twice.
Same key with a different request → 422 `idempotency-key-reused`. The same key while the
first request is still running → 409 `request-in-progress`; a claim older than
`idempotency_claim_timeout_seconds` is a request whose process died before it answered, and
the retry takes the key over.

The key is claimed in a short transaction of its own (so a concurrent duplicate sees the
claim), and the response is stored by the handler in the transaction that appends its
events — the request's, or the batch of `eventlog.appender` that writes a vote — through
`IdempotencyKey.remember`. A route does both in one call:
`return idem.run(db, sessions.schedule, course=…, …)` (a command route on a class,
`SessionCommand.run`). A request that fails with a
problem (or a domain error, read as its problem) stores that problem (a retry gets the
same answer), except "not now" answers (429 rate-limited or slow mode, 503 a dependency
down), which release the key like an unexpected failure does: a retry with the same key
may then succeed.
"""

from __future__ import annotations

import dataclasses
import hashlib
import uuid
from collections.abc import AsyncIterator, Callable
from typing import Annotated, Any, TypeVar

import anyio.to_thread
import sqlalchemy as sa
from fastapi import Depends, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.orm import Session, sessionmaker

from multistream.auth.dependencies import VerifiedCaller, caller_is
from multistream.auth.models import User
from multistream.auth.service import user_for_token
from multistream.db.engine import transaction
from multistream.dependencies import AppResources
from multistream.eventlog.models import IdempotencyRecord
from multistream.ops.metrics import IDEMPOTENCY_REQUESTS
from multistream.problems import PROBLEM_CONTENT_TYPE, Problem, as_problem, field_problem

HEADER = "Idempotency-Key"
TRANSIENT_STATUSES = frozenset({429, 503})
MAX_KEY_LENGTH = 200
M = TypeVar("M", bound=BaseModel)


class StoredResponse(Exception):
    """Raised to answer a repeated request with the response the first one got."""

    def __init__(self, status_code: int, body: Any) -> None:
        super().__init__(f"stored response {status_code}")
        self.status_code = status_code
        self.body = body

    def response(self) -> JSONResponse:
        media = PROBLEM_CONTENT_TYPE if self.status_code >= 400 else "application/json"
        return JSONResponse(
            self.body,
            status_code=self.status_code,
            media_type=media,
            headers={"Idempotent-Replayed": "true"},
        )


@dataclasses.dataclass
class IdempotencyKey:
    """The caller's key for this request, or None when the request carries none."""

    key: str | None
    user_id: uuid.UUID | None = None

    @property
    def event_key(self) -> str | None:
        """The key as written to the events it produced: unique per user."""
        return f"{self.user_id}:{self.key}" if self.key else None

    def remember(self, db: Session, result: M, *, status_code: int = 200) -> M:
        """Store `result` as this request's response, in `db`'s transaction: the one that
        appends the request's events."""
        if self.key is not None:
            _store(db, self.user_id, self.key, status_code, result.model_dump(mode="json"))
        return result

    def run(
        self, db: Session, command: Callable[..., M], /, status_code: int = 200, **arguments: Any
    ) -> M:
        """A command route's work: call `command(db, **arguments)` with this key for the
        events it appends, and remember what it returns as the response."""
        result = command(db, **arguments, idempotency_key=self.event_key)
        return self.remember(db, result, status_code=status_code)


def _store(db: Session, user_id: uuid.UUID | None, key: str, status_code: int, body: Any) -> None:
    db.execute(
        sa.update(IdempotencyRecord)
        .where(IdempotencyRecord.user_id == user_id, IdempotencyRecord.key == key)
        .values(status_code=status_code, response=body)
    )


def _fingerprint(request: Request, body: bytes) -> str:
    digest = hashlib.sha256()
    digest.update(f"{request.method} {request.url.path}\n".encode())
    digest.update(body)
    return digest.hexdigest()


def _claim(
    db: Session, user_id: uuid.UUID, key: str, fingerprint: str, *, timeout_seconds: float
) -> None:
    claimed = db.execute(
        pg_insert(IdempotencyRecord)
        .values(user_id=user_id, key=key, request_fingerprint=fingerprint)
        .on_conflict_do_nothing()
        .returning(IdempotencyRecord.key)
    ).scalar_one_or_none()
    if claimed is not None:
        IDEMPOTENCY_REQUESTS.labels("new").inc()
        return
    record = db.get(IdempotencyRecord, (user_id, key))
    assert record is not None
    if record.request_fingerprint != fingerprint:
        IDEMPOTENCY_REQUESTS.labels("reused").inc()
        raise Problem(
            422,
            "idempotency-key-reused",
            "Idempotency key reused",
            "This Idempotency-Key was already used for a different request; use a new key.",
        )
    if record.status_code is None:
        if _take_over(db, user_id, key, timeout_seconds):
            IDEMPOTENCY_REQUESTS.labels("taken_over").inc()
            return
        IDEMPOTENCY_REQUESTS.labels("in_progress").inc()
        raise Problem(
            409,
            "request-in-progress",
            "Request in progress",
            "A request with this Idempotency-Key is still running; retry in a moment.",
            headers={"Retry-After": "1"},
        )
    IDEMPOTENCY_REQUESTS.labels("replayed").inc()
    raise StoredResponse(record.status_code, record.response)


def _take_over(db: Session, user_id: uuid.UUID, key: str, timeout_seconds: float) -> bool:
    """Claim the key again if its claim is older than the timeout; one retry wins."""
    taken = db.execute(
        sa.update(IdempotencyRecord)
        .where(
            IdempotencyRecord.user_id == user_id,
            IdempotencyRecord.key == key,
            IdempotencyRecord.status_code.is_(None),
            IdempotencyRecord.created_at
            < sa.func.now() - sa.func.make_interval(0, 0, 0, 0, 0, 0, timeout_seconds),
        )
        .values(created_at=sa.func.now())
        .returning(IdempotencyRecord.key)
    ).scalar_one_or_none()
    return taken is not None


async def idempotency_key(
    request: Request, verified: VerifiedCaller, resources: AppResources
) -> AsyncIterator[IdempotencyKey]:
    key = request.headers.get(HEADER)
    if key is None:
        # Nothing to claim, so no need of the caller (the route's guard has found them,
        # or answered 401): no query, no worker thread.
        yield IdempotencyKey(None)
        return
    if not 1 <= len(key) <= MAX_KEY_LENGTH:
        raise field_problem(
            f"The {HEADER} header must be 1 to {MAX_KEY_LENGTH} characters.",
            field=HEADER,
            location="header",
            message="invalid length",
        )
    fingerprint = _fingerprint(request, await request.body())

    def claim() -> User:
        """The caller (401 when signed out or gone) and their claim on the key."""
        with transaction(resources.sessions) as db:
            user = caller_is(user_for_token(db, settings=resources.settings, token=verified))
            _claim(
                db,
                user.id,
                key,
                fingerprint,
                timeout_seconds=resources.settings.idempotency_claim_timeout_seconds,
            )
            return user

    user = await anyio.to_thread.run_sync(claim)
    try:
        yield IdempotencyKey(key, user.id)
    except BaseException as error:
        problem = as_problem(error) if isinstance(error, Exception) else None
        if problem is None or problem.status in TRANSIENT_STATUSES:
            # A failure, or "not now": no answer to keep, a retry with the key may succeed.
            await anyio.to_thread.run_sync(_release, resources.sessions, user.id, key)
            raise
        # The request's transaction rolled back; the refusal is its answer from now on.
        status, body = problem.status, problem.to_dict(request.url.path)

        def store_problem() -> None:
            with transaction(resources.sessions) as db:
                _store(db, user.id, key, status, body)

        await anyio.to_thread.run_sync(store_problem)
        raise


def _release(sessions: sessionmaker[Session], user_id: uuid.UUID, key: str) -> None:
    """Forget an in-flight key, so the request can be sent again with it."""
    with transaction(sessions) as db:
        db.execute(
            sa.delete(IdempotencyRecord).where(
                IdempotencyRecord.user_id == user_id,
                IdempotencyRecord.key == key,
                IdempotencyRecord.status_code.is_(None),
            )
        )


Idempotent = Annotated[IdempotencyKey, Depends(idempotency_key, scope="function")]
