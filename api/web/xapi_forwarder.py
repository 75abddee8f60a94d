"""Delivers the queued xAPI statements to the learning record store: batches from the durable
outbox (api/data/xapi_outbox.py), HTTP Basic auth, retries with a growing delay while the LRS is
down or refuses the credentials, so nothing queued is lost; run by the API in the background
(`run`) or once by `vigie xapi forward`.

Never logs a credential, a statement or a pseudonym: only counts, HTTP statuses and event ids.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

import httpx
from sqlalchemy.orm import Session, sessionmaker

from api.core.settings import ApiSettings
from api.data import xapi_outbox
from api.data.models import utcnow
from api.data.xapi_outbox import QueuedEvent
from api.reports import xapi_statements
from api.reports.xapi_statements import Deployment
from scenarios.loader import Catalogue

log = logging.getLogger(__name__)

REFUSED = frozenset({400, 409, 413, 422})
"""The LRS will never take these statements as they are: set aside, not retried."""


@dataclass
class Round:
    """What one round did: statements' events delivered, refused for good, left waiting."""

    sent: int = 0
    rejected: int = 0
    waiting: int = 0
    lrs_error: str | None = None


def deployment(settings: ApiSettings, catalogue: Catalogue) -> Deployment:
    return Deployment(
        base_url=settings.base_url,
        catalogue=catalogue,
        pass_threshold=settings.xapi_pass_threshold,
    )


def make_client(settings: ApiSettings) -> httpx.Client:
    """The LRS client: Basic auth when a user name is set, the xAPI version header."""
    password = settings.xapi_lrs_password.get_secret_value()
    auth = (
        httpx.BasicAuth(settings.xapi_lrs_username, password)
        if settings.xapi_lrs_username
        else None
    )
    return httpx.Client(
        auth=auth,
        timeout=settings.xapi_timeout_seconds,
        headers={"X-Experience-API-Version": xapi_statements.VERSION},
    )


class Forwarder:
    """Sends what is due, batch after batch, until the queue is empty or the LRS fails."""

    def __init__(
        self,
        settings: ApiSettings,
        factory: sessionmaker[Session],
        catalogue: Catalogue,
        client: httpx.Client,
    ) -> None:
        self.settings = settings
        self.factory = factory
        self.deployment = deployment(settings, catalogue)
        self.client = client
        self.url = settings.xapi_lrs_url.rstrip("/") + "/statements"
        self.failing: str | None = None
        """How the LRS last failed, while it keeps failing: an outage is logged when it starts
        and when it ends, not at every round (a day down must not fill the log)."""

    def delay(self, attempts: int) -> float:
        """Seconds before the next try of a batch that failed `attempts + 1` times."""
        interval = self.settings.xapi_interval_seconds
        return float(min(self.settings.xapi_max_backoff_seconds, interval * 2 ** min(attempts, 20)))

    def _post(self, events: Sequence[QueuedEvent]) -> int | str:
        """The LRS's HTTP status, or the kind of network error."""
        body = [
            statement
            for event in events
            for statement in xapi_statements.statements(event, self.deployment)
        ]
        try:
            return self.client.post(self.url, json=body).status_code
        except httpx.HTTPError as error:
            return type(error).__name__

    def _one_by_one(
        self, session: Session, events: Sequence[QueuedEvent], now: datetime, refused: int | str
    ) -> Round:
        """A batch the LRS refused: each event alone, so one bad statement holds back no other."""
        done = Round()
        for event in events:
            status = self._post([event]) if len(events) > 1 else refused
            if status in (200, 204):
                self._delivered()
                xapi_outbox.mark(session, event_ids=[event.id], state=xapi_outbox.SENT, now=now)
                done.sent += 1
            elif status in REFUSED:
                log.error(
                    "xAPI: the LRS refused the statements of event %s (HTTP %s)", event.id, status
                )
                xapi_outbox.mark(session, event_ids=[event.id], state=xapi_outbox.REJECTED, now=now)
                done.rejected += 1
            else:
                self._retry(session, [event], now, status)
                done.waiting += 1
                done.lrs_error = str(status)
        return done

    def _retry(
        self, session: Session, events: Sequence[QueuedEvent], now: datetime, status: int | str
    ) -> None:
        delays = [self.delay(event.attempts) for event in events]
        failure = f"HTTP {status}" if isinstance(status, int) else status
        log.log(
            logging.DEBUG if failure == self.failing else logging.WARNING,
            "xAPI: the LRS did not take %d events' statements (%s); next try in %.0f s",
            len(events),
            failure,
            min(delays),
        )
        self.failing = failure
        xapi_outbox.retry_later(session, events=events, delays=delays, now=now)

    def _delivered(self) -> None:
        if self.failing is not None:
            log.warning("xAPI: the LRS takes statements again (it failed with %s)", self.failing)
            self.failing = None

    def forward_once(self) -> Round:
        """One round: every due batch, stopping at the first the LRS could not take."""
        total = Round()
        while True:
            now = utcnow()
            with self.factory() as session:
                events = xapi_outbox.due(session, now=now, limit=self.settings.xapi_batch_size)
                if not events:
                    return total
                status = self._post(events)
                if status in (200, 204):
                    self._delivered()
                    ids = [event.id for event in events]
                    xapi_outbox.mark(session, event_ids=ids, state=xapi_outbox.SENT, now=now)
                    total.sent += len(events)
                    continue
                if status in REFUSED:
                    done = self._one_by_one(session, events, now, status)
                    total.sent += done.sent
                    total.rejected += done.rejected
                    total.waiting += done.waiting
                    total.lrs_error = done.lrs_error
                    if done.lrs_error is None:
                        continue
                    return total
                self._retry(session, events, now, status)
                total.waiting += len(events)
                total.lrs_error = str(status)
                return total


async def run(forwarder: Forwarder, interval: float) -> None:
    """Forward in the background for the API's lifetime; a failed round is retried later."""
    while True:
        try:
            await asyncio.to_thread(forwarder.forward_once)
        except Exception as error:  # a database hiccup must not stop forwarding for good
            log.error("xAPI: forwarding round failed (%s); next round later", type(error).__name__)
        await asyncio.sleep(interval)
