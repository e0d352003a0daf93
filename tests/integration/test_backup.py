"""Backup and restore (`ops.backup`, `multistream backup`): a platform with a taught class
in it, backed up and restored into a fresh database and a fresh bucket, is the same
platform — every row, every object byte for byte, and the class's log through the api."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import boto3
import pytest
import sqlalchemy as sa

import multistream.tables  # noqa: F401 - every table, so foreign keys resolve
from multistream.db import migrate
from multistream.db.engine import make_engine, make_sessionmaker, transaction
from multistream.devservices import binaries
from multistream.ops import backup
from multistream.replay import store as replay_store
from multistream.replay.models import ReplayArtifactKind
from multistream.settings import Settings, StorageBackend
from multistream.storage import ObjectStore, make_object_store
from multistream.storage.s3 import S3Store
from tests.apiclient import ApiClient
from tests.conftest import create_empty_database, drop_database
from tests.throwaway import LiveServer, free_port

START = dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.UTC)
VIDEO = os.urandom(3 * 1024 * 1024 + 17)  # several chunks, not a whole number of them
CAPTIONS = b"WEBVTT\n\n00:00.000 --> 00:02.000\nLight drives photosynthesis.\n"


def _drop_bucket(settings: Settings) -> None:
    client = boto3.client(
        "s3",
        endpoint_url=settings.s3_endpoint_url,
        aws_access_key_id=settings.s3_access_key_id,
        aws_secret_access_key=settings.s3_secret_access_key.get_secret_value(),
        region_name=settings.s3_region,
    )
    for page in client.get_paginator("list_objects_v2").paginate(Bucket=settings.s3_bucket):
        for entry in page.get("Contents", []):
            client.delete_object(Bucket=settings.s3_bucket, Key=entry["Key"])
    client.delete_bucket(Bucket=settings.s3_bucket)


@pytest.fixture
def platforms(
    settings: Settings, run_tag: str, tmp_path: Path
) -> Iterator[tuple[Settings, Settings]]:
    """Settings of two platforms, each on a database and a bucket (or storage folder) of its
    own: the source migrated, the target empty."""
    made: list[Settings] = []
    for role in ("source", "target"):
        name = f"multistream_backup_{role}_{run_tag}"
        url = create_empty_database(settings, name)
        if role == "source":
            migrate.upgrade(url)
        bucket = f"backup-{role}-{run_tag}".lower().replace("_", "-")
        made.append(
            settings.model_copy(
                update={
                    "database_url": url,
                    "s3_bucket": bucket,
                    "storage_dir": tmp_path / f"{role}-storage",
                    "log_level": "WARNING",
                    "recorder_claim_timeout_seconds": 600.0,
                }
            )
        )
        if settings.storage_backend is StorageBackend.s3:
            S3Store.from_settings(made[-1]).ensure_bucket()
    yield made[0], made[1]
    for platform in made:
        drop_database(settings, str(sa.engine.make_url(platform.database_url).database))
        if settings.storage_backend is StorageBackend.s3:
            _drop_bucket(platform)


def teach_a_class(api: ApiClient) -> tuple[str, dict[str, str]]:
    """A course with a student, and a class that went live, had a chat and ended."""
    teacher, student = api.signup("Teacher"), api.signup("Ada")
    course = api.create_course(teacher)
    assert api.join(student, api.invite(teacher, course["id"])).status_code == 200
    schedule = {
        "title": "Photosynthesis, week 3",
        "scheduled_start": START.isoformat(),
        "scheduled_end": (START + dt.timedelta(hours=1)).isoformat(),
        "recording_enabled": False,
    }
    response = api.request(
        "POST", f"/api/v1/courses/{course['id']}/sessions", teacher, json=schedule
    )
    assert response.status_code == 201, response.text
    session_id = str(response.json()["id"])
    url = f"/api/v1/sessions/{session_id}"
    assert api.request("POST", f"{url}/start", teacher).status_code == 200
    for person, body in ((student, "Why are leaves green?"), (teacher, "Chlorophyll.")):
        posted = api.request("POST", f"{url}/chat", person, json={"body": body})
        assert posted.status_code == 201, posted.text
    assert api.request("POST", f"{url}/end", teacher).status_code == 200
    return session_id, teacher.headers


def add_a_replay(platform: Settings, store: ObjectStore, session_id: str) -> dict[str, bytes]:
    """Replay-like objects (a video, its captions with their artifact row) and a picture
    twice under two keys (stored once in the backup)."""
    objects = {
        f"sessions/{session_id}/recordings/{uuid.uuid4()}.mp4": VIDEO,
        f"sessions/{session_id}/replay/captions.vtt": CAPTIONS,
        f"sessions/{session_id}/replay/thumbs/0.jpg": b"\xff\xd8 a picture \xff\xd9",
        f"sessions/{session_id}/replay/thumbs/5000.jpg": b"\xff\xd8 a picture \xff\xd9",
    }
    for key, data in objects.items():
        store.put(key, data, content_type="video/mp4" if key.endswith(".mp4") else "text/vtt")
    engine = make_engine(platform, pool_size=1)
    try:
        with transaction(make_sessionmaker(engine)) as db:
            replay_store.write_artifact(
                db,
                session_id=uuid.UUID(session_id),
                kind=ReplayArtifactKind.captions_vtt,
                key=f"sessions/{session_id}/replay/captions.vtt",
            )
    finally:
        engine.dispose()
    return objects


def every_row(database_url: str) -> dict[str, list[str]]:
    """Each table of the public schema: its rows as JSON, sorted."""
    engine = sa.create_engine(database_url, poolclass=sa.NullPool)
    try:
        with engine.connect() as connection:
            tables = connection.execute(
                sa.text("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
            ).scalars()
            return {
                table: sorted(
                    connection.execute(sa.text(f'SELECT to_jsonb(t)::text FROM "{table}" t'))
                    .scalars()
                    .all()
                )
                for table in tables
            }
    finally:
        engine.dispose()


def the_log(
    platform: Settings, port: int, session_id: str, headers: dict[str, str]
) -> list[object]:
    """The class's log as the teacher reads it from an api on `platform` (on `port`: the
    tokens' issuer is the api's address)."""
    with LiveServer(platform, port=port) as server:
        api = ApiClient(server.url)
        try:
            assert api.http.get("/readyz").status_code == 200
            response = api.http.get(f"/api/v1/sessions/{session_id}/events", headers=headers)
            assert response.status_code == 200, response.text
            return list(response.json()["items"])
        finally:
            api.close()


def test_a_restored_platform_is_the_same_platform(
    platforms: tuple[Settings, Settings], tmp_path: Path
) -> None:
    source, target = platforms
    source_store, target_store = make_object_store(source), make_object_store(target)
    port = free_port()
    with LiveServer(source, port=port) as server:
        api = ApiClient(server.url)
        try:
            session_id, teacher = teach_a_class(api)
        finally:
            api.close()
    objects = add_a_replay(source, source_store, session_id)
    log = the_log(source, port, session_id, teacher)
    assert [e["type"] for e in log if e["type"].startswith(("session.", "chat."))] == [
        "session.scheduled",
        "session.started",
        "session.media_status",
        "chat.message_posted",
        "chat.message_posted",
        "session.ended",
    ]

    tools = backup.PostgresTools(binaries.find(source.data_dir).postgres_bin_dir)
    folder = tmp_path / "backup"
    manifest = backup.create(
        folder,
        database_url=source.database_url,
        store=source_store,
        tools=tools,
        source="the source",
    )
    heads = migrate.current_heads(source.database_url)
    assert manifest.database.schema_revision == ",".join(sorted(heads))
    assert manifest.object_count == len(objects)
    assert manifest.object_bytes == sum(len(data) for data in objects.values())
    stored = [path for path in (folder / backup.OBJECTS).rglob("*") if path.is_file()]
    assert len(stored) == 3  # the two identical pictures once
    assert json.loads((folder / backup.MANIFEST).read_text())["objects"][0]["sha256"]

    # A target that is not empty is refused, and nothing is written to it.
    with pytest.raises(backup.BackupError, match=r"has [0-9]+ tables"):
        backup.restore(folder, database_url=source.database_url, store=target_store, tools=tools)
    assert list(target_store.list_keys()) == []

    report = backup.restore(
        folder, database_url=target.database_url, store=target_store, tools=tools
    )
    assert report.objects_restored == len(objects)
    assert report.schema_revision == manifest.database.schema_revision
    assert every_row(target.database_url) == every_row(source.database_url)
    assert list(target_store.list_keys()) == sorted(objects)
    for key, data in objects.items():
        assert target_store.get(key) == data
        assert target_store.stat(key).content_type == source_store.stat(key).content_type
    assert the_log(target, port, session_id, teacher) == log

    # Again over the restored platform: refused, then forced.
    with pytest.raises(backup.BackupError, match="--force"):
        backup.restore(folder, database_url=target.database_url, store=target_store, tools=tools)
    target_store.put("stray/object.txt", b"not in the backup", content_type="text/plain")
    forced = backup.restore(
        folder, database_url=target.database_url, store=target_store, tools=tools, force=True
    )
    assert forced.objects_not_in_backup == 1
    assert every_row(target.database_url) == every_row(source.database_url)


def test_a_damaged_backup_is_refused_before_anything_is_written(
    platforms: tuple[Settings, Settings], tmp_path: Path
) -> None:
    source, target = platforms
    source_store, target_store = make_object_store(source), make_object_store(target)
    source_store.put("sessions/x/replay/captions.vtt", CAPTIONS, content_type="text/vtt")
    tools = backup.PostgresTools(binaries.find(source.data_dir).postgres_bin_dir)
    folder = tmp_path / "backup"
    manifest = backup.create(
        folder, database_url=source.database_url, store=source_store, tools=tools, source="s"
    )
    (folder / manifest.objects[0].path).write_bytes(b"WEBVTT\n\nsomething else\n")

    with pytest.raises(backup.BackupError, match="does not match its checksum"):
        backup.restore(folder, database_url=target.database_url, store=target_store, tools=tools)
    assert backup.table_count(target.database_url) == 0
    assert list(target_store.list_keys()) == []


def test_the_commands(platforms: tuple[Settings, Settings], tmp_path: Path) -> None:
    """`multistream backup create` and `restore`, configured by the environment."""
    source, target = platforms
    make_object_store(source).put("a/b.txt", b"hello", content_type="text/plain")

    def run(platform: Settings, *args: str) -> subprocess.CompletedProcess[str]:
        env = {
            **os.environ,
            "DATABASE_URL": platform.database_url,
            "S3_BUCKET": platform.s3_bucket,
            "STORAGE_DIR": str(platform.storage_dir),
        }
        return subprocess.run(
            [sys.executable, "-m", "multistream", "backup", *args],
            capture_output=True,
            text=True,
            timeout=120,
            env=env,
            check=False,
        )

    folder = tmp_path / "backup"
    created = run(source, "create", str(folder))
    assert created.returncode == 0, created.stderr
    assert "and 1 objects (5 bytes)" in created.stdout
    again = run(source, "create", str(folder))
    assert again.returncode == 1
    assert "is not empty" in again.stderr

    restored = run(target, "restore", str(folder))
    assert restored.returncode == 0, restored.stderr
    assert "and 1 objects" in restored.stdout
    refused = run(target, "restore", str(folder))
    assert refused.returncode == 1
    assert "--force" in refused.stderr
    forced = run(target, "restore", "--force", str(folder))
    assert forced.returncode == 0, forced.stderr
    assert make_object_store(target).get("a/b.txt") == b"hello"
