"""Live media: LiveKit rooms (a class's recordings are `multistream.recording`'s).

The LiveKit boundary has no routes of its own; the session lifecycle calls it:

- `media.tokens`: `mint_join_token`, the access token a person joins a room with, and
  `signed_token`, which every token is made by (the recorder's too);
- `media.rooms`: `MediaRooms`, a session's room through LiveKit's server API (create,
  list participants, bring on or off stage, close);
- `media.webhooks`: `verify_webhook` and `record_receipt` for `/webhooks/livekit`;
- `media.schemas`: the plain values those return (`WebhookEvent`, `MediaParticipant`, …);
- `media.errors`: what can fail, split into "degrade" (`MediaUnavailable`) and "bug".
"""
