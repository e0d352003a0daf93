"""RFC 9457 problem documents: the one shape every error response takes.

A `Problem` raised anywhere under a request becomes an `application/problem+json`
response. Its `type` is a stable slug clients can switch on (`validation`, `not-found`,
`invalid-transition`, …); `detail` is a sentence a person can act on. Unexpected errors
become `internal` problems that carry only the request id, which is in the logs.

Areas do not raise problems: their rules raise domain errors (`multistream.errors`), and
each area hands this module its table of refusals (`refusals`: error class → status, slug,
title). `from_error` reads a domain error through those tables; the handler `install`
adds answers with it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

import structlog
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.routing import APIRoute
from pydantic import BaseModel, ConfigDict
from sqlalchemy import exc as sa_exc
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from multistream.errors import DomainError, Forbidden, Invalid, NotFound, WrongStatus

PROBLEM_CONTENT_TYPE = "application/problem+json"

log = structlog.get_logger(__name__)

# Slugs for the HTTP errors the framework raises by itself.
_STATUS_SLUGS = {
    400: ("bad-request", "Bad request"),
    401: ("unauthenticated", "Authentication required"),
    403: ("forbidden", "Forbidden"),
    404: ("not-found", "Not found"),
    405: ("method-not-allowed", "Method not allowed"),
    406: ("not-acceptable", "Not acceptable"),
    409: ("conflict", "Conflict"),
    413: ("payload-too-large", "Payload too large"),
    415: ("unsupported-media-type", "Unsupported media type"),
    422: ("validation", "Invalid request"),
    429: ("rate-limited", "Too many requests"),
    503: ("service-unavailable", "Service unavailable"),
}


class FieldError(BaseModel):
    field: str
    location: str
    message: str
    code: str | None = None


class ProblemDocument(BaseModel):
    """The body of every error response (RFC 9457), as `application/problem+json`."""

    model_config = ConfigDict(extra="allow")

    type: str
    """A stable slug to switch on: validation, not-found, forbidden, invalid-transition…"""
    title: str
    status: int
    detail: str
    """A sentence a person can act on."""
    instance: str | None = None
    errors: list[FieldError] | None = None
    """Field-level problems of a `validation` problem."""
    request_id: str | None = None
    """Only on `internal` problems: quote it when reporting the error."""


# Declared on every operation, so generated clients know the error shape.
PROBLEM_RESPONSES: dict[int | str, dict[str, Any]] = {
    status: {"model": ProblemDocument, "description": description}
    for status, description in {
        400: "The body could not be read (`bad-request`)",
        401: "Not signed in, or the token is invalid (`unauthenticated`)",
        403: "Signed in, but not allowed (`forbidden`)",
        404: "No such resource, or not visible to the caller (`not-found`)",
        413: "The body is over the size limit (`payload-too-large`)",
        422: "The request is invalid (`validation`, with `errors`)",
        500: "A bug on our side (`internal`, with `request_id`)",
        503: "A dependency is not answering (`database-unavailable`…), with Retry-After",
    }.items()
}


def answers(descriptions: Mapping[int, str]) -> dict[int | str, dict[str, Any]]:
    """An operation's `responses=`: the statuses it may answer with besides the ones every
    operation declares, each with when (`{409: "invalid-transition"}`)."""
    return {status: {"description": description} for status, description in descriptions.items()}


_CONFLICT = {
    "model": ProblemDocument,
    "description": "Refused by the state it met (`invalid-transition`, `email-taken`…)",
}


def document_conflicts(route: APIRoute) -> None:
    """Declare 409 on an operation that changes something: any command may meet a state
    that refuses it, or an Idempotency-Key whose first request is still running."""
    if (route.methods or set()) & {"POST", "PUT", "PATCH", "DELETE"}:
        route.responses.setdefault(409, _CONFLICT)


def problem_media_type(openapi: dict[str, Any]) -> dict[str, Any]:
    """Label error responses as application/problem+json in an OpenAPI document, whatever
    the operation's success media type (a text/plain route's errors are problems too)."""
    problem_schema = {"$ref": "#/components/schemas/ProblemDocument"}
    for methods in openapi.get("paths", {}).values():
        for operation in methods.values():
            for status, response in operation.get("responses", {}).items():
                if status[0] not in "45":
                    continue
                content = response.setdefault("content", {})
                schema = next(
                    (c["schema"] for c in content.values() if c.get("schema") == problem_schema),
                    problem_schema,
                )
                content.clear()
                content[PROBLEM_CONTENT_TYPE] = {"schema": schema}
    return openapi


class Problem(Exception):
    """An error a client can act on. Raise it from services and routes. A `retry_after`
    (seconds) goes out as the `Retry-After` header too."""

    def __init__(
        self,
        status: int,
        type_: str,
        title: str,
        detail: str,
        *,
        errors: Sequence[dict[str, Any]] | None = None,
        headers: dict[str, str] | None = None,
        **extensions: Any,
    ) -> None:
        super().__init__(detail)
        self.status = status
        self.type = type_
        self.title = title
        self.detail = detail
        self.errors = list(errors) if errors is not None else None
        self.headers = dict(headers or {})
        self.extensions = extensions
        if extensions.get("retry_after") is not None:
            self.headers.setdefault("Retry-After", str(extensions["retry_after"]))

    def to_dict(self, instance: str | None = None) -> dict[str, Any]:
        body: dict[str, Any] = {
            "type": self.type,
            "title": self.title,
            "status": self.status,
            "detail": self.detail,
        }
        if instance:
            body["instance"] = instance
        if self.errors is not None:
            body["errors"] = self.errors
        body.update(self.extensions)
        return body


def not_found(what: str) -> Problem:
    return Problem(
        404, "not-found", "Not found", f"{what} does not exist or is not visible to you."
    )


def field_problem(
    detail: str,
    *,
    field: str,
    message: str,
    location: str = "body",
    refusal: tuple[int, str, str] = (422, "validation", "Invalid request"),
) -> Problem:
    """A problem about one field that its schema could not check: `detail` for a person,
    `message` about the field (`location`: body, query or header) in `errors`. A
    `validation` problem unless `refusal` (status, slug, title) says otherwise."""
    status, type_, title = refusal
    errors = [{"field": field, "location": location, "message": message}]
    return Problem(status, type_, title, detail, errors=errors)


Refusal = tuple[int, str, str] | Callable[[Any], "Problem"]
"""How a domain error reads as a problem: its status, `type` slug and title (the detail and
facts are the error's), or a function that makes the whole problem of the error."""

_REFUSALS: dict[type[DomainError], Refusal] = {
    NotFound: (404, "not-found", "Not found"),
    Forbidden: (403, "forbidden", "Not allowed"),
    Invalid: (422, "validation", "Invalid request"),
    WrongStatus: (409, "invalid-transition", "Not possible now"),
}


def refusals(table: Mapping[type[DomainError], Refusal]) -> None:
    """Add an area's table: how each of its domain errors reads as a problem."""
    for error_type, refusal in table.items():
        assert _REFUSALS.get(error_type, refusal) == refusal, f"{error_type} mapped twice"
        _REFUSALS[error_type] = refusal


def from_error(error: DomainError) -> Problem:
    """The problem document of a domain error: its `detail`, its facts as members, the
    field of an `Invalid` in `errors`, and `Retry-After` when it says when to retry."""
    refusal = next((_REFUSALS[t] for t in type(error).__mro__ if t in _REFUSALS), None)
    if refusal is None:
        raise TypeError(f"{type(error).__name__} is in no table of refusals") from error
    if callable(refusal):
        return refusal(error)
    status, type_, title = refusal
    errors = (
        [{"field": error.field, "location": "body", "message": error.message}]
        if isinstance(error, Invalid)
        else None
    )
    return Problem(status, type_, title, error.detail, errors=errors, **error.facts)


def as_problem(error: Exception) -> Problem | None:
    """The problem an exception answers with, if it is one or a domain error."""
    if isinstance(error, Problem):
        return error
    if isinstance(error, DomainError):
        return from_error(error)
    return None


def problem_response(problem: Problem, request: Request) -> JSONResponse:
    return JSONResponse(
        problem.to_dict(instance=request.url.path),
        status_code=problem.status,
        headers=problem.headers,
        media_type=PROBLEM_CONTENT_TYPE,
    )


def _request_id(request: Request) -> str:
    return str(getattr(request.state, "request_id", "") or "")


async def _handle_problem(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, Problem)
    return problem_response(exc, request)


async def _handle_domain_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, DomainError)
    return problem_response(from_error(exc), request)


