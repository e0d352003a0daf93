"""A test LMS: the independent `lti1p3platform` package playing the platform side of LTI 1.3.

`TestLms` serves what a real LMS serves over HTTP (its JWKS, its OAuth 2 token endpoint,
a Names and Role Provisioning membership list and an Assignment and Grade Services line
item that records scores) on a real port, and drives a browser through a launch: the
OIDC login at the tool, the platform's authorization answer (an id_token signed by
`lti1p3platform`), and the form post to the tool's launch URL. Nothing here is a mock of
the tool; the tool is the real api (`tests.throwaway.LiveServer`).
"""

from __future__ import annotations

import contextlib
import dataclasses
import threading
import time
import uuid
from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import httpx
import jwt
import sqlalchemy as sa
import uvicorn
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from lti1p3platform.ltiplatform import LTI1P3PlatformConfAbstract
from lti1p3platform.message_launch import LTIAdvantageMessageLaunchAbstract
from lti1p3platform.oidc_login import OIDCLoginAbstract
from lti1p3platform.registration import Registration
from lti1p3platform.request import Request as PlatformRequest
from lti1p3platform.request import TRequest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from tests.throwaway import free_port

INSTRUCTOR = "http://purl.imsglobal.org/vocab/lis/v2/membership#Instructor"
TEACHING_ASSISTANT = (
    "http://purl.imsglobal.org/vocab/lis/v2/membership/Instructor#TeachingAssistant"
)
LEARNER = "http://purl.imsglobal.org/vocab/lis/v2/membership#Learner"
CLIENT_ID = "multistream-tool"
DEPLOYMENT_ID = "deployment-1"


def _pem_pair() -> tuple[str, str]:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    private = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()
    public = (
        key.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )
    return private, public


class _Conf(LTI1P3PlatformConfAbstract):
    def init_platform_config(self, **kwargs: Any) -> None:
        self._registration = kwargs["registration"]

    def get_registration_by_params(self, **kwargs: Any) -> Registration:
        return self._registration  # type: ignore[return-value]


class _Login(OIDCLoginAbstract):
    def set_lti_message_hint(self, **kwargs: Any) -> None:
        self._lti_message_hint = kwargs["hint"]

    def get_redirect(self, url: str) -> str:
        return url


class _AuthorizationRequest(PlatformRequest):
    def build_metadata(self, request: Any) -> TRequest:
        return {"method": "GET", "get_data": request, "form_data": {}, "headers": {}, "path": ""}


