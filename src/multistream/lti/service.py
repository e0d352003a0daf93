"""LTI transactions: registering platforms, the OIDC login, accepting a launch (the person
signed in, the course and membership made or linked), and the deep linking answer.

`pylti1p3` (`tool`) checks the login and the id_token (state bound to the browser's flow
cookie, signature against the platform's JWKS, issuer, client id, deployment, expiry);
then `domain.read_launch` checks the audience and reads the claims, and this module
accepts each nonce once (`lti_nonces`), whatever the library's session says.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import uuid
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

import sqlalchemy as sa
import structlog
from pylti1p3.session import SessionService
from redis import Redis
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.orm import Session

from multistream.auth import service as auth
from multistream.auth.keys import LocalKeyStore
from multistream.auth.models import AuthProvider, User
from multistream.courses.models import Course, CourseMember, CourseRole
from multistream.db.base import new_id, utcnow
from multistream.errors import DomainError
from multistream.lti import domain, roster_queue
from multistream.lti.models import (
    LtiContext,
    LtiDeployment,
    LtiNonce,
    LtiPlatform,
    LtiResourceLink,
    LtiUserLink,
)
from multistream.lti.schemas import PlatformRead
from multistream.lti.tool import (
    DatabaseToolConf,
    RedisLaunchData,
    ToolCookies,
    ToolKey,
    ToolLaunch,
    ToolLogin,
    ToolRequest,
)
from multistream.sessions.models import LiveSession
from multistream.settings import Settings

log = structlog.get_logger(__name__)


class CourseNotSetUp(DomainError):
    """A learner launched from an LMS course no teacher has opened Multistream from yet."""


# --- platforms (the CLI) ---------------------------------------------------------------


def _read(db: Session, platform: LtiPlatform) -> PlatformRead:
    deployments = db.scalars(
        sa.select(LtiDeployment.deployment_id)
        .where(LtiDeployment.platform_id == platform.id)
        .order_by(LtiDeployment.deployment_id)
    ).all()
    return PlatformRead.model_validate(
        {
            **{c: getattr(platform, c) for c in PlatformRead.model_fields if c != "deployment_ids"},
            "deployment_ids": list(deployments),
        }
    )


def add_platform(
    db: Session,
    *,
    issuer: str,
    client_id: str,
    auth_login_url: str,
    auth_token_url: str,
    key_set_url: str,
    deployment_ids: list[str],
    frame_origins: list[str] | None = None,
) -> PlatformRead:
    """Register a platform, or update its URLs and add deployment ids when it exists."""
    platform = db.scalars(
        sa.select(LtiPlatform).where(
            LtiPlatform.issuer == issuer, LtiPlatform.client_id == client_id
        )
    ).one_or_none()
    if platform is None:
        platform = LtiPlatform(id=new_id(), issuer=issuer, client_id=client_id)
        db.add(platform)
    platform.auth_login_url = auth_login_url
    platform.auth_token_url = auth_token_url
    platform.key_set_url = key_set_url
    if frame_origins is not None:
        platform.frame_origins = sorted({origin.rstrip("/") for origin in frame_origins})
    db.flush()
    for deployment_id in deployment_ids:
        db.execute(
            pg_insert(LtiDeployment)
            .values(platform_id=platform.id, deployment_id=deployment_id)
            .on_conflict_do_nothing()
        )
    return _read(db, platform)


def list_platforms(db: Session) -> list[PlatformRead]:
    platforms = db.scalars(sa.select(LtiPlatform).order_by(LtiPlatform.issuer)).all()
    return [_read(db, platform) for platform in platforms]


def remove_platform(db: Session, *, issuer: str, client_id: str) -> bool:
    """Forget a platform and its links (users and courses stay)."""
    result = db.execute(
        sa.delete(LtiPlatform).where(
            LtiPlatform.issuer == issuer, LtiPlatform.client_id == client_id
        )
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


def _origin(url: str) -> str | None:
    parts = urlsplit(url)
    if parts.scheme in ("http", "https") and parts.netloc:
        return f"{parts.scheme}://{parts.netloc}"
    return None


def platform_origins(db: Session) -> list[str]:
    """Who may frame the app: the origins of the registered platforms' issuers and login
    URLs, and the extra origins an operator named (`--frame-origin`)."""
    origins: set[str] = set()
    for platform in db.scalars(sa.select(LtiPlatform)):
        for url in (platform.issuer, platform.auth_login_url, *platform.frame_origins):
            if origin := _origin(url):
                origins.add(origin)
    return sorted(origins)


# --- the OIDC login and the launch -----------------------------------------------------


@dataclasses.dataclass(frozen=True)
class Flow:
    """One step of the browser's flow: where to send it, and the flow cookies to set."""

    location: str
    cookies: dict[str, tuple[str, int | None]]


