"""Small helpers of the scaled tests: pseudonymous learners, Rasa's REST channel, waiting."""

from __future__ import annotations

import hashlib
import time
import uuid
from collections.abc import Callable
from typing import TypeVar

import httpx

T = TypeVar("T")


def new_learner() -> str:
    """A pseudonym as the channels make them (64 hex characters)."""
    return hashlib.sha256(uuid.uuid4().bytes).hexdigest()


def rest(base_url: str, sender: str, message: str) -> list[dict]:
    response = httpx.post(
        f"{base_url}/webhooks/rest/webhook",
        json={"sender": sender, "message": message},
        timeout=60,
    )
    assert response.status_code == 200, response.text
    return response.json()


def wait_for(predicate: Callable[[], T], timeout: float = 30.0) -> T:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.5)
    return predicate()