async def _handle_validation(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    errors = [
        {
            # ("body", "title") → "title": where the client put the value, minus the envelope.
            "field": ".".join(str(p) for p in error["loc"][1:]) or str(error["loc"][0]),
            "location": str(error["loc"][0]),
            "message": error["msg"],
            "code": error["type"],
        }
        for error in exc.errors()
    ]
    fields = ", ".join(sorted({e["field"] for e in errors})) or "the request"
    problem = Problem(
        422, "validation", "Invalid request", f"Check these fields: {fields}.", errors=errors
    )
    return problem_response(problem, request)


async def _handle_http(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    slug, title = _STATUS_SLUGS.get(exc.status_code, ("http-error", "HTTP error"))
    detail = exc.detail if isinstance(exc.detail, str) and exc.detail != title else title + "."
    if exc.status_code == 404 and detail == "Not Found":
        detail = f"There is nothing at {request.url.path}."
    if exc.status_code == 400 and detail == "There was an error parsing the body":
        detail = "The request body could not be read; send JSON, encoded as UTF-8."
    problem = Problem(exc.status_code, slug, title, detail, headers=dict(exc.headers or {}))
    return problem_response(problem, request)


async def _handle_unexpected(request: Request, exc: Exception) -> JSONResponse:
    request_id = _request_id(request)
    log.exception("unhandled error", request_id=request_id, path=request.url.path)
    problem = Problem(
        500,
        "internal",
        "Internal error",
        "Something went wrong on our side. Quote the request id when you report it.",
        request_id=request_id,
    )
    return problem_response(problem, request)


async def _handle_bad_data(request: Request, exc: Exception) -> JSONResponse:
    """PostgreSQL refused a value (SQLSTATE class 22: out of range, NUL, bad encoding). The
    request checks (`multistream.inputs`) should have caught it first: log it, and answer
    as the client's mistake it is rather than as a crash."""
    log.warning("database refused a value", path=request.url.path, error=str(exc).split("\n")[0])
    problem = Problem(
        422,
        "validation",
        "Invalid request",
        "A value is out of range or holds characters that cannot be stored; nothing was"
        " changed. Check the numbers and text you sent.",
        errors=[],
    )
    return problem_response(problem, request)


async def _handle_database_down(request: Request, exc: Exception) -> JSONResponse:
    """PostgreSQL did not answer, or every pooled connection is busy: say so, quickly."""
    log.warning(
        "database unavailable",
        path=request.url.path,
        error=type(exc).__name__,
        reason=str(getattr(exc, "orig", None) or exc).split("\n")[0],
    )
    problem = Problem(
        503,
        "database-unavailable",
        "Service unavailable",
        "The database is not answering right now; nothing was changed. Try again shortly.",
        headers={"Retry-After": "2"},
    )
    return problem_response(problem, request)


async def _handle_overloaded(request: Request, exc: Exception) -> JSONResponse:
    """Every pooled connection stayed busy for the pool's whole timeout: the api is
    saturated, not broken. The request never got a connection for its work, so nothing was
    changed; the client should come back a little later (`Retry-After`)."""
    log.warning("overloaded: no database connection free", path=request.url.path)
    problem = Problem(
        503,
        "overloaded",
        "Too busy",
        "The server is busy right now and did not start your request; nothing was changed."
        " Try again in a moment.",
        headers={"Retry-After": "1"},
    )
    return problem_response(problem, request)


class UnexpectedErrors:
    """Answer an unexpected exception with the `internal` problem, as the innermost
    middleware, and do not raise it on: the server would then drop the keep-alive
    connection, and the client's next request on it would fail too."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def watch(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, receive, watch)
        except Exception as exc:
            if started:
                raise  # half a response went out: only closing the connection ends it
            response = await _handle_unexpected(Request(scope, receive), exc)
            await response(scope, receive, send)


def install(app: FastAPI) -> None:
    app.add_middleware(UnexpectedErrors)
    app.add_exception_handler(Problem, _handle_problem)
    app.add_exception_handler(DomainError, _handle_domain_error)
    app.add_exception_handler(sa_exc.DataError, _handle_bad_data)
    app.add_exception_handler(sa_exc.OperationalError, _handle_database_down)
    app.add_exception_handler(sa_exc.TimeoutError, _handle_overloaded)
    app.add_exception_handler(RequestValidationError, _handle_validation)
    app.add_exception_handler(StarletteHTTPException, _handle_http)
    app.add_exception_handler(Exception, _handle_unexpected)
