"""Deep linking: a teacher, launched by the LMS to pick content, chooses the course's
replays or one class; the tool answers with an LtiDeepLinkingResponse signed by its key,
which the teacher's browser posts back to the LMS (LTI Deep Linking 2.0).

The launch is restored from the browser's flow storage by its `launch_id`, so only the
browser that was launched can answer, and only a teacher of the course.
"""

from __future__ import annotations

import dataclasses
import time
import uuid

import jwt
import sqlalchemy as sa
from sqlalchemy.orm import Session

from multistream.courses.models import Course
from multistream.errors import NotFound
from multistream.lti import domain
from multistream.lti.models import LtiContext, LtiPlatform
from multistream.lti.service import FlowRequest
from multistream.lti.tool import ToolLaunch
from multistream.sessions.models import LiveSession


@dataclasses.dataclass(frozen=True)
class Choices:
    launch_id: str
    course_id: uuid.UUID
    course_title: str
    classes: list[tuple[uuid.UUID, str]]


def _restored(db: Session, flow: FlowRequest) -> tuple[LtiPlatform, domain.Launch, Course]:
    tool = flow.tool(db)
    conf = tool.conf
    try:
        message = ToolLaunch.from_cache(
            flow.param("launch_id"),
            flow.request,
            conf,
            session_service=tool.session,
            cookie_service=tool.cookies,
            launch_data_storage=tool.launch_data,
        )
        claims = dict(message.get_launch_data())
    except Exception as exc:
        raise domain.LaunchRefused(f"The deep linking launch is gone: {exc}") from exc
    assert conf.platform is not None
    launch = domain.read_launch(claims, client_id=conf.platform.client_id)
    if launch.message_type != domain.DEEP_LINKING_REQUEST or not domain.is_staff(launch.role):
        raise domain.NotStaff("Only the course's teachers can add Multistream links.")
    context = db.get(LtiContext, (conf.platform.id, launch.context_id))
    course = db.get(Course, context.course_id) if context else None
    if course is None:
        raise NotFound("The course")
    return conf.platform, launch, course


def choices(db: Session, flow: FlowRequest) -> Choices:
    """What a teacher may place in the LMS course: the course's replays, or one class."""
    _, _, course = _restored(db, flow)
    classes = db.execute(
        sa.select(LiveSession.id, LiveSession.title)
        .where(LiveSession.course_id == course.id)
        .order_by(LiveSession.scheduled_start.desc())
        .limit(200)
    ).all()
    return Choices(
        flow.param("launch_id"), course.id, course.title, [(row.id, row.title) for row in classes]
    )


@dataclasses.dataclass(frozen=True)
class Answer:
    return_url: str
    jwt: str


def answer(db: Session, flow: FlowRequest) -> Answer:
    """The signed LtiDeepLinkingResponse for the teacher's choice (`choice`: `replays` or
    a class id of the course)."""
    platform, launch, course = _restored(db, flow)
    choice = flow.param("choice")
    launch_url = f"{flow.settings.public_url}/lti/launch"
    if choice == "replays":
        item = domain.content_item(
            url=launch_url,
            title=f"{course.title}: replays",
            target="replays",
            target_id=str(course.id),
        )
    else:
        try:
            picked = db.get(LiveSession, uuid.UUID(choice))
        except ValueError:
            picked = None
        if picked is None or picked.course_id != course.id:
            raise NotFound("The class")
        item = domain.content_item(
            url=launch_url, title=picked.title, target="session", target_id=str(picked.id)
        )
    assert launch.deep_link_settings is not None
    kid, private_key = flow.key.private_key()
    claims = domain.deep_linking_response(
        issuer=platform.client_id,
        deployment_id=launch.deployment_id,
        platform_issuer=platform.issuer,
        nonce=uuid.uuid4().hex,
        now=int(time.time()),
        data=launch.deep_link_settings.get("data"),
        items=[item],
    )
    token = jwt.encode(claims, private_key, algorithm="RS256", headers={"kid": kid})
    return Answer(str(launch.deep_link_settings["deep_link_return_url"]), token)
