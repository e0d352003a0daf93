"""What every request may carry, checked once for all routes before any route reads it.

```
request ──► JsonBodyLimit (ASGI) ─► router ─► check_inputs (app-wide dependency) ─► route
            413 past the limit,                422 `validation` naming the field:
            before a byte is parsed             control characters in text, integers past
            (multipart uploads keep             64 bits, numbers that are not finite
            their own limit)
```

PostgreSQL stores neither NUL nor integers past 64 bits, and a control character in a
name or title is never meant; JSON numbers that overflow to infinity cannot be written
back as JSON. Rather than each schema saying so, these rules hold for every text and
number of every route: path and query parameters, and every string (keys included) and
number of a JSON body. Tab, line feed and carriage return stay allowed (chat messages
have lines).
"""

from __future__ import annotations

import math
import re
import typing
from collections.abc import Iterator
from typing import Any

from fastapi import Request
from fastapi.dependencies.models import Dependant
from fastapi.exceptions import RequestValidationError, WebSocketRequestValidationError
from fastapi.responses import JSONResponse
from fastapi.routing import APIRoute
from starlette.requests import HTTPConnection
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from multistream.problems import PROBLEM_CONTENT_TYPE, Problem

INT64_MIN, INT64_MAX = -(2**63), 2**63 - 1

# C0 controls but tab, line feed and carriage return; DEL and the C1 controls; and UTF-16
# surrogates, which JSON's \ud800 escapes can carry alone and UTF-8 cannot encode.
_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")
_INTEGER = re.compile(r"^\s*[+-]?[0-9]+\s*$")


def forbidden_character(text: str) -> str | None:
    """The first character `text` may not carry, as U+XXXX, or None."""
    found = _FORBIDDEN.search(text)
    return f"U+{ord(found.group()):04X}" if found else None


def _text_error(location: tuple[str | int, ...], text: str) -> dict[str, Any] | None:
    character = forbidden_character(text)
    if character is None:
        return None
    return {
        "type": "control_character",
        "loc": location,
        "msg": f"Text may not contain control characters ({character} found)",
        "input": None,
    }


def _range_error(location: tuple[str | int, ...]) -> dict[str, Any]:
    return {
        "type": "out_of_range",
        "loc": location,
        "msg": f"Numbers must be finite and integers between {INT64_MIN} and {INT64_MAX}",
        "input": None,
    }


def _body_errors(value: Any, location: tuple[str | int, ...]) -> Iterator[dict[str, Any]]:
    if isinstance(value, str):
        if error := _text_error(location, value):
            yield error
    elif isinstance(value, bool):
        return
    elif isinstance(value, int):
        if not INT64_MIN <= value <= INT64_MAX:
            yield _range_error(location)
    elif isinstance(value, float):
        if not math.isfinite(value):
            yield _range_error(location)
    elif isinstance(value, dict):
        for key, item in value.items():
            if error := _text_error((*location, _printable(key)), key):
                yield error
            yield from _body_errors(item, (*location, _printable(key)))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _body_errors(item, (*location, index))


def _printable(key: str) -> str:
    """A JSON key fit to name a field in an error (its forbidden characters escaped)."""
    return _FORBIDDEN.sub(lambda m: f"\\u{ord(m.group()):04x}", key)


def _is_numeric(annotation: Any) -> bool:
    if annotation in (int, float):
        return True
    return any(_is_numeric(arg) for arg in typing.get_args(annotation))


_NUMERIC: dict[int, tuple[APIRoute, frozenset[tuple[str, str]]]] = {}
"""Per route (by id, the route kept alive with it): its numeric parameters."""


def _numeric_parameters(route: APIRoute) -> frozenset[tuple[str, str]]:
    """(location, name) of the route's path and query parameters that hold numbers."""
    if (cached := _NUMERIC.get(id(route))) is not None and cached[0] is route:
        return cached[1]
    found = set()
    pending: list[Dependant] = [route.dependant]
    while pending:
        dependant = pending.pop()
        pending.extend(dependant.dependencies)
        for location, fields in (
            ("path", dependant.path_params),
            ("query", dependant.query_params),
        ):
            for field in fields:
                if _is_numeric(field.field_info.annotation):
                    found.add((location, field.alias))
    _NUMERIC[id(route)] = (route, frozenset(found))
    return frozenset(found)


