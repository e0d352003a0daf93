"""Domain errors: a rule of an area refused a command.

Areas raise them from `domain.py` (pure rules) and `service.py` (transactions); neither
knows HTTP. `multistream.problems` turns each into a problem document through the table of
its area (each area's `routes.py` hands its table over: one place per area), so the `type`
slugs clients switch on stay where the HTTP layer is.

```
DomainError(detail, **facts)       detail: a sentence a person can act on;
 ├── NotFound(what)                facts: extra members of the problem document
 ├── Forbidden(permission)              (`status_now`, `permission`, `retry_after`…)
 ├── Invalid(field, detail, message)
 ├── WrongStatus(detail, status, command)  facts: `status_now`
 │    └── sessions/polls/qa.domain.InvalidTransition
 └── each area's own: chat.domain.Muted, qa.domain.InvalidTransition, polls.domain…
```
"""

from __future__ import annotations

import enum
from typing import Any


class DomainError(Exception):
    """A command refused by a rule: why (`detail`), and the facts a client may act on."""

    def __init__(self, detail: str, **facts: Any) -> None:
        super().__init__(detail)
        self.detail = detail
        self.facts = facts


class NotFound(DomainError):
    """No such thing, or not one the caller may see (the two look the same)."""

    def __init__(self, what: str) -> None:
        super().__init__(f"{what} does not exist or is not visible to you.")


class Forbidden(DomainError):
    """The caller's role does not allow the command."""

    def __init__(self, permission: str, detail: str | None = None) -> None:
        super().__init__(
            detail or f"Your role in this course does not allow this ({permission}).",
            permission=permission,
        )


class Invalid(DomainError):
    """A field of the command is wrong in a way its schema could not tell."""

    def __init__(self, field: str, detail: str, message: str) -> None:
        super().__init__(detail)
        self.field = field
        self.message = message


class WrongStatus(DomainError):
    """The command does not apply to the thing in its current status, told as `status_now`
    (each area's `InvalidTransition` words the sentence)."""

    def __init__(self, detail: str, status: enum.StrEnum, command: object) -> None:
        super().__init__(detail, status_now=status.value)
        self.status = status
        self.command = command
