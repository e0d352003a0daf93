"""Join tokens: who gets which grants, for how long, and never the admin ones."""

from __future__ import annotations

import json
import uuid
from typing import Any

import jwt
import pytest
from livekit import api as livekit_api
from pydantic import SecretStr

from multistream.media.errors import MediaDisabled, MediaUnavailable
from multistream.media.tokens import MAX_TOKEN_TTL_SECONDS, MediaRole, mint_join_token
from multistream.settings import Settings

USER_ID = uuid.UUID("0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b")


def _claims(settings: Settings, token: str) -> dict[str, Any]:
    """The token's claims, after checking it is signed with our key and secret."""
    livekit_api.TokenVerifier(
        settings.livekit_api_key, settings.livekit_api_secret.get_secret_value()
    ).verify(token)
    claims: dict[str, Any] = jwt.decode(token, options={"verify_signature": False})
    return claims


def _mint(settings: Settings, role: MediaRole, **overrides: Any) -> str:
    arguments: dict[str, Any] = {
        "room": "session-room",
        "user_id": USER_ID,
        "display_name": "Ada Lovelace",
        "role": role,
    }
    return mint_join_token(settings, **(arguments | overrides))


@pytest.mark.parametrize("role", ["host", "moderator", "participant"])
def test_identity_name_and_role_metadata(settings: Settings, role: MediaRole) -> None:
    claims = _claims(settings, _mint(settings, role))
    assert claims["sub"] == str(USER_ID)
    assert claims["iss"] == settings.livekit_api_key
    assert claims["name"] == "Ada Lovelace"
    assert json.loads(claims["metadata"]) == {"role": role}


@pytest.mark.parametrize(
    ("role", "can_publish"), [("host", True), ("moderator", True), ("participant", False)]
)
def test_grants_by_role(settings: Settings, role: MediaRole, can_publish: bool) -> None:
    video = _claims(settings, _mint(settings, role))["video"]
    assert video == {
        "roomJoin": True,
        "room": "session-room",
        "canPublish": can_publish,
        "canSubscribe": True,
        "canPublishData": False,
    }


def test_default_ttl_is_ten_minutes_and_never_over_fifteen(settings: Settings) -> None:
    claims = _claims(settings, _mint(settings, "host"))
    assert claims["exp"] - claims["nbf"] == 600
    longest = _claims(settings, _mint(settings, "host", ttl_seconds=MAX_TOKEN_TTL_SECONDS))
    assert longest["exp"] - longest["nbf"] == 15 * 60
    for ttl in (0, MAX_TOKEN_TTL_SECONDS + 1, 6 * 3600):
        with pytest.raises(ValueError, match="ttl_seconds"):
            _mint(settings, "host", ttl_seconds=ttl)


def test_unknown_role_and_empty_room_are_refused(settings: Settings) -> None:
    with pytest.raises(ValueError, match="role"):
        _mint(settings, "admin")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="room"):
        _mint(settings, "host", room="")


def test_a_token_signed_with_another_secret_does_not_verify(settings: Settings) -> None:
    other = settings.model_copy(update={"livekit_api_secret": SecretStr("x" * 48)})
    with pytest.raises(jwt.InvalidSignatureError):
        _claims(settings, _mint(other, "host"))


def test_no_token_when_media_is_disabled(settings: Settings) -> None:
    disabled = settings.model_copy(update={"media_enabled": False})
    with pytest.raises(MediaDisabled) as raised:
        _mint(disabled, "host")
    assert isinstance(raised.value, MediaUnavailable)
    assert "disabled" in str(raised.value)
