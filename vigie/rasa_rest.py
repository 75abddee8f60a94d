"""Relays one learner message to Rasa's REST channel: used by the web chat and Telegram alike.

Never logs message text; retries only connections that failed, never a delivered message.
"""

from __future__ import annotations

import asyncio
import logging
import re
from typing import Any, Final

import httpx

log = logging.getLogger(__name__)

REST_WEBHOOK: Final = "/webhooks/rest/webhook"
# Lets a load balancer keep one learner on one Rasa replica (deploy/nginx: `hash`): Rasa 3.6's
# RedisLockStore is not atomic across processes, so concurrent messages of one conversation
# must reach the same replica. The value is the pseudonym, never a platform id.
SENDER_HEADER: Final = "X-Vigie-Sender"
KEPT_FIELDS: Final = ("text", "buttons", "image", "custom", "attachment")
# Rasa's own control intents: typed by a learner ("/restart"), they would reset the conversation
# (and the scenario state in its slot) or answer nothing at all. They go to Rasa as plain words.
RASA_CONTROL: Final = re.compile(r"^\s*/(restart|back|session_start)\b", re.IGNORECASE)
# Messages one process lets into Rasa at once (docs/benchmarks.md § admission): Rasa works on
# all it holds at the same time, so the fewer it holds the closer to first come, first served;
# 8 keeps it busy while some wait on the action server (same throughput as 32, shorter tail).
DEFAULT_MAX_IN_FLIGHT: Final = 8


class RasaUnavailable(Exception):
    """Rasa, or the action server behind it, could not answer."""


def _clean(message: dict[str, Any]) -> dict[str, Any]:
    return {key: message[key] for key in KEPT_FIELDS if message.get(key) is not None}


class RasaRestClient:
    """POSTs to `{rasa_url}/webhooks/rest/webhook` over the process's one shared client."""

    def __init__(
        self,
        client: httpx.AsyncClient,
        rasa_url: str,
        connect_retries: int,
        retry_delay: float = 0.3,
        max_in_flight: int = DEFAULT_MAX_IN_FLIGHT,
    ) -> None:
        # At most `max_in_flight` messages in Rasa at once from this process; the others wait
        # here, first come first served. Rasa works on every request it holds at the same time,
        # so 50 at once made a class's first messages wait up to 17 s (docs/benchmarks.md).
        self._gate = asyncio.Semaphore(max_in_flight)
        self._client = client
        self._url = rasa_url.rstrip("/") + REST_WEBHOOK
        self._retries = connect_retries
        self._delay = retry_delay

    async def send(
        self, sender: str, message: str, metadata: dict[str, Any]
    ) -> list[dict[str, Any]]:
        """The bot's replies in Rasa's REST shape; RasaUnavailable when there are none."""
        if RASA_CONTROL.match(message):
            message = message.lstrip()[1:]
        payload = {"sender": sender, "message": message, "metadata": metadata}
        async with self._gate:
            response = await self._post(payload, sender)
        if response.status_code != 200:
            log.warning("Rasa answered HTTP %s", response.status_code)
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

    async def _post(self, payload: dict[str, Any], sender: str) -> httpx.Response:
        for attempt in range(self._retries + 1):
            try:
                return await self._client.post(
                    self._url, json=payload, headers={SENDER_HEADER: sender}
                )
            except (httpx.ConnectError, httpx.ConnectTimeout) as error:
                if attempt == self._retries:
                    raise RasaUnavailable("Rasa refused the connection") from error
                await asyncio.sleep(self._delay * 2**attempt)
            except httpx.HTTPError as error:
                raise RasaUnavailable(f"Rasa call failed: {type(error).__name__}") from error
        raise RasaUnavailable("no attempt was made")  # only when connect_retries < 0
