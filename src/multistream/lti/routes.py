"""The LTI 1.3 endpoints the LMS calls: `/lti/login` (OIDC initiation), `/lti/launch`,
`/lti/jwks`, and the deep linking page a teacher picks a link on.

The flow's cookies (`lti1p3-*`) and the refresh cookie a launch sets are
`SameSite=None; Secure`: the LMS frames the tool and posts the launch from its own site,
so a `Strict` or `Lax` cookie would not come back. They are the only such cookies.
"""

from __future__ import annotations

import html
from typing import Annotated

from fastapi import APIRouter, Depends, Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse

from multistream import problems
from multistream.access.dependencies import ManageMembers, RequireSession
from multistream.access.policy import Permission
from multistream.access.service import SessionAccess
from multistream.auth.routes import set_refresh_cookie
from multistream.dependencies import AppResources, DbSession
from multistream.lti import advantage, deep_linking, domain, service
from multistream.lti.schemas import LmsLink, RosterSynced, ScoresPosted, ToolJwks

router = APIRouter(prefix="/lti", tags=["lti"])
api_router = APIRouter(prefix="/api/v1", tags=["lti"])

problems.refusals(
    {
        domain.LoginRefused: (400, "lti-login-invalid", "LTI login refused"),
        domain.LaunchRefused: (401, "lti-launch-invalid", "LTI launch refused"),
        domain.NotStaff: (403, "lti-teachers-only", "Only teachers can do this"),
        service.CourseNotSetUp: (409, "lti-course-not-set-up", "Course not set up yet"),
        domain.NotLinked: (409, "lti-not-linked", "Not linked to an LMS"),
        domain.Unavailable: (409, "lti-unavailable", "LTI sign-in not available"),
        domain.PlatformFailed: (502, "lti-platform-failed", "The LMS did not answer"),
    }
)

FLOW_COOKIE_PATH = "/lti"
PLATFORM_SIGNED = "signature"
"""`x-permission` of the routes a platform's signed message (or its flow) authorizes."""


async def _params(request: Request) -> dict[str, str]:
    """Query and form parameters together (platforms use GET or POST for the login)."""
    params = dict(request.query_params.items())
    if request.method == "POST":
        form = await request.form()
        params.update({k: v for k, v in form.items() if isinstance(v, str)})
    return params


Params = Annotated[dict[str, str], Depends(_params)]


async def _flow(request: Request, params: Params, resources: AppResources) -> service.FlowRequest:
    return service.FlowRequest.of(
        params,
        request.cookies,
        redis=resources.redis_sync,
        key=resources.lti_key,
        settings=resources.settings,
    )


Browser = Annotated[service.FlowRequest, Depends(_flow)]
"""This request of the browser's LTI flow."""


def _cross_site_cookie(
    response: Response, name: str, value: str, max_age: int | None, path: str
) -> None:
    response.set_cookie(
        name, value, max_age=max_age, path=path, secure=True, httponly=True, samesite="none"
    )


def _set_flow_cookies(response: Response, cookies: dict[str, tuple[str, int | None]]) -> None:
    for name, (value, max_age) in cookies.items():
        _cross_site_cookie(response, name, value, max_age, FLOW_COOKIE_PATH)


_LOGIN: dict[str, object] = {
    "summary": "OIDC login initiation from an LMS (LTI 1.3)",
    "status_code": 302,
    "response_class": RedirectResponse,
    "responses": {
        302: {"description": "to the platform's authorization endpoint"},
        400: {"description": "lti-login-invalid: not a registered platform"},
    },
    "openapi_extra": {"x-permission": "public"},
}


@router.get("/login", operation_id="lti_login_get", **_LOGIN)  # type: ignore[arg-type]
@router.post("/login", operation_id="lti_login_post", **_LOGIN)  # type: ignore[arg-type]
def lti_login(flow: Browser, db: DbSession, resources: AppResources) -> RedirectResponse:
    resources.framing.update(service.platform_origins(db))
    step = service.login(db, flow)
    response = RedirectResponse(step.location, status_code=302)
    _set_flow_cookies(response, step.cookies)
    return response


@router.post(
    "/launch",
    summary="An LTI 1.3 launch (id_token form post): signs the person in",
    responses=problems.answers(
        {
            303: "to the course, the class or the deep linking page",
            401: "lti-launch-invalid",
            403: "lti-teachers-only: a learner's deep linking request",
            409: "lti-course-not-set-up; lti-unavailable (Clerk sign-in)",
        }
    ),
    openapi_extra={"x-permission": PLATFORM_SIGNED},
)
def lti_launch(flow: Browser, db: DbSession, resources: AppResources) -> RedirectResponse:
    accepted = service.accept_launch(db, flow, keys=resources.keys)
    response = RedirectResponse(accepted.location, status_code=303)
    set_refresh_cookie(response, accepted.issued, resources.settings)
    return response