class _Launch(LTIAdvantageMessageLaunchAbstract):
    def render_launch_form(self, launch_data: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
        return launch_data


class Browser:
    """A browser's cookie jar for one person. Cookies are sent by hand: the flow's cookies
    are `Secure`, and the test servers speak plain HTTP on 127.0.0.1."""

    def __init__(self, http: httpx.Client) -> None:
        self.http = http
        self.cookies: dict[str, str] = {}
        self.set_cookie_headers: list[str] = []

    def _remember(self, response: httpx.Response) -> None:
        for header in response.headers.get_list("set-cookie"):
            self.set_cookie_headers.append(header)
            name, _, rest = header.partition("=")
            value = rest.split(";", 1)[0]
            if "max-age=0" in header.lower() or not value.strip('"'):
                self.cookies.pop(name, None)
            else:
                self.cookies[name] = value

    def request(self, method: str, url: str, **kwargs: Any) -> httpx.Response:
        cookie = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        headers = {**kwargs.pop("headers", {}), **({"Cookie": cookie} if cookie else {})}
        response = self.http.request(method, url, headers=headers, follow_redirects=False, **kwargs)
        self._remember(response)
        return response


@dataclasses.dataclass
class Person:
    sub: str
    name: str
    roles: list[str]
    email: str | None = None


@dataclasses.dataclass
class LaunchResult:
    response: httpx.Response
    id_token: str
    state: str
    browser: Browser


class TestLms:
    """The platform: its keys, its HTTP server, its registration of the tool."""

    __test__ = False  # not a test class, despite the name

    def __init__(self, tool_url: str) -> None:
        self.tool_url = tool_url
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.issuer = self.url
        self.private_key, self.public_key = _pem_pair()
        self.members: dict[str, list[dict[str, Any]]] = {}
        """context id → its NRPS members, as the membership service lists them."""
        self.scores: list[dict[str, Any]] = []
        """Every score the tool posted, with the line item it was posted to."""
        self.http = httpx.Client(timeout=20)
        app = Starlette(
            routes=[
                Route("/jwks", self._jwks),
                Route("/token", self._token, methods=["POST"]),
                Route("/contexts/{context_id}/memberships", self._memberships),
                Route("/lineitems/{item}/lineitem/scores", self._score, methods=["POST"]),
            ]
        )
        self._server = uvicorn.Server(
            uvicorn.Config(app, host="127.0.0.1", port=self.port, log_config=None)
        )
        self._thread = threading.Thread(target=self._server.run, daemon=True)

    def __enter__(self) -> TestLms:
        self._thread.start()
        deadline = time.monotonic() + 20
        while not self._server.started:
            if time.monotonic() > deadline:
                raise RuntimeError("the test LMS did not start")
            time.sleep(0.05)
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.should_exit = True
        self._thread.join(timeout=10)
        self.http.close()

    # --- what the LMS admin registers at the tool -------------------------------------

    @property
    def auth_login_url(self) -> str:
        return f"{self.url}/auth"

    @property
    def auth_token_url(self) -> str:
        return f"{self.url}/token"

    @property
    def key_set_url(self) -> str:
        return f"{self.url}/jwks"

    def registration(self, *, deployment_id: str = DEPLOYMENT_ID) -> Registration:
        return (
            Registration()
            .set_iss(self.issuer)
            .set_client_id(CLIENT_ID)
            .set_deployment_id(deployment_id)
            .set_oidc_login_url(f"{self.tool_url}/lti/login")
            .set_launch_url(f"{self.tool_url}/lti/launch")
            .set_deeplink_launch_url(f"{self.tool_url}/lti/launch")
            .set_tool_key_set_url(f"{self.tool_url}/lti/jwks")
            .set_platform_public_key(self.public_key)
            .set_platform_private_key(self.private_key)
        )

    def conf(self, registration: Registration | None = None) -> _Conf:
        return _Conf(registration=registration or self.registration())

    # --- a launch, as the browser lives it ---------------------------------------------

    def launch(
        self,
        browser: Browser,
        person: Person,
        *,
        context_id: str,
        context_title: str = "Biology 101",
        resource_link_id: str | None = "link-1",
        custom: dict[str, str] | None = None,
        deployment_id: str = DEPLOYMENT_ID,
        deep_linking: bool = False,
        services: bool = False,
        tamper: dict[str, Any] | None = None,
        sign_with: str | None = None,
        post: bool = True,
    ) -> LaunchResult:
        """Log in at the tool, authorize as the platform, post the launch. `tamper` changes
        claims (re-signed with the platform's key, or `sign_with` another key under the
        platform's key id): what an attacker or a broken LMS would send."""
        registration = self.registration(deployment_id=deployment_id)
        conf = self.conf(registration)
        login = _Login(None, conf)
        login.set_lti_message_hint(hint=uuid.uuid4().hex)
        if deep_linking:
            login.set_deeplinking_launch_url()
        started = browser.request("GET", login.initiate_login(person.sub))
        assert started.status_code == 302, started.text
        location = started.headers["location"]
        assert location.startswith(self.auth_login_url), location
        query = dict(parse_qsl(urlsplit(location).query))
        message = _Launch(_AuthorizationRequest(query), conf)
        message.set_user_data(person.sub, person.roles, person.name, person.email)
        message.set_launch_context_claim(context_id, context_title=context_title)
        if resource_link_id:
            message.set_resource_link_claim(resource_link_id)
        if custom:
            message.set_custom_parameters_claim(custom)
        if deep_linking:
            message.set_dl(f"{self.url}/deep-link-return", title="Multistream")
        if services:
            message.set_nrps(f"{self.url}/contexts/{context_id}/memberships")
            message.set_ags(f"{self.url}/lineitems", f"{self.url}/lineitems/{context_id}/lineitem")
        form = message.lti_launch()
        id_token, state = form["id_token"], form["state"]
        if tamper is not None or sign_with is not None:
            id_token = self.resign(id_token, tamper or {}, sign_with or self.private_key)
        self.launch_url = form["launch_url"]
        if not post:  # the caller posts the form (from another browser, say)
            return LaunchResult(httpx.Response(0), id_token, state, browser)
        response = browser.request(
            "POST", form["launch_url"], data={"id_token": id_token, "state": state}
        )
        return LaunchResult(response, id_token, state, browser)

    def resign(self, id_token: str, changes: dict[str, Any], private_key: str) -> str:
        header = jwt.get_unverified_header(id_token)
        claims = jwt.decode(id_token, options={"verify_signature": False})
        claims.update(changes)
        return jwt.encode(claims, private_key, algorithm="RS256", headers={"kid": header["kid"]})

    def accept_deep_linking_response(self, answer_jwt: str) -> list[dict[str, Any]]:
        """What the LMS does with the tool's answer: verify it with the tool's JWKS."""
        return self.conf().validate_deeplinking_resp({"JWT": answer_jwt})

    # --- the LMS's services ---------------------------------------------------------------

    async def _jwks(self, request: Request) -> Response:
        return JSONResponse({"keys": self.registration().get_jwks()})

    def _authorized(self, request: Request, scope: str) -> bool:
        token = request.headers.get("authorization", "").removeprefix("Bearer ")
        try:
            return self.conf().validate_token(token, allowed_scopes=[scope])
        except Exception:
            return False

    async def _token(self, request: Request) -> Response:
        form = dict(await request.form())
        conf = self.conf()
        try:
            return JSONResponse(dict(conf.get_access_token(form)))  # type: ignore[arg-type]
        except Exception as exc:
            return JSONResponse({"error": "invalid_client", "detail": str(exc)}, status_code=400)

    async def _memberships(self, request: Request) -> Response:
        if not self._authorized(
            request, "https://purl.imsglobal.org/spec/lti-nrps/scope/contextmembership.readonly"
        ):
            return JSONResponse({"error": "unauthorized"}, status_code=401)
        context_id = request.path_params["context_id"]
        return JSONResponse(
            {
                "id": str(request.url),
                "context": {"id": context_id},
                "members": self.members.get(context_id, []),
            },
            media_type="application/vnd.ims.lti-nrps.v2.membershipcontainer+json",
        )

    async def _score(self, request: Request) -> Response:
        if not self._authorized(request, "https://purl.imsglobal.org/spec/lti-ags/scope/score"):
            return JSONResponse({"error": "unauthorized"}, status_code=401)
        self.scores.append({"lineitem": request.path_params["item"], **(await request.json())})
        return Response(status_code=204)


# --- helpers the LTI test modules share --------------------------------------------------


def person(role: str, name: str) -> Person:
    sub = uuid.uuid4().hex
    return Person(sub=sub, name=name, roles=[role], email=f"{sub[:8]}@school.example")


def signed_in(base_url: str, launched: LaunchResult) -> dict[str, str]:
    """The web app's next step after the launch: refresh with the cookie, use the token.
    The rotated cookie stays `SameSite=None; Secure` (the app still runs in the iframe)."""
    response = launched.browser.request(
        "POST", f"{base_url}/auth/local/refresh", headers={"Origin": base_url}
    )
    assert response.status_code == 200, response.text
    rotated = response.headers["set-cookie"].lower()
    assert "samesite=none" in rotated
    assert "secure" in rotated
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


@contextlib.contextmanager
def registered_lms(tool_url: str, engine: sa.Engine) -> Iterator[TestLms]:
    """A test LMS, registered at the tool as an operator would (`multistream lti
    add-platform`, whose service function this calls)."""
    from multistream.db.engine import make_sessionmaker, transaction
    from multistream.lti import service

    with TestLms(tool_url) as platform:
        with transaction(make_sessionmaker(engine)) as db:
            service.add_platform(
                db,
                issuer=platform.issuer,
                client_id=CLIENT_ID,
                auth_login_url=platform.auth_login_url,
                auth_token_url=platform.auth_token_url,
                key_set_url=platform.key_set_url,
                deployment_ids=[DEPLOYMENT_ID],
            )
        try:
            yield platform
        finally:
            # A platform left registered makes every later api of this database frameable
            # by it (test_security_headers expects `frame-ancestors 'none'`).
            with transaction(make_sessionmaker(engine)) as db:
                service.remove_platform(db, issuer=platform.issuer, client_id=CLIENT_ID)
