"""Loads what the bridge itself says from `messages.yml` and checks every entry is there.

Holds no French itself: the words are data.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from vigie.data_files import DataModel, load_yaml

MESSAGES_FILE = Path(__file__).resolve().parent / "messages.yml"


class BotCommands(DataModel):
    """Telegram's command menu, in this order."""

    start: str
    progres: str
    stop: str
    confidentialite: str
    oubli: str
    aide: str


class BotMessages(DataModel):
    """messages.yml: every message the bridge says itself, and its command menu."""

    not_text: str
    group_notice: str
    rate_limited: str
    unavailable: str
    unknown_button: str
    too_long: str
    button_chosen: str
    buttons_only: str
    image_unavailable: str
    image_description: str
    class_joined: str
    class_unknown: str
    class_join_failed: str
    erase_failed: str
    credential_unavailable: str
    help: str
    commands: BotCommands


REQUIRED = tuple(name for name in BotMessages.model_fields if name != "commands")
COMMANDS = tuple(BotCommands.model_fields)


@dataclass(frozen=True)
class Messages:
    texts: dict[str, str]
    commands: dict[str, str]

    def __call__(self, name: str, **values: Any) -> str:
        """The named message, with its `{placeholders}` filled."""
        text = self.texts[name]
        return text.format(**values) if values else text


@cache
def load_messages(path: Path = MESSAGES_FILE) -> Messages:
    """Read and check the file: a missing message fails at start, not in a conversation."""
    data = load_yaml(path, BotMessages).model_dump()
    commands = data.pop("commands")
    return Messages(texts=data, commands=commands)
