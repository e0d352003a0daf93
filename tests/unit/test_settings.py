from __future__ import annotations

import pytest
from pydantic import ValidationError

from multistream.settings import PROJECT_ROOT, Settings

STRONG = {
    "secret_key": "q8Zr2VJx0mTgKc5bH1yWnPaE7uLs4DfR9iXoBv3N6kQe",
    "livekit_api_secret": "Yt7Hn2Lq9VcX4mZb1RkWs8Jd5PgFa3Ue6NoEiC0ThBr",
    "s3_secret_access_key": "wJalrXUtnFEMI/K7MDENG/bPxRfiCYzQ8vL2",
    "database_url": "postgresql://app:Vb7qX2mL9tRk4Wz8@db.internal:5432/multistream",
    "livekit_api_key": "APIq7Rt2Xm9Kc4",
    "livekit_url": "wss://media.class.example.edu",
    "public_url": "https://class.example.edu",
    "trusted_proxies": ["10.0.0.5"],
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
    # No development origins are added in production: the public URL alone.
    assert settings.allowed_origins == ["https://class.example.edu"]


def _refusal(**changes: object) -> str:
    with pytest.raises(ValidationError) as refused:
        Settings(env="production", **{**STRONG, **changes})
    return str(refused.value)


@pytest.mark.parametrize(
    ("changes", "variable", "reason"),
    [
        ({"secret_key": "x" * 20}, "MULTISTREAM_SECRET_KEY", "20 characters long"),
        ({"secret_key": "ab" * 30}, "MULTISTREAM_SECRET_KEY", "too predictable"),
        ({"secret_key": "please-change-me-" * 3}, "MULTISTREAM_SECRET_KEY", "placeholder"),
        ({"livekit_api_secret": "abc123" * 6}, "LIVEKIT_API_SECRET", "too predictable"),
        ({"s3_secret_access_key": "minio123"}, "S3_SECRET_ACCESS_KEY", "characters long"),
        (
            {"database_url": "postgresql://app:password@db:5432/multistream"},
            "DATABASE_URL",
            "characters long",
        ),
        ({"livekit_api_key": "multistream-dev"}, "LIVEKIT_API_KEY", "development key"),
        ({"livekit_api_key": "devkey"}, "LIVEKIT_API_KEY", "development key"),
        ({"livekit_url": "ws://media.internal:7880"}, "LIVEKIT_URL", "wss://"),
        (
            {"allowed_origins": ["https://class.example.edu", "http://localhost:5173"]},
            "MULTISTREAM_ALLOWED_ORIGINS",
            "http://localhost:5173",
        ),
        (
            {"allowed_origins": ["https://127.0.0.1:5173"]},
            "MULTISTREAM_ALLOWED_ORIGINS",
            "https:// origins",
        ),
        ({"public_url": "http://class.example.edu"}, "MULTISTREAM_PUBLIC_URL", "https://"),
        ({"trusted_proxies": []}, "MULTISTREAM_TRUSTED_PROXIES", "reverse proxy"),
    ],
)
def test_production_refuses_weak_or_development_settings(
    changes: dict[str, object], variable: str, reason: str
) -> None:
    message = _refusal(**changes)
    assert variable in message
    assert reason in message
    assert message.count("\n- ") == 1, message  # that one refusal, nothing else


def test_production_lists_every_refusal_at_once() -> None:
    message = _refusal(secret_key="short", livekit_url="ws://x", trusted_proxies=[])
    assert message.count("\n- ") == 3
    for variable in ("MULTISTREAM_SECRET_KEY", "LIVEKIT_URL", "MULTISTREAM_TRUSTED_PROXIES"):
        assert f"set {variable}" in message or f"{variable} is" in message


def test_trusted_proxies_must_be_addresses() -> None:
    assert Settings(trusted_proxies=["10.0.0.5", "10.1.0.0/16", "::1"]).trusted_proxies
    with pytest.raises(ValidationError, match="not an IP address or network"):
        Settings(trusted_proxies=["proxy.internal"])


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
