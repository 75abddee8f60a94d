"""Custom-message types the action server sends through Rasa to the channels (web, Telegram).

Names only, shared so that no side spells them twice; no behaviour.
"""

from typing import Any, Final

SCORE: Final = "score"
# The item under examination, shown once: {"type": "item", "image": <URL>, "alt": <what the
# picture shows: source line, date, text, then the picture's neutral description>,
# "caption": "<source · date>"}. Without a picture the item is a plain text bubble instead.
ITEM: Final = "item"
# What a tool of the investigate step shows, sent like the item: {"type": "result", "image":
# <URL>, "alt": <the card's neutral description>, "tool": <Tool code>}; the result's text
# follows as its own message. Without the picture file, a text bubble stands in for it.
RESULT: Final = "result"
# The learner confirmed erasure: the channel erases the conversation once Rasa has saved it.
FORGET: Final = "forget"


def custom_type(message: dict[str, Any]) -> str | None:
    custom = message.get("custom")
    return custom.get("type") if isinstance(custom, dict) else None
