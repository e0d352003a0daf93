"""Request and response bodies of the identity endpoints."""

from __future__ import annotations

import uuid
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, EmailStr, Field, StringConstraints

DisplayName = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]
Password = Annotated[str, Field(min_length=10, max_length=256)]


class UserRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    email: str | None
    display_name: str
    auth_provider: Literal["local", "clerk", "lti"]
    is_platform_admin: bool


class SignupRequest(BaseModel):
    email: EmailStr
    password: Password
    display_name: DisplayName


class LoginRequest(BaseModel):
    email: EmailStr
    password: Annotated[str, Field(min_length=1, max_length=256)]


class AccessGrant(BaseModel):
    """What sign-up, sign-in and refresh answer. The refresh token is never in a body: it
    travels only in the HttpOnly `multistream_refresh` cookie (see `auth.cookies`)."""

    access_token: str
    token_type: Literal["Bearer"] = "Bearer"  # noqa: S105 - a scheme name
    expires_in: int
    """Seconds until the access token expires."""
    user: UserRead


class Jwks(BaseModel):
    keys: list[dict[str, str]]


class SignInConfig(BaseModel):
    """How the web app signs people in: the local provider's forms, or Clerk's SDK."""

    provider: Literal["local", "clerk"]
    clerk_publishable_key: str | None = None
    """Set when `provider` is clerk and the key is configured."""
