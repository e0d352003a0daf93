"""Work that must wait until a transaction commits, and never happen if it rolls back.

```
code in a transaction ── later(db, KEY, item) ──► db.info[KEY] += [item]
                                                      │
commit ──► the one listener of the session factory ───┴─► handler of KEY (items, in order)
rollback ──► every waiting item is dropped
savepoint released ──► nothing yet (SQLAlchemy calls it a commit; it is not durable)
rollback to a savepoint ──► the items queued since it began are dropped, the rest wait on
```

Three kinds of work wait like this: publishing appended events (`eventlog.publisher`),
sending queued pipeline runs (`pipeline.runs`) and waking the aggregator for new votes
(`aggregator.service`). Each registers its handler on a session factory with `handle`;
at commit, handlers run in the order they were registered. A factory nobody registered a
handler on keeps nothing: what waits on a session of it is never done, as before.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable
from typing import Any

from sqlalchemy import event
from sqlalchemy.orm import Session, SessionTransaction, sessionmaker

Handler = Callable[[list[Any]], None]
"""Does the waiting work of one key, given its items in the order they were queued."""

_WAITING = "multistream.after_commit"
"""`db.info` entry: the keys that have items waiting in this session."""
_SAVEPOINTS = "multistream.after_commit.savepoints"
"""`db.info` entry: for each savepoint begun, how many items each key held then."""

_handlers: weakref.WeakKeyDictionary[sessionmaker[Session], dict[str, Handler]] = (
    weakref.WeakKeyDictionary()
)


def later(db: Session, key: str, *items: Any) -> None:
    """Queue `items` under `key`, for its handler once `db` commits."""
    db.info.setdefault(key, []).extend(items)
    db.info.setdefault(_WAITING, {})[key] = None  # a dict: keys in the order first queued


def handle(factory: sessionmaker[Session], key: str, handler: Handler) -> None:
    """Run `handler` with the items queued under `key` when a session of `factory` commits."""
    handlers = _handlers.get(factory)
    if handlers is None:
        handlers = _handlers[factory] = {}
        _listen(factory, handlers)
    handlers[key] = handler


def _take(session: Session) -> dict[str, list[Any]]:
    session.info.pop(_SAVEPOINTS, None)
    keys = session.info.pop(_WAITING, {})
    return {key: session.info.pop(key, []) for key in keys}


def _back_to(session: Session, savepoint: object) -> None:
    """Forget what was queued since `savepoint` began (it was rolled back)."""
    marks = session.info.get(_SAVEPOINTS, {}).pop(savepoint, None)
    if marks is None:
        return
    for key in session.info.get(_WAITING, {}):
        del session.info.get(key, [])[marks.get(key, 0) :]


def _listen(factory: sessionmaker[Session], handlers: dict[str, Handler]) -> None:
    @event.listens_for(factory, "after_commit")
    def _committed(session: Session) -> None:
        if session.in_nested_transaction():
            return  # a savepoint released: nothing is durable before the transaction commits
        waiting = _take(session)
        for key, handler in list(handlers.items()):
            items = waiting.get(key)
            if items:
                handler(items)

    @event.listens_for(factory, "after_transaction_create")
    def _begun(session: Session, transaction: SessionTransaction) -> None:
        if transaction.nested:
            waiting = session.info.get(_WAITING, {})
            marks = {key: len(session.info.get(key, [])) for key in waiting}
            session.info.setdefault(_SAVEPOINTS, {})[transaction] = marks

    @event.listens_for(factory, "after_soft_rollback")
    def _rolled_back(session: Session, previous_transaction: SessionTransaction) -> None:
        if previous_transaction.nested:
            # Only the savepoint's work is undone: what the transaction queued before it
            # still waits for the commit.
            _back_to(session, previous_transaction)
        else:
            _take(session)
