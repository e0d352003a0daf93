"""LiveKit access tokens for people joining a session's room.

Only the api mints them (the client never sees the API secret). What a token allows
follows the spec's "LiveKit access tokens": hosts and moderators join, publish and
subscribe; participants only subscribe until the server brings them on stage
(`MediaRooms.set_publish`). Nobody gets room-admin, room-create or record grants, and
nobody may publish on the data channel: every interaction goes through the api, so that
it lands in the session's event log.
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from typing import Literal, get_args

from livekit import api as livekit_api

from multistream.media.errors import MediaDisabled
from multistream.settings import Settings

MediaRole = Literal["host", "moderator", "participant"]

MAX_TOKEN_TTL_SECONDS = 15 * 60
_PUBLISHING_ROLES: frozenset[str] = frozenset({"host", "moderator"})


def mint_join_token(
    settings: Settings,
    *,
    room: str,
    user_id: uuid.UUID | str,
    display_name: str,
    role: MediaRole,
    ttl_seconds: int = 600,
    can_publish: bool | None = None,
) -> str:
    """A signed token that lets `user_id` join LiveKit room `room` with `role`'s grants.

    The identity is the user id and the metadata is `{"role": role}`, so the server's
    participant list (and every client) can tell who is who. Raises `MediaDisabled`
    when live media is not configured, and `ValueError` for an unknown role, an empty
    room or identity, or a TTL outside 1 s to 15 min. `can_publish` overrides what the
    role allows: a participant on stage gets True.
    """
    if not settings.media_configured:
        raise MediaDisabled()
    if role not in get_args(MediaRole):
        raise ValueError(f"unknown media role {role!r}")
    if not 1 <= ttl_seconds <= MAX_TOKEN_TTL_SECONDS:
        raise ValueError(f"ttl_seconds must be between 1 and {MAX_TOKEN_TTL_SECONDS}")
    identity = str(user_id)
    if not room or not identity:
        raise ValueError("a join token needs a room and an identity")
    grants = livekit_api.VideoGrants(
        room_join=True,
        room=room,
        can_publish=role in _PUBLISHING_ROLES if can_publish is None else can_publish,
        can_subscribe=True,
        can_publish_data=False,
    )
    token = (
        livekit_api.AccessToken(
            settings.livekit_api_key, settings.livekit_api_secret.get_secret_value()
        )
        .with_identity(identity)
        .with_name(display_name)
        .with_metadata(json.dumps({"role": role}))
        .with_grants(grants)
        .with_ttl(dt.timedelta(seconds=ttl_seconds))
    )
    return token.to_jwt()
