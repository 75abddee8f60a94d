"""Relays one learner message to Rasa's REST channel and returns the bot's messages.

Never logs message text; retries only connections that failed, never a delivered message.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import httpx

log = logging.getLogger(__name__)

REST_WEBHOOK = "/webhooks/rest/webhook"
CHANNEL = "telegram"
KEPT_FIELDS = ("text", "buttons", "image", "custom", "attachment")


class RasaUnavailable(Exception):
    """Rasa, or the action server behind it, could not answer."""


def _clean(message: dict[str, Any]) -> dict[str, Any]:
    return {key: message[key] for key in KEPT_FIELDS if message.get(key) is not None}


class RasaRelay:
    """POSTs to `{rasa_url}/webhooks/rest/webhook` over the bridge's one shared client."""

    def __init__(
        self,
        client: httpx.AsyncClient,
        rasa_url: str,
        connect_retries: int,
        retry_delay: float = 0.3,
    ) -> None:
        self._client = client
        self._url = rasa_url.rstrip("/") + REST_WEBHOOK
        self._retries = connect_retries
        self._delay = retry_delay

    async def send(self, sender: str, message: str) -> list[dict[str, Any]]:
        """The bot's replies in Rasa's REST shape; RasaUnavailable when there are none."""
        payload = {"sender": sender, "message": message, "metadata": {"channel": CHANNEL}}
        response: httpx.Response | None = None
        for attempt in range(self._retries + 1):
            try:
                response = await self._client.post(self._url, json=payload)
                break
            except (httpx.ConnectError, httpx.ConnectTimeout) as error:
                if attempt == self._retries:
                    raise RasaUnavailable("Rasa refused the connection") from error
                await asyncio.sleep(self._delay * 2**attempt)
            except httpx.HTTPError as error:
                raise RasaUnavailable(f"Rasa call failed: {type(error).__name__}") from error
        assert response is not None
        if response.status_code != 200:
            raise RasaUnavailable(f"Rasa answered HTTP {response.status_code}")
        try:
            body = response.json()
        except ValueError as error:
            raise RasaUnavailable("Rasa answered something that is not JSON") from error
        if not isinstance(body, list):
            raise RasaUnavailable("Rasa answered something that is not a list")
        messages = [_clean(item) for item in body if isinstance(item, dict)]
        messages = [message for message in messages if message]
        if not messages:
            # Every intent has a rule that answers: silence means an action failed.
            raise RasaUnavailable("Rasa returned no message")
        return messages
