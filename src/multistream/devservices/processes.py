"""Start, stop and probe the local service processes.

Each service runs detached from the command that started it (its own session, a pid file
and a log under the data folder), listens on 127.0.0.1 only, and is waited on until it
accepts connections. `status` asks each one whether it answers, not only whether its
process exists.
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import os
import pwd
import shutil
import signal
import socket
import subprocess
import time
from abc import ABC, abstractmethod
from collections.abc import Callable
from pathlib import Path

import httpx
import yaml

from multistream.devservices.binaries import Binaries
from multistream.settings import Settings

START_TIMEOUT_SECONDS = 60.0

# Services started by this process. Holding the Popen objects lets `stop` reap the child
# (no zombie left behind) and keeps Python from warning about a child still running.
_children: dict[int, subprocess.Popen[bytes]] = {}


class ServiceError(RuntimeError):
    """A service could not be started or stopped; the message says which and why."""


@dataclasses.dataclass(frozen=True)
class ServiceStatus:
    name: str
    port: int
    installed: bool
    running: bool
    answers: bool
    detail: str = ""


def port_open(port: int, host: str = "127.0.0.1", timeout: float = 0.5) -> bool:
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return True
    except OSError:
        return False


def _wait_until(
    check: Callable[[], bool],
    what: str,
    timeout: float,
    log_file: Path,
    alive: Callable[[], bool] = lambda: True,
) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return
        if not alive():
            timeout = 0  # the process is gone: say why now rather than after the timeout
            break
        time.sleep(0.2)
    tail = ""
    if log_file.exists():
        tail = "\n".join(log_file.read_text(errors="replace").splitlines()[-15:])
    reason = "exited" if timeout == 0 else f"did not answer within {timeout:.0f}s"
    raise ServiceError(f"{what} {reason}; last log lines:\n{tail}")


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    # A zombie (exited, not yet reaped by its parent) is not running.
    stat = Path(f"/proc/{pid}/stat")
    return not (stat.exists() and ") Z " in stat.read_text())


class LocalService(ABC):
    """One service process with its data, log and pid file under the data folder."""

    name: str
    detect_early_exit = True
    """Whether a start can tell a crashed process from a slow one by its pid."""

    def __init__(self, settings: Settings, binaries: Binaries) -> None:
        self.settings = settings
        self.binaries = binaries
        self.data_dir = settings.data_dir / "data" / self.name
        self.log_file = settings.data_dir / "log" / f"{self.name}.log"
        self.pid_file = settings.data_dir / "run" / f"{self.name}.pid"

    @property
    @abstractmethod
    def port(self) -> int: ...

    @property
    @abstractmethod
    def installed(self) -> bool: ...

    @abstractmethod
    def command(self) -> list[str]: ...

    def environment(self) -> dict[str, str]:
        return dict(os.environ)

    def answers(self) -> bool:
        return port_open(self.port)

    def prepare(self) -> None:
        """Create data folders and configuration before the first start."""
        self.data_dir.mkdir(parents=True, exist_ok=True)

    def after_start(self) -> None:  # noqa: B027 - an optional hook, empty by default
        """Work that needs the running service (create a database, a bucket)."""

    def pid(self) -> int | None:
        try:
            pid = int(self.pid_file.read_text().strip())
        except (FileNotFoundError, ValueError):
            return None
        return pid if _pid_alive(pid) else None

    def running(self) -> bool:
        return self.pid() is not None

    def start(self) -> bool:
        """Start the service unless it runs already; return True when this call started it."""
        if not self.installed:
            raise ServiceError(f"{self.name} is not installed; run `multistream services install`")
        if self.running() and self.answers():
            return False
        if self.answers():
            raise ServiceError(
                f"port {self.port} is taken by another program; set "
                f"MULTISTREAM_{self.name.upper()}_PORT to a free port"
            )
        self.prepare()
        for folder in (self.log_file.parent, self.pid_file.parent):
            folder.mkdir(parents=True, exist_ok=True)
        self._spawn()
        _wait_until(
            self.answers,
            self.name,
            START_TIMEOUT_SECONDS,
            self.log_file,
            alive=self.running if self.detect_early_exit else lambda: True,
        )
        self.after_start()
        return True

    def _spawn(self) -> None:
        with self.log_file.open("ab") as log:
            process = subprocess.Popen(
                self.command(),
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                env=self.environment(),
                cwd=self.data_dir,
                start_new_session=True,
            )
        self.pid_file.write_text(str(process.pid))
        _children[process.pid] = process

    def stop(self) -> bool:
        """Stop the service if it runs; return True when this call stopped it."""
        pid = self.pid()
        if pid is None:
            self.pid_file.unlink(missing_ok=True)
            return False
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGTERM)
        deadline = time.monotonic() + 20
        while _pid_alive(pid) and time.monotonic() < deadline:
            time.sleep(0.1)
        if _pid_alive(pid):
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        child = _children.pop(pid, None)
        if child is not None:
            child.wait(timeout=5)
        self.pid_file.unlink(missing_ok=True)
        return True

    def status(self) -> ServiceStatus:
        return ServiceStatus(
            name=self.name,
            port=self.port,
            installed=self.installed,
            running=self.running(),
            answers=self.answers(),
        )


class Postgres(LocalService):
    """PostgreSQL, run by `pg_ctl`. As root it runs as the `postgres` system user."""

    name = "postgres"
    detect_early_exit = False  # pg_ctl daemonizes: the server's pid file appears later

    def __init__(self, settings: Settings, binaries: Binaries) -> None:
        super().__init__(settings, binaries)
        self.run_as = self._system_user()
        if self.run_as is not None and not self._reachable_by(self.run_as, settings.data_dir):
            # The checkout is under a folder the postgres user cannot enter (e.g. /root):
            # keep its cluster in a folder of the machine's instead, one per checkout.
            key = hashlib.sha256(str(settings.data_dir.resolve()).encode()).hexdigest()[:12]
            self.data_dir = Path(f"/var/lib/multistream/{key}/postgres")
            self.log_file = self.data_dir / "postgres.log"

    @staticmethod
    def _system_user() -> str | None:
        if os.geteuid() != 0:
            return None
        try:
            pwd.getpwnam("postgres")
        except KeyError:
            return "nobody"
        return "postgres"

    @staticmethod
    def _reachable_by(user: str, folder: Path) -> bool:
        folder.mkdir(parents=True, exist_ok=True)
        probe = subprocess.run(
            ["runuser", "-u", user, "--", "test", "-x", str(folder)], check=False
        )
        return probe.returncode == 0

    @property
    def port(self) -> int:
        return self.settings.postgres_port

    @property
    def installed(self) -> bool:
        return self.binaries.postgres_bin_dir is not None

    def _pg(self, tool: str) -> str:
        assert self.binaries.postgres_bin_dir is not None
        return str(self.binaries.postgres_bin_dir / tool)

    def _as_user(self, argv: list[str]) -> list[str]:
        return ["runuser", "-u", self.run_as, "--", *argv] if self.run_as else argv

    def command(self) -> list[str]:
        options = (
            f"-p {self.port} -c listen_addresses=127.0.0.1 -c unix_socket_directories='' "
            "-c max_connections=200 -c fsync=off -c synchronous_commit=off"
            if self.settings.env != "production"
            else f"-p {self.port} -c listen_addresses=127.0.0.1 -c unix_socket_directories=''"
        )
        return self._as_user(
            [
                self._pg("pg_ctl"),
                "start",
                "-D",
                str(self.data_dir / "pgdata"),
                "-s",
                "-l",
                str(self.log_file),
                "-o",
                options,
            ]
        )

    def prepare(self) -> None:
        pgdata = self.data_dir / "pgdata"
        self.data_dir.mkdir(parents=True, exist_ok=True)
        self.log_file.parent.mkdir(parents=True, exist_ok=True)
        self.log_file.touch()
        if self.run_as:
            shutil.chown(self.data_dir, self.run_as)
            shutil.chown(self.log_file, self.run_as)
        if (pgdata / "PG_VERSION").exists():
            return
        password_file = self.data_dir / "initdb.pw"
        password_file.write_text(self.settings.postgres_password.get_secret_value())
        if self.run_as:
            shutil.chown(password_file, self.run_as)
        try:
            subprocess.run(
                self._as_user(
                    [
                        self._pg("initdb"),
                        "-D",
                        str(pgdata),
                        "-U",
                        self.settings.postgres_user,
                        f"--pwfile={password_file}",
                        "--auth=scram-sha-256",
                        "-E",
                        "UTF8",
                        "--locale=C.UTF-8",
                    ]
                ),
                check=True,
                capture_output=True,
                text=True,
            )
        except subprocess.CalledProcessError as exc:
            raise ServiceError(f"initdb failed: {exc.stderr.strip()}") from exc
        finally:
            password_file.unlink(missing_ok=True)

    def _spawn(self) -> None:
        # pg_ctl forks the server and returns; the server's own pid file is the truth.
        result = subprocess.run(self.command(), capture_output=True, text=True, check=False)
        if result.returncode != 0:
            raise ServiceError(f"pg_ctl start failed: {(result.stderr or result.stdout).strip()}")

    def pid(self) -> int | None:
        pid_file = self.data_dir / "pgdata" / "postmaster.pid"
        try:
            pid = int(pid_file.read_text().splitlines()[0])
        except (FileNotFoundError, ValueError, IndexError, PermissionError):
            return None
        return pid if _pid_alive(pid) else None

    def after_start(self) -> None:
        import psycopg

        with psycopg.connect(
            host="127.0.0.1",
            port=self.port,
            user=self.settings.postgres_user,
            password=self.settings.postgres_password.get_secret_value(),
            dbname="postgres",
            autocommit=True,
        ) as connection:
            exists = connection.execute(
                "SELECT 1 FROM pg_database WHERE datname = %s", (self.settings.postgres_db,)
            ).fetchone()
            if not exists:
                connection.execute(f'CREATE DATABASE "{self.settings.postgres_db}"')

    def stop(self) -> bool:
        if self.pid() is None:
            return False
        subprocess.run(
            self._as_user(
                [
                    self._pg("pg_ctl"),
                    "stop",
                    "-D",
                    str(self.data_dir / "pgdata"),
                    "-s",
                    "-m",
                    "fast",
                ]
            ),
            check=False,
        )
        return True


class Redis(LocalService):
    name = "redis"

    @property
    def port(self) -> int:
        return self.settings.redis_port

    @property
    def installed(self) -> bool:
        return self.binaries.redis_server is not None

    def command(self) -> list[str]:
        return [
            str(self.binaries.redis_server),
            "--bind",
            "127.0.0.1",
            "--port",
            str(self.port),
            "--dir",
            str(self.data_dir),
            "--appendonly",
            "yes",
            "--save",
            "",
            "--protected-mode",
            "yes",
        ]

    def answers(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=0.5) as conn:
                conn.sendall(b"PING\r\n")
                return conn.recv(16).startswith(b"+PONG")
        except OSError:
            return False


class Minio(LocalService):
    name = "minio"

    @property
    def port(self) -> int:
        return self.settings.minio_port

    @property
    def installed(self) -> bool:
        return self.binaries.minio is not None

    def command(self) -> list[str]:
        return [
            str(self.binaries.minio),
            "server",
            "--quiet",
            "--address",
            f"127.0.0.1:{self.port}",
            "--console-address",
            f"127.0.0.1:{self.settings.minio_console_port}",
            str(self.data_dir / "objects"),
        ]

    def environment(self) -> dict[str, str]:
        return {
            **os.environ,
            "MINIO_ROOT_USER": self.settings.s3_access_key_id,
            "MINIO_ROOT_PASSWORD": self.settings.s3_secret_access_key.get_secret_value(),
            "MINIO_BROWSER": "on",
            "MINIO_UPDATE": "off",
        }

    def answers(self) -> bool:
        try:
            response = httpx.get(f"http://127.0.0.1:{self.port}/minio/health/live", timeout=1)
        except httpx.HTTPError:
            return False
        return response.status_code == 200

    def after_start(self) -> None:
        from multistream.storage.s3 import S3Store

        S3Store.from_settings(self.settings).ensure_bucket()


class LiveKit(LocalService):
    """The LiveKit server in development mode, with the api's key and webhook URL."""

    name = "livekit"

    @property
    def port(self) -> int:
        return self.settings.livekit_port

    @property
    def installed(self) -> bool:
        return self.binaries.livekit_server is not None

    @property
    def config_file(self) -> Path:
        return self.data_dir / "livekit.yaml"

    def config(self) -> dict[str, object]:
        api_key = self.settings.livekit_api_key
        return {
            "port": self.port,
            "bind_addresses": ["127.0.0.1"],
            "rtc": {
                "tcp_port": self.settings.livekit_rtc_tcp_port,
                "udp_port": self.settings.livekit_rtc_udp_port,
                "use_external_ip": False,
                "node_ip": "127.0.0.1",
                "enable_loopback_candidate": True,
                "ips": {"includes": ["127.0.0.1/32"]},
            },
            "keys": {api_key: self.settings.livekit_api_secret.get_secret_value()},
            "webhook": {
                "api_key": api_key,
                "urls": [f"{self.settings.public_url.rstrip('/')}/webhooks/livekit"],
            },
            "room": {"empty_timeout": 300, "departure_timeout": 20},
            "logging": {"level": "info", "json": True},
        }

    def prepare(self) -> None:
        super().prepare()
        self.config_file.write_text(yaml.safe_dump(self.config(), sort_keys=False))
        self.config_file.chmod(0o600)

    def command(self) -> list[str]:
        return [str(self.binaries.livekit_server), "--dev", "--config", str(self.config_file)]

    def answers(self) -> bool:
        try:
            response = httpx.get(f"http://127.0.0.1:{self.port}/", timeout=1)
        except httpx.HTTPError:
            return False
        return response.status_code == 200


SERVICE_CLASSES: tuple[type[LocalService], ...] = (Postgres, Redis, Minio, LiveKit)
SERVICE_NAMES = tuple(cls.name for cls in SERVICE_CLASSES)


def all_services(settings: Settings, binaries: Binaries) -> list[LocalService]:
    return [cls(settings, binaries) for cls in SERVICE_CLASSES]
