"""The Telegram bridge's typed settings: bot token, Bot API address, webhook, rate limits.

The token is a secret: it is kept as a SecretStr and never logged or printed.
"""

from __future__ import annotations

import hashlib
import hmac
from functools import cache

from pydantic import AliasChoices, Field, SecretStr

from vigie.clock import ClockSettings

TELEGRAM_API = "https://api.telegram.org/bot"


class BotSettings(ClockSettings):
    """Every knob of `bot/`, read from the environment (prefix `VIGIE_`) or `.env`."""

    telegram_bot_token: SecretStr = Field(
        default=SecretStr(""),
        validation_alias=AliasChoices("TELEGRAM_BOT_TOKEN", "telegram_bot_token"),
        description="BotFather's token; the bridge refuses to start without it",
    )
    telegram_base_url: str = Field(
        default=TELEGRAM_API,
        description="Bot API address; the token is appended (or replaces `{token}`)",
    )
    # Webhook mode: set a public HTTPS base URL and the bridge serves its own small ASGI app.
    telegram_webhook_url: str = Field(default="", description="public base URL; empty = polling")
    telegram_webhook_path: str = "/telegram/webhook"
    telegram_webhook_host: str = "127.0.0.1"
    telegram_webhook_port: int = 8081
    telegram_webhook_secret: SecretStr = Field(
        default=SecretStr(""), description="X-Telegram-Bot-Api-Secret-Token; derived if empty"
    )
    telegram_poll_timeout: float = Field(default=10.0, description="getUpdates long-poll seconds")
    # Rasa relay.
    rasa_timeout_seconds: float = 30.0
    rasa_connect_retries: int = 3
    api_timeout_seconds: float = 10.0
    max_message_chars: int = Field(default=2000, description="longer learner messages: refused")
    max_image_bytes: int = 10 * 1024 * 1024
    # Per-user flood control: more than `rate_limit_messages` in `rate_limit_window_seconds`
    # gets one warning, then the user is ignored for `rate_limit_cooldown_seconds`.
    rate_limit_messages: int = 12
    rate_limit_window_seconds: float = 10.0
    rate_limit_cooldown_seconds: float = 60.0
    # Bounded in-memory state.
    keyboards_per_chat: int = 20
    max_tracked_chats: int = 10_000
    concurrent_updates: int = 64
    # ----- Messenger and Instagram (bot/meta/, docs/promeneurs.md): off by default ------------
    # The same rate limits, relay and pseudonyms as Telegram; its own webhook app and port.
    meta_enabled: bool = Field(default=False, description="serve the Messenger/Instagram bridge")
    meta_app_secret: SecretStr = Field(
        default=SecretStr(""), description="the Meta app's secret: X-Hub-Signature-256 key"
    )
    meta_verify_token: SecretStr = Field(
        default=SecretStr(""), description="the token typed in the app's webhook settings"
    )
    meta_page_token: SecretStr = Field(
        default=SecretStr(""), description="the Facebook page's access token (Send API)"
    )
    meta_instagram_token: SecretStr = Field(
        default=SecretStr(""), description="Instagram's access token; the page token if empty"
    )
    meta_graph_url: str = "https://graph.facebook.com"
    meta_instagram_graph_url: str = Field(default="", description="Instagram's; empty = above")
    meta_graph_version: str = "v21.0"
    meta_webhook_path: str = "/meta/webhook"
    meta_webhook_host: str = "127.0.0.1"
    meta_webhook_port: int = 8082
    meta_retry_max_delay_seconds: float = Field(default=60.0, gt=0)
    meta_retry_give_up_seconds: float = Field(
        default=23 * 3600.0, gt=0, description="Meta refuses replies 24 h after a message"
    )

    def meta_problems(self) -> list[str]:
        """What keeps the Messenger/Instagram bridge from starting (names, never values)."""
        if not self.meta_enabled:
            return ["VIGIE_META_ENABLED is not set"]
        tokens = (
            self.meta_page_token.get_secret_value() + self.meta_instagram_token.get_secret_value()
        )
        needed = {
            "VIGIE_META_APP_SECRET": self.meta_app_secret.get_secret_value(),
            "VIGIE_META_VERIFY_TOKEN": self.meta_verify_token.get_secret_value(),
            "VIGIE_META_PAGE_TOKEN or VIGIE_META_INSTAGRAM_TOKEN": tokens,
        }
        return [f"{name} is not set" for name, value in needed.items() if not value]

    def meta_token(self, channel: str) -> str:
        """The Send API token of `messenger` or `instagram` (Instagram falls back to the page's)."""
        instagram = self.meta_instagram_token.get_secret_value()
        if channel == "instagram" and instagram:
            return instagram
        return self.meta_page_token.get_secret_value()

    def meta_graph_base(self, channel: str) -> str:
        """`{graph}/{version}` for the channel (Instagram Login uses graph.instagram.com)."""
        base = self.meta_graph_url
        if channel == "instagram" and self.meta_instagram_graph_url:
            base = self.meta_instagram_graph_url
        return f"{base.rstrip('/')}/{self.meta_graph_version}"

    @property
    def token(self) -> str:
        return self.telegram_bot_token.get_secret_value()

    @property
    def webhook_enabled(self) -> bool:
        return bool(self.telegram_webhook_url)

    @property
    def webhook_url(self) -> str:
        return self.telegram_webhook_url.rstrip("/") + self.telegram_webhook_path

    def webhook_secret(self) -> str:
        """The explicit secret, or one derived from the pepper (stable across restarts)."""
        explicit = self.telegram_webhook_secret.get_secret_value()
        if explicit:
            return explicit
        pepper = self.secret("pepper").encode()
        return hmac.new(pepper, b"telegram-webhook", hashlib.sha256).hexdigest()


@cache
def get_settings() -> BotSettings:
    return BotSettings()
