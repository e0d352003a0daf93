"""Bad input is refused with a problem naming the field, never a 500 (issue 18, point 1).

Before `multistream.inputs`, a NUL in any text that reached PostgreSQL and an integer
past 64 bits in a query answered 500 `internal`, and the server then dropped the
keep-alive connection. The check is one app-wide dependency, so these few routes stand
for all of them (`test_schema_fuzz` walks every operation).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from websockets.exceptions import InvalidStatus
from websockets.sync.client import connect

from tests.apiclient import PASSWORD, ApiClient, Person

START, END = "2026-12-01T09:00:00+00:00", "2026-12-01T10:00:00+00:00"


@pytest.fixture(scope="module")
def owner(api: ApiClient) -> Person:
    return api.signup("Careful Owner")


@pytest.fixture(scope="module")
def class_ids(api: ApiClient, owner: Person) -> dict[str, str]:
    course = api.create_course(owner, "Input checks")
    session = api.request(
        "POST",
        f"/api/v1/courses/{course['id']}/sessions",
        owner,
        json={"title": "Checked", "scheduled_start": START, "scheduled_end": END},
    )
    assert session.status_code == 201, session.text
    return {"course_id": course["id"], "session_id": session.json()["id"]}


def _refused(response: httpx.Response, field: str, location: str = "body") -> dict[str, Any]:
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == "application/problem+json"
    body: dict[str, Any] = response.json()
    assert body["type"] == "validation"
    assert field in body["detail"]
    assert [(e["field"], e["location"]) for e in body["errors"]] == [(field, location)]
    return body


@pytest.mark.parametrize("text", ["Ada\x00", "Ada\x07", "Ada\x1b[31m", "Ada\x85", "Ada\ud800"])
def test_sign_up_refuses_control_characters_in_the_display_name(api: ApiClient, text: str) -> None:
    payload = {"email": "nul@example.com", "password": PASSWORD, "display_name": text}
    response = api.http.post(
        "/auth/local/signup",
        # JSON's own escapes: a lone surrogate (\ud800) cannot travel as UTF-8.
        content=json.dumps(payload, ensure_ascii=True),
        headers={"content-type": "application/json"},
    )
    body = _refused(response, "display_name")
    assert body["errors"][0]["code"] == "control_character"
    assert "control characters" in body["errors"][0]["message"]


def test_lines_and_tabs_stay_allowed(api: ApiClient, owner: Person) -> None:
    response = api.request("POST", "/api/v1/courses", owner, json={"title": "Line\tone"})
    assert response.status_code == 201, response.text


@pytest.mark.parametrize(
    ("path", "payload", "field"),
    [
        ("/api/v1/courses", {"title": "Bio\x00logy"}, "title"),
        (
            "/api/v1/courses/{course_id}/sessions",
            {"title": "Cells\x00", "scheduled_start": START, "scheduled_end": END},
            "title",
        ),
        ("/api/v1/sessions/{session_id}/studio/banner", {"text": "Break\x00"}, "text"),
        ("/api/v1/sessions/{session_id}/scenes", {"name": "Cam\x00", "layout": "camera"}, "name"),
        (
            "/api/v1/sessions/{session_id}/scenes",
            {"name": "Cam", "layout": "camera", "config": {"k\x00ey": 1}},
            "config.k\\u0000ey",
        ),
    ],
)
def test_text_with_nul_is_refused_naming_the_field(
    api: ApiClient,
    owner: Person,
    class_ids: dict[str, str],
    path: str,
    payload: dict[str, Any],
    field: str,
) -> None:
    response = api.request("POST", path.format(**class_ids), owner, json=payload)
    _refused(response, field)


def test_search_query_with_nul_is_refused(
    api: ApiClient, owner: Person, class_ids: dict[str, str]
) -> None:
    response = api.request(
        "GET",
        f"/api/v1/sessions/{class_ids['session_id']}/replay/search",
        owner,
        params={"q": "photo\x00synthesis"},
    )
    _refused(response, "q", "query")


@pytest.mark.parametrize(
    ("path", "name"),
    [
        ("/api/v1/sessions/{session_id}/events", "after"),
        ("/api/v1/sessions/{session_id}/chat", "before"),
        ("/api/v1/courses", "limit"),
    ],
)
@pytest.mark.parametrize("value", [2**63, 2**64, -(2**63) - 1, 10**40])
def test_integers_past_64_bits_in_the_query_are_refused(
    api: ApiClient, owner: Person, class_ids: dict[str, str], path: str, name: str, value: int
) -> None:
    response = api.request("GET", path.format(**class_ids), owner, params={name: str(value)})
    _refused(response, name, "query")


def test_the_largest_64_bit_integer_is_still_a_number(
    api: ApiClient, owner: Person, class_ids: dict[str, str]
) -> None:
    url = f"/api/v1/sessions/{class_ids['session_id']}/events"
    response = api.request("GET", url, owner, params={"after": str(2**63 - 1)})
    assert response.status_code == 200, response.text


@pytest.mark.parametrize(
    "raw", [b'{"title": 1e999}', b'{"title": NaN}', b'{"title": "x", "n": 99999999999999999999}']
)
def test_numbers_a_body_cannot_hold_are_refused(api: ApiClient, owner: Person, raw: bytes) -> None:
    response = api.request(
        "POST",
        "/api/v1/courses",
        owner,
        content=raw,
        headers={"content-type": "application/json"},
    )
    assert response.status_code == 422, response.text
    assert response.json()["errors"][0]["code"] == "out_of_range"


def test_a_body_that_is_not_utf8_is_a_bad_request(api: ApiClient, owner: Person) -> None:
    response = api.request(
        "POST",
        "/api/v1/courses",
        owner,
        content=b'{"title": "\xff\xfe"}',
        headers={"content-type": "application/json"},
    )
    assert response.status_code == 400
    assert response.json()["type"] == "bad-request"
    assert "UTF-8" in response.json()["detail"]


ONE_MIB = 1024**2  # the default MULTISTREAM_JSON_BODY_MAX_BYTES


def test_a_json_body_over_the_limit_is_refused_before_it_is_read(
    api: ApiClient, owner: Person
) -> None:
    body = b'{"title": "' + b"a" * ONE_MIB + b'"}'
    response = api.request(
        "POST", "/api/v1/courses", owner, content=body, headers={"content-type": "application/json"}
    )
    assert response.status_code == 413
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["type"] == "payload-too-large"


def test_a_chunked_body_over_the_limit_is_refused_too(api: ApiClient, owner: Person) -> None:
    def chunks() -> Iterator[bytes]:
        yield b'{"title": "'
        for _ in range(20):
            yield b"a" * 65536
        yield b'"}'

    response = api.request(
        "POST",
        "/api/v1/courses",
        owner,
        content=chunks(),
        headers={"content-type": "application/json"},
    )
    assert response.status_code == 413
    assert response.json()["type"] == "payload-too-large"


def test_uploads_keep_their_own_limit(
    api: ApiClient, owner: Person, class_ids: dict[str, str]
) -> None:
    """A multipart upload past the JSON limit reaches its route (and is judged there)."""
    picture = b"\x89PNG\r\n\x1a\n" + b"\x00" * (1024**2 + 10)
    response = api.request(
        "POST",
        f"/api/v1/courses/{class_ids['course_id']}/assets",
        owner,
        files={"file": ("big.png", picture, "image/png")},
    )
    assert response.status_code in (200, 201, 415, 422), response.text


def test_the_connection_survives_an_error(api: ApiClient, owner: Person) -> None:
    """Errors answer on a keep-alive connection that the next request uses again."""
    with httpx.Client(base_url=api.base_url, limits=httpx.Limits(max_connections=1)) as client:
        addresses = set()
        for payload in ({"title": "x\x00"}, {"title": "fine"}):
            response = client.post("/api/v1/courses", json=payload, headers=owner.headers)
            assert response.status_code in (201, 422)
            stream = response.extensions["network_stream"]
            addresses.add(stream.get_extra_info("client_addr"))
        assert len(addresses) == 1


def test_a_socket_with_a_control_character_in_its_query_is_refused(
    api: ApiClient, class_ids: dict[str, str]
) -> None:
    url = api.base_url.replace("http", "ws", 1)
    with (
        pytest.raises(InvalidStatus) as refused,
        connect(f"{url}/api/v1/sessions/{class_ids['session_id']}/live?seq=%00"),
    ):
        pass
    assert refused.value.response.status_code == 403  # refused before it was accepted
