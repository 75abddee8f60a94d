"""What every messaging bridge shares (Telegram, Messenger, Instagram): the words sent to Rasa
for the channel commands, what logs may show of a learner, the flood limit, the HTTP and Rasa
clients, and erasure through the API.

Channel-neutral: imports no messaging library; never logs more than a pseudonym prefix.
"""

from __future__ import annotations

import asyncio
import logging

import httpx

from bot.settings import BotSettings
from bot.state import RateLimiter
from vigie.rasa_rest import RasaRestClient

log = logging.getLogger(__name__)

START_MESSAGE = "salut"
# Command → what goes to Rasa (an intent payload); /start and /aide are handled apart.
RASA_COMMANDS = {
    "progres": "/show_progress",
    "stop": "/stop",
    "confidentialite": "/ask_privacy",
    "oubli": "/forget_me",
}
ERASE_PATH = "/api/v1/learners/{learner}/erase"
ERASE_ATTEMPTS = 3


def short(learner: str) -> str:
    """What logs may show of a learner: a pseudonym prefix."""
    return learner[:12]


def rate_limiter(settings: BotSettings) -> RateLimiter:
    """The flood limit of a bridge, per learner (or chat), as the settings say."""
    return RateLimiter(
        settings.rate_limit_messages,
        settings.rate_limit_window_seconds,
        settings.rate_limit_cooldown_seconds,
        settings.max_tracked_chats,
    )


def open_clients(settings: BotSettings) -> tuple[httpx.AsyncClient, RasaRestClient]:
    """A bridge's one shared HTTP client (the caller closes it), and the Rasa client over it."""
    timeout = httpx.Timeout(settings.rasa_timeout_seconds, connect=2.0)
    limits = httpx.Limits(max_connections=100, max_keepalive_connections=20)
    http = httpx.AsyncClient(timeout=timeout, limits=limits)
    return http, RasaRestClient(http, settings.rasa_url, settings.rasa_connect_retries)


async def erase(
    http: httpx.AsyncClient, settings: BotSettings, ingest_token: str, learner: str
) -> bool:
    """True once the API has erased the learner (progress and conversation); retried while the
    API is unreachable or failing, not when it refuses."""
    url = settings.api_url.rstrip("/") + ERASE_PATH.format(learner=learner)
    headers = {"Authorization": f"Bearer {ingest_token}"}
    for attempt in range(ERASE_ATTEMPTS):
        try:
            response = await http.post(url, headers=headers, timeout=settings.api_timeout_seconds)
        except httpx.HTTPError as error:
            log.warning("erasure failed for learner %s (%s)", short(learner), type(error).__name__)
        else:
            if response.status_code == 200:
                log.info("learner %s erased", short(learner))
                return True
            log.warning("erasure: the API answered HTTP %s", response.status_code)
            if response.status_code < 500:
                return False
        if attempt + 1 < ERASE_ATTEMPTS:
            await asyncio.sleep(0.5 * 2**attempt)
    return False
