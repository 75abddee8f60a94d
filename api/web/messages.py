"""Loads the API's own learner-facing messages from `messages.yml`.

Holds no French itself: the words are data.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

from pydantic import RootModel

from vigie.data_files import DataModel, load_yaml

MESSAGES_FILE = Path(__file__).resolve().parent / "messages.yml"


class RestMessage(DataModel):
    """A message in Rasa's REST shape."""

    text: str
    custom: dict[str, Any] | None = None


class ApiMessages(RootModel[dict[str, RestMessage]]):
    """messages.yml: the API's own messages, by name."""


@cache
def _messages() -> dict[str, RestMessage]:
    return load_yaml(MESSAGES_FILE, ApiMessages).root


def bot_message(name: str) -> dict[str, Any]:
    """A message in Rasa's REST shape, by name (KeyError for an unknown name)."""
    return _messages()[name].model_dump(exclude_none=True)


_messages()  # fail fast: a malformed messages.yml stops the API's start, not a 503 reply
