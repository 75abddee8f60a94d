"""Loads what the bridge itself says from `messages.yml` and checks every entry is there.

Holds no French itself: the words are data.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import yaml

MESSAGES_FILE = Path(__file__).resolve().parent / "messages.yml"
REQUIRED = (
    "not_text",
    "group_notice",
    "rate_limited",
    "unavailable",
    "unknown_button",
    "too_long",
    "button_chosen",
    "buttons_only",
    "image_unavailable",
    "image_description",
    "class_joined",
    "class_unknown",
    "class_join_failed",
    "erase_failed",
    "help",
)
COMMANDS = ("start", "progres", "stop", "confidentialite", "oubli", "aide")


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
    with path.open(encoding="utf-8") as handle:
        data = yaml.safe_load(handle)
    missing = [name for name in REQUIRED if not isinstance(data.get(name), str)]
    commands = data.get("commands") or {}
    missing += [f"commands.{name}" for name in COMMANDS if not isinstance(commands.get(name), str)]
    if missing:
        raise ValueError(f"{path}: missing messages: {', '.join(missing)}")
    texts = {name: data[name] for name in REQUIRED}
    return Messages(texts=texts, commands={name: commands[name] for name in COMMANDS})
