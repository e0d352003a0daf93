"""The pure rules of a launch: which claims it must carry, who the person is in the course,
and what a deep linking answer holds. No I/O: `service` loads and saves around them.
"""

from __future__ import annotations

import dataclasses
import re
import unicodedata
from collections.abc import Iterable, Mapping
from typing import Any

from multistream.courses.models import CourseRole
from multistream.errors import DomainError

CLAIM = "https://purl.imsglobal.org/spec/lti/claim/"
MESSAGE_TYPE = CLAIM + "message_type"
DEPLOYMENT_ID = CLAIM + "deployment_id"
ROLES = CLAIM + "roles"
CONTEXT = CLAIM + "context"
RESOURCE_LINK = CLAIM + "resource_link"
CUSTOM = CLAIM + "custom"
NRPS = "https://purl.imsglobal.org/spec/lti-nrps/claim/namesroleservice"
AGS = "https://purl.imsglobal.org/spec/lti-ags/claim/endpoint"
DEEP_LINKING = "https://purl.imsglobal.org/spec/lti-dl/claim/deep_linking_settings"
CONTENT_ITEMS = "https://purl.imsglobal.org/spec/lti-dl/claim/content_items"
DL_DATA = "https://purl.imsglobal.org/spec/lti-dl/claim/data"

RESOURCE_LAUNCH = "LtiResourceLinkRequest"
DEEP_LINKING_REQUEST = "LtiDeepLinkingRequest"

_MEMBERSHIP = "http://purl.imsglobal.org/vocab/lis/v2/membership#"
_MEMBERSHIP_SUB = "http://purl.imsglobal.org/vocab/lis/v2/membership/"
_INSTITUTION = "http://purl.imsglobal.org/vocab/lis/v2/institution/person#"


class LaunchRefused(DomainError):
    """The LMS's message cannot be trusted or is not one we act on; `detail` says why."""


class LoginRefused(DomainError):
    """The LMS's login request names no registered platform, or lacks what it must carry."""


class NotLinked(DomainError):
    """The course or class was never opened from an LMS that offers the service."""


class PlatformFailed(DomainError):
    """The LMS did not answer a service call (roster, grades) as it should."""


class Unavailable(DomainError):
    """LTI sign-ins need the local identity provider (its tokens and refresh cookie)."""


class NotStaff(DomainError):
    """Only teachers may place links in the LMS course (deep linking)."""


def course_role(roles: Iterable[str]) -> CourseRole | None:
    """Our course role for the launch's LTI roles: the most privileged one that maps.

    Instructor (and Administrator of the context) → instructor; TeachingAssistant (a
    sub-role of Instructor, or ContentDeveloper/Mentor) → ta; Learner → student. Short
    names ("Instructor") are accepted, as some platforms send them. None: no course role
    (e.g. only an institution role), so the launch is refused.
    """
    found: set[CourseRole] = set()
    for role in roles:
        if role.startswith((_MEMBERSHIP_SUB + "Instructor#TeachingAssistant",)):
            found.add(CourseRole.ta)
            continue
        name = role.removeprefix(_MEMBERSHIP).removeprefix(_INSTITUTION)
        if name in ("Instructor", "Administrator"):
            found.add(CourseRole.instructor)
        elif name in ("TeachingAssistant", "ContentDeveloper", "Mentor"):
            found.add(CourseRole.ta)
        elif name in ("Learner", "Student"):
            found.add(CourseRole.student)
    for role in (CourseRole.instructor, CourseRole.ta, CourseRole.student):
        if role in found:
            return role
    return None


def is_staff(role: CourseRole) -> bool:
    return role in (CourseRole.owner, CourseRole.instructor, CourseRole.ta)


@dataclasses.dataclass(frozen=True)
class Launch:
    """What a verified id_token says, in our words."""

    message_type: str
    issuer: str
    client_id: str
    deployment_id: str
    subject: str
    nonce: str
    expires_at: int
    role: CourseRole
    display_name: str
    email: str | None
    context_id: str
    context_title: str
    resource_link_id: str | None
    memberships_url: str | None
    lineitems_url: str | None
    lineitem_url: str | None
    deep_link_settings: Mapping[str, Any] | None


_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+$")


def _text(claims: Mapping[str, Any], name: str) -> str:
    value = claims.get(name)
    if not isinstance(value, str) or not value or "\x00" in value:
        raise LaunchRefused(f"The launch has no usable {name}.")
    return value


def clean_text(value: object, *, most: int, default: str) -> str:
    """A name or title from the LMS as our columns take it: no control characters, not
    blank, at most `most` characters."""
    text = "".join(
        " " if unicodedata.category(c) in ("Cc", "Cs", "Zl", "Zp") else c for c in str(value or "")
    )
    text = " ".join(text.split())[:most].strip()
    return text or default


def clean_email(value: object) -> str | None:
    """The LMS's email when it looks like one (it is profile data, never an identity)."""
    return value if isinstance(value, str) and _EMAIL.match(value) and len(value) <= 320 else None


