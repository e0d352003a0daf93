from __future__ import annotations

import pytest
from pydantic import ValidationError

from multistream.settings import PROJECT_ROOT, Settings

STRONG = {
    "secret_key": "s" * 48,
    "livekit_api_secret": "l" * 48,
    "s3_secret_access_key": "k" * 40,
    "database_url": "postgresql://app:a-real-password@db.internal:5432/multistream",
}


def test_local_defaults_point_at_the_local_services(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("DATABASE_URL", "REDIS_URL", "S3_ENDPOINT_URL", "LIVEKIT_URL"):
        monkeypatch.delenv(name, raising=False)
    settings = Settings(postgres_port=6001, redis_port=6002, minio_port=6003, livekit_port=6004)
    assert settings.database_url.endswith("@127.0.0.1:6001/multistream")
    assert settings.redis_url == "redis://127.0.0.1:6002/0"
    assert settings.s3_endpoint_url == "http://127.0.0.1:6003"
    assert settings.livekit_url == "ws://127.0.0.1:6004"


def test_environment_variables_win(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATABASE_URL", "postgres://u:p@h:1/d")
    monkeypatch.setenv("MULTISTREAM_API_PORT", "9999")
    settings = Settings()
    assert settings.database_url_sync == "postgresql+psycopg://u:p@h:1/d"
    assert settings.api_port == 9999


def test_media_disabled_leaves_no_livekit_url(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("LIVEKIT_URL", raising=False)
    settings = Settings(media_enabled=False)
    assert settings.livekit_url == ""
    assert not settings.media_configured


def test_production_accepts_real_secrets() -> None:
    settings = Settings(env="production", **STRONG)
    assert settings.env == "production"


@pytest.mark.parametrize(
    ("missing", "variable"),
    [
        ("secret_key", "MULTISTREAM_SECRET_KEY"),
        ("livekit_api_secret", "LIVEKIT_API_SECRET"),
        ("s3_secret_access_key", "S3_SECRET_ACCESS_KEY"),
        ("database_url", "DATABASE_URL"),
    ],
)
def test_production_refuses_each_development_secret(
    monkeypatch: pytest.MonkeyPatch, missing: str, variable: str
) -> None:
    for name in ("DATABASE_URL", "LIVEKIT_API_SECRET", "S3_SECRET_ACCESS_KEY"):
        monkeypatch.delenv(name, raising=False)
    values = {k: v for k, v in STRONG.items() if k != missing}
    with pytest.raises(ValidationError, match=variable):
        Settings(env="production", **values)


def _documented_variables() -> dict[str, str]:
    lines = (PROJECT_ROOT / ".env.example").read_text().splitlines()
    pairs = [line.split("=", 1) for line in lines if line and not line.startswith("#")]
    return dict(pairs)


def _variable_names() -> set[str]:
    names = set()
    for name, field in Settings.model_fields.items():
        alias = field.validation_alias
        names.add(alias.choices[0] if alias is not None else f"MULTISTREAM_{name.upper()}")  # type: ignore[union-attr]
    return names


def test_env_example_documents_every_setting() -> None:
    assert set(_documented_variables()) == _variable_names()


def test_env_example_loads_to_the_defaults(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in _variable_names():
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(PROJECT_ROOT)
    from_example = Settings(_env_file=PROJECT_ROOT / ".env.example")  # type: ignore[call-arg]
    defaults = Settings(_env_file=None)  # type: ignore[call-arg]
    assert from_example.model_dump(exclude={"data_dir", "storage_dir"}) == defaults.model_dump(
        exclude={"data_dir", "storage_dir"}
    )
