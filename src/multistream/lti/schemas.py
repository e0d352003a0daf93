"""What the LTI endpoints and the CLI hand out."""

from __future__ import annotations

import uuid

from pydantic import BaseModel, ConfigDict


class PlatformRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    issuer: str
    client_id: str
    auth_login_url: str
    auth_token_url: str
    key_set_url: str
    frame_origins: list[str]
    deployment_ids: list[str]


class ToolJwks(BaseModel):
    """The tool's public keys (RFC 7517), which the LMS verifies our messages with."""

    keys: list[dict[str, str]]


class RosterSynced(BaseModel):
    """A roster sync from the LMS: members added or given a new role, members removed."""

    set_roles: int
    removed: int


class ScoresPosted(BaseModel):
    """Quiz scores sent to the LMS gradebook (one per LMS student of the class)."""

    posted: int


class LmsLink(BaseModel):
    """Whether a course's roster (or a class's grade column) comes from an LMS: `platform`
    is the LMS's issuer (its address), null when it is not linked."""

    linked: bool
    platform: str | None

    @classmethod
    def of(cls, platform: str | None) -> LmsLink:
        """The link to `platform`, or no link (None)."""
        return cls(linked=platform is not None, platform=platform)
