"""Accounts and sessions of people: local sign-up and sign-in, token refresh, Clerk users.

Sign-in answers the same for "no such account" and "wrong password", and takes as long
(a dummy argon2 verification). Failed sign-ins are counted in Redis by the rate limiter,
per client address and per account and address (`multistream.ratelimit`): past
`login_max_failures` in a row, attempts from that address wait longer and longer, but
the account is never locked for its owner elsewhere. Unknown emails are counted the same
way, so the waits do not reveal which emails have accounts either.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import secrets
import uuid
from typing import Any

import sqlalchemy as sa
import structlog
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.orm import Session

from multistream.auth import passwords
from multistream.auth.keys import LocalKeyStore
from multistream.auth.models import AuthProvider, LocalCredential, RefreshToken, User
from multistream.auth.schemas import AccessGrant, UserRead
from multistream.auth.tokens import VerifiedToken, issue_access_token
from multistream.db.base import new_id
from multistream.problems import Problem, field_problem
from multistream.ratelimit import AddressKind, RateLimiter
from multistream.settings import Settings

log = structlog.get_logger(__name__)


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def invalid_credentials() -> Problem:
    return Problem(401, "invalid-credentials", "Sign-in failed", "Email or password is incorrect.")


def too_many_attempts(retry_after: int) -> Problem:
    when = f"{retry_after} s" if retry_after < 120 else f"about {round(retry_after / 60)} minutes"
    return Problem(
        429,
        "too-many-attempts",
        "Too many attempts",
        f"Too many failed sign-ins from your network. Try again in {when}.",
        retry_after=retry_after,
    )


def invalid_refresh_token() -> Problem:
    return Problem(
        401,
        "invalid-refresh-token",
        "Session expired",
        "Your session has expired or was signed out. Sign in again.",
    )


@dataclasses.dataclass(frozen=True)
class Issued:
    """What sign-up, sign-in and refresh hand out: the body, and the refresh token the
    route puts in its HttpOnly cookie (never in the body)."""

    grant: AccessGrant
    refresh_token: str
    cross_site: bool = False
    """The cookie must be `SameSite=None; Secure` (an LTI sign-in, inside an iframe)."""


@dataclasses.dataclass(frozen=True)
class Refused:
    """A refusal whose side effects (a failure count, a revoked family) must be committed."""

    problem: Problem


# --- token issuing -----------------------------------------------------------------------


def _hash_refresh_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _issue(
    db: Session,
    *,
    settings: Settings,
    keys: LocalKeyStore,
    user: User,
    authorized_party: str,
    family_id: uuid.UUID | None = None,
    cross_site: bool = False,
) -> Issued:
    """Tokens for `user`: the next of a refresh token's family, or (without `family_id`)
    the first of a new one, as a sign-up or a sign-in starts."""
    family_id = family_id or new_id()
    now = _now()
    refresh_token = secrets.token_urlsafe(48)
    db.add(
        RefreshToken(
            user_id=user.id,
            family_id=family_id,
            token_hash=_hash_refresh_token(refresh_token),
            created_at=now,
            expires_at=now + dt.timedelta(seconds=settings.refresh_token_ttl_seconds),
            cross_site=cross_site,
        )
    )
    access_token = issue_access_token(
        keys,
        issuer=settings.local_issuer,
        subject=user.id,
        session_id=family_id,
        authorized_party=authorized_party,
        ttl_seconds=settings.access_token_ttl_seconds,
        now=now,
    )
    grant = AccessGrant(
        access_token=access_token,
        expires_in=settings.access_token_ttl_seconds,
        user=UserRead.model_validate(user),
    )
    return Issued(grant, refresh_token, cross_site)


def _find_local_user(db: Session, email: str) -> User | None:
    return db.scalars(
        sa.select(User).where(
            User.auth_provider == AuthProvider.local,
            sa.func.lower(User.email) == email.lower(),
            User.deleted_at.is_(None),
        )
    ).one_or_none()


# --- sign-up and sign-in -----------------------------------------------------------------


def signup(
    db: Session,
    *,
    settings: Settings,
    keys: LocalKeyStore,
    email: str,
    password: str,
    display_name: str,
    authorized_party: str,
    limiter: RateLimiter,
    address: str,
) -> Issued:
    limiter.hit_address(AddressKind.signups, address)
    if _find_local_user(db, email) is not None:
        raise field_problem(
            "An account with this email already exists. Sign in instead.",
            field="email",
            message="already registered",
            refusal=(409, "email-taken", "Email already registered"),
        )
    user = User(
        id=new_id(), auth_provider=AuthProvider.local, email=email, display_name=display_name
    )
    db.add(user)
    db.flush()
    db.add(LocalCredential(user_id=user.id, password_hash=passwords.hash_password(password)))
    return _issue(db, settings=settings, keys=keys, user=user, authorized_party=authorized_party)


def sign_in(
    db: Session,
    *,
    settings: Settings,
    keys: LocalKeyStore,
    user: User,
    authorized_party: str,
    cross_site: bool,
) -> Issued:
    """Start a sign-in for a user another party vouched for (an LTI launch): a new refresh
    family and its first access token."""
    return _issue(
        db,
        settings=settings,
        keys=keys,
        user=user,
        authorized_party=authorized_party,
        cross_site=cross_site,
    )


def login(
    db: Session,
    *,
    settings: Settings,
    keys: LocalKeyStore,
    limiter: RateLimiter,
    address: str,
    email: str,
    password: str,
    authorized_party: str,
) -> Issued | Refused:
    wait = max(
        limiter.address_wait(AddressKind.login_failures, address),
        limiter.login_wait(account=email, address=address),
    )
    if wait:
        return Refused(too_many_attempts(wait))

    user = _find_local_user(db, email)
    credential = db.get(LocalCredential, user.id) if user else None
    # An unknown email costs the same argon2 work as a wrong password.
    if not passwords.verify_password(credential.password_hash if credential else None, password):
        limiter.count_address(AddressKind.login_failures, address)
        limiter.login_failed(account=email, address=address)
        return Refused(invalid_credentials())

    assert user is not None
    assert credential is not None
    limiter.login_succeeded(account=email, address=address)
    if passwords.needs_rehash(credential.password_hash):
        credential.password_hash = passwords.hash_password(password)
    return _issue(db, settings=settings, keys=keys, user=user, authorized_party=authorized_party)


def refresh(
    db: Session,
    *,
    settings: Settings,
    keys: LocalKeyStore,
    refresh_token: str | None,
    authorized_party: str,
) -> Issued | Refused:
    """Rotate a refresh token. A token presented twice revokes its whole family."""
    now = _now()
    if not refresh_token:
        return Refused(invalid_refresh_token())
    stored = db.scalars(
        sa.select(RefreshToken)
        .where(RefreshToken.token_hash == _hash_refresh_token(refresh_token))
        .with_for_update()
    ).one_or_none()
    if stored is None or stored.revoked_at is not None or stored.expires_at <= now:
        return Refused(invalid_refresh_token())
    if stored.used_at is not None:
        db.execute(
            sa.update(RefreshToken)
            .where(RefreshToken.family_id == stored.family_id, RefreshToken.revoked_at.is_(None))
            .values(revoked_at=now)
        )
        log.warning("refresh token reused; family revoked", user_id=str(stored.user_id))
        return Refused(invalid_refresh_token())
    user = db.get(User, stored.user_id)
    if user is None or user.deleted_at is not None:
        return Refused(invalid_refresh_token())
    stored.used_at = now
    return _issue(
        db,
        settings=settings,
        keys=keys,
        user=user,
        family_id=stored.family_id,
        authorized_party=authorized_party,
        cross_site=stored.cross_site,
    )


def logout(db: Session, *, refresh_token: str | None) -> None:
    """Revoke the family of a refresh token (any of its generations): the refresh token
    stops working, and so do the access tokens issued in that family (`sid`)."""
    if not refresh_token:
        return
    family_id = db.scalars(
        sa.select(RefreshToken.family_id).where(
            RefreshToken.token_hash == _hash_refresh_token(refresh_token)
        )
    ).one_or_none()
    if family_id is None:
        return
    db.execute(
        sa.update(RefreshToken)
        .where(RefreshToken.family_id == family_id, RefreshToken.revoked_at.is_(None))
        .values(revoked_at=_now())
    )


def _family(session_id: str | None) -> uuid.UUID | None:
    """The sign-in family an access token's `sid` names: the local provider's `sid` is
    always a family id; a token signed by our key with another `sid` has no family to end."""
    try:
        return uuid.UUID(session_id or "")
    except ValueError:
        return None


# --- who is calling ----------------------------------------------------------------------

LOCAL_USER = (
    User.id == sa.bindparam("user_id"),
    User.deleted_at.is_(None),
    # The sign-in the token belongs to was not signed out (nor its refresh token replayed):
    # one indexed lookup, asked in the query that reads the user.
    ~sa.exists().where(
        RefreshToken.family_id == sa.bindparam("family_id"),
        RefreshToken.revoked_at.is_not(None),
    ),
)
"""Where the user of a local access token is, unless deleted or signed out, on the bind
parameters of `local_user_parameters`: `_LOCAL_USER`, and the class guard's one statement
(`access.service.caller_session_access`). A null family id matches no refresh token."""
_LOCAL_USER = sa.select(User).where(*LOCAL_USER)
"""Built once: every authenticated request runs it."""


def local_user_parameters(token: VerifiedToken) -> dict[str, uuid.UUID | None] | None:
    """The bind parameters of `LOCAL_USER` for a local access token; None when its subject
    names no user."""
    try:
        user_id = uuid.UUID(token.subject)
    except ValueError:
        return None
    return {"user_id": user_id, "family_id": _family(token.session_id)}


def user_for_token(db: Session, *, settings: Settings, token: VerifiedToken) -> User | None:
    """The user a verified token speaks for; Clerk users are created on first sight."""
    if settings.auth_provider == "local":
        parameters = local_user_parameters(token)
        if parameters is None:
            return None
        # One round trip: the user, unless deleted or the sign-in was ended.
        return db.scalars(_LOCAL_USER, parameters).one_or_none()

    user = db.scalars(
        sa.select(User).where(
            User.auth_provider == AuthProvider.clerk, User.external_id == token.subject
        )
    ).one_or_none()
    if user is None:
        # The webhook may not have arrived yet; it fills in the profile when it does.
        user = upsert_clerk_user(db, external_id=token.subject, data=token.claims)
    return user if user.deleted_at is None else None


def _clerk_profile(data: dict[str, Any]) -> tuple[str | None, str]:
    """Email and display name from a Clerk user object (webhook) or token claims."""
    email = data.get("email")
    addresses = data.get("email_addresses") or []
    primary = data.get("primary_email_address_id")
    for address in addresses:
        if isinstance(address, dict) and (primary is None or address.get("id") == primary):
            email = address.get("email_address") or email
            break
    full_name = (
        " ".join(part for part in (data.get("first_name"), data.get("last_name")) if part)
        or data.get("name")
        or data.get("username")
    )
    display = str(full_name or (email.split("@")[0] if email else "Clerk user")).strip()
    return email, display[:100] or "Clerk user"


def upsert_clerk_user(db: Session, *, external_id: str, data: dict[str, Any]) -> User:
    email, display_name = _clerk_profile(data)
    statement = (
        pg_insert(User)
        .values(
            id=new_id(),
            auth_provider=AuthProvider.clerk,
            external_id=external_id,
            email=email,
            display_name=display_name,
        )
        .on_conflict_do_update(
            index_elements=[User.auth_provider, User.external_id],
            set_={"email": email, "display_name": display_name, "deleted_at": None},
        )
        .returning(User.id)
    )
    user_id = db.execute(statement).scalar_one()
    user = db.get(User, user_id, populate_existing=True)
    assert user is not None
    return user


def apply_clerk_event(db: Session, *, event_type: str, data: dict[str, Any]) -> None:
    """Keep `users` in step with Clerk's user.created / user.updated / user.deleted."""
    external_id = data.get("id")
    if not isinstance(external_id, str) or not external_id:
        raise Problem(
            422, "validation", "Invalid webhook", "The Clerk event has no user id.", errors=[]
        )
    if event_type in ("user.created", "user.updated"):
        upsert_clerk_user(db, external_id=external_id, data=data)
    elif event_type == "user.deleted":
        db.execute(
            sa.update(User)
            .where(User.auth_provider == AuthProvider.clerk, User.external_id == external_id)
            .values(deleted_at=_now())
        )
    else:
        log.info("clerk event ignored", event_type=event_type)
