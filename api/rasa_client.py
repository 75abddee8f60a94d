"""Forwards a learner's message to Rasa's REST channel and returns the bot's messages.

Never logs message text; retries only failed connections, never a delivered message.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import httpx

log = logging.getLogger(__name__)

REST_WEBHOOK = "/webhooks/rest/webhook"
# Lets a load balancer keep one learner on one Rasa replica (deploy/nginx: `hash`): Rasa 3.6's
# RedisLockStore is not atomic across processes, so concurrent messages of one conversation
# must reach the same replica. The value is the pseudonym, never a platform id.
SENDER_HEADER = "X-Vigie-Sender"
KEPT_FIELDS = ("text", "buttons", "image", "custom", "attachment")


class RasaUnavailable(Exception):
    """Rasa, or the action server behind it, could not answer."""


def _clean(message: dict[str, Any]) -> dict[str, Any]:
    return {key: message[key] for key in KEPT_FIELDS if message.get(key) is not None}


class RasaClient:
    def __init__(self, client: httpx.AsyncClient, base_url: str, connect_retries: int) -> None:
        self._client = client
        self._url = base_url.rstrip("/") + REST_WEBHOOK
        self._retries = connect_retries

    async def send(
        self, sender: str, message: str, metadata: dict[str, Any]
    ) -> list[dict[str, Any]]:
        payload = {"sender": sender, "message": message, "metadata": metadata}
        for attempt in range(self._retries + 1):
            try:
                response = await self._client.post(
                    self._url, json=payload, headers={SENDER_HEADER: sender}
                )
                break
            except (httpx.ConnectError, httpx.ConnectTimeout) as error:
                if attempt == self._retries:
                    raise RasaUnavailable("Rasa refused the connection") from error
                await asyncio.sleep(0.3 * 2**attempt)
            except httpx.HTTPError as error:
                raise RasaUnavailable(f"Rasa call failed: {type(error).__name__}") from error
        if response.status_code != 200:
            log.warning("Rasa answered HTTP %s", response.status_code)
            raise RasaUnavailable(f"Rasa answered {response.status_code}")
        body = response.json()
        messages = [_clean(item) for item in body if isinstance(item, dict)]
        if not messages:
            # Every intent has a rule that answers: silence means an action failed.
            raise RasaUnavailable("Rasa returned no message")
        return messages
