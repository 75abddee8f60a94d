"""Small helpers of the scaled tests: pseudonymous learners, Rasa's REST channel."""

from __future__ import annotations

import hashlib
import uuid

import httpx


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
