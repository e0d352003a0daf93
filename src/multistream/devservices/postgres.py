"""PostgreSQL as a local service: a cluster made by `initdb`, started and stopped by
`pg_ctl` (which daemonizes, so the server's own pid file is the truth), and the
application's database created once it answers. As root it runs as the `postgres` system
user, with its cluster in a folder that user can enter."""

from __future__ import annotations

import hashlib
import os
import pwd
import shutil
import subprocess
from pathlib import Path

from multistream.devservices.binaries import Binaries
from multistream.devservices.processes import LocalService, ServiceError, pid_alive
from multistream.settings import Settings


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
        return pid if pid_alive(pid) else None

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
