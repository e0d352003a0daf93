"""The production deployment of docs/deploy.md, on this machine: Debian's nginx from the
repository's config (deploy/nginx/, rendered by its own render.sh) terminating TLS with a
self-signed certificate, in front of two api processes started as the systemd units start
them (`multistream api --port N`, trusting X-Forwarded-For from 127.0.0.1 only).

The test client connects from 127.0.0.2 while nginx reaches the api from 127.0.0.1, so
the address the api logs tells the client from the proxy.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import ipaddress
import json
import os
import re
import shutil
import ssl
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from websockets.sync.client import ClientConnection, connect

from multistream.auth.keys import LocalKeyStore
from multistream.devtools.processes import environment
from multistream.settings import PROJECT_ROOT, Settings
from tests.apiclient import ApiClient, Person
from tests.throwaway import free_port

CLIENT_ADDRESS = "127.0.0.2"
"""Where the test client connects from; nginx connects to the api from 127.0.0.1."""
WEB_DIST = PROJECT_ROOT / "web" / "dist"
LIVEKIT_HOST = "livekit.localhost"
"""LiveKit's server name in nginx (deploy/nginx/livekit.conf), on the same port."""
START = dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.UTC)
STARTUP_SECONDS = 120
# The module's stack starts inside its first test's time limit.
pytestmark = pytest.mark.timeout(STARTUP_SECONDS + 120)


# --- the stack: certificate, two api processes, nginx -------------------------------------


def self_signed_certificate(folder: Path) -> tuple[Path, Path]:
    """A certificate for 127.0.0.1 and localhost, and its key."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
    now = dt.datetime.now(dt.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName(
                [x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]
            ),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = folder / "tls.crt", folder / "tls.key"
    cert_path.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    key_path.chmod(0o600)
    return cert_path, key_path


@dataclasses.dataclass
class ApiProcess:
    port: int
    log_path: Path
    process: subprocess.Popen[bytes]

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def requests(self) -> list[dict[str, Any]]:
        """The access log lines (`request`) this process wrote so far."""
        lines = self.log_path.read_text(errors="replace").splitlines()
        entries = [json.loads(line) for line in lines if line.startswith("{")]
        return [entry for entry in entries if entry.get("event") == "request"]

    def open_sockets(self) -> int:
        metrics = httpx.get(f"{self.url}/metrics", timeout=5).text
        match = re.search(r"^multistream_ws_connections ([0-9.e+]+)$", metrics, re.MULTILINE)
        assert match, "multistream_ws_connections missing from /metrics"
        return int(float(match.group(1)))


def start_api(settings: Settings, port: int, log_path: Path) -> ApiProcess:
    """One api process as deploy/systemd/multistream-api@.service runs it: the port from
    the unit's name, the rest from the environment file (deploy/multistream.env)."""
    env = {
        **environment(settings),
        # Believe X-Forwarded-For from nginx only (docs/deploy.md).
        "MULTISTREAM_TRUSTED_PROXIES": '["127.0.0.1"]',
    }
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "multistream", "api", "--port", str(port)],
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    return ApiProcess(port, log_path, process)


def wait_until_answers(url: str, *, alive: subprocess.Popen[bytes], verify: Any = True) -> None:
    # Generous: two api processes importing everything on a machine shared with other
    # test runs took over 45 s once.
    deadline = time.monotonic() + STARTUP_SECONDS
    while True:
        assert alive.poll() is None, f"exited with {alive.returncode} before {url} answered"
        try:
            if httpx.get(url, timeout=2, verify=verify).status_code == 200:
                return
        except httpx.TransportError:
            pass
        assert time.monotonic() < deadline, f"{url} did not answer in {STARTUP_SECONDS} s"
        time.sleep(0.1)


def stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def nginx_binary() -> str:
    found = shutil.which("nginx") or shutil.which("nginx", path="/usr/sbin:/sbin")
    if found is None:
        pytest.fail(
            "nginx is not installed: scripts/setup.sh installs Debian's nginx when it runs "
            "as root; otherwise `apt-get install nginx` (the deployment test runs it)"
        )
    return found


def render_site(folder: Path, template: str = "multistream", **variables: str) -> Path:
    """deploy/nginx/`template`.conf through deploy/nginx/render.sh, as an operator does."""
    rendered = subprocess.run(
        ["bash", str(PROJECT_ROOT / "deploy" / "nginx" / "render.sh"), template],
        env={"PATH": os.environ["PATH"], **variables},
        capture_output=True,
        text=True,
        check=False,
    )
    assert rendered.returncode == 0, rendered.stderr
    site = folder / f"{template}.conf"
    site.write_text(rendered.stdout)
    return site


def main_config(folder: Path, *sites: Path) -> Path:
    """What Debian's /etc/nginx/nginx.conf does around a site, in a folder of the test's own."""
    temp = {name: folder / name for name in ("body", "proxy", "fastcgi", "uwsgi", "scgi")}
    for path in temp.values():
        path.mkdir()
    # Run as root, nginx's workers would switch to `nobody`, who cannot read the test's
    # private folders.
    user = "user root;\n" if os.geteuid() == 0 else ""
    config = folder / "nginx.conf"
    config.write_text(
        f"{user}worker_processes 1;\n"
        f"pid {folder / 'nginx.pid'};\n"
        f"error_log {folder / 'error.log'} warn;\n"
        "events { worker_connections 256; }\n"
        "http {\n"
        "    include /etc/nginx/mime.types;\n"
        "    default_type application/octet-stream;\n"
        f"    access_log {folder / 'access.log'};\n"
        f"    client_body_temp_path {temp['body']};\n"
        f"    proxy_temp_path {temp['proxy']};\n"
        f"    fastcgi_temp_path {temp['fastcgi']};\n"
        f"    uwsgi_temp_path {temp['uwsgi']};\n"
        f"    scgi_temp_path {temp['scgi']};\n"
        + "".join(f"    include {site};\n" for site in sites)
        + "}\n"
    )
    return config


@dataclasses.dataclass
class Stack:
    url: str
    """https://127.0.0.1:PORT, nginx."""
    http_url: str
    """Plain HTTP, nginx's redirect."""
    apis: list[ApiProcess]
    tls: ssl.SSLContext
    """Trusts the self-signed certificate."""
    site: Path
    media: bool
    """LiveKit runs (and nginx proxies it)."""
    clients: list[ApiClient] = dataclasses.field(default_factory=list)

    def client(self, source: str = CLIENT_ADDRESS) -> ApiClient:
        """An api client through nginx, connecting from `source`."""
        api = ApiClient(self.url)
        # The same client as ApiClient makes (its headers and hooks), over a transport
        # that trusts the test's certificate and connects from `source`.
        plain = api.http
        api.http = httpx.Client(
            base_url=self.url,
            headers=plain.headers,
            timeout=plain.timeout,
            event_hooks=plain.event_hooks,
            transport=httpx.HTTPTransport(verify=self.tls, local_address=source),
        )
        plain.close()
        self.clients.append(api)
        return api

    @contextmanager
    def socket(self, session_id: str, person: Person) -> Iterator[ClientConnection]:
        """The class's live socket through nginx (wss), from the test client's address."""
        with connect(
            f"{self.url.replace('https://', 'wss://')}/api/v1/sessions/{session_id}/live",
            ssl=self.tls,
            source_address=(CLIENT_ADDRESS, 0),
            proxy=None,
            compression=None,
            open_timeout=10,
        ) as websocket:
            hello = {"type": "hello", "token": person.access_token, "after": 0}
            websocket.send(json.dumps(hello))
            welcome = json.loads(websocket.recv(timeout=10))
            assert welcome["type"] == "welcome", welcome
            yield websocket


