"""The event catalogue: every event type the code logs, who may receive it, and its payload.

```
area/schemas.py: EVENTS ──(multistream.areas)──► catalog.register ──► CATALOG[type]:
                                                       audiences, description, payload model
NewEvent ──► eventlog.service.record ──► catalog.check ──► session_events
contracts.generate ◄── CATALOG  (docs/contracts/events.json)
```

Each area declares its event types on their payload models, in its `schemas.py`
(`@EVENTS.declare(...)` over the model, `EVENTS` an `Events`); this module knows none of
the areas. `eventlog.service.record` checks
every event against its entry before inserting it: an unknown type, an audience the entry
does not allow or a payload its model refuses (a missing, extra or mistyped field) raises
`ValueError`, and nothing is written. Types under `test.` and `bench.` are exempt: tests
and benchmarks log events of their own.

Adding an event type means declaring it on its payload model, in the same change as its
emitter, and running `multistream contracts export`.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any, TypeVar

from pydantic import TypeAdapter, ValidationError

from multistream.eventlog.domain import NewEvent
from multistream.eventlog.models import EventAudience

EXEMPT_PREFIXES = ("test.", "bench.")
"""Types that `check` lets through unchecked: events of tests and benchmarks."""

ALL = frozenset({EventAudience.all})
STAFF = frozenset({EventAudience.staff})
ALL_OR_STAFF = frozenset({EventAudience.all, EventAudience.staff})


@dataclasses.dataclass(frozen=True)
class EventType:
    """One type of event: its name, its payload model, and the audiences it is logged with."""

    name: str
    payload: Any
    """A payload model (an `EventPayload`), or a named union of them."""
    description: str
    audiences: frozenset[EventAudience] = ALL
    adapter: TypeAdapter[Any] = dataclasses.field(init=False, repr=False, compare=False)
    """Built once, with the entry: `check` only validates."""

    def __post_init__(self) -> None:
        object.__setattr__(self, "adapter", TypeAdapter(self.payload))


Payload = TypeVar("Payload")


class Events:
    """An area's event types, each declared over its payload model (a model several types
    carry has one line per type):

    ```
    EVENTS = Events()

    @EVENTS.declare("chat.message_posted", "A chat message was posted.")
    class ChatMessagePosted(EventPayload): ...
    ```

    A model without a docstring is documented as "Payload of `<type>`." (its description
    in the contracts).
    """

    def __init__(self) -> None:
        self.types: list[EventType] = []

    def declare(
        self, name: str, description: str, audiences: frozenset[EventAudience] = ALL
    ) -> Callable[[Payload], Payload]:
        def declared(payload: Payload) -> Payload:
            self.types.append(EventType(name, payload, description, audiences))
            if isinstance(payload, type) and payload.__doc__ is None:
                payload.__doc__ = f"Payload of `{name}`."
            return payload

        return declared


CATALOG: dict[str, EventType] = {}
"""Every event type, by name (sorted): filled by `register`."""


def register(*types: EventType) -> None:
    """Add an area's event types (`multistream.areas` adds every area's `EVENTS.types`)."""
    for event_type in types:
        assert event_type.name not in CATALOG, f"{event_type.name} is listed twice"
        CATALOG[event_type.name] = event_type
    ordered = sorted(CATALOG.items())
    CATALOG.clear()
    CATALOG.update(ordered)


def check(event: NewEvent) -> None:
    """Refuse (`ValueError`) an event whose type the catalogue does not know, or whose
    audience or payload its entry does not allow. Types under `EXEMPT_PREFIXES` pass."""
    if event.type.startswith(EXEMPT_PREFIXES):
        return
    entry = CATALOG.get(event.type)
    if entry is None:
        raise ValueError(
            f"unknown event type {event.type!r}: add it to multistream.eventlog.catalog"
        )
    if event.audience not in entry.audiences:
        allowed = " or ".join(sorted(entry.audiences))
        raise ValueError(
            f"{event.type} may be logged with audience {allowed}, not {event.audience.value}"
        )
    try:
        # Python mode, as the emitter built it: nothing is re-serialised or stored from it.
        entry.adapter.validate_python(event.payload)
    except ValidationError as error:
        raise ValueError(f"payload of {event.type} does not match its model: {error}") from error


def json_schema() -> dict[str, Any]:
    """The catalogue as one JSON Schema document: under `events`, each type's audiences,
    description and payload (a `$ref` into `$defs`), sorted by type."""
    refs, definitions = TypeAdapter.json_schemas(
        [(name, "validation", entry.adapter) for name, entry in CATALOG.items()],
        ref_template="#/$defs/{model}",
    )
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "Multistream session events",
        "description": (
            "Every event type of a session's log. An event reaches clients in the envelope"
            " `EventEnvelope` (schemas.json) with one of these types, one of its audiences"
            " and a payload matching its schema."
        ),
        "events": {
            name: {
                "audience": sorted(entry.audiences),
                "description": entry.description,
                "payload": refs[(name, "validation")],
            }
            for name, entry in CATALOG.items()
        },
        "$defs": definitions.get("$defs", {}),
    }
