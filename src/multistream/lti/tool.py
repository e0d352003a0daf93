"""`pylti1p3` on our stack: the small adapters its framework-neutral classes ask for.

- `ToolRequest`: the parameters (query and form) and cookies of one request;
- `ToolCookies`: reads the flow's cookies, and collects the ones to set (the route writes
  them `SameSite=None; Secure; HttpOnly; Path=/lti`: the LMS frames the tool, so the
  launch's POST comes from another site);
- `RedisLaunchData`: state parameters, nonces and launch data in Redis with a time to live,
  keyed by the browser's flow cookie (so a state or nonce is bound to that browser);
- `DatabaseToolConf`: the registered platforms, read from the database, with the tool key.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from pylti1p3.cookie import CookieService
from pylti1p3.deployment import Deployment
from pylti1p3.launch_data_storage.base import LaunchDataStorage
from pylti1p3.message_launch import MessageLaunch
from pylti1p3.oidc_login import OIDCLogin
from pylti1p3.redirect import Redirect
from pylti1p3.registration import Registration
from pylti1p3.request import Request
from pylti1p3.session import SessionService
from pylti1p3.tool_config.abstract import ToolConfAbstract
from redis import Redis
from sqlalchemy.orm import Session

from multistream.auth.keys import LocalKeyStore, public_jwk
from multistream.lti.models import LtiDeployment, LtiPlatform
from multistream.settings import Settings

COOKIE_PREFIX = "lti1p3-"


class ToolKey:
    """The tool's RSA key: from the environment (MULTISTREAM_LTI_PRIVATE_KEY or …_FILE), or
    generated on first run in `{data_dir}/lti-keys` as the local provider does for its own."""

    def __init__(self, settings: Settings) -> None:
        pem: bytes | None = None
        if settings.lti_private_key is not None:
            pem = settings.lti_private_key.get_secret_value().encode()
        elif settings.lti_private_key_file is not None:
            pem = Path(settings.lti_private_key_file).read_bytes()
        if pem is None:
            self._store: LocalKeyStore | None = LocalKeyStore(settings.data_dir / "lti-keys")
            self._key: rsa.RSAPrivateKey | None = None
        else:
            key = serialization.load_pem_private_key(pem, password=None)
            if not isinstance(key, rsa.RSAPrivateKey):
                raise ValueError("MULTISTREAM_LTI_PRIVATE_KEY must be an RSA private key")
            self._store, self._key = None, key

    def private_key(self) -> tuple[str, rsa.RSAPrivateKey]:
        if self._store is not None:
            return self._store.signing_key()
        assert self._key is not None
        return public_jwk(self._key.public_key())["kid"], self._key

    def private_pem(self) -> str:
        return (
            self.private_key()[1]
            .private_bytes(
                serialization.Encoding.PEM,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            )
            .decode()
        )

    def public_pem(self) -> str:
        public = self.private_key()[1].public_key()
        return public.public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        ).decode()

    def jwks(self) -> dict[str, Any]:
        if self._store is not None:
            return self._store.jwks()
        return {"keys": [public_jwk(self.private_key()[1].public_key())]}


class ToolRequest(Request):
    def __init__(
        self, params: Mapping[str, str], cookies: Mapping[str, str], *, secure: bool
    ) -> None:
        self._params = dict(params)
        self.cookies = dict(cookies)
        self._secure = secure

    def is_secure(self) -> bool:
        return self._secure

    def get_param(self, key: str) -> str:
        return self._params.get(key, "")


class ToolCookies(CookieService):
    def __init__(self, request: ToolRequest) -> None:
        self._request = request
        self.to_set: dict[str, tuple[str, int | None]] = {}

    def _name(self, name: str) -> str:
        return COOKIE_PREFIX + name

    def get_cookie(self, name: str) -> str | None:
        return self._request.cookies.get(self._name(name))

    def set_cookie(self, name: str, value: str | int, exp: int | None = 3600) -> None:
        self.to_set[self._name(name)] = (str(value), exp)


class RedisLaunchData(LaunchDataStorage[Any]):
    """pylti1p3's launch data store on Redis. Every key carries the browser's flow cookie
    (`lti1p3-session-id`), so a state or nonce saved at login is found only by a launch
    from the same browser."""

    def __init__(self, redis: Redis, *, lifetime: int) -> None:
        super().__init__()
        self._redis = redis
        self._lifetime = lifetime

    def can_set_keys_expiration(self) -> bool:
        return True

    def get_value(self, key: str) -> Any:
        raw = self._redis.get(self._prepare_key(key))
        return json.loads(raw) if raw is not None else None

    def set_value(self, key: str, value: Any, exp: int | None = None) -> None:
        ttl = min(exp or self._lifetime, self._lifetime)
        self._redis.set(self._prepare_key(key), json.dumps(value), ex=ttl)

    def check_value(self, key: str) -> bool:
        return bool(self._redis.exists(self._prepare_key(key)))

    def remove_value(self, key: str) -> None:
        self._redis.delete(self._prepare_key(key))


class DatabaseToolConf(ToolConfAbstract[ToolRequest]):
    """The registered platforms. Every issuer may have several client ids."""

    def __init__(self, db: Session, key: ToolKey) -> None:
        self._db = db
        self._key = key
        self.platform: LtiPlatform | None = None

    def check_iss_has_one_client(self, iss: str) -> bool:
        return False

    def check_iss_has_many_clients(self, iss: str) -> bool:
        return True

    def find_platform(self, iss: str, client_id: str | None) -> LtiPlatform | None:
        query = sa.select(LtiPlatform).where(LtiPlatform.issuer == iss)
        if client_id:
            query = query.where(LtiPlatform.client_id == client_id)
        found = self._db.scalars(query.limit(2)).all()
        return found[0] if len(found) == 1 else None

    def registration_of(self, platform: LtiPlatform) -> Registration:
        self.platform = platform
        return (
            Registration()
            .set_issuer(platform.issuer)
            .set_client_id(platform.client_id)
            .set_auth_login_url(platform.auth_login_url)
            .set_auth_token_url(platform.auth_token_url)
            .set_key_set_url(platform.key_set_url)
            .set_tool_private_key(self._key.private_pem())
            .set_tool_public_key(self._key.public_pem())
        )

    def find_registration_by_issuer(self, iss: str, *args: Any, **kwargs: Any) -> Registration:
        return self.find_registration_by_params(iss, "", *args, **kwargs)

    def find_registration_by_params(
        self, iss: str, client_id: str, *args: Any, **kwargs: Any
    ) -> Registration:
        platform = self.find_platform(iss, client_id or None)
        return self.registration_of(platform) if platform else None  # type: ignore[return-value]

    def find_deployment(self, iss: str, deployment_id: str) -> Deployment | None:
        return self.find_deployment_by_params(iss, deployment_id, "")

    def find_deployment_by_params(
        self, iss: str, deployment_id: str, client_id: str, *args: Any, **kwargs: Any
    ) -> Deployment | None:
        platform = self.find_platform(iss, client_id or None)
        if platform is None:
            return None
        known = self._db.get(LtiDeployment, (platform.id, deployment_id))
        return Deployment().set_deployment_id(deployment_id) if known else None


class _UrlRedirect(Redirect[str]):
    def __init__(self, url: str) -> None:
        self._url = url

    def do_redirect(self) -> str:
        return self._url

    def do_js_redirect(self) -> str:
        return self._url

    def set_redirect_url(self, location: str) -> None:
        self._url = location

    def get_redirect_url(self) -> str:
        return self._url


class ToolLogin(OIDCLogin[ToolRequest, DatabaseToolConf, SessionService, ToolCookies, str]):
    """The OIDC login: its `redirect` answers the platform's authorization URL."""

    def get_redirect(self, url: str) -> Redirect[str]:
        return _UrlRedirect(url)


class ToolLaunch(MessageLaunch[ToolRequest, DatabaseToolConf, SessionService, ToolCookies]):
    def _get_request_param(self, key: str) -> str:
        return self._request.get_param(key)
