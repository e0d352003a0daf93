"""LiveKit webhook deliveries signed as LiveKit signs them, for tests of `/webhooks/livekit`."""

from __future__ import annotations

import base64
import hashlib
import json
from typing import Any

import httpx
from livekit import api as livekit_api

from multistream.settings import Settings
from tests.apiclient import ApiClient


def signed_webhook(settings: Settings, event: dict[str, Any]) -> tuple[bytes, str]:
    """The delivery's body and its Authorization: a JWT carrying the body's SHA-256."""
    body = json.dumps(event).encode()
    digest = base64.b64encode(hashlib.sha256(body).digest()).decode()
    token = (
        livekit_api.AccessToken(
            settings.livekit_api_key, settings.livekit_api_secret.get_secret_value()
        )
        .with_sha256(digest)
        .to_jwt()
    )
    return body, token


def deliver(api: ApiClient, settings: Settings, event: dict[str, Any]) -> httpx.Response:
    """POST `event` to the api's LiveKit webhook, signed."""
    body, token = signed_webhook(settings, event)
    headers = {"Authorization": token, "Content-Type": "application/webhook+json"}
    return api.http.post("/webhooks/livekit", content=body, headers=headers)
