"""`GET /auth/config`: which sign-in the web app shows, read before its first screen.

One build of the web app serves every deployment: the local provider's forms by default,
Clerk's React SDK when `MULTISTREAM_AUTH_PROVIDER=clerk` (with its publishable key).
"""

from __future__ import annotations

from fastapi import APIRouter

from multistream.auth.schemas import SignInConfig
from multistream.dependencies import AppResources

router = APIRouter(prefix="/auth", tags=["auth"])


@router.get("/config", summary="How the web app signs people in")
def sign_in_config(resources: AppResources) -> SignInConfig:
    settings = resources.settings
    if settings.auth_provider == "clerk":
        return SignInConfig(
            provider="clerk", clerk_publishable_key=settings.clerk_publishable_key or None
        )
    return SignInConfig(provider="local")
