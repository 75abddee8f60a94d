"""Join links of a class: Telegram deep link, web chat URL, and the SVG QR code of the link.

Never embeds anything but the class code in a link (no educator, no learner).
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from urllib.parse import quote

import segno

from vigie.settings import VigieSettings


@dataclass(frozen=True)
class JoinLinks:
    telegram: str
    web: str
    qr: str


def telegram_link(settings: VigieSettings, code: str) -> str:
    return f"https://t.me/{settings.telegram_bot_username}?start={quote(code)}"


def web_link(settings: VigieSettings, code: str) -> str:
    return f"{settings.base_url}/?classe={quote(code)}"


def qr_path(code: str) -> str:
    return f"/join/{quote(code)}/qr.svg"


def target_link(settings: VigieSettings, code: str, target: str) -> str:
    """The link a QR code points to: the web chat (any phone) or Telegram."""
    return telegram_link(settings, code) if target == "telegram" else web_link(settings, code)


def links(settings: VigieSettings, code: str) -> JoinLinks:
    return JoinLinks(
        telegram=telegram_link(settings, code),
        web=web_link(settings, code),
        qr=f"{settings.base_url}{qr_path(code)}",
    )


def qr_svg(url: str, *, title: str) -> bytes:
    """A scalable QR code of the URL, with a <title> for assistive technologies."""
    buffer = io.BytesIO()
    segno.make(url, error="m").save(
        buffer, kind="svg", scale=8, border=4, light="#fff", title=title, xmldecl=True
    )
    return buffer.getvalue()
