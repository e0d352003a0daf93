"""Error responses are problem documents with stable slugs and nothing internal."""

from __future__ import annotations

import threading
import time

import httpx
import pytest
import uvicorn
from fastapi import FastAPI
from fastapi.testclient import TestClient
from pydantic import BaseModel, Field

from multistream import problems
from multistream.ops.middleware import RequestContextMiddleware
from tests.throwaway import free_port


class CourseIn(BaseModel):
    title: str = Field(min_length=1, max_length=200)


def make_app() -> FastAPI:
    app = FastAPI()
    problems.install(app)
    app.add_middleware(RequestContextMiddleware)

    @app.post("/courses")
    def create(course: CourseIn) -> dict[str, str]:
        return {"title": course.title}

    @app.post("/transition")
    def transition() -> None:
        raise problems.Problem(
            409, "invalid-transition", "Invalid transition", "The class has already ended."
        )

    @app.get("/boom")
    def boom() -> None:
        raise RuntimeError("secret SQL: SELECT password FROM users")

    return app


@pytest.fixture
def client() -> TestClient:
    return TestClient(make_app(), raise_server_exceptions=False)


def test_validation_error_lists_fields(client: TestClient) -> None:
    response = client.post("/courses", json={"title": ""})
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    body = response.json()
    assert body["type"] == "validation"
    assert body["status"] == 422
    assert [e["field"] for e in body["errors"]] == ["title"]
    assert "title" in body["detail"]


def test_malformed_json_is_a_validation_problem(client: TestClient) -> None:
    response = client.post(
        "/courses", content=b"{not json", headers={"content-type": "application/json"}
    )
    assert response.status_code == 422
    assert response.json()["type"] == "validation"


def test_domain_problem_keeps_its_slug(client: TestClient) -> None:
    response = client.post("/transition")
    assert response.status_code == 409
    assert response.json() == {
        "type": "invalid-transition",
        "title": "Invalid transition",
        "status": 409,
        "detail": "The class has already ended.",
        "instance": "/transition",
    }


def test_unknown_route_and_method(client: TestClient) -> None:
    assert client.get("/nowhere").json()["type"] == "not-found"
    assert client.get("/transition").json()["type"] == "method-not-allowed"


def test_internal_error_carries_only_the_request_id(client: TestClient) -> None:
    response = client.get("/boom", headers={"X-Request-ID": "req-1234567890"})
    assert response.status_code == 500
    body = response.json()
    assert set(body) == {"type", "title", "status", "detail", "instance", "request_id"}
    assert body["type"] == "internal"
    assert body["request_id"] == "req-1234567890"
    assert "SELECT" not in response.text
    assert "Traceback" not in response.text


def test_request_id_is_generated_and_echoed(client: TestClient) -> None:
    response = client.post("/courses", json={"title": "Biology"})
    assert response.status_code == 200
    assert len(response.headers["x-request-id"]) == 32
    bad = client.post("/courses", json={"title": "x"}, headers={"X-Request-ID": "bad id!"})
    assert bad.headers["x-request-id"] != "bad id!"


def test_the_connection_survives_an_internal_error() -> None:
    """The 500 is the last word on its request, not on the connection: the server is not
    handed the exception, so it keeps the keep-alive connection for the next request."""
    port = free_port()
    server = uvicorn.Server(
        uvicorn.Config(make_app(), host="127.0.0.1", port=port, log_config=None, lifespan="off")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        while not server.started:
            assert thread.is_alive()
            time.sleep(0.02)
        limits = httpx.Limits(max_connections=1)
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", limits=limits) as http:
            boom = http.get("/boom")
            address = boom.extensions["network_stream"].get_extra_info("client_addr")
            after = http.post("/courses", json={"title": "Biology"})
            assert after.extensions["network_stream"].get_extra_info("client_addr") == address
        assert boom.status_code == 500
        assert boom.json()["type"] == "internal"
        assert boom.headers.get("connection") != "close"
        assert after.status_code == 200
    finally:
        server.should_exit = True
        thread.join(timeout=10)


def test_answers_are_openapi_responses_in_the_order_given() -> None:
    documented = problems.answers({409: "invalid-transition", 429: "rate-limited"})

    assert documented == {
        409: {"description": "invalid-transition"},
        429: {"description": "rate-limited"},
    }
    assert list(documented) == [409, 429]
