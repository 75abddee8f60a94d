"""Loads what the Messenger/Instagram bridge says itself from `messages.yml`, checked at start.

Holds no French itself: the words are data.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from bot.messages import Messages
from vigie.data_files import DataModel, load_yaml

MESSAGES_FILE = Path(__file__).resolve().parent / "messages.yml"


class MetaMessages(DataModel):
    """messages.yml: every message the bridge says itself."""

    not_text: str
    rate_limited: str
    unavailable: str
    too_long: str
    buttons_only: str
    image_unavailable: str
    image_description: str
    numbered_intro: str
    numbered_choice: str
    erase_failed: str
    help: str


@cache
def load_words(path: Path = MESSAGES_FILE) -> Messages:
    """Read and check the file: a missing message fails at start, not in a conversation."""
    return Messages(texts=load_yaml(path, MetaMessages).model_dump(), commands={})
