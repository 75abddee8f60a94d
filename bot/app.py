"""Builds the python-telegram-bot Application and runs it by polling or behind a webhook.

Never prints or logs the bot token (httpx's request log, which shows URLs, is silenced).
"""

from __future__ import annotations

import asyncio
import logging
from datetime import timedelta
from typing import Any

import uvicorn
from telegram.ext import ApplicationBuilder

from bot.bridge import ALLOWED_UPDATES, Bridge
from bot.messages import load_messages
from bot.settings import BotSettings
from bot.updates import BridgeApplication, TolerantUpdatesRequest
from bot.webhook import webhook_app

log = logging.getLogger(__name__)


def silence_token_logs() -> None:
    """httpx logs every request URL at INFO, and Bot API URLs contain the token."""
    logging.getLogger("httpx").setLevel(logging.WARNING)


def build_application(settings: BotSettings) -> BridgeApplication:
    """The Application with every handler; the bridge opens its HTTP client on start."""
    if not settings.token:
        raise ValueError("TELEGRAM_BOT_TOKEN is not set")
    silence_token_logs()
    bridge = Bridge(settings, load_messages())
    application = (
        ApplicationBuilder()
        .token(settings.token)
        .base_url(settings.telegram_base_url)
        .get_updates_request(TolerantUpdatesRequest(connection_pool_size=1))
        .concurrent_updates(settings.concurrent_updates)
        .post_init(bridge.start)
        .post_shutdown(bridge.stop)
        .build()
    )
    bridge.register(application)
    application.bot_data["bridge"] = bridge
    return application


def run_polling(application: BridgeApplication, settings: BotSettings, **kwargs: Any) -> None:
    """Poll getUpdates until stopped (Ctrl-C / SIGTERM); any webhook is removed first."""
    log.info("Telegram bridge: polling")
    application.run_polling(
        allowed_updates=ALLOWED_UPDATES,
        timeout=timedelta(seconds=settings.telegram_poll_timeout),
        **kwargs,
    )


class WebhookServer:
    """The bridge behind Telegram's webhook, served by uvicorn on its own port."""

    def __init__(self, application: BridgeApplication, settings: BotSettings) -> None:
        self.application = application
        self.settings = settings
        app = webhook_app(application, settings.telegram_webhook_path, settings.webhook_secret())
        config = uvicorn.Config(
            app,
            host=settings.telegram_webhook_host,
            port=settings.telegram_webhook_port,
            log_level="warning",
            access_log=False,
        )
        self.server = uvicorn.Server(config)

    async def serve(self) -> None:
        application = self.application
        async with application:
            if application.post_init:
                await application.post_init(application)
            await application.bot.set_webhook(
                url=self.settings.webhook_url,
                secret_token=self.settings.webhook_secret(),
                allowed_updates=ALLOWED_UPDATES,
            )
            await application.start()
            log.info("Telegram bridge: webhook on port %s", self.settings.telegram_webhook_port)
            try:
                await self.server.serve()
            finally:
                await application.stop()
                if application.post_shutdown:
                    await application.post_shutdown(application)

    def stop(self) -> None:
        self.server.should_exit = True


def main(settings: BotSettings | None = None) -> int:
    """`vigie bot`: run the bridge until stopped."""
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    settings = settings or BotSettings()
    if not settings.token:
        log.error("TELEGRAM_BOT_TOKEN is not set: the Telegram bridge cannot start")
        return 2
    application = build_application(settings)
    if settings.webhook_enabled:
        asyncio.run(WebhookServer(application, settings).serve())
    else:
        run_polling(application, settings)
    return 0