def storage(redis: Redis, settings: Settings) -> RedisLaunchData:
    return RedisLaunchData(redis, lifetime=settings.lti_launch_state_seconds)


@dataclasses.dataclass(frozen=True)
class FlowRequest:
    """One request of the browser's LTI flow (its parameters and cookies), with what every
    step of the flow works with: the tool's key, the flow storage in Redis, the settings."""

    request: ToolRequest
    redis: Redis
    key: ToolKey
    settings: Settings

    @classmethod
    def of(
        cls,
        params: Mapping[str, str],
        cookies: Mapping[str, str],
        *,
        redis: Redis,
        key: ToolKey,
        settings: Settings,
    ) -> FlowRequest:
        return cls(ToolRequest(params, cookies, secure=settings.serves_tls), redis, key, settings)

    def param(self, name: str) -> str:
        return self.request.get_param(name)

    def tool(self, db: Session) -> Tool:
        """pylti1p3's services for this request: the platforms, the flow's session and
        cookies, and the launch data kept between the flow's steps."""
        return Tool(
            DatabaseToolConf(db, self.key),
            SessionService(self.request),
            ToolCookies(self.request),
            storage(self.redis, self.settings),
        )


@dataclasses.dataclass(frozen=True)
class Tool:
    conf: DatabaseToolConf
    session: SessionService
    cookies: ToolCookies
    launch_data: RedisLaunchData


def login(db: Session, flow: FlowRequest) -> Flow:
    """Third-party initiated login: answer the platform's authorization URL with a state
    (also in a cookie) and a nonce (in the browser's flow storage)."""
    tool = flow.tool(db)
    oidc = ToolLogin(flow.request, tool.conf, tool.session, tool.cookies, tool.launch_data)
    try:
        launch_url = f"{flow.settings.public_url}/lti/launch"
        location = oidc.get_redirect_object(launch_url).get_redirect_url()
    except Exception as exc:  # the library raises OIDCException and plain assertions
        raise domain.LoginRefused(f"The LMS's login request was refused: {exc}") from exc
    return Flow(location, tool.cookies.to_set)


@dataclasses.dataclass(frozen=True)
class Accepted:
    """A launch accepted: the person signed in, and where the browser goes next."""

    issued: auth.Issued
    location: str
    launch: domain.Launch
    launch_id: str
    course_id: uuid.UUID


def _verified_claims(db: Session, flow: FlowRequest) -> tuple[LtiPlatform, dict[str, Any], str]:
    tool = flow.tool(db)
    conf = tool.conf
    try:
        message = ToolLaunch(
            flow.request,
            conf,
            session_service=tool.session,
            cookie_service=tool.cookies,
            launch_data_storage=tool.launch_data,
        )
        claims = dict(message.validate().get_launch_data())
    except Exception as exc:  # LtiException, and what a hostile token makes the library raise
        log.info("lti launch refused", reason=str(exc))
        raise domain.LaunchRefused(f"The launch could not be verified: {exc}") from exc
    assert conf.platform is not None
    return conf.platform, claims, message.get_launch_id()


def _use_nonce(db: Session, platform: LtiPlatform, launch: domain.Launch) -> None:
    now = utcnow()
    db.execute(sa.delete(LtiNonce).where(LtiNonce.expires_at < now))
    expires = dt.datetime.fromtimestamp(max(launch.expires_at, int(now.timestamp())), dt.UTC)
    accepted = db.execute(
        pg_insert(LtiNonce)
        .values(platform_id=platform.id, nonce=launch.nonce, expires_at=expires)
        .on_conflict_do_nothing()
        .returning(LtiNonce.nonce)
    ).scalar_one_or_none()
    if accepted is None:
        raise domain.LaunchRefused("This launch was already used; open the tool again.")


def link_person(
    db: Session, platform: LtiPlatform, subject: str, *, display_name: str, email: str | None
) -> User:
    """The user the platform's `sub` signs in as: linked before, or a new `lti` user. An
    account the LMS made keeps the LMS's name and email."""
    link = db.get(LtiUserLink, (platform.id, subject))
    if link is not None:
        user = db.get(User, link.user_id)
        if user is not None and user.deleted_at is None:
            if user.auth_provider is AuthProvider.lti:
                user.display_name, user.email = display_name, email
            return user
        db.delete(link)
        db.flush()
    user_id = new_id()
    # After a deleted account, the new one needs an id of its own (the old row stays).
    external_id = f"{platform.id}:{subject}" + (f":{user_id}" if link is not None else "")
    user = User(
        id=user_id,
        auth_provider=AuthProvider.lti,
        external_id=external_id,
        email=email,
        display_name=display_name,
    )
    db.add(user)
    db.flush()
    db.add(LtiUserLink(platform_id=platform.id, subject=subject, user_id=user.id))
    db.flush()
    return user


