"""`multistream check`: is this machine's configuration ready to run the platform?

It reads the settings the processes would read (the environment, e.g. the systemd units'
environment file), validates them as the processes do (`Settings`, with its production
rules), reaches every dependency with the readiness probes of `/readyz` (`ops.health`),
and compares the database's schema with this release's migrations. Each finding is a
sentence an operator can act on, naming the variable to change.
"""

from __future__ import annotations

import asyncio
import dataclasses
import enum
import os
from collections.abc import Callable
from urllib.parse import urlsplit, urlunsplit

import redis.asyncio as aioredis
from pydantic import AliasChoices, SecretStr, ValidationError
from sqlalchemy.engine import make_url

from multistream.db import migrate
from multistream.db.engine import make_engine
from multistream.ops.health import DependencyHealth, check_readiness
from multistream.settings import Environment, Settings, StorageBackend
from multistream.storage import make_object_store

PLACEHOLDER = "CHANGE-ME"
"""What deploy/multistream.env and deploy/livekit/livekit.yaml hold where a value must go."""
LIVEKIT_SECRET_MIN_LENGTH = 32


class Severity(enum.StrEnum):
    ok = "ok"
    warning = "warning"
    problem = "problem"
    """The platform will not work (or not safely) until it is fixed."""


@dataclasses.dataclass(frozen=True)
class Finding:
    subject: str
    severity: Severity
    message: str


@dataclasses.dataclass(frozen=True)
class Report:
    findings: list[Finding]

    @property
    def problems(self) -> list[Finding]:
        return [f for f in self.findings if f.severity is Severity.problem]

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.findings if f.severity is Severity.warning]


def run(load: Callable[[], Settings] = Settings) -> Report:
    """Every check, in the order an operator fixes things: settings, then dependencies."""
    try:
        settings = load()
    except ValidationError as exc:
        return Report(settings_errors(exc))
    findings = [*settings_findings(settings), *folder_findings(settings)]
    readiness = asyncio.run(_readiness(settings))
    findings += [dependency_finding(settings, dependency) for dependency in readiness]
    if all(d.status == "ok" for d in readiness if d.name == "postgres"):
        findings.append(schema_finding(settings))
    return Report(findings)


# --- settings ------------------------------------------------------------------------------


def variable(field: str) -> str:
    """The environment variable that sets `Settings.<field>`."""
    alias = Settings.model_fields[field].validation_alias
    if isinstance(alias, AliasChoices):
        return str(alias.choices[0])
    return f"MULTISTREAM_{field.upper()}"


def settings_errors(exc: ValidationError) -> list[Finding]:
    """What `Settings` refused, one finding per error, naming the variable."""
    findings = []
    for error in exc.errors():
        message = str(error["msg"]).removeprefix("Value error, ")
        if error["loc"]:
            name = variable(str(error["loc"][0]))
            value = error.get("input")
            shown = f" (it is {value!r})" if isinstance(value, str | int | float) else ""
            messages = [f"{name}{shown}: {message}"]
        else:
            # A rule over several settings may list its reasons as "- " lines: one each.
            head, *reasons = message.split("\n- ")
            messages = [f"{head.rstrip(':')}: {reason}" for reason in reasons] or [head]
        findings += [Finding("settings", Severity.problem, _sentence(text)) for text in messages]
    return findings


def _sentence(text: str) -> str:
    text = " ".join(text.split())
    return text[0].upper() + text[1:] + ("" if text.endswith(".") else ".")


def settings_findings(settings: Settings) -> list[Finding]:
    """What valid settings still get wrong for a deployment behind TLS."""
    production = settings.env is Environment.production
    findings = [
        Finding(
            "settings",
            Severity.ok,
            f"{settings.env.value}, served at {settings.public_url}, "
            f"storage {settings.storage_backend.value}, sign-in {settings.auth_provider}",
        )
    ]
    for field in Settings.model_fields:
        value = getattr(settings, field)
        text = value.get_secret_value() if isinstance(value, SecretStr) else value
        if isinstance(text, str) and PLACEHOLDER in text:
            findings.append(
                Finding(
                    "settings",
                    Severity.problem,
                    f"{variable(field)} still holds the template's {PLACEHOLDER}: set it "
                    "(deploy/multistream.env says how).",
                )
            )
    secret = settings.livekit_api_secret.get_secret_value()
    if settings.media_configured and len(secret) < LIVEKIT_SECRET_MIN_LENGTH:
        findings.append(
            Finding(
                "settings",
                Severity.problem,
                f"LIVEKIT_API_SECRET is {len(secret)} characters long: LiveKit wants at "
                f"least {LIVEKIT_SECRET_MIN_LENGTH}. Make one (`openssl rand -base64 36`) and "
                "set it here and in livekit.yaml.",
            )
        )
    if not production:
        findings.append(
            Finding(
                "settings",
                Severity.warning,
                f"MULTISTREAM_ENV is {settings.env.value}: development secrets are accepted. "
                "Set MULTISTREAM_ENV=production on a server.",
            )
        )
    severity = Severity.problem if production else Severity.warning
    if not settings.public_url.startswith("https://"):
        findings.append(
            Finding(
                "settings",
                severity,
                f"MULTISTREAM_PUBLIC_URL is {settings.public_url}: browsers give camera and "
                "microphone only to https:// pages. Set it to the https:// address nginx "
                "serves (docs/deploy.md).",
            )
        )
    https_page_with_ws_media = (
        settings.media_configured
        and settings.public_url.startswith("https://")
        and not settings.livekit_url.startswith("wss://")
    )
    if https_page_with_ws_media:
        findings.append(
            Finding(
                "settings",
                severity,
                f"LIVEKIT_URL is {settings.livekit_url}: a page served over https:// may only "
                "open wss:// sockets. Set it to LiveKit's wss:// address behind nginx "
                "(deploy/nginx/livekit.conf).",
            )
        )
    if not settings.media_configured:
        findings.append(
            Finding(
                "livekit",
                Severity.warning,
                "Live media is off (MULTISTREAM_MEDIA_ENABLED=false or LIVEKIT_URL empty): "
                "classes run without video or sound.",
            )
        )
    return findings


