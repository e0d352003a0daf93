"""Start, stop and probe the local service processes: `LocalService`, what every service
shares (`postgres` and `services` hold the services themselves).

Each service runs detached from the command that started it (its own session, a pid file
and a log under the data folder), listens on 127.0.0.1 only, and is waited on until it
accepts connections. `status` asks each one whether it answers, not only whether its
process exists.
"""

from __future__ import annotations

import contextlib
import dataclasses
import os
import signal
import socket
import subprocess
import time
from abc import ABC, abstractmethod
from collections.abc import Callable
from pathlib import Path

import httpx

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


def http_ok(url: str) -> bool:
    """Whether `url` answers 200 within a second."""
    try:
        response = httpx.get(url, timeout=1)
    except httpx.HTTPError:
        return False
    return response.status_code == 200


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


def pid_alive(pid: int) -> bool:
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
    def installed(self) -> bool:
        return self.binaries.of(self.name) is not None

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
        return pid if pid_alive(pid) else None

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
        while pid_alive(pid) and time.monotonic() < deadline:
            time.sleep(0.1)
        if pid_alive(pid):
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