def _course(db: Session, platform: LtiPlatform, launch: domain.Launch, user: User) -> Course:
    # Two first launches of one LMS course at once make one course.
    db.execute(
        sa.select(
            sa.func.pg_advisory_xact_lock(
                sa.func.hashtextextended(f"lti:{platform.id}:{launch.context_id}", 0)
            )
        )
    )
    context = db.get(LtiContext, (platform.id, launch.context_id))
    if context is None:
        if not domain.is_staff(launch.role):
            raise CourseNotSetUp(
                "Your teacher has not opened Multistream in this course yet. Try again later."
            )
        course = Course(id=new_id(), title=launch.context_title, owner_id=user.id)
        db.add(course)
        db.flush()
        db.add(CourseMember(course_id=course.id, user_id=user.id, role=CourseRole.owner))
        context = LtiContext(
            platform_id=platform.id, context_id=launch.context_id, course_id=course.id
        )
        db.add(context)
    if launch.memberships_url:
        context.memberships_url = launch.memberships_url
    if launch.lineitems_url:
        context.lineitems_url = launch.lineitems_url
    db.flush()
    found = db.get(Course, context.course_id)
    assert found is not None
    return found


def _membership(db: Session, course: Course, user: User, role: CourseRole) -> None:
    """The LMS's role wins, except that the owner stays the owner."""
    member = db.get(CourseMember, (course.id, user.id))
    if member is None:
        db.add(CourseMember(course_id=course.id, user_id=user.id, role=role))
    elif member.role is not CourseRole.owner:
        member.role = role
    db.flush()


def _destination(
    db: Session, platform: LtiPlatform, launch: domain.Launch, course: Course, custom: Any
) -> str:
    if launch.resource_link_id is None:
        return f"/courses/{course.id}"
    target, session_id = "course", None
    if isinstance(custom, dict) and custom.get("multistream_target") in ("session", "replays"):
        target = custom["multistream_target"]
        if target == "session":
            try:
                candidate = db.get(LiveSession, uuid.UUID(str(custom.get("multistream_id"))))
            except ValueError:
                candidate = None
            if candidate is not None and candidate.course_id == course.id:
                session_id = candidate.id
            else:
                target = "course"
    db.execute(
        pg_insert(LtiResourceLink)
        .values(
            platform_id=platform.id,
            resource_link_id=launch.resource_link_id,
            course_id=course.id,
            target=target,
            session_id=session_id,
            lineitem_url=launch.lineitem_url,
        )
        .on_conflict_do_update(
            index_elements=[LtiResourceLink.platform_id, LtiResourceLink.resource_link_id],
            set_={"lineitem_url": launch.lineitem_url},
        )
    )
    if session_id is not None:
        return f"/sessions/{session_id}"
    return f"/courses/{course.id}"  # the course page lists its classes and their replays


def accept_launch(db: Session, flow: FlowRequest, *, keys: LocalKeyStore) -> Accepted:
    """Verify a launch and act on it: the person (linked by the platform's `sub`, or new),
    the course of the LMS context (made at the first teacher's launch), the membership with
    the mapped role, and a new sign-in (the route sets its refresh cookie)."""
    settings = flow.settings
    if settings.auth_provider != "local":
        raise domain.Unavailable(
            "This Multistream signs people in with Clerk; LTI launches need the built-in"
            " sign-in (MULTISTREAM_AUTH_PROVIDER=local)."
        )
    platform, claims, launch_id = _verified_claims(db, flow)
    launch = domain.read_launch(claims, client_id=platform.client_id)
    _use_nonce(db, platform, launch)
    user = link_person(
        db, platform, launch.subject, display_name=launch.display_name, email=launch.email
    )
    course = _course(db, platform, launch, user)
    _membership(db, course, user, launch.role)
    if launch.role is CourseRole.instructor and launch.memberships_url:
        # Keep the roster in step without a click (throttled per course, after commit).
        roster_queue.later(db, course.id)
    if launch.message_type == domain.DEEP_LINKING_REQUEST:
        if not domain.is_staff(launch.role):
            raise domain.NotStaff("Only the course's teachers can add Multistream links.")
        location = f"/lti/deep-link?launch_id={launch_id}"
    else:
        location = _destination(db, platform, launch, course, claims.get(domain.CUSTOM))
    issued = auth.sign_in(
        db,
        settings=settings,
        keys=keys,
        user=user,
        authorized_party=settings.public_url,
        cross_site=True,
    )
    return Accepted(issued, location, launch, launch_id, course.id)
