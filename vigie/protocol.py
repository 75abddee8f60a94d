"""Custom-message types the action server sends through Rasa to the channels (web, Telegram).

Names only, shared so that no side spells them twice; no behaviour.
"""

from typing import Any, Final

SCORE: Final = "score"
# The item under examination, shown once: {"type": "item", "image": <URL>, "alt": <what the
# picture shows: source line, date, text, then the picture's neutral description>,
# "caption": "<source · date>"}. Without a picture the item is a plain text bubble instead.
ITEM: Final = "item"
# The learner confirmed erasure: the channel erases the conversation once Rasa has saved it.
FORGET: Final = "forget"


def custom_type(message: dict[str, Any]) -> str | None:
    custom = message.get("custom")
    return custom.get("type") if isinstance(custom, dict) else None
