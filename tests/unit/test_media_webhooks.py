"""verify_webhook on deliveries signed here the way LiveKit signs them.

The signing uses livekit-api's own `AccessToken` with a `sha256` claim, exactly as the
server does; tests/integration/test_media_webhooks.py checks real deliveries from a real
server. These cover the event kinds a local server cannot send (egress) and every way a
delivery can be wrong.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib

import pytest
from google.protobuf.json_format import MessageToJson
from livekit import api as livekit_api
from pydantic import SecretStr

from multistream.media.errors import InvalidWebhook
from multistream.media.schemas import EgressFile, MediaTrack
from multistream.media.webhooks import verify_webhook
from multistream.settings import Settings

CREATED_AT = 1_795_000_000


def _sign(body: bytes, *, key: str, secret: str, ttl: dt.timedelta | None = None) -> str:
    digest = base64.b64encode(hashlib.sha256(body).digest()).decode()
    token = livekit_api.AccessToken(key, secret).with_sha256(digest)
    return token.with_ttl(ttl or dt.timedelta(minutes=5)).to_jwt()


def _signed(settings: Settings, event: livekit_api.WebhookEvent) -> tuple[bytes, str]:
    body = MessageToJson(event).encode()
    key, secret = settings.livekit_api_key, settings.livekit_api_secret.get_secret_value()
    return body, _sign(body, key=key, secret=secret)


def _track_published() -> livekit_api.WebhookEvent:
    return livekit_api.WebhookEvent(
        event="track_published",
        id="EV_track",
        created_at=CREATED_AT,
        room=livekit_api.Room(name="session-room", sid="RM_1"),
        participant=livekit_api.ParticipantInfo(identity="user-1", sid="PA_1"),
        track=livekit_api.TrackInfo(
            sid="TR_1",
            name="mic",
            type=livekit_api.TrackType.AUDIO,
            source=livekit_api.TrackSource.MICROPHONE,
            mime_type="audio/opus",
        ),
    )


def test_a_signed_track_event_is_parsed(settings: Settings) -> None:
    body, authorization = _signed(settings, _track_published())
    event = verify_webhook(settings, body, authorization)
    assert event.id == "EV_track"
    assert event.event == "track_published"
    assert event.created_at == dt.datetime.fromtimestamp(CREATED_AT, dt.UTC)
    assert (event.room_name, event.room_sid) == ("session-room", "RM_1")
    assert (event.participant_identity, event.participant_sid) == ("user-1", "PA_1")
    assert event.track == MediaTrack(
        sid="TR_1",
        name="mic",
        kind="audio",
        source="microphone",
        muted=False,
        mime_type="audio/opus",
    )
    assert event.egress is None


def test_an_egress_event_carries_its_files(settings: Settings) -> None:
    started_ns, ended_ns = CREATED_AT * 10**9, (CREATED_AT + 90) * 10**9
    egress = livekit_api.EgressInfo(
        egress_id="EG_1",
        room_name="session-room",
        status=livekit_api.EgressStatus.EGRESS_COMPLETE,
        started_at=started_ns,
        ended_at=ended_ns,
        file_results=[
            livekit_api.FileInfo(
                filename="sessions/1/recording.mp4",
                location="s3://multistream/sessions/1/recording.mp4",
                size=123_456,
                duration=90 * 10**9,
                started_at=started_ns,
                ended_at=ended_ns,
            )
        ],
    )
    message = livekit_api.WebhookEvent(
        event="egress_ended", id="EV_egress", created_at=CREATED_AT, egress_info=egress
    )
    event = verify_webhook(settings, *_signed(settings, message))
    assert event.room_name == "session-room"  # from the egress: the event has no room
    assert event.participant_identity is None
    assert event.egress is not None
    assert (event.egress.egress_id, event.egress.status, event.egress.error) == (
        "EG_1",
        "complete",
        None,
    )
    assert event.egress.ended_at == dt.datetime.fromtimestamp(CREATED_AT + 90, dt.UTC)
    assert event.egress.files == (
        EgressFile(
            filename="sessions/1/recording.mp4",
            location="s3://multistream/sessions/1/recording.mp4",
            size_bytes=123_456,
            duration_ms=90_000,
            started_at=dt.datetime.fromtimestamp(CREATED_AT, dt.UTC),
            ended_at=dt.datetime.fromtimestamp(CREATED_AT + 90, dt.UTC),
        ),
    )


def test_a_bearer_prefix_is_accepted(settings: Settings) -> None:
    body, authorization = _signed(settings, _track_published())
    assert verify_webhook(settings, body, f"Bearer {authorization}").id == "EV_track"


def test_missing_authorization_is_refused(settings: Settings) -> None:
    body, _ = _signed(settings, _track_published())
    for authorization in (None, ""):
        with pytest.raises(InvalidWebhook, match="Authorization"):
            verify_webhook(settings, body, authorization)


def test_a_changed_body_is_refused(settings: Settings) -> None:
    body, authorization = _signed(settings, _track_published())
    tampered = body.replace(b"user-1", b"user-2")
    with pytest.raises(InvalidWebhook, match="hash mismatch"):
        verify_webhook(settings, tampered, authorization)


def test_another_secret_or_key_is_refused(settings: Settings) -> None:
    body = MessageToJson(_track_published()).encode()
    secret = settings.livekit_api_secret.get_secret_value()
    wrong_secret = _sign(body, key=settings.livekit_api_key, secret="s" * 48)
    with pytest.raises(InvalidWebhook, match="InvalidSignatureError"):
        verify_webhook(settings, body, wrong_secret)
    wrong_key = _sign(body, key="someone-else", secret=secret)
    with pytest.raises(InvalidWebhook, match="InvalidIssuerError"):
        verify_webhook(settings, body, wrong_key)
    other = settings.model_copy(update={"livekit_api_secret": SecretStr("s" * 48)})
    with pytest.raises(InvalidWebhook):
        verify_webhook(other, *_signed(settings, _track_published()))


def test_an_expired_token_is_refused(settings: Settings) -> None:
    body = MessageToJson(_track_published()).encode()
    stale = _sign(
        body,
        key=settings.livekit_api_key,
        secret=settings.livekit_api_secret.get_secret_value(),
        ttl=dt.timedelta(minutes=-2),  # past the verifier's one-minute leeway
    )
    with pytest.raises(InvalidWebhook, match="ExpiredSignatureError"):
        verify_webhook(settings, body, stale)


def test_a_token_without_a_body_hash_is_refused(settings: Settings) -> None:
    body = MessageToJson(_track_published()).encode()
    plain = livekit_api.AccessToken(
        settings.livekit_api_key, settings.livekit_api_secret.get_secret_value()
    ).to_jwt()
    with pytest.raises(InvalidWebhook, match="sha256"):
        verify_webhook(settings, body, plain)


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        (b"\xff\xfe not utf-8", "UTF-8"),
        (b"not json", "ParseError"),
        (b'{"event": "room_started"}', "no event id"),
        (b'{"id": "EV_1"}', "no event id"),
    ],
)
def test_a_body_that_is_not_an_event_is_refused(
    settings: Settings, body: bytes, reason: str
) -> None:
    key, secret = settings.livekit_api_key, settings.livekit_api_secret.get_secret_value()
    with pytest.raises(InvalidWebhook, match=reason):
        verify_webhook(settings, body, _sign(body, key=key, secret=secret))
