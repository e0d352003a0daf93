"""LiveKit access tokens for people joining a session's room (and, through
`signed_token`, for the recorder).

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
    return signed_token(
        settings,
        room=room,
        identity=identity,
        name=display_name,
        can_publish=role in _PUBLISHING_ROLES if can_publish is None else can_publish,
        ttl=dt.timedelta(seconds=ttl_seconds),
        metadata=json.dumps({"role": role}),
    )


def signed_token(
    settings: Settings,
    *,
    room: str,
    identity: str,
    name: str,
    can_publish: bool,
    ttl: dt.timedelta,
    hidden: bool = False,
    metadata: str | None = None,
) -> str:
    """A token signed with the api's key that lets `identity` join `room` and subscribe,
    publish media only when `can_publish`, and never publish on the data channel; a
    `hidden` participant is left out of everyone's participant list. Every token this
    project mints is made here (join tokens, and the recorder's)."""
    grants = livekit_api.VideoGrants(
        room_join=True,
        room=room,
        can_publish=can_publish,
        can_subscribe=True,
        can_publish_data=False,
        hidden=hidden or None,  # None leaves the claim out of the token
    )
    token = (
        livekit_api.AccessToken(
            settings.livekit_api_key, settings.livekit_api_secret.get_secret_value()
        )
        .with_identity(identity)
        .with_name(name)
        .with_grants(grants)
        .with_ttl(ttl)
    )
    if metadata is not None:
        token = token.with_metadata(metadata)
    return token.to_jwt()