def _uses_json_body(route: APIRoute, request: Request) -> bool:
    if route.body_field is None or request.headers.get("content-type", "") == "":
        return route.body_field is not None
    media_type = request.headers["content-type"].split(";", 1)[0].strip().lower()
    return bool(
        media_type.startswith("application/")
        and (media_type.endswith("/json") or media_type.endswith("+json"))
    )


async def check_inputs(connection: HTTPConnection) -> None:
    """Refuse (422 `validation`, naming each field) text with control characters and
    numbers out of range, in the path, the query and a JSON body."""
    route = connection.scope.get("route")
    numeric = _numeric_parameters(route) if isinstance(route, APIRoute) else frozenset()
    errors: list[dict[str, Any]] = []
    parameters = [
        *(("path", name, value) for name, value in connection.path_params.items()),
        *(("query", name, value) for name, value in connection.query_params.multi_items()),
    ]
    for location, name, value in parameters:
        if not isinstance(value, str):
            continue
        if error := _text_error((location, _printable(name)), value):
            errors.append(error)
        elif (
            (location, name) in numeric
            and _INTEGER.match(value)
            and not INT64_MIN <= int(value) <= INT64_MAX
        ):
            errors.append(_range_error((location, name)))
    if (
        isinstance(connection, Request)
        and isinstance(route, APIRoute)
        and _uses_json_body(route, connection)
        and await connection.body()
    ):
        # Parsed (and kept) by FastAPI already, which answered for JSON that does not parse.
        errors.extend(_body_errors(await connection.json(), ("body",)))
    if errors:
        if connection.scope["type"] == "websocket":
            raise WebSocketRequestValidationError(errors)  # closes with 1008
        raise RequestValidationError(errors)


class JsonBodyLimit:
    """Refuse request bodies over `max_bytes` with 413 `payload-too-large` before they are
    read: by their Content-Length, or once a chunked body passes the limit. Multipart
    uploads are left to their routes, which stream them under their own limit."""

    def __init__(self, app: ASGIApp, *, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or self._is_upload(scope):
            await self.app(scope, receive, send)
            return
        length = self._content_length(scope)
        if length is not None and length > self.max_bytes:
            await self._refuse(scope, send)
            return
        if length is not None:
            await self.app(scope, receive, send)
            return
        # No Content-Length (chunked): read up to the limit here, then hand it on.
        chunks: list[bytes] = []
        size = 0
        more = True
        while more:
            message = await receive()
            if message["type"] != "http.request":
                await self.app(scope, _replay([message], receive), send)
                return
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.max_bytes:
                await self._refuse(scope, send)
                return
            chunks.append(chunk)
            more = message.get("more_body", False)
        body: Message = {"type": "http.request", "body": b"".join(chunks), "more_body": False}
        await self.app(scope, _replay([body], receive), send)

    @staticmethod
    def _is_upload(scope: Scope) -> bool:
        for name, value in scope["headers"]:
            if name == b"content-type":
                media_type: bytes = value.split(b";", 1)[0].strip().lower()
                return media_type == b"multipart/form-data"
        return False

    @staticmethod
    def _content_length(scope: Scope) -> int | None:
        for name, value in scope["headers"]:
            if name == b"content-length":
                try:
                    return int(value)
                except ValueError:
                    return None
        return None

    async def _refuse(self, scope: Scope, send: Send) -> None:
        problem = Problem(
            413,
            "payload-too-large",
            "Payload too large",
            f"The request body is over {self.max_bytes} bytes; send less"
            " (files go to the upload routes, as multipart/form-data).",
        )
        response = JSONResponse(
            problem.to_dict(instance=scope.get("path")),
            status_code=413,
            media_type=PROBLEM_CONTENT_TYPE,
            # The unread body stays on the connection: close it rather than read it.
            headers={"Connection": "close"},
        )

        async def no_body() -> Message:
            return {"type": "http.disconnect"}

        await response(scope, no_body, send)


def _replay(messages: list[Message], receive: Receive) -> Receive:
    pending = list(messages)

    async def replayed() -> Message:
        if pending:
            return pending.pop(0)
        return await receive()

    return replayed
