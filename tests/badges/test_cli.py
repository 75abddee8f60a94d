"""`vigie badges verify FILE` and `vigie badges revoke ID` on the deployment's database and
key: a downloaded credential verifies (exit 0), a revoked or altered one does not (exit 1)."""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from api.core.settings import ApiSettings, get_settings
from ops.cli import main


@pytest.fixture
def same_deployment(
    api_settings: ApiSettings, monkeypatch: pytest.MonkeyPatch
) -> Iterator[ApiSettings]:
    """The command reads the environment: point it at the test API's database and var dir."""
    monkeypatch.setenv("VIGIE_VAR_DIR", str(api_settings.var_dir))
    monkeypatch.setenv("VIGIE_PUBLIC_URL", api_settings.public_url)
    monkeypatch.setenv("DATABASE_URL", api_settings.effective_database_url)
    get_settings.cache_clear()
    yield api_settings
    get_settings.cache_clear()


def test_verify_then_revoke(
    credential: str,
    same_deployment: ApiSettings,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    file = tmp_path / "badge.jwt"
    file.write_text(credential, encoding="utf-8")
    assert main(["badges", "verify", str(file)]) == 0
    out = capsys.readouterr().out
    assert "signature: ok" in out and "Détective de la source" in out
    body = credential.split(".")[1]
    credential_id = json.loads(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))["id"]
    assert main(["badges", "revoke", credential_id]) == 0
    assert main(["badges", "verify", str(file)]) == 1
    assert "revocation: FAILED" in capsys.readouterr().out
    assert main(["badges", "revoke", "urn:uuid:00000000-0000-0000-0000-000000000000"]) == 1


def test_an_altered_file_is_invalid(
    credential: str, same_deployment: ApiSettings, tmp_path: Path
) -> None:
    file = tmp_path / "badge.jwt"
    file.write_text(credential[:-3] + ("AAA" if not credential.endswith("AAA") else "BBB"))
    assert main(["badges", "verify", str(file)]) == 1
    assert main(["badges", "verify", str(tmp_path / "missing.jwt")]) == 1
