"""Turns Rasa's REST messages into what Telegram can send: text pieces, photos, keyboards.

Pure: no network, no Telegram ids, and never any markup parsing — text is sent as plain text.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from bot.state import Choice

TEXT_LIMIT = 4096  # sendMessage text, in UTF-16 code units
CAPTION_LIMIT = 1024  # sendPhoto caption


def utf16_len(text: str) -> int:
    """Length as Telegram counts it (an emoji outside the BMP counts twice)."""
    return len(text.encode("utf-16-le")) // 2


def _fitting_prefix(text: str, limit: int) -> int:
    """How many code points from the start fit in `limit` UTF-16 units."""
    used = 0
    for index, char in enumerate(text):
        used += 2 if ord(char) > 0xFFFF else 1
        if used > limit:
            return index
    return len(text)


def split_text(text: str, limit: int = TEXT_LIMIT) -> list[str]:
    """Pieces under `limit`, cut at a paragraph break, else a line break, else a space."""
    pieces: list[str] = []
    rest = text.strip()
    while utf16_len(rest) > limit:
        fit = _fitting_prefix(rest, limit)
        window = rest[:fit]
        cut = 0
        for separator in ("\n\n", "\n", " "):
            position = window.rfind(separator)
            if position >= limit // 4:
                cut = position
                break
        if cut == 0:
            cut = fit  # one unbroken run: cut where it stops fitting
        pieces.append(rest[:cut].rstrip())
        rest = rest[cut:].lstrip()
    if rest:
        pieces.append(rest)
    return [piece for piece in pieces if piece]


@dataclass(frozen=True)
class TextOut:
    text: str
    choices: tuple[Choice, ...] = ()


@dataclass(frozen=True)
class PhotoOut:
    url: str
    caption: str | None = None
    choices: tuple[Choice, ...] = ()


Outgoing = TextOut | PhotoOut


def choices_of(message: dict[str, Any]) -> tuple[Choice, ...]:
    """The usable buttons of a Rasa message (a title and a payload, both non-empty text)."""
    found = []
    for button in message.get("buttons") or []:
        if not isinstance(button, dict):
            continue
        title, payload = button.get("title"), button.get("payload")
        if isinstance(title, str) and isinstance(payload, str) and title.strip() and payload:
            found.append(Choice(title=title.strip(), payload=payload))
    return tuple(found)


def _text_of(message: dict[str, Any]) -> str:
    text = message.get("text")
    return text.strip() if isinstance(text, str) else ""


def _is_plain_text(message: dict[str, Any]) -> bool:
    return bool(_text_of(message)) and not message.get("buttons") and not message.get("image")


def plan(messages: list[dict[str, Any]], buttons_only_text: str) -> list[Outgoing]:
    """What to send, in order. An image takes its own text, or the next plain text, as caption.

    `custom` and `attachment` parts are not for Telegram (score payloads, widget hints).
    """
    out: list[Outgoing] = []
    index = 0
    while index < len(messages):
        message = messages[index]
        index += 1
        text, choices = _text_of(message), choices_of(message)
        image = message.get("image")
        if isinstance(image, str) and image.startswith(("http://", "https://")):
            if not text and index < len(messages) and _is_plain_text(messages[index]):
                candidate = _text_of(messages[index])
                if utf16_len(candidate) <= CAPTION_LIMIT:
                    text = candidate
                    index += 1
            if text and utf16_len(text) <= CAPTION_LIMIT:
                out.append(PhotoOut(url=image, caption=text, choices=choices))
                continue
            out.append(PhotoOut(url=image, caption=None, choices=() if text else choices))
            if not text:
                continue
        if not text and not choices:
            continue
        pieces = split_text(text) if text else [buttons_only_text]
        out.extend(TextOut(text=piece) for piece in pieces[:-1])
        out.append(TextOut(text=pieces[-1], choices=choices))
    return out
