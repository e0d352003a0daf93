"""What production mode refuses to start with, each refusal saying what to set.

- secrets: a development default, or a value too short or too predictable (its length,
  and its entropy estimated from how often each character occurs);
- LiveKit: the development key, or a media URL without TLS (`ws://`);
- origins: localhost, loopback or Vite's dev server, or any origin without TLS;
- TLS: a public URL that is not `https://`, or no trusted proxy (TLS ends at a reverse
  proxy, whose address must be known for the client addresses to be right).
"""

from __future__ import annotations

import math
from collections import Counter
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

if TYPE_CHECKING:
    from multistream.settings import Settings

# Development defaults for secrets. Known to everyone, so refused in production.
DEV_POSTGRES_PASSWORD = "multistream-dev"  # noqa: S105
DEV_S3_SECRET_KEY = "multistream-dev-secret"  # noqa: S105
DEV_LIVEKIT_API_KEY = "multistream-dev"
DEV_LIVEKIT_API_SECRET = "multistream-dev-livekit-secret-0123456789abcdef"  # noqa: S105
DEV_SECRET_KEY = "multistream-dev-signing-key-change-me-in-production"  # noqa: S105

# LiveKit's own `--dev` key, and words that mark a value as a placeholder.
_DEV_LIVEKIT_KEYS = {DEV_LIVEKIT_API_KEY, "devkey"}
_PLACEHOLDERS = ("change-me", "changeme", "change_me", "replace-me", "example", "multistream-dev")
_LOOPBACK_HOSTS = {"localhost", "127.0.0.1", "::1", "0.0.0.0"}  # noqa: S104 - names, not binds

GENERATE = "e.g. `python -c 'import secrets; print(secrets.token_urlsafe(48))'`"


def estimated_bits(value: str) -> float:
    """Entropy of `value` estimated from its own character frequencies (Shannon), in bits:
    low for repeats and small alphabets; no credit for length made of the same few
    characters."""
    if not value:
        return 0.0
    counts = Counter(value)
    per_character = -sum(n / len(value) * math.log2(n / len(value)) for n in counts.values())
    return per_character * len(value)


def secret_weakness(value: str, *, min_length: int, min_bits: float) -> str | None:
    """Why `value` is too weak to be a production secret, or None."""
    lowered = value.lower()
    if marker := next((word for word in _PLACEHOLDERS if word in lowered), None):
        return f"looks like a placeholder (it contains {marker!r})"
    if len(value) < min_length:
        return f"is {len(value)} characters long; use at least {min_length}"
    if estimated_bits(value) < min_bits:
        return (
            f"is too predictable (about {estimated_bits(value):.0f} bits of entropy,"
            f" at least {min_bits:.0f} needed)"
        )
    return None


def _database_password(url: str) -> str:
    try:
        return urlsplit(url).password or ""
    except ValueError:
        return ""


def _is_development_origin(origin: str) -> bool:
    parts = urlsplit(origin)
    return parts.scheme != "https" or (parts.hostname or "") in _LOOPBACK_HOSTS


def production_refusals(settings: Settings) -> list[str]:
    """Each reason production mode refuses `settings`, naming the variable to set."""
    refusals = []
    secrets: dict[str, tuple[str, str, int, float]] = {
        "MULTISTREAM_SECRET_KEY": (settings.secret_key.get_secret_value(), DEV_SECRET_KEY, 32, 128),
    }
    if settings.media_enabled:
        secrets["LIVEKIT_API_SECRET"] = (
            settings.livekit_api_secret.get_secret_value(),
            DEV_LIVEKIT_API_SECRET,
            32,
            128,
        )
    if settings.storage_backend.value == "s3":
        secrets["S3_SECRET_ACCESS_KEY"] = (
            settings.s3_secret_access_key.get_secret_value(),
            DEV_S3_SECRET_KEY,
            20,
            80,
        )
    password = _database_password(settings.database_url)
    secrets["DATABASE_URL"] = (password, DEV_POSTGRES_PASSWORD, 16, 64)
    for name, (value, development, min_length, min_bits) in secrets.items():
        if name == "DATABASE_URL" and not value:
            continue  # no password in the URL: the server authenticates otherwise
        what = "the password in DATABASE_URL" if name == "DATABASE_URL" else name
        if value == development or (name == "DATABASE_URL" and DEV_POSTGRES_PASSWORD in value):
            refusals.append(f"{what} is the development default: set {name} ({GENERATE})")
        elif weakness := secret_weakness(value, min_length=min_length, min_bits=min_bits):
            refusals.append(f"{what} {weakness}: set {name} to a random value ({GENERATE})")

    if settings.media_enabled:
        if settings.livekit_api_key in _DEV_LIVEKIT_KEYS:
            refusals.append(
                f"LIVEKIT_API_KEY is a development key ({settings.livekit_api_key!r}): set"
                " LIVEKIT_API_KEY and LIVEKIT_API_SECRET to a key pair of your LiveKit"
                " server's `keys:`"
            )
        if not settings.livekit_url.startswith("wss://"):
            refusals.append(
                f"LIVEKIT_URL is {settings.livekit_url!r}: set it to your LiveKit server's"
                " wss:// URL (browsers on an https page cannot reach ws://)"
            )

    development_origins = [
        origin
        for origin in settings.allowed_origins
        if origin != settings.public_url and _is_development_origin(origin)
    ]
    if development_origins:
        refusals.append(
            f"MULTISTREAM_ALLOWED_ORIGINS has development or non-TLS origins"
            f" ({', '.join(development_origins)}): list only your web app's https:// origins,"
            ' e.g. ["https://class.example.edu"] (or leave it empty for the public URL alone)'
        )
    if not settings.public_url.startswith("https://"):
        refusals.append(
            f"MULTISTREAM_PUBLIC_URL is {settings.public_url!r}: set it to the https:// URL"
            " where browsers reach the api (TLS is required in production)"
        )
    if not settings.trusted_proxies:
        refusals.append(
            "MULTISTREAM_TRUSTED_PROXIES is empty: set it to the address(es) of the TLS"
            ' reverse proxy in front of the api, e.g. ["10.0.0.5"] or ["10.0.0.0/8"], so'
            " per-address limits see the clients' addresses"
        )
    return refusals
