"""`ops.check`'s sentences about settings, without services."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from pydantic import SecretStr, ValidationError

from multistream.ops.check import (
    Severity,
    folder_findings,
    settings_errors,
    settings_findings,
    variable,
)
from multistream.settings import Environment, Settings


def production(**values: Any) -> Settings:
    """Settings as a production install has them. Built in development and then switched,
    so that these tests read only what `settings_findings` adds to `Settings`' own
    production rules (tests/unit/test_settings.py has those)."""
    values = {
        "secret_key": SecretStr("a-real-secret-of-the-school-0123456789"),
        "livekit_api_secret": SecretStr("another-real-secret-of-the-school-0123"),
        **values,
    }
    return Settings(**values).model_copy(update={"env": Environment.production})


def problems(settings: Settings) -> list[str]:
    return [f.message for f in settings_findings(settings) if f.severity is Severity.problem]


def test_variables_are_named_as_the_environment_spells_them() -> None:
    assert variable("public_url") == "MULTISTREAM_PUBLIC_URL"
    assert variable("redis_url") == "REDIS_URL"
    assert variable("s3_bucket") == "S3_BUCKET"


def test_production_behind_tls_has_no_problem() -> None:
    settings = production(
        public_url="https://class.school.example", livekit_url="wss://livekit.school.example"
    )
    assert problems(settings) == []


def test_production_over_plain_http_is_a_problem() -> None:
    settings = production(public_url="http://class.school.example", livekit_url="ws://lk:7880")
    [public_url] = problems(settings)
    assert public_url.startswith("MULTISTREAM_PUBLIC_URL is http://class.school.example")


def test_an_https_page_needs_livekit_over_wss() -> None:
    settings = production(public_url="https://class.school.example", livekit_url="ws://lk:7880")
    [livekit] = problems(settings)
    assert livekit.startswith("LIVEKIT_URL is ws://lk:7880")


def test_without_media_it_is_a_warning_only() -> None:
    settings = production(public_url="https://x.example", media_enabled=False)
    assert problems(settings) == []
    assert any(
        f.subject == "livekit" and f.severity is Severity.warning
        for f in settings_findings(settings)
    )


def test_refused_settings_become_sentences_naming_the_variable() -> None:
    with pytest.raises(ValidationError) as refused:
        Settings(api_port=99999, redis_url="redis://x", env="production")
    messages = [finding.message for finding in settings_errors(refused.value)]
    assert len(messages) == 1
    assert messages[0].startswith("MULTISTREAM_API_PORT (it is 99999): ")


def test_template_placeholders_and_short_livekit_secrets_are_problems() -> None:
    settings = production(
        secret_key=SecretStr("CHANGE-ME"),
        livekit_api_secret=SecretStr("short-secret"),
        public_url="https://class.school.example",
        livekit_url="wss://livekit.school.example",
        livekit_api_key="CHANGE-ME-API-KEY",
    )
    found = problems(settings)
    assert len(found) == 3, found
    assert found[0].startswith("MULTISTREAM_SECRET_KEY still holds the template's CHANGE-ME")
    assert found[1].startswith("LIVEKIT_API_KEY still holds the template's CHANGE-ME")
    assert found[2].startswith("LIVEKIT_API_SECRET is 12 characters long")


def test_a_rule_with_several_reasons_gives_a_sentence_each() -> None:
    with pytest.raises(ValidationError) as refused:
        Settings(render_soft_time_limit_seconds=300, render_hard_time_limit_seconds=200)
    [finding] = settings_errors(refused.value)
    assert (
        finding.message
        == "MULTISTREAM_RENDER_HARD_TIME_LIMIT_SECONDS must be above the soft limit."
    )


def test_a_missing_data_folder_is_a_problem(tmp_path: Path) -> None:
    [missing] = [
        f
        for f in folder_findings(Settings(data_dir=tmp_path / "nowhere"))
        if f.subject == "data_dir"
    ]
    assert missing.severity is Severity.problem
    assert missing.message.startswith(f"MULTISTREAM_DATA_DIR {tmp_path / 'nowhere'} is missing")
    assert not [f for f in folder_findings(Settings(data_dir=tmp_path)) if f.subject == "data_dir"]
