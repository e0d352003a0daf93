"""Real webhook deliveries from a real LiveKit server, verified and recorded.

A private LiveKit server (tests/throwaway.py) is started with its webhook URL pointing at
a small HTTP receiver in this test, the way `multistream services up` points the shared
one at the api's `/webhooks/livekit`. Rooms opened, joined and closed on it produce the
deliveries that `verify_webhook` must accept, and that it must refuse once altered.
"""

from __future__ import annotations

import asyncio
import base64
import dataclasses
import datetime as dt
import hashlib
import threading
import time
import uuid
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import sqlalchemy as sa
from livekit import api as livekit_api
from livekit import rtc
from pydantic import SecretStr
from sqlalchemy.orm import Session

from multistream.eventlog.models import WebhookProvider, WebhookReceipt
from multistream.media.errors import InvalidWebhook
from multistream.media.rooms import MediaRooms
from multistream.media.schemas import WebhookEvent
from multistream.media.tokens import mint_join_token
from multistream.media.webhooks import record_receipt, verify_webhook
from multistream.settings import Settings
from tests.throwaway import connection_overrides, throwaway_service


@dataclasses.dataclass(frozen=True)
class Delivery:
    path: str
    content_type: str | None
    authorization: str | None
    body: bytes


class WebhookReceiver:
    """An HTTP server on a free port that keeps every POST it gets."""

    def __init__(self) -> None:
        self.deliveries: list[Delivery] = []
        received = self.deliveries

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                received.append(
                    Delivery(
                        self.path,
                        self.headers.get("Content-Type"),
                        self.headers.get("Authorization"),
                        body,
                    )
                )
                self.send_response(200)
                self.end_headers()

            def log_message(self, format: str, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def __enter__(self) -> WebhookReceiver:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=5)


@dataclasses.dataclass
class LiveKitWithWebhooks:
    settings: Settings
    """Settings of an api that talks to the private server (same key and secret)."""
    receiver: WebhookReceiver

    def deliveries_for(
        self, room: str, expected: set[str], *, timeout: float = 5.0
    ) -> dict[str, Delivery]:
        """Wait for deliveries of each event in `expected` about `room`; by event name."""
        deadline = time.monotonic() + timeout
        while True:
            found: dict[str, Delivery] = {}
            for delivery in list(self.receiver.deliveries):
                event = verify_webhook(self.settings, delivery.body, delivery.authorization)
                if event.room_name == room:
                    found.setdefault(event.event, delivery)
            if expected <= set(found) or time.monotonic() > deadline:
                assert expected <= set(found), f"no {expected - set(found)} within {timeout}s"
                return found
            time.sleep(0.05)


