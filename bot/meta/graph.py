"""Sends replies through the Graph API's Send API, in order per learner, retried until Meta
takes them (or Meta's reply window is nearly over).

Replies wait in memory only: a queue holds page-scoped ids, which are never written to disk.
Never logs a token, a recipient id or a message; only HTTP statuses and Graph error codes.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from enum import Enum
from typing import Any

import httpx

from bot.settings import BotSettings

log = logging.getLogger(__name__)

SEND_PATH = "/me/messages"
FIRST_RETRY_SECONDS = 0.5
# Graph error codes that mean "try again later" (the Graph API's error-handling guide):
# unknown, service, too many calls, user or page throttled, temporarily unavailable.
TRANSIENT_CODES = frozenset({1, 2, 4, 17, 32, 341, 613})
Key = tuple[str, str]  # (channel, recipient id)


class Outcome(Enum):
    SENT = "sent"
    RETRY = "retry"
    REFUSED = "refused"  # Meta will never take it (blocked, outside the window, malformed)


@dataclass
class _Pending:
    message: dict[str, Any]
    since: float


def _graph_error_code(response: httpx.Response) -> int | None:
    try:
        error = response.json().get("error")
    except (ValueError, AttributeError):
        return None
    code = error.get("code") if isinstance(error, dict) else None
    return code if isinstance(code, int) else None


class GraphSender:
    """One FIFO queue and one worker per recipient; other recipients never wait behind it."""

    def __init__(
        self,
        http: httpx.AsyncClient,
        settings: BotSettings,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._http = http
        self._settings = settings
        self._sleep, self._clock = sleep, clock
        self._queues: dict[Key, deque[_Pending]] = {}
        self._workers: dict[Key, asyncio.Task[None]] = {}

    @property
    def pending(self) -> int:
        """Replies not yet taken by Meta."""
        return sum(len(queue) for queue in self._queues.values())

    def send(self, channel: str, recipient: str, messages: list[dict[str, Any]]) -> None:
        """Queue the messages after any still waiting for this recipient; returns at once."""
        key = (channel, recipient)
        now = self._clock()
        self._queues.setdefault(key, deque()).extend(_Pending(m, now) for m in messages)
        if key not in self._workers:
            self._workers[key] = asyncio.create_task(self._drain(key))

    async def close(self, timeout: float) -> None:
        """Give the queues `timeout` seconds to empty, then drop what is left (and say so)."""
        workers = list(self._workers.values())
        if workers:
            await asyncio.wait(workers, timeout=timeout)
        if self.pending:
            log.warning("stopping with %d replies not delivered", self.pending)
        for worker in workers:
            worker.cancel()
        await asyncio.gather(*workers, return_exceptions=True)

    async def _drain(self, key: Key) -> None:
        queue = self._queues[key]
        try:
            while queue:
                await self._deliver(key, queue[0])
                queue.popleft()
        finally:
            # No await between the last look at the queue and here: nothing is left behind.
            self._queues.pop(key, None)
            self._workers.pop(key, None)

    async def _deliver(self, key: Key, pending: _Pending) -> None:
        delay, attempts = FIRST_RETRY_SECONDS, 0
        while True:
            attempts += 1
            outcome = await self._post(key, pending.message, quiet=attempts > 1)
            if outcome is Outcome.SENT:
                if attempts > 1:
                    log.info("a reply was delivered after %d attempts", attempts)
                return
            if outcome is Outcome.REFUSED:
                return
            waited = self._clock() - pending.since
            if waited > self._settings.meta_retry_give_up_seconds:
                log.warning("a reply was dropped: the Graph API failed for %.0f s", waited)
                return
            await self._sleep(delay)
            delay = min(delay * 2, self._settings.meta_retry_max_delay_seconds)

    async def _post(self, key: Key, message: dict[str, Any], quiet: bool) -> Outcome:
        channel, recipient = key
        url = self._settings.meta_graph_base(channel) + SEND_PATH
        body = {"recipient": {"id": recipient}, "messaging_type": "RESPONSE", "message": message}
        headers = {"Authorization": f"Bearer {self._settings.meta_token(channel)}"}
        report = log.debug if quiet else log.warning
        try:
            response = await self._http.post(url, json=body, headers=headers)
        except httpx.HTTPError as error:
            report("the Graph API is unreachable (%s): will retry", type(error).__name__)
            return Outcome.RETRY
        if response.status_code == 200:
            return Outcome.SENT
        code = _graph_error_code(response)
        if response.status_code >= 500 or response.status_code == 429 or code in TRANSIENT_CODES:
            report(
                "the Graph API answered HTTP %s (code %s): will retry", response.status_code, code
            )
            return Outcome.RETRY
        log.warning("the Graph API refused a reply: HTTP %s (code %s)", response.status_code, code)
        return Outcome.REFUSED
