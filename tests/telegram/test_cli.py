"""`vigie bot` as the launcher runs it: a real process, configured only by the environment."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from tests.telegram import fake_bot_api as tg
from tests.telegram.fake_bot_api import FakeBotApi
from tests.telegram.stub_rasa import StubRasa
from vigie.settings import PROJECT_ROOT

pytestmark = pytest.mark.telegram  # `vigie bot` as a real process


def bot_env(tmp_path: Path, bot_api: FakeBotApi, rasa: StubRasa) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith("VIGIE_")}
    return env | {
        "TELEGRAM_BOT_TOKEN": tg.TOKEN,
        "VIGIE_TELEGRAM_BASE_URL": bot_api.base_url,
        "VIGIE_RASA_URL": rasa.url,
        "VIGIE_VAR_DIR": str(tmp_path),
        "VIGIE_TELEGRAM_POLL_TIMEOUT": "1",
        "PYTHONUNBUFFERED": "1",
    }


def test_vigie_bot_polls_answers_and_stops_cleanly_on_sigterm(
    tmp_path: Path, bot_api: FakeBotApi, rasa: StubRasa
) -> None:
    secret_id, secret_text = 55_501_234, "mon adresse est 3 rue des Lilas"
    process = subprocess.Popen(
        [sys.executable, "-m", "ops.cli", "bot"],
        cwd=PROJECT_ROOT,
        env=bot_env(tmp_path, bot_api, rasa),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        bot_api.wait_for(lambda: bot_api.calls_to("getUpdates"), 30, "the bridge to poll")
        bot_api.inject(tg.text(secret_id, secret_text), tg.text(secret_id, "/start"))
        sent = bot_api.wait_sent(secret_id, 2)
        assert [call.text for call in sent] == [secret_text, "salut"]
        process.send_signal(signal.SIGTERM)
        output, _ = process.communicate(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate()
    assert process.returncode == 0, output.decode()
    log = output.decode()
    assert "Telegram bridge: polling" in log
    assert tg.TOKEN not in log
    assert str(secret_id) not in log
    assert secret_text not in log


def test_vigie_bot_without_a_token_explains_and_fails(tmp_path: Path) -> None:
    env = {key: value for key, value in os.environ.items() if key != "TELEGRAM_BOT_TOKEN"}
    result = subprocess.run(
        [sys.executable, "-m", "ops.cli", "bot"],
        cwd=PROJECT_ROOT,
        env=env | {"VIGIE_VAR_DIR": str(tmp_path)},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    assert "TELEGRAM_BOT_TOKEN is not set" in result.stderr
