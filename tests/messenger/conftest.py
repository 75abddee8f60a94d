"""Fixtures for the Messenger/Instagram bridge: the fake Graph API, a stub Rasa, and the real
webhook app served by uvicorn in a thread, called over HTTP with signed bodies.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn

from bot.meta.app import webhook_app
from bot.meta.bridge import MetaBridge
from bot.meta.signature import SIGNATURE_HEADER, sign
from bot.settings import BotSettings
from devtools.processes import free_port
from devtools.wait import wait_for
from tests.messenger.fake_graph_api import INSTAGRAM_TOKEN, PAGE_TOKEN, FakeGraphApi
from tests.telegram import conftest as telegram_fixtures
from tests.telegram.stub_rasa import StubRasa

APP_SECRET = "app-secret-of-the-test-meta-app"
VERIFY_TOKEN = "verify-token-typed-in-the-app-dashboard"
PATH = "/meta/webhook"
PAGE_ID = "1000000001"
_mids = iter(range(1, 10**9))


def meta_settings(
    var_dir: Path, graph: FakeGraphApi, rasa_url: str, **overrides: Any
) -> BotSettings:
    values: dict[str, Any] = {
        "var_dir": var_dir,
        "meta_enabled": True,
        "meta_app_secret": APP_SECRET,
        "meta_verify_token": VERIFY_TOKEN,
        "meta_page_token": PAGE_TOKEN,
        "meta_instagram_token": INSTAGRAM_TOKEN,
        "meta_graph_url": graph.url,
        "meta_webhook_port": free_port(),
        "meta_retry_max_delay_seconds": 0.5,
        "rasa_url": rasa_url,
        "api_url": graph.url,  # the fake also records the erase calls
        "rasa_connect_retries": 1,
    }
    return BotSettings(**(values | overrides))


class Webhook:
    """`bot.meta.app.webhook_app` served by uvicorn in a thread, as `vigie meta` serves it."""

    def __init__(self, settings: BotSettings) -> None:
        self.settings = settings
        self.app = webhook_app(settings)
        config = uvicorn.Config(
            self.app,
            host="127.0.0.1",
            port=settings.meta_webhook_port,
            log_level="warning",
            access_log=False,
        )
        self.server = uvicorn.Server(config)
        self._thread = threading.Thread(target=self.server.run, daemon=True)
        self.url = f"http://127.0.0.1:{settings.meta_webhook_port}{PATH}"

    @property
    def bridge(self) -> MetaBridge:
        bridge: MetaBridge = self.app.state.bridge
        return bridge

    def start(self) -> Webhook:
        self._thread.start()
        if not wait_for(lambda: self.server.started, 10, 0.02):
            raise RuntimeError("the webhook app did not start")
        return self

    def stop(self) -> None:
        self.server.should_exit = True
        self._thread.join(timeout=30)

    def post(self, body: dict[str, Any] | bytes, signature: str | None = "") -> httpx.Response:
        """POST as Meta does: the raw body signed with the app secret (or the given header;
        None sends no signature at all)."""
        raw = body if isinstance(body, bytes) else json.dumps(body).encode()
        headers = {"Content-Type": "application/json"}
        if signature is not None:
            headers[SIGNATURE_HEADER] = signature or sign(raw, APP_SECRET)
        return httpx.post(self.url, content=raw, headers=headers, timeout=10)

    def idle(self, timeout: float = 15.0) -> None:
        """Every turn answered and every reply taken by the Graph API."""
        if not wait_for(lambda: not self.bridge.busy, timeout):
            raise AssertionError("the bridge is still busy")


def event(sender: str, **fields: Any) -> dict[str, Any]:
    return {"sender": {"id": sender}, "recipient": {"id": PAGE_ID}, "timestamp": 1, **fields}


def body(*events: dict[str, Any], platform: str = "page") -> dict[str, Any]:
    return {"object": platform, "entry": [{"id": PAGE_ID, "time": 1, "messaging": list(events)}]}


def text(sender: str, words: str, platform: str = "page") -> dict[str, Any]:
    return body(
        event(sender, message={"mid": f"mid.{next(_mids)}", "text": words}), platform=platform
    )


def quick_reply(sender: str, title: str, payload: str) -> dict[str, Any]:
    message = {"mid": f"mid.{next(_mids)}", "text": title, "quick_reply": {"payload": payload}}
    return body(event(sender, message=message))


def postback(sender: str, payload: str) -> dict[str, Any]:
    return body(
        event(sender, postback={"mid": f"mid.{next(_mids)}", "title": "x", "payload": payload})
    )


rasa = telegram_fixtures.rasa  # the Telegram tests' stub Rasa, started and stopped alike


@pytest.fixture
def graph() -> Iterator[FakeGraphApi]:
    api = FakeGraphApi()
    api.start()
    yield api
    api.stop()


WebhookFactory = Callable[..., Webhook]


@pytest.fixture
def start_webhook(tmp_path: Path, graph: FakeGraphApi, rasa: StubRasa) -> Iterator[WebhookFactory]:
    started: list[Webhook] = []

    def start(**overrides: Any) -> Webhook:
        rasa_url = overrides.pop("rasa_url", rasa.url)
        settings = meta_settings(tmp_path, graph, rasa_url, **overrides)
        started.append(Webhook(settings).start())
        return started[-1]

    yield start
    for webhook in started:
        webhook.stop()


@pytest.fixture
def webhook(start_webhook: WebhookFactory) -> Webhook:
    return start_webhook()
