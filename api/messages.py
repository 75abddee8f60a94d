"""Loads the API's own learner-facing messages from `messages.yml`.

Holds no French itself: the words are data.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

import yaml

MESSAGES_FILE = Path(__file__).resolve().parent / "messages.yml"


@cache
def bot_message(name: str) -> dict[str, Any]:
    """A message in Rasa's REST shape, by name (KeyError for an unknown name)."""
    with MESSAGES_FILE.open(encoding="utf-8") as handle:
        return dict(yaml.safe_load(handle)[name])
