"""Turns Rasa's REST messages into what Telegram can send: text pieces, photos, keyboards.

Pure: no network, no Telegram ids, and never any markup parsing — text is sent as plain text,
with the fictional world's addresses and handles defanged so that no client makes them links.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, TypeGuard

from bot.messages import Messages
from bot.state import Choice
from vigie.protocol import CREDENTIAL, ITEM, RESULT, custom_type

TEXT_LIMIT = 4096  # sendMessage text, in UTF-16 code units
CAPTION_LIMIT = 1024  # sendPhoto caption

# Telegram (its servers and every client) turns domain-like text into links and « @name » into
# a mention of whoever owns that name. The scenarios' addresses are under the reserved
# `.example`, `.test` and `.invalid` (RFC 2606), their accounts are fictional: each gets
# look-alike characters that no client links.
ONE_DOT_LEADER = "\u2024"  # « ․ » instead of « . » in a reserved address
RATIO = "\u2236"  # « ∶ » instead of « : » in its « https:// »
FULLWIDTH_AT = "\uff20"  # « ＠ » instead of « @ » before a handle
_RESERVED_ADDRESS = re.compile(
    r"(?:https?://)?(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+(?:example|test|invalid)(?![\w-])"
    r"(?:[/?#]\S*[^\s.,;:!?)»])?",
    re.IGNORECASE,
)
_HANDLE = re.compile(r"(?<![\w@])@(?=\w)")
_FILENAME = re.compile(r"[\w.-]{1,64}\.jwt")


def defang(text: str) -> str:
    """The same text, read the same way, in which no reserved address or handle is a link."""

    def address(match: re.Match[str]) -> str:
        return match.group(0).replace("://", RATIO + "//").replace(".", ONE_DOT_LEADER)

    return _HANDLE.sub(FULLWIDTH_AT, _RESERVED_ADDRESS.sub(address, text))


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
    fallback: str | None = None  # sent as text instead when the photo cannot be sent


@dataclass(frozen=True)
class DocumentOut:
    """A file the bridge downloads from the API and sends (a learner's badge credential)."""

    url: str
    filename: str
    fallback: str  # sent as text instead when the file cannot be fetched or sent


Outgoing = TextOut | PhotoOut | DocumentOut


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
    return defang(text.strip()) if isinstance(text, str) else ""


def _words(value: Any) -> str:
    return defang(value.strip()) if isinstance(value, str) else ""


def _is_url(value: object) -> TypeGuard[str]:
    return isinstance(value, str) and value.startswith(("http://", "https://"))


def _texts(text: str, choices: tuple[Choice, ...] = ()) -> list[Outgoing]:
    pieces = split_text(text)
    return [
        *(TextOut(text=piece) for piece in pieces[:-1]),
        TextOut(text=pieces[-1], choices=choices),
    ]


def _item(custom: dict[str, Any], words: Messages) -> list[Outgoing]:
    """One picture, one message: the photo, captioned with its source line and its alt text (a
    move's result card has no source line: its alt text alone).

    An alt text that starts with the source line (the card's own first line) is not preceded by
    it a second time. When both do not fit in a caption, the alt text follows the photo as text;
    without a usable picture, both are sent as text (the alt text stands in for the picture).
    """
    caption, alt = _words(custom.get("caption")), _words(custom.get("alt"))
    description = words("image_description", alt=alt) if alt else ""
    said = (description,) if caption and alt.startswith(caption) else (caption, description)
    full = "\n\n".join(part for part in said if part)
    url = custom.get("image")
    if not _is_url(url):
        return _texts(full) if full else []
    if utf16_len(full) <= CAPTION_LIMIT:
        return [PhotoOut(url=url, caption=full or None, fallback=full or None)]
    if caption and utf16_len(caption) <= CAPTION_LIMIT:
        return [PhotoOut(url=url, caption=caption, fallback=caption), *_texts(description)]
    return [PhotoOut(url=url), *_texts(full)]


def _credential(custom: dict[str, Any], words: Messages, documents: bool) -> list[Outgoing]:
    """A badge credential (docs/badges.md): the file itself where the channel sends files
    (`documents`), else its one-time link alone (the message before it says what it is)."""
    url, filename = custom.get("url"), custom.get("filename")
    if not _is_url(url):
        return []
    if not documents:
        return _texts(url)
    name = filename if isinstance(filename, str) and _FILENAME.fullmatch(filename) else "badge.jwt"
    return [DocumentOut(url=url, filename=name, fallback=words("credential_unavailable"))]


def plan(
    messages: list[dict[str, Any]], words: Messages, *, documents: bool = False
) -> list[Outgoing]:
    """What to send, in order. An item or a move's result card is one photo with its caption
    and alt text; a plain image takes its own text as caption; a badge credential is a file
    when the channel sends `documents`, else its link.

    Other `custom` parts and `attachment` are not for Telegram (score payloads, widget hints).
    """
    out: list[Outgoing] = []
    for message in messages:
        if custom_type(message) in {ITEM, RESULT}:
            out.extend(_item(message["custom"], words))
        if custom_type(message) == CREDENTIAL:
            out.extend(_credential(message["custom"], words, documents))
        text, choices = _text_of(message), choices_of(message)
        image = message.get("image")
        if _is_url(image):
            if text and utf16_len(text) <= CAPTION_LIMIT:
                out.append(PhotoOut(url=image, caption=text, choices=choices, fallback=text))
                continue
            out.append(PhotoOut(url=image, choices=() if text else choices))
            if not text:
                continue
        if text:
            out.extend(_texts(text, choices))
        elif choices:
            out.append(TextOut(text=words("buttons_only"), choices=choices))
    return out