@router.get(
    "/jwks",
    summary="The tool's public keys (the LMS's tool JWKS URL)",
    openapi_extra={"x-permission": "public"},
)
def lti_jwks(resources: AppResources) -> ToolJwks:
    return ToolJwks.model_validate(resources.lti_key.jwks())


def _page(title: str, body: str) -> HTMLResponse:
    return HTMLResponse(
        f'<!doctype html><html lang="en"><head><meta charset="utf-8">'
        f"<title>{html.escape(title)}</title></head><body><main>"
        f"<h1>{html.escape(title)}</h1>{body}</main></body></html>"
    )


@router.get(
    "/deep-link",
    summary="Deep linking: the page where a teacher picks what to place in the LMS",
    response_class=HTMLResponse,
    responses=problems.answers({401: "lti-launch-invalid", 403: "lti-teachers-only"}),
    openapi_extra={"x-permission": PLATFORM_SIGNED},
)
def lti_deep_link_page(flow: Browser, db: DbSession) -> HTMLResponse:
    choices = deep_linking.choices(db, flow)
    options = [("replays", f"The course's replays ({choices.course_title})")] + [
        (str(class_id), f"Class: {title}") for class_id, title in choices.classes
    ]
    radios = "".join(
        f'<p><label><input type="radio" name="choice" value="{html.escape(value)}"'
        f"{' checked' if index == 0 else ''}> {html.escape(label)}</label></p>"
        for index, (value, label) in enumerate(options)
    )
    body = (
        '<form method="post" action="/lti/deep-link">'
        f'<input type="hidden" name="launch_id" value="{html.escape(choices.launch_id)}">'
        f"<fieldset><legend>Add to your LMS course</legend>{radios}</fieldset>"
        '<button type="submit">Add the link</button></form>'
    )
    return _page("Add Multistream to your course", body)


@router.post(
    "/deep-link",
    summary="Deep linking: the signed LtiDeepLinkingResponse, posted back to the LMS",
    response_class=HTMLResponse,
    responses=problems.answers({401: "lti-launch-invalid", 403: "lti-teachers-only"}),
    openapi_extra={"x-permission": PLATFORM_SIGNED},
)
def lti_deep_link_answer(flow: Browser, db: DbSession) -> HTMLResponse:
    answer = deep_linking.answer(db, flow)
    # No script runs on our pages (CSP): the teacher sends the answer with one button.
    body = (
        f'<form method="post" action="{html.escape(answer.return_url)}">'
        f'<input type="hidden" name="JWT" value="{html.escape(answer.jwt)}">'
        "<p>Your link is ready.</p>"
        '<button type="submit">Return to your course</button></form>'
    )
    return _page("Link ready", body)


ManagePolls = Annotated[SessionAccess, Depends(RequireSession(Permission.polls_manage))]


@api_router.get(
    "/courses/{course_id}/lti/roster-sync",
    summary="Whether the course's roster comes from an LMS (and which), for its hosts",
)
def get_lti_roster_link(access: ManageMembers, db: DbSession) -> LmsLink:
    return LmsLink.of(advantage.roster_platform(db, course_id=access.course.id))


@api_router.post(
    "/courses/{course_id}/lti/roster-sync",
    summary="Sync the course's members from the LMS (Names and Role Provisioning)",
    responses=problems.answers(
        {409: "lti-not-linked: never opened from an LMS with a roster", 502: "lti-platform-failed"}
    ),
)
def sync_lti_roster(access: ManageMembers, db: DbSession, resources: AppResources) -> RosterSynced:
    return advantage.sync_roster(db, key=resources.lti_key, course_id=access.course.id)


@api_router.get(
    "/sessions/{session_id}/lti/scores",
    summary="Whether an LMS grade column opens the class (and which LMS), for its staff",
)
def get_lti_grades_link(access: ManagePolls, db: DbSession) -> LmsLink:
    return LmsLink.of(advantage.grades_platform(db, session_id=access.session.id))


@api_router.post(
    "/sessions/{session_id}/lti/scores",
    summary="Send the class's quiz scores to the LMS gradebook (Assignment and Grade Services)",
    responses=problems.answers(
        {409: "lti-not-linked: no LMS grade column opens this class", 502: "lti-platform-failed"}
    ),
)
def post_lti_scores(access: ManagePolls, db: DbSession, resources: AppResources) -> ScoresPosted:
    posted = advantage.post_quiz_scores(db, key=resources.lti_key, session_id=access.session.id)
    return ScoresPosted(posted=posted)
