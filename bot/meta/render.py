"""Turns Rasa's REST messages into Send API messages: text, quick replies, image attachments.

Pure: no network, no platform ids. Builds on the Telegram plan (bot/render.py: items, alt
texts, defanged addresses), then applies Meta's limits: 13 quick replies of 20 characters.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from bot.messages import Messages
from bot.render import PhotoOut, TextOut, plan, split_text
from bot.state import Choice

QUICK_REPLIES_MAX = 13
QUICK_REPLY_TITLE_MAX = 20
PAYLOAD_MAX = 1000
# Text of one message: Messenger takes 2,000 characters, Instagram 1,000 bytes of UTF-8.
TEXT_LIMITS = {"messenger": 2000, "instagram": 1000}
LIMITS_IN_BYTES = frozenset({"instagram"})

Message = dict[str, Any]


@dataclass(frozen=True)
class MetaPlan:
    """What to send, in order, and the choices of a numbered list (a typed number picks one)."""

    messages: list[Message] = field(default_factory=list)
    numbered: tuple[Choice, ...] = ()


def fits_quick_replies(choices: tuple[Choice, ...]) -> bool:
    return len(choices) <= QUICK_REPLIES_MAX and all(
        len(choice.title) <= QUICK_REPLY_TITLE_MAX for choice in choices
    )


def _texts(
    text: str, choices: tuple[Choice, ...], words: Messages, channel: str
) -> tuple[list[Message], tuple[Choice, ...]]:
    """Text messages the channel accepts, the last one with the quick replies; long or many choices
    are written out as a numbered list and their quick replies show « 1 », « 2 »…"""
    choices = tuple(choice for choice in choices if len(choice.payload) <= PAYLOAD_MAX)
    numbered = () if fits_quick_replies(choices) else choices
    if numbered:
        lines = [
            words("numbered_choice", number=number, title=choice.title)
            for number, choice in enumerate(numbered, start=1)
        ]
        text = "\n\n".join(
            part for part in (text, words("numbered_intro"), "\n".join(lines)) if part
        )
    if not text and choices:
        text = words("buttons_only")
    messages = text_messages(text, channel)
    if choices and messages:
        messages[-1]["quick_replies"] = [
            {
                "content_type": "text",
                "title": str(number) if numbered else choice.title,
                "payload": choice.payload,
            }
            for number, choice in enumerate(choices[:QUICK_REPLIES_MAX], start=1)
        ]
    return messages, numbered


def pieces(text: str, channel: str) -> list[str]:
    """The text cut (at paragraphs, lines, then spaces) into pieces the channel accepts."""
    limit = TEXT_LIMITS[channel]
    cut = split_text(text, limit)
    if channel not in LIMITS_IN_BYTES:
        return cut
    fitted: list[str] = []
    for piece in cut:
        parts, units = [piece], limit
        while any(len(part.encode()) > limit for part in parts):
            units = units * 3 // 4  # at most 3 bytes a unit: ends by 333 units at the latest
            parts = split_text(piece, units)
        fitted.extend(parts)
    return fitted


def image(url: str) -> Message:
    return {"attachment": {"type": "image", "payload": {"url": url, "is_reusable": True}}}


def meta_plan(replies: list[dict[str, Any]], words: Messages, channel: str) -> MetaPlan:
    """Rasa's replies as Send API messages. A picture goes as an image attachment and its
    caption (source line, alt text) as the text message that follows it."""
    messages: list[Message] = []
    numbered: tuple[Choice, ...] = ()
    for item in plan(replies, words):
        if isinstance(item, PhotoOut):
            messages.append(image(item.url))
            text = item.caption or ""
        else:
            assert isinstance(item, TextOut)
            text = item.text
        if text or item.choices:
            sent, listed = _texts(text, item.choices, words, channel)
            messages.extend(sent)
            if item.choices:
                numbered = listed  # the latest choices are the ones a typed number means
    return MetaPlan(messages=messages, numbered=numbered)


def text_messages(text: str, channel: str) -> list[Message]:
    """Something the bridge says itself, cut to the channel's limit."""
    return [{"text": piece} for piece in pieces(text, channel)]
