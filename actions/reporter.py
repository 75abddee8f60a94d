"""Turns engine event drafts into progress events and hands them to the outbox.

Events carry a pseudonym, codes and numbers only: never text, never a platform id.
"""

from __future__ import annotations

import logging
import re
import uuid
from datetime import UTC, datetime
from typing import Any

import httpx

from actions.conversation import EventDraft
from actions.outbox import DELIVERED, REJECTED, RETRY, Outbox
from actions.settings import ActionSettings

log = logging.getLogger(__name__)
EVENT_NAMESPACE = uuid.UUID("6f0f5f3e-8f2b-4c1e-9d7a-3c2f1b0a9e11")
PSEUDONYM = re.compile(r"^[0-9a-f]{64}$")


def event_id(learner: str, key: str) -> str:
    """Deterministic id: the same fact about the same learner is the same event."""
    return str(uuid.uuid5(EVENT_NAMESPACE, f"{learner}:{key}"))


def to_event(learner: str, draft: EventDraft, now: datetime) -> dict[str, Any]:
    fields = {key: value for key, value in draft.fields.items() if value is not None}
    event = {"id": event_id(learner, draft.key), "type": draft.type, **fields}
    event["occurred_at"] = now.isoformat()
    if draft.type != "distress":
        event["learner"] = learner
    return event


class ApiSender:
    """POSTs batches to the API with one keep-alive client; classifies the result."""

    def __init__(self, settings: ActionSettings) -> None:
        self._url = settings.api_url.rstrip("/") + "/api/v1/events"
        self._headers = {"Authorization": f"Bearer {settings.secret('ingest_token')}"}
        self._client = httpx.Client(timeout=settings.api_timeout_seconds)

    def __call__(self, events: list[dict[str, Any]]) -> str:
        try:
            response = self._client.post(self._url, json={"events": events}, headers=self._headers)
        except httpx.HTTPError as error:
            log.info("API not reachable (%s); events stay in the outbox", type(error).__name__)
            return RETRY
        if response.status_code == 200:
            return DELIVERED
        if response.status_code == 422:
            return REJECTED
        log.warning("API answered %s to an event batch; will retry", response.status_code)
        return RETRY


class Reporter:
    def __init__(self, outbox: Outbox) -> None:
        self._outbox = outbox

    def record(self, learner: str, drafts: list[EventDraft]) -> None:
        if not drafts:
            return
        if not PSEUDONYM.match(learner):
            # A conversation that did not come through a Vigie channel (e.g. `rasa test`).
            log.debug("not reporting events for a non-pseudonymous sender")
            return
        now = datetime.now(UTC)
        self._outbox.put([to_event(learner, draft, now) for draft in drafts])

    def forget(self, learner: str) -> None:
        self._outbox.forget(learner)
