"""Placeholder and short secrets are refused (issue 13, item 7): the settings of every process
refuse them with a message naming the setting and never its value, `vigie api` and the action
server do not start, and the systemd environment example ships no usable placeholder."""

from __future__ import annotations

import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from pydantic import ValidationError

from api.core.settings import ApiSettings
from vigie.secrets import SECRET_NAMES, weakness
from vigie.settings import PROJECT_ROOT, VigieSettings

ENV_EXAMPLE = PROJECT_ROOT / "deploy" / "systemd" / "vigie.env.example"
WEAK = [
    "change-me",
    "changeme-changeme-changeme-changeme",
    "please-replace-with-a-long-random-value",
    "my-super-secret-token-for-vigie-2026",
    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
    "0123456789" * 4,
    "short-but-random-Zq8x",
]


@pytest.mark.parametrize("value", WEAK)
def test_weak_values_are_refused(value: str) -> None:
    assert weakness(value)


def test_generated_secrets_are_accepted() -> None:
    generated = [secrets.token_urlsafe(32) for _ in range(500)]
    assert [value for value in generated if weakness(value)] == []


@pytest.mark.parametrize("name", SECRET_NAMES)
def test_settings_refuse_a_placeholder_without_printing_it(name: str, tmp_path: Path) -> None:
    with pytest.raises(ValidationError) as refused:
        VigieSettings(var_dir=tmp_path, **{name: "change-me"})
    message = str(refused.value)
    assert f"VIGIE_{name.upper()}" in message and "change-me" not in message


def test_a_placeholder_database_password_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValidationError, match="DATABASE_URL"):
        ApiSettings(var_dir=tmp_path, DATABASE_URL="postgresql+psycopg://vigie:change-me@db/vigie")
    with pytest.raises(ValidationError, match="VIGIE_TRACKER_URL"):
        VigieSettings(var_dir=tmp_path, tracker_url="postgresql://vigie:password@db/vigie_tracker")
    assert ApiSettings(
        var_dir=tmp_path,
        DATABASE_URL=f"postgresql+psycopg://vigie:{secrets.token_urlsafe(24)}@db/v",
    )


def clean_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("VIGIE_")}
    env.pop("DATABASE_URL", None)
    return env | {"VIGIE_VAR_DIR": str(tmp_path / "var")} | extra


@pytest.mark.parametrize(
    "command",
    [
        [sys.executable, "-m", "ops.cli", "api", "--port", "9"],
        [sys.executable, "-m", "actions.server", "--port", "9"],
        [sys.executable, "-m", "ops.cli", "purge"],
    ],
    ids=["api", "action server", "purge"],
)
@pytest.mark.slow
def test_processes_do_not_start_on_a_placeholder(command: list[str], tmp_path: Path) -> None:
    env = clean_env(tmp_path, VIGIE_INGEST_TOKEN="change-me", VIGIE_ACTION_TOKEN="change-me")
    result = subprocess.run(
        command, cwd=PROJECT_ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode != 0
    assert "VIGIE_INGEST_TOKEN" in result.stderr and "VIGIE_ACTION_TOKEN" in result.stderr
    assert "change-me" not in result.stdout + result.stderr
    assert "Traceback" not in result.stderr  # one clear line, not a stack


def test_the_environment_example_ships_no_usable_placeholder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assignments = dict(
        line.split("=", 1)
        for line in ENV_EXAMPLE.read_text(encoding="utf-8").splitlines()
        if re.match(r"^[A-Z_]+=", line)
    )
    for name in SECRET_NAMES:
        assert assignments.get(f"VIGIE_{name.upper()}", "") == "", name  # to fill in, or generated
    assert not [key for key, value in assignments.items() if "change-me" in value]
    # As shipped, every setting it gives is accepted (the secrets left empty are generated).
    for key, value in (assignments | {"VIGIE_VAR_DIR": str(tmp_path)}).items():
        monkeypatch.setenv(key, value)
    assert ApiSettings().secret("pepper")
