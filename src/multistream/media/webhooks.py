"""LiveKit's webhooks: verify a delivery, and record it so it is processed once.

LiveKit POSTs each event as JSON (`Content-Type: application/webhook+json`) with an
`Authorization` header holding a bare JWT (no `Bearer`), signed HS256 with the API
secret, issued by the API key, valid for five minutes, whose `sha256` claim is the
base64 SHA-256 of the body. `verify_webhook` checks all of that with livekit-api's
`WebhookReceiver`; a delivery replayed within the five minutes verifies again, which is
why the route must also `record_receipt` the event id in the same transaction as its
effects.
"""

from __future__ import annotations

from livekit import api as livekit_api
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.orm import Session

from multistream.eventlog.models import WebhookProvider, WebhookReceipt
from multistream.media.errors import InvalidWebhook
from multistream.media.schemas import WebhookEvent
from multistream.settings import Settings


def verify_webhook(settings: Settings, body: bytes, authorization: str | None) -> WebhookEvent:
    """The event in `body`, once its `Authorization` header proves LiveKit sent it.

    Raises `InvalidWebhook` when the header is missing, the token is not signed with our
    API key and secret or has expired, the body does not hash to the token's `sha256`
    claim, or the body is not a LiveKit event with an id.
    """
    if not authorization:
        raise InvalidWebhook("no Authorization header")
    token = authorization.removeprefix("Bearer ").strip()
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InvalidWebhook("the body is not UTF-8") from exc
    verifier = livekit_api.TokenVerifier(
        settings.livekit_api_key, settings.livekit_api_secret.get_secret_value()
    )
    try:
        event = livekit_api.WebhookReceiver(verifier).receive(text, token)
    # The receiver raises PyJWT's errors for the token, a bare Exception for a missing
    # or mismatched body hash, and protobuf's ParseError for a body that is not an event.
    except Exception as exc:
        raise InvalidWebhook(f"the webhook did not verify: {type(exc).__name__}: {exc}") from exc
    if not event.id or not event.event:
        raise InvalidWebhook("the webhook has no event id or name")
    return WebhookEvent.from_proto(event)


def record_receipt(
    db: Session, event_id: str, *, provider: WebhookProvider = WebhookProvider.livekit
) -> bool:
    """Record `provider`'s event `event_id` as received; False when it was already. Clerk's
    webhook (`auth.routes`) deduplicates its deliveries with it too.

    Call it in the transaction that applies the event: the primary key of
    `webhook_receipts` makes a concurrent second delivery wait, then see the first.
    """
    first_time = db.execute(
        pg_insert(WebhookReceipt)
        .values(provider=provider, event_id=event_id)
        .on_conflict_do_nothing()
        .returning(WebhookReceipt.event_id)
    ).scalar_one_or_none()
    return first_time is not None
