"""The services `multistream services` runs, in the order they start: PostgreSQL
(`postgres`), Redis, MinIO and the LiveKit server — what each runs and how it is asked
whether it answers."""

from __future__ import annotations

import os
import socket
from pathlib import Path

import yaml

from multistream.devservices.binaries import Binaries
from multistream.devservices.postgres import Postgres
from multistream.devservices.processes import LocalService, http_ok
from multistream.settings import Settings


class Redis(LocalService):
    name = "redis"

    @property
    def port(self) -> int:
        return self.settings.redis_port

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
        return http_ok(f"http://127.0.0.1:{self.port}/minio/health/live")

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
        return http_ok(f"http://127.0.0.1:{self.port}/")


SERVICE_CLASSES: tuple[type[LocalService], ...] = (Postgres, Redis, Minio, LiveKit)
SERVICE_NAMES = tuple(cls.name for cls in SERVICE_CLASSES)


def all_services(settings: Settings, binaries: Binaries) -> list[LocalService]:
    return [cls(settings, binaries) for cls in SERVICE_CLASSES]