@pytest.fixture(scope="module")
def stack(api_settings: Settings, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    assert (WEB_DIST / "index.html").is_file(), (
        "web/dist is missing: build the web app first (npm --prefix web run build)"
    )
    nginx = nginx_binary()
    folder = tmp_path_factory.mktemp("deploy")
    https_port, http_port = free_port(), free_port()
    url = f"https://127.0.0.1:{https_port}"
    settings = api_settings.model_copy(
        update={
            "public_url": url,
            "allowed_origins": [url],
            "data_dir": folder / "data",
            "log_json": True,
            "log_level": "INFO",
        }
    )
    # The local provider's signing key, made before the processes start: every api
    # process must sign with, and verify, the same keys (docs/deploy.md).
    LocalKeyStore(settings.keys_dir).signing_key()
    cert, key = self_signed_certificate(folder)
    tls = ssl.create_default_context(cafile=str(cert))

    apis = [start_api(settings, free_port(), folder / f"api-{n}.log") for n in (1, 2)]
    nginx_process: subprocess.Popen[bytes] | None = None
    try:
        for api in apis:
            wait_until_answers(f"{api.url}/healthz", alive=api.process)
        (folder / "acme").mkdir()
        site = render_site(
            folder,
            SERVER_NAME="localhost 127.0.0.1",
            LISTEN_HTTP=f"127.0.0.1:{http_port}",
            LISTEN_HTTPS=f"127.0.0.1:{https_port}",
            TLS_CERTIFICATE=str(cert),
            TLS_CERTIFICATE_KEY=str(key),
            ACME_ROOT=str(folder / "acme"),
            WEB_ROOT=str(WEB_DIST),
            API_SERVERS=" ".join(f"127.0.0.1:{api.port}" for api in apis),
            MONITORING_ALLOW="127.0.0.1",
            LIVEKIT_URL=settings.livekit_url,
            STORAGE_ORIGIN=settings.s3_endpoint_url,
        )
        sites = [site]
        if settings.media_configured:  # a machine without LiveKit (no Go to build it)
            sites.append(
                render_site(
                    folder,
                    template="livekit",
                    LIVEKIT_SERVER_NAME=LIVEKIT_HOST,
                    LISTEN_HTTPS=f"127.0.0.1:{https_port}",
                    TLS_CERTIFICATE=str(cert),
                    TLS_CERTIFICATE_KEY=str(key),
                    LIVEKIT_SERVERS=settings.livekit_url.removeprefix("ws://"),
                )
            )
        config = main_config(folder, *sites)
        command = [nginx, "-c", str(config), "-p", str(folder), "-g", "daemon off;"]
        checked = subprocess.run([*command, "-t"], capture_output=True, text=True, check=False)
        assert checked.returncode == 0, checked.stderr
        with (folder / "nginx.out").open("wb") as output:
            nginx_process = subprocess.Popen(command, stdout=output, stderr=output)
        wait_until_answers(f"{url}/healthz", alive=nginx_process, verify=tls)
        running = Stack(
            url, f"http://127.0.0.1:{http_port}", apis, tls, site, settings.media_configured
        )
        yield running
        for client in running.clients:
            client.close()
    finally:
        if nginx_process is not None:
            stop(nginx_process)
        for api in apis:
            stop(api.process)


# --- helpers -------------------------------------------------------------------------------


def schedule(api: ApiClient, host: Person, course_id: str) -> str:
    body = {
        "title": "Photosynthesis, week 3",
        "scheduled_start": START.isoformat(),
        "scheduled_end": (START + dt.timedelta(hours=1)).isoformat(),
    }
    response = api.request("POST", f"/api/v1/courses/{course_id}/sessions", host, json=body)
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


def command(api: ApiClient, method: str, path: str, person: Person, **kwargs: Any) -> str:
    """Send a command with an id of our own; the id, to find it in the api's logs."""
    request_id = f"deploy-{uuid.uuid4().hex}"
    response = api.request(method, path, person, headers={"X-Request-ID": request_id}, **kwargs)
    assert response.status_code in (200, 201), response.text
    assert response.headers["X-Request-ID"] == request_id
    return request_id


def receive_until(websocket: ClientConnection, head: int) -> list[dict[str, Any]]:
    """Log entries (frames with a seq) until seq `head`, skipping pings."""
    entries: list[dict[str, Any]] = []
    deadline = time.monotonic() + 15
    while not entries or entries[-1]["seq"] < head:
        remaining = deadline - time.monotonic()
        assert remaining > 0, f"got {[entry['seq'] for entry in entries]}, waiting for {head}"
        frame = json.loads(websocket.recv(timeout=remaining))
        if "seq" in frame:
            entries.append(frame)
    return entries


def handled_by(apis: list[ApiProcess], request_id: str) -> list[int]:
    """Indexes of the api processes whose access log has `request_id`."""
    deadline = time.monotonic() + 15  # the line is written once the answer is sent
    while True:
        found = [
            n
            for n, api in enumerate(apis)
            if any(entry.get("request_id") == request_id for entry in api.requests())
        ]
        if found or time.monotonic() > deadline:
            return found
        time.sleep(0.05)


# --- tests ---------------------------------------------------------------------------------


def test_a_socket_on_one_api_gets_every_event_the_other_api_appends(stack: Stack) -> None:
    api = stack.client()
    teacher, student = api.signup("Teacher"), api.signup("Student")
    course = api.create_course(teacher)
    assert api.join(student, api.invite(teacher, course["id"])).status_code == 200
    session_id = schedule(api, teacher, course["id"])

    with stack.socket(session_id, student) as websocket:
        holders = [n for n, process in enumerate(stack.apis) if process.open_sockets() == 1]
        assert len(holders) == 1, "the socket should be open on exactly one api process"
        other = 1 - holders[0]

        # Every command through nginx: least_conn sends each to the process that does not
        # hold the (active) socket.
        base = f"/api/v1/sessions/{session_id}"
        commands = [command(api, "POST", f"{base}/start", teacher)]
        for n in range(12):
            commands.append(
                command(api, "PATCH", base, teacher, json={"title": f"Photosynthesis {n}"})
            )
            commands.append(
                command(api, "POST", f"{base}/chat", student, json={"body": f"Question {n}?"})
                if n < 5
                else command(api, "POST", f"{base}/chat", teacher, json={"body": f"Note {n}"})
            )
        commands.append(command(api, "POST", f"{base}/end", teacher))
        handlers = [handled_by(stack.apis, request_id) for request_id in commands]
        assert handlers == [[other]] * len(commands)

        log = api.request("GET", f"{base}/events?after=0", teacher)
        assert log.status_code == 200, log.text
        expected = [(entry["seq"], entry["type"]) for entry in log.json()["items"]]
        head = expected[-1][0]
        received = receive_until(websocket, head)

    # Once each, in order, nothing missing: the student sees every entry (or its
    # gap.filtered placeholder when staff-only).
    assert [entry["seq"] for entry in received] == list(range(1, head + 1))
    for (seq, kind), entry in zip(expected, received, strict=True):
        assert entry["seq"] == seq
        assert entry["type"] in (kind, "gap.filtered"), (seq, kind, entry["type"])
    kinds = [entry["type"] for entry in received]
    assert kinds.count("chat.message_posted") == 12
    assert "session.ended" in kinds


def test_the_api_logs_the_client_address_not_the_proxy_nor_a_forged_one(stack: Stack) -> None:
    request_id = f"deploy-{uuid.uuid4().hex}"
    response = stack.client().http.get(
        "/api/v1/me",
        headers={"X-Request-ID": request_id, "X-Forwarded-For": "203.0.113.9"},
    )
    assert response.status_code == 401
    [index] = handled_by(stack.apis, request_id)
    [entry] = [e for e in stack.apis[index].requests() if e.get("request_id") == request_id]
    assert entry["client"] == CLIENT_ADDRESS
    assert entry["path"] == "/api/v1/me"


def test_the_web_app_is_served_with_its_caching_and_security_headers(stack: Stack) -> None:
    client = stack.client().http
    page = client.get("/")
    assert page.status_code == 200
    assert page.text == (WEB_DIST / "index.html").read_text()
    # The page's policy holds for the built app: no inline script.
    assert not re.search(r"<script(?![^>]*\bsrc=)", page.text)
    headers = page.headers
    assert headers["Cache-Control"] == "no-cache"
    assert headers["Strict-Transport-Security"].startswith("max-age=")
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["Referrer-Policy"] == "same-origin"
    assert "camera=(self)" in headers["Permissions-Policy"]
    assert headers["Cross-Origin-Opener-Policy"] == "same-origin"
    policy = headers["Content-Security-Policy"]
    assert "default-src 'self'" in policy
    assert "script-src 'self';" in policy
    assert "style-src 'self';" in policy
    assert "frame-ancestors 'none'" in policy
    assert "connect-src 'self' wss://127.0.0.1 " in policy  # the gateway, by nginx's $host
    if stack.media:
        assert "wss://127.0.0.1:" in policy  # LiveKit, for the media connection
    assert stack.url not in policy
    assert "http://127.0.0.1:" in policy  # the object store's presigned URLs

    # A route of the app is its page, uncached too.
    route = client.get("/courses/some-course")
    assert route.status_code == 200
    assert route.text == page.text
    assert route.headers["Cache-Control"] == "no-cache"

    script = re.search(r'src="(/assets/[^"]+\.js)"', page.text)
    assert script
    asset = client.get(script.group(1))
    assert asset.status_code == 200
    assert asset.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert "javascript" in asset.headers["Content-Type"]
    assert "Content-Security-Policy" not in asset.headers
    assert client.get("/assets/index-missing.js").status_code == 404

    # The api's answers: the headers once each, its own caching and no page policy.
    answer = client.get("/api/v1/me")
    assert answer.status_code == 401
    for name in ("Strict-Transport-Security", "X-Content-Type-Options", "X-Frame-Options"):
        assert len(answer.headers.get_list(name)) == 1, name
    assert "immutable" not in answer.headers.get("Cache-Control", "")
    assert client.get("/api/v1/no-such-thing").status_code == 404


def test_metrics_and_readiness_only_for_the_monitoring_hosts(stack: Stack) -> None:
    outsider = stack.client().http
    monitor = stack.client(source="127.0.0.1").http
    for path in ("/metrics", "/readyz"):
        assert outsider.get(path).status_code == 403, path
        assert monitor.get(path).status_code == 200, path
    assert "multistream_ws_connections" in monitor.get("/metrics").text
    assert outsider.get("/healthz").json() == {"status": "ok"}


def test_plain_http_is_redirected_to_https(stack: Stack) -> None:
    response = httpx.get(f"{stack.http_url}/courses?x=1", follow_redirects=False)
    assert response.status_code == 301
    assert response.headers["Location"] == "https://127.0.0.1/courses?x=1"


def test_livekit_signalling_is_proxied_by_its_own_server_name(stack: Stack) -> None:
    if not stack.media:
        pytest.skip("no LiveKit on this machine (MULTISTREAM_MEDIA_ENABLED=false)")
    client = stack.client().http
    livekit = client.get("/", headers={"Host": LIVEKIT_HOST})
    assert livekit.status_code == 200
    assert livekit.text.strip() == "OK"  # LiveKit's own answer
    assert livekit.headers["Strict-Transport-Security"].startswith("max-age=")
    # The platform's host name still gets the web app.
    assert '<div id="root">' in client.get("/").text