def folder_findings(settings: Settings) -> list[Finding]:
    """The folders the processes write to, and the web app nginx serves."""
    findings = []
    data_dir = settings.data_dir
    if not data_dir.is_dir() or not os.access(data_dir, os.W_OK | os.X_OK):
        findings.append(
            Finding(
                "data_dir",
                Severity.problem,
                f"MULTISTREAM_DATA_DIR {data_dir} is missing or not writable by this user: "
                "create it and give it to the services' user (`install -d -o multistream "
                f"-g multistream -m 0750 {data_dir}`).",
            )
        )
    if not (settings.web_dist_dir / "index.html").is_file():
        findings.append(
            Finding(
                "web_app",
                Severity.warning,
                f"The web app is not built ({settings.web_dist_dir} has no index.html): on "
                "the machine nginx serves it from, run `npm --prefix web ci` and "
                "`npm --prefix web run build`.",
            )
        )
    return findings


# --- dependencies --------------------------------------------------------------------------


async def _readiness(settings: Settings) -> list[DependencyHealth]:
    engine = make_engine(settings, pool_size=1, max_overflow=0)
    redis = aioredis.Redis.from_url(
        settings.redis_url,
        socket_connect_timeout=settings.readiness_timeout_seconds,
        socket_timeout=settings.readiness_timeout_seconds,
    )
    try:
        readiness = await check_readiness(
            settings=settings, engine=engine, redis=redis, store=make_object_store(settings)
        )
    finally:
        await redis.aclose()
        engine.dispose()
    return [d for d in readiness.dependencies if d.status != "disabled"]


def _without_password(url: str) -> str:
    """`url` as it may be printed: the password, if any, replaced by ***."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    netloc = parts.netloc.replace(f":{parts.password}@", ":***@", 1)
    return urlunsplit(parts._replace(netloc=netloc))


def dependency_finding(settings: Settings, dependency: DependencyHealth) -> Finding:
    if dependency.status == "ok":
        return Finding(dependency.name, Severity.ok, f"answered in {dependency.latency_ms} ms")
    why = f" ({dependency.detail})" if dependency.detail else ""
    if dependency.name == "postgres":
        where = make_url(settings.database_url).render_as_string(hide_password=True)
        advice = (
            f"PostgreSQL did not answer at {where}{why}. Check DATABASE_URL (host, port, "
            "user, password, database) and that the server runs and accepts connections "
            "from this machine."
        )
    elif dependency.name == "redis":
        advice = (
            f"Redis did not answer at {_without_password(settings.redis_url)}{why}. Check "
            "REDIS_URL and that Redis runs and accepts connections from this machine."
        )
    elif dependency.name == "object_store" and settings.storage_backend is StorageBackend.s3:
        advice = (
            f"The object store did not answer for bucket {settings.s3_bucket!r} at "
            f"{settings.s3_endpoint_url}{why}. Check S3_ENDPOINT_URL, S3_REGION, S3_BUCKET "
            "(the bucket must exist), S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY."
        )
    elif dependency.name == "object_store":
        advice = (
            f"The storage folder {settings.filesystem_root} is not usable{why}. Check "
            "STORAGE_DIR, and that the service's user may write there."
        )
    elif dependency.name == "livekit":
        advice = (
            f"LiveKit did not answer at {settings.livekit_url}{why}. Check LIVEKIT_URL, and "
            "that LIVEKIT_API_KEY and LIVEKIT_API_SECRET are the key and secret of "
            "livekit.yaml (`keys`); or set MULTISTREAM_MEDIA_ENABLED=false to run classes "
            "without live media."
        )
    else:
        advice = f"{dependency.name} did not answer{why}."
    return Finding(dependency.name, Severity.problem, advice)


def schema_finding(settings: Settings) -> Finding:
    """The database's schema against this release's migrations."""
    expected = migrate.code_heads()
    try:
        current = migrate.current_heads(settings.database_url_sync)
    except Exception as exc:  # reachable a moment ago; say what happened, don't crash
        return Finding("schema", Severity.problem, f"The schema could not be read: {exc}.")
    if current == expected:
        return Finding("schema", Severity.ok, f"at {', '.join(sorted(current))}")
    if not current:
        message = (
            "The database is empty: run `multistream migrate` (as the multistream user, "
            "with this environment) before starting the platform."
        )
    elif migrate.unknown_revisions(current):
        message = (
            f"The database is at {', '.join(sorted(current))}, which this release does not "
            f"know (it ends at {', '.join(sorted(expected))}): it was migrated by a newer "
            "release. Run that release, or restore the backup taken before the upgrade."
        )
    else:
        message = (
            f"The database is at {', '.join(sorted(current))} and this release needs "
            f"{', '.join(sorted(expected))}: run `multistream migrate` before starting it "
            "(docs/deploy.md, Upgrades)."
        )
    return Finding("schema", Severity.problem, message)