@pytest.fixture(scope="module")
def livekit(
    settings: Settings, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[LiveKitWithWebhooks]:
    with WebhookReceiver() as receiver:
        base = settings.model_copy(update={"public_url": receiver.url})
        folder: Path = tmp_path_factory.mktemp("livekit-webhooks")
        with throwaway_service("livekit", base, folder) as instance:
            yield LiveKitWithWebhooks(
                settings.model_copy(update=connection_overrides("livekit", instance.settings)),
                receiver,
            )


def _open_and_close(settings: Settings, room: str) -> str:
    """Create room `room`, then close it; its sid."""

    async def scenario() -> str:
        async with MediaRooms(settings) as rooms:
            created = await rooms.ensure_room(room, empty_timeout=10)
            assert await rooms.close_room(room) is True
            return created.sid

    return asyncio.run(scenario())


def test_room_started_and_finished_arrive_and_verify(livekit: LiveKitWithWebhooks) -> None:
    room = f"test-webhooks-{uuid.uuid4().hex[:12]}"
    sid = _open_and_close(livekit.settings, room)
    found = livekit.deliveries_for(room, {"room_started", "room_finished"})

    events: list[WebhookEvent] = []
    for name in ("room_started", "room_finished"):
        delivery = found[name]
        assert delivery.path == "/webhooks/livekit"
        assert delivery.content_type == "application/webhook+json"
        assert delivery.authorization is not None
        assert not delivery.authorization.startswith("Bearer")  # LiveKit sends the bare JWT
        event = verify_webhook(livekit.settings, delivery.body, delivery.authorization)
        assert (event.event, event.room_name, event.room_sid) == (name, room, sid)
        assert event.id.startswith("EV_")
        assert abs(event.created_at - dt.datetime.now(dt.UTC)) < dt.timedelta(minutes=1)
        assert (event.participant_identity, event.track, event.egress) == (None, None, None)
        events.append(event)
    assert events[0].id != events[1].id


def test_participant_and_track_events_name_the_user(livekit: LiveKitWithWebhooks) -> None:
    room = f"test-webhooks-{uuid.uuid4().hex[:12]}"
    user_id = uuid.uuid4()

    async def scenario() -> None:
        async with MediaRooms(livekit.settings) as rooms:
            await rooms.ensure_room(room, empty_timeout=10)
            token = mint_join_token(
                livekit.settings, room=room, user_id=user_id, display_name="Host", role="host"
            )
            client = rtc.Room()
            await client.connect(livekit.settings.livekit_url, token)
            try:
                track = rtc.LocalAudioTrack.create_audio_track("mic", rtc.AudioSource(48000, 1))
                options = rtc.TrackPublishOptions(source=rtc.TrackSource.SOURCE_MICROPHONE)
                publication = await client.local_participant.publish_track(track, options)
                # The server lists (and announces) the track once its offer is answered,
                # a moment after publish_track returns; leaving earlier announces nothing.
                deadline = time.monotonic() + 3
                while not any(
                    t.sid == publication.sid
                    for p in await rooms.list_participants(room)
                    for t in p.tracks
                ):
                    assert time.monotonic() < deadline, "the server never listed the track"
                    await asyncio.sleep(0.05)
            finally:
                await client.disconnect()
                await rooms.close_room(room)

    asyncio.run(scenario())
    expected = {"participant_joined", "track_published", "participant_left", "room_finished"}
    found = livekit.deliveries_for(room, expected)
    events = {
        name: verify_webhook(livekit.settings, d.body, d.authorization) for name, d in found.items()
    }
    for name in ("participant_joined", "track_published", "participant_left"):
        assert events[name].participant_identity == str(user_id), name
        assert (events[name].participant_sid or "").startswith("PA_"), name
    published = events["track_published"].track
    assert published is not None
    assert (published.kind, published.source, published.name) == ("audio", "microphone", "mic")
    assert published.sid.startswith("TR_")


def test_an_altered_or_unsigned_delivery_is_refused(livekit: LiveKitWithWebhooks) -> None:
    room = f"test-webhooks-{uuid.uuid4().hex[:12]}"
    _open_and_close(livekit.settings, room)
    delivery = livekit.deliveries_for(room, {"room_started"})["room_started"]
    assert verify_webhook(livekit.settings, delivery.body, delivery.authorization)

    # One byte of the body changed: the token's sha256 no longer matches.
    position = delivery.body.index(room.encode())
    tampered = delivery.body[:position] + b"X" + delivery.body[position + 1 :]
    with pytest.raises(InvalidWebhook, match="hash mismatch"):
        verify_webhook(livekit.settings, tampered, delivery.authorization)

    # The real body, signed with another secret.
    digest = base64.b64encode(hashlib.sha256(delivery.body).digest()).decode()
    forged = (
        livekit_api.AccessToken(livekit.settings.livekit_api_key, "f" * 48)
        .with_sha256(digest)
        .to_jwt()
    )
    with pytest.raises(InvalidWebhook, match="InvalidSignatureError"):
        verify_webhook(livekit.settings, delivery.body, forged)

    # The real delivery, checked by an api that holds another secret.
    other = livekit.settings.model_copy(update={"livekit_api_secret": SecretStr("o" * 48)})
    with pytest.raises(InvalidWebhook, match="InvalidSignatureError"):
        verify_webhook(other, delivery.body, delivery.authorization)

    for authorization in (None, ""):
        with pytest.raises(InvalidWebhook, match="no Authorization header"):
            verify_webhook(livekit.settings, delivery.body, authorization)


def test_a_receipt_is_recorded_once(livekit: LiveKitWithWebhooks, engine: sa.Engine) -> None:
    room = f"test-webhooks-{uuid.uuid4().hex[:12]}"
    _open_and_close(livekit.settings, room)
    delivery = livekit.deliveries_for(room, {"room_finished"})["room_finished"]
    event = verify_webhook(livekit.settings, delivery.body, delivery.authorization)

    receipt = sa.select(WebhookReceipt.provider).where(WebhookReceipt.event_id == event.id)
    try:
        with Session(engine) as db, db.begin():
            assert record_receipt(db, event.id) is True
            assert record_receipt(db, event.id) is False
        # Committed: the same event delivered again, in a new transaction, is a duplicate.
        with Session(engine) as db, db.begin():
            assert record_receipt(db, event.id) is False
            assert db.execute(receipt).scalars().all() == [WebhookProvider.livekit]
    finally:
        with Session(engine) as db, db.begin():
            db.execute(sa.delete(WebhookReceipt).where(WebhookReceipt.event_id == event.id))
