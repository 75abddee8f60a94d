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
# The delayed re-test (issue 17): {"type": "retest", "due": "<ISO 8601 UTC datetime>"} once the
# learner said yes after the post-test (`"due": null`: no re-test any more). Telegram schedules
# one message at `due` (bot/retest.py); the web chat's API adds {"token", "max_age"}, a signed
# way back as the same learner that the widget keeps (api/core/security/chat_sessions.py).
RETEST: Final = "retest"
# What starts quiz form C: the `choice` of a choose_option payload the engine understands.
RETEST_CHOICE: Final = "quiz_c"
RETEST_PAYLOAD: Final = '/choose_option{"choice":"quiz_c"}'
# A learner's Open Badges credential is ready (docs/badges.md): {"type": "credential", "url":
# <one-time download link, minutes>, "filename": <name to save it under>}. The web chat shows
# the link; the Telegram bridge downloads it and sends the file.
CREDENTIAL: Final = "credential"


def custom_type(message: dict[str, Any]) -> str | None:
    custom = message.get("custom")
    return custom.get("type") if isinstance(custom, dict) else None
