"""The share kit of Promeneurs du Net: join links, embed snippet and QR codes for one class or
for Vigie in general (no class). Builds on `api.web.join_links` (the educator side's links and SVG
QR codes) and adds the PNG QR code and the widget snippet.

Never puts anything but a class code in a link, snippet or QR code.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import Literal
from urllib.parse import quote

import segno

from api.web import join_links
from vigie.settings import VigieSettings

Target = Literal["web", "telegram"]
GENERAL_QR_TITLE = "Code QR pour ouvrir Vigie"  # a class's QR keeps the educator side's title


@dataclass(frozen=True)
class ShareKit:
    code: str | None
    telegram: str
    web: str
    snippet: str
    page: str
    poster: str

    def qr(self, target: Target, kind: Literal["svg", "png"]) -> str:
        """Path of the QR code image of the web (default) or Telegram link."""
        if self.code is None:
            return f"/partager/qr.{kind}?target={target}"
        if kind == "svg":  # the educator side's route, also used by the dashboard
            return f"{join_links.qr_path(self.code)}?target={target}"
        return f"/partager/{quote(self.code)}/qr.png?target={target}"

    def download_name(self, target: Target, kind: str) -> str:
        who = f"classe-{self.code}" if self.code else "general"
        return f"vigie-{who}-{target}.{kind}"


def widget_snippet(settings: VigieSettings, code: str | None) -> str:
    """The one tag that embeds the chat widget (joining the class when there is a code)."""
    data_class = f' data-class="{code}"' if code else ""
    return f'<script src="{settings.base_url}/widget.js"{data_class} async></script>'


def kit(settings: VigieSettings, code: str | None = None) -> ShareKit:
    if code is None:
        return ShareKit(
            code=None,
            telegram=f"https://t.me/{settings.telegram_bot_username}",
            web=f"{settings.base_url}/",
            snippet=widget_snippet(settings, None),
            page="/partager",
            poster="/partager/affiche",
        )
    links = join_links.links(settings, code)
    return ShareKit(
        code=code,
        telegram=links.telegram,
        web=links.web,
        snippet=widget_snippet(settings, code),
        page=f"/partager/{quote(code)}",
        poster=f"/partager/{quote(code)}/affiche",
    )


def link(settings: VigieSettings, code: str | None, target: Target) -> str:
    share = kit(settings, code)
    return share.telegram if target == "telegram" else share.web


def qr_png(url: str) -> bytes:
    """A PNG QR code of the URL, large enough to print (about 500 px for a class link)."""
    buffer = io.BytesIO()
    segno.make(url, error="m").save(
        buffer, kind="png", scale=12, border=4, dark="#000", light="#fff"
    )
    return buffer.getvalue()


def qr_svg(url: str, *, title: str) -> bytes:
    """The SVG QR code, exactly as the educator side draws it."""
    return join_links.qr_svg(url, title=title)
