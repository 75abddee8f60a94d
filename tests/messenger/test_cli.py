"""`vigie meta` as the launcher runs it (a real process, configured by the environment), and
the launcher starting it only when it is configured."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from bot.meta.signature import SIGNATURE_HEADER, sign
from devtools.processes import free_port
from devtools.wait import wait_for
from ops import launcher
from tests.messenger.conftest import APP_SECRET, PATH, VERIFY_TOKEN, text
from tests.messenger.fake_graph_api import PAGE_TOKEN, FakeGraphApi
from tests.telegram.stub_rasa import StubRasa
from vigie.settings import PROJECT_ROOT, VigieSettings

pytestmark = pytest.mark.messenger  # `vigie meta` as a real process


def meta_env(tmp_path: Path, graph_url: str, rasa_url: str, port: int) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith("VIGIE_")}
    return env | {
        "VIGIE_META_ENABLED": "true",
        "VIGIE_META_APP_SECRET": APP_SECRET,
        "VIGIE_META_VERIFY_TOKEN": VERIFY_TOKEN,
        "VIGIE_META_PAGE_TOKEN": PAGE_TOKEN,
        "VIGIE_META_GRAPH_URL": graph_url,
        "VIGIE_META_WEBHOOK_PORT": str(port),
        "VIGIE_RASA_URL": rasa_url,
        "VIGIE_VAR_DIR": str(tmp_path),
        "PYTHONUNBUFFERED": "1",
    }


def test_vigie_meta_answers_a_signed_message_and_stops_cleanly_on_sigterm(
    tmp_path: Path, graph: FakeGraphApi, rasa: StubRasa
) -> None:
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "ops.cli", "meta"],
        cwd=PROJECT_ROOT,
        env=meta_env(tmp_path, graph.url, rasa.url, port),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        health = f"http://127.0.0.1:{port}/health"

        def up() -> bool:
            try:
                return httpx.get(health, timeout=1).status_code == 200
            except httpx.HTTPError:
                return False

        assert wait_for(up, 30, 0.2), "vigie meta did not answer"
        raw = json.dumps(text("701", "un secret")).encode()
        url = f"http://127.0.0.1:{port}{PATH}"
        headers = {SIGNATURE_HEADER: sign(raw, APP_SECRET)}
        assert httpx.post(url, content=raw, headers=headers, timeout=10).status_code == 200
        assert graph.wait_sent("701", 1)[0].text == "un secret"
    finally:
        process.send_signal(signal.SIGTERM)
        output, _ = process.communicate(timeout=30)
    # uvicorn shuts down, then re-raises the signal it caught: the usual exit of a stopped server
    assert process.returncode in (0, -signal.SIGTERM), output
    assert "Traceback" not in output and "ERROR" not in output
    for secret in ("un secret", "701", APP_SECRET, VERIFY_TOKEN, PAGE_TOKEN):
        assert secret not in output


def test_vigie_meta_refuses_to_start_unconfigured_and_says_what_is_missing(tmp_path: Path) -> None:
    env = {key: value for key, value in os.environ.items() if not key.startswith("VIGIE_")}
    env |= {"VIGIE_VAR_DIR": str(tmp_path), "VIGIE_META_ENABLED": "true"}
    env["VIGIE_META_VERIFY_TOKEN"] = VERIFY_TOKEN
    result = subprocess.run(
        [sys.executable, "-m", "ops.cli", "meta"],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    assert "VIGIE_META_APP_SECRET is not set" in result.stderr
    assert "VIGIE_META_PAGE_TOKEN or VIGIE_META_INSTAGRAM_TOKEN is not set" in result.stderr
    assert VERIFY_TOKEN not in result.stderr + result.stdout


def test_the_launcher_starts_the_bridge_only_when_configured(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = VigieSettings(var_dir=tmp_path)

    def names() -> list[str]:
        return [spec.name for spec in launcher.stack(settings, launcher.Ports(), tmp_path)]

    for key in list(os.environ):
        if key.startswith("VIGIE_META_"):
            monkeypatch.delenv(key)
    monkeypatch.chdir(tmp_path)  # no .env
    assert "meta" not in names()
    monkeypatch.setenv("VIGIE_META_ENABLED", "true")
    monkeypatch.setenv("VIGIE_META_APP_SECRET", APP_SECRET)
    monkeypatch.setenv("VIGIE_META_VERIFY_TOKEN", VERIFY_TOKEN)
    assert "meta" not in names()  # no token to answer with
    monkeypatch.setenv("VIGIE_META_PAGE_TOKEN", PAGE_TOKEN)
    assert "meta" in names()
    (spec,) = [s for s in launcher.stack(settings, launcher.Ports(), tmp_path) if s.name == "meta"]
    assert spec.args[-2:] == ["ops.cli", "meta"]
