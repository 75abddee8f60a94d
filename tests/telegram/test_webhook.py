"""Webhook mode: the bridge's own ASGI server receives updates; replies go to the Bot API."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from bot.app import WebhookServer, build_application
from bot.messages import load_messages
from bot.settings import BotSettings
from devtools.wait import wait_for
from tests.conftest import free_port
from tests.telegram import fake_bot_api as tg
from tests.telegram.conftest import bot_settings
from tests.telegram.fake_bot_api import FakeBotApi
from tests.telegram.stub_rasa import StubRasa
from vigie.pseudonym import learner_id

MESSAGES = load_messages()
PUBLIC = "https://vigie.example.org"


def answers(url: str) -> bool:
    try:
        return httpx.get(url, timeout=1).status_code == 200
    except httpx.HTTPError:
        return False


@pytest.fixture
def webhook(
    tmp_path: Path, bot_api: FakeBotApi, rasa: StubRasa
) -> Iterator[tuple[BotSettings, str, threading.Thread]]:
    settings = bot_settings(
        tmp_path,
        bot_api,
        rasa.url,
        telegram_webhook_url=PUBLIC,
        telegram_webhook_port=free_port(),
    )
    server = WebhookServer(build_application(settings), settings)
    thread = threading.Thread(target=lambda: asyncio.run(server.serve()), daemon=True)
    thread.start()
    local = f"http://127.0.0.1:{settings.telegram_webhook_port}"
    assert wait_for(lambda: answers(f"{local}/health"), 15), "the webhook server did not start"
    yield settings, local, thread
    server.stop()
    thread.join(timeout=20)
    assert not thread.is_alive()


def post(settings: BotSettings, local: str, body: object, secret: str | None = None) -> int:
    headers = {"X-Telegram-Bot-Api-Secret-Token": secret or settings.webhook_secret()}
    url = local + settings.telegram_webhook_path
    return httpx.post(url, json=body, headers=headers, timeout=10).status_code


def test_the_webhook_is_registered_with_a_secret(
    webhook: tuple[BotSettings, str, threading.Thread], bot_api: FakeBotApi
) -> None:
    settings, _local, _thread = webhook
    (call,) = bot_api.wait_for(lambda: bot_api.calls_to("setWebhook"), what="setWebhook")
    assert call.ok
    assert call.params["url"] == f"{PUBLIC}/telegram/webhook"
    assert call.params["secret_token"] == settings.webhook_secret()
    assert len(settings.webhook_secret()) >= 32
    assert bot_api.calls_to("setMyCommands")
    assert not bot_api.calls_to("getUpdates")  # no polling in webhook mode


def test_an_update_posted_to_the_webhook_is_answered(
    webhook: tuple[BotSettings, str, threading.Thread], bot_api: FakeBotApi, rasa: StubRasa
) -> None:
    settings, local, _thread = webhook
    update = {"update_id": 1, **tg.text(77, "bonjour par webhook")}
    assert post(settings, local, update) == 200
    (call,) = bot_api.wait_sent(77, 1)
    assert call.text == "bonjour par webhook"
    sender = learner_id("telegram", "77", settings.secret("pepper"))
    assert rasa.received == [
        {"sender": sender, "message": "bonjour par webhook", "metadata": {"channel": "telegram"}}
    ]


def test_calls_without_the_secret_are_refused(
    webhook: tuple[BotSettings, str, threading.Thread], bot_api: FakeBotApi, rasa: StubRasa
) -> None:
    settings, local, _thread = webhook
    update = {"update_id": 2, **tg.text(78, "je me fais passer pour Telegram")}
    assert post(settings, local, update, secret="mauvais") == 403
    response = httpx.post(local + settings.telegram_webhook_path, json=update, timeout=10)
    assert response.status_code == 403
    # the refused updates were never queued: a genuine one posted after them is all that
    # reaches Rasa and the chat
    genuine = {"update_id": 3, **tg.text(81, "le vrai Telegram")}
    assert post(settings, local, genuine) == 200
    (call,) = bot_api.wait_sent(81, 1)
    assert call.text == "le vrai Telegram"
    assert rasa.messages() == ["le vrai Telegram"] and bot_api.sent() == [call]


def test_malformed_webhook_bodies_do_not_stop_the_bridge(
    webhook: tuple[BotSettings, str, threading.Thread], bot_api: FakeBotApi
) -> None:
    settings, local, thread = webhook
    url = local + settings.telegram_webhook_path
    headers = {"X-Telegram-Bot-Api-Secret-Token": settings.webhook_secret()}
    assert httpx.post(url, content=b"{pas du json", headers=headers).status_code == 400
    assert post(settings, local, [1, 2, 3]) == 200
    assert post(settings, local, {"update_id": 3, "message": "n'importe quoi"}) == 200
    assert post(settings, local, {"update_id": 4, "message": {"message_id": 1}}) == 200
    big = httpx.post(url, content=b"x" * (1024 * 1024 + 1), headers=headers)
    assert big.status_code == 413
    assert post(settings, local, {"update_id": 5, **tg.text(79, "encore là ?")}) == 200
    (call,) = bot_api.wait_sent(79, 1)
    assert call.text == "encore là ?"
    assert thread.is_alive()


def test_a_non_text_message_by_webhook_gets_the_friendly_answer(
    webhook: tuple[BotSettings, str, threading.Thread], bot_api: FakeBotApi
) -> None:
    settings, local, _thread = webhook
    voice = {"voice": {"file_id": "V", "file_unique_id": "v", "duration": 2}}
    assert post(settings, local, {"update_id": 6, **tg.message(80, **voice)}) == 200
    assert bot_api.wait_sent(80, 1)[0].text == MESSAGES("not_text")
