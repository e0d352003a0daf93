"""A small client for the real api over HTTP, with people who sign up and act."""

from __future__ import annotations

import dataclasses
import uuid
from typing import Any

import httpx

PASSWORD = "correct horse battery staple"


@dataclasses.dataclass
class Person:
    user: dict[str, Any]
    access_token: str
    refresh_token: str
    """From the HttpOnly `multistream_refresh` cookie (the body never carries it)."""

    @property
    def id(self) -> str:
        return str(self.user["id"])

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.access_token}"}


class ApiClient:
    def __init__(self, base_url: str) -> None:
        self.base_url = base_url
        # One client speaks for many people: it keeps no cookie, so one person's refresh
        # cookie never rides on another's call (tests send cookies explicitly).
        self.http = httpx.Client(
            base_url=base_url,
            headers={"Origin": base_url},
            timeout=20,
            event_hooks={"response": [lambda _: self.http.cookies.clear()]},
        )

    def close(self) -> None:
        self.http.close()

    def request(
        self, method: str, path: str, as_: Person | None = None, **kwargs: Any
    ) -> httpx.Response:
        headers = {**kwargs.pop("headers", {}), **(as_.headers if as_ else {})}
        return self.http.request(method, path, headers=headers, **kwargs)

    def signup(self, name: str = "Person", *, email: str | None = None) -> Person:
        email = email or f"{name.lower().replace(' ', '.')}.{uuid.uuid4().hex[:10]}@example.com"
        response = self.http.post(
            "/auth/local/signup",
            json={"email": email, "password": PASSWORD, "display_name": name},
        )
        assert response.status_code == 201, response.text
        body = response.json()
        refresh_token = response.cookies["multistream_refresh"]
        return Person(body["user"], body["access_token"], refresh_token)

    def create_course(self, owner: Person, title: str = "Photosynthesis") -> dict[str, Any]:
        response = self.request("POST", "/api/v1/courses", owner, json={"title": title})
        assert response.status_code == 201, response.text
        return dict(response.json())

    def invite(self, host: Person, course_id: str, role: str = "student", **extra: Any) -> str:
        response = self.request(
            "POST", f"/api/v1/courses/{course_id}/invites", host, json={"role": role, **extra}
        )
        assert response.status_code == 201, response.text
        return str(response.json()["code"])

    def join(self, person: Person, code: str) -> httpx.Response:
        return self.request("POST", f"/api/v1/invites/{code}/accept", person)