def person_name(claims: Mapping[str, Any]) -> str:
    name = claims.get("name") or " ".join(
        str(part) for part in (claims.get("given_name"), claims.get("family_name")) if part
    )
    return clean_text(name, most=100, default="LMS user")


def _audience_holds(claims: Mapping[str, Any], client_id: str) -> None:
    """OIDC core 3.1.3.7: our client id must be in `aud`; with several audiences, `azp`
    must name us."""
    audience = claims.get("aud")
    audiences = audience if isinstance(audience, list) else [audience]
    if client_id not in audiences:
        raise LaunchRefused("The launch was not meant for this tool (audience).")
    if len(audiences) > 1 and claims.get("azp") != client_id:
        raise LaunchRefused("The launch was not meant for this tool (authorized party).")


def read_launch(claims: Mapping[str, Any], *, client_id: str) -> Launch:
    """The launch of verified claims, or `LaunchRefused` when a required claim is missing."""
    _audience_holds(claims, client_id)
    message_type = _text(claims, MESSAGE_TYPE)
    if message_type not in (RESOURCE_LAUNCH, DEEP_LINKING_REQUEST):
        raise LaunchRefused(f"Multistream does not handle {message_type} messages.")
    roles = claims.get(ROLES) or []
    role = course_role(roles if isinstance(roles, list) else [])
    if role is None:
        raise LaunchRefused("The launch gives no course role (Instructor, TA or Learner).")
    context = claims.get(CONTEXT)
    if not isinstance(context, dict) or not context.get("id"):
        raise LaunchRefused("The launch has no course (context) to open.")
    resource_link = claims.get(RESOURCE_LINK)
    nrps, ags = claims.get(NRPS) or {}, claims.get(AGS) or {}
    settings = claims.get(DEEP_LINKING)
    if message_type == DEEP_LINKING_REQUEST and not isinstance(settings, dict):
        raise LaunchRefused("The deep linking request has no deep_linking_settings.")
    return Launch(
        message_type=message_type,
        issuer=_text(claims, "iss"),
        client_id=client_id,
        deployment_id=_text(claims, DEPLOYMENT_ID),
        subject=_text(claims, "sub"),
        nonce=_text(claims, "nonce"),
        expires_at=int(claims.get("exp") or 0),
        role=role,
        display_name=person_name(claims),
        email=clean_email(claims.get("email")),
        context_id=_text(context, "id"),
        context_title=clean_text(
            context.get("title") or context.get("label"), most=200, default="LMS course"
        ),
        resource_link_id=_text(resource_link, "id") if isinstance(resource_link, dict) else None,
        memberships_url=nrps.get("context_memberships_url"),
        lineitems_url=ags.get("lineitems"),
        lineitem_url=ags.get("lineitem"),
        deep_link_settings=settings if isinstance(settings, dict) else None,
    )


def content_item(*, url: str, title: str, target: str, target_id: str) -> dict[str, Any]:
    """One `ltiResourceLink` content item: the LMS will launch `url` with these custom
    parameters, which say what the link opens."""
    return {
        "type": "ltiResourceLink",
        "title": title,
        "url": url,
        "custom": {"multistream_target": target, "multistream_id": target_id},
    }


def deep_linking_response(
    *,
    issuer: str,
    deployment_id: str,
    platform_issuer: str,
    nonce: str,
    now: int,
    data: Any,
    items: list[dict[str, Any]],
) -> dict[str, Any]:
    """The claims of the LtiDeepLinkingResponse the tool signs (LTI-DL 1.0, 4.2)."""
    claims: dict[str, Any] = {
        "iss": issuer,
        "aud": [platform_issuer],
        "iat": now,
        "exp": now + 600,
        "nonce": nonce,
        MESSAGE_TYPE: "LtiDeepLinkingResponse",
        CLAIM + "version": "1.3.0",
        DEPLOYMENT_ID: deployment_id,
        CONTENT_ITEMS: items,
    }
    if data is not None:
        claims[DL_DATA] = data
    return claims


def roster_changes(
    lms: Mapping[str, CourseRole], current: Mapping[str, CourseRole]
) -> tuple[dict[str, CourseRole], set[str]]:
    """What a roster sync does to the course members one platform linked (by `sub`): the
    roles to set (new members, changed roles) and the members to remove (no longer active
    in the LMS). The owner keeps the course whatever the LMS says."""
    to_set = {
        sub: role for sub, role in lms.items() if current.get(sub) not in (role, CourseRole.owner)
    }
    to_remove = {
        sub for sub, role in current.items() if sub not in lms and role is not CourseRole.owner
    }
    return to_set, to_remove


def quiz_score(correct: Mapping[str, frozenset[str]], answers: Mapping[str, frozenset[str]]) -> int:
    """How many quizzes (poll id → its correct option ids) a student answered exactly right
    (poll id → the options they chose)."""
    return sum(1 for poll, right in correct.items() if answers.get(poll) == right)
