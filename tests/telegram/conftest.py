"""Fixtures for the Telegram bridge: the fake Bot API, a stub Rasa, and the bridge running in
a thread with its own event loop — the real PTB Application, polling over real HTTP.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from telegram.ext import Application

from bot.app import build_application, run_polling
from bot.bridge import Bridge
from bot.settings import BotSettings
from tests.telegram.fake_bot_api import TOKEN, FakeBotApi
from tests.telegram.stub_rasa import StubRasa


class RunningBridge:
    """`bot.app.run_polling` in a thread; stopped like Ctrl-C would stop it."""

    def __init__(self, settings: BotSettings) -> None:
        self.settings = settings
        self.application: Application = build_application(settings)
        self.loop = asyncio.new_event_loop()
        self.error: BaseException | None = None
        self.api: FakeBotApi | None = None
        self._thread = threading.Thread(target=self._run, daemon=True)

    @property
    def bridge(self) -> Bridge:
        return self.application.bot_data["bridge"]

    def _run(self) -> None:
        asyncio.set_event_loop(self.loop)
        try:
            run_polling(self.application, self.settings, stop_signals=None, close_loop=False)
        except BaseException as error:  # surfaced by the tests
            self.error = error

    def start(self, api: FakeBotApi) -> RunningBridge:
        self.api = api
        self._thread.start()
        api.wait_for(lambda: api.calls_to("getUpdates"), 15, "the bridge to poll")
        return self

    @property
    def running(self) -> bool:
        return self._thread.is_alive() and self.application.running

    def stop(self) -> None:
        if self._thread.is_alive():
            assert self.api is not None
            with self.api.polls_released():
                self.loop.call_soon_threadsafe(self.application.stop_running)
                self._thread.join(timeout=30)
        if not self.loop.is_closed():
            self.loop.close()


def bot_settings(var_dir: Path, api: FakeBotApi, rasa_url: str, **overrides: Any) -> BotSettings:
    values: dict[str, Any] = {
        "var_dir": var_dir,
        "TELEGRAM_BOT_TOKEN": TOKEN,
        "telegram_base_url": api.base_url,
        "telegram_webhook_url": "",
        "rasa_url": rasa_url,
        "api_url": "http://127.0.0.1:9",  # closed unless a test gives the real API
        "telegram_poll_timeout": 1.0,
        "rasa_connect_retries": 1,
        "rate_limit_messages": 12,
        "rate_limit_window_seconds": 10.0,
        "rate_limit_cooldown_seconds": 60.0,
    }
    return BotSettings(**(values | overrides))


@pytest.fixture
def bot_api() -> Iterator[FakeBotApi]:
    api = FakeBotApi()
    api.start()
    yield api
    api.stop()


@pytest.fixture
def rasa() -> Iterator[StubRasa]:
    stub = StubRasa()
    stub.start()
    yield stub
    stub.stop()


BridgeFactory = Callable[..., RunningBridge]


@pytest.fixture
def start_bridge(tmp_path: Path, bot_api: FakeBotApi, rasa: StubRasa) -> Iterator[BridgeFactory]:
    """Start a bridge on the fake Bot API and the stub Rasa (settings overridable)."""
    running: list[RunningBridge] = []

    def start(**overrides: Any) -> RunningBridge:
        var_dir = overrides.pop("var_dir", tmp_path)
        rasa_url = overrides.pop("rasa_url", rasa.url)
        settings = bot_settings(var_dir, bot_api, rasa_url, **overrides)
        bridge = RunningBridge(settings).start(bot_api)
        running.append(bridge)
        return bridge

    yield start
    for bridge in running:
        bridge.stop()
        assert bridge.error is None, bridge.error
