"""The `lookup` card: what a simulated verification tool shows (a search, an archive, a page…).

Draws only from its `data` dict (tool, query, 0–4 entries, the `empty` text); never judges.
"""

from __future__ import annotations

from tools.cards.drawing import GREY, INK, LINE, LINK, MARGIN, WHITE, WIDTH, Card, labels

Data = dict[str, object]
BAR: tuple[int, int, int] = (240, 242, 245)
MAX_ENTRIES = 4
MIN_HEIGHT = 240


def _text(value: object) -> str:
    return "" if value is None else str(value).strip()


def _entries(data: Data) -> list[dict[str, object]]:
    value = data.get("entries")
    if not isinstance(value, list):
        return []
    return [entry for entry in value if isinstance(entry, dict)][:MAX_ENTRIES]


def _header(card: Card, tool: str, query: str) -> None:
    """The tool's name, then the query in a search box, on a grey band across the card."""
    width = WIDTH - 2 * MARGIN
    words = labels().lookup
    name = words.tools.get(tool, words.default)
    query_height = card.paragraph_height(query, width - 40, size=26) + 28 if query else 0
    name_height = card.paragraph_height(name, width, "bold", 24)
    band = MARGIN + name_height + 10 + query_height + 20
    card.draw.rectangle((0, 0, WIDTH, band), fill=BAR)
    card.y = card.paragraph(MARGIN, MARGIN, name, width, "bold", 24, GREY) + 10
    if query:
        box = (MARGIN, card.y, WIDTH - MARGIN, card.y + query_height)
        card.draw.rounded_rectangle(box, radius=22, fill=WHITE, outline=LINE, width=2)
        card.paragraph(MARGIN + 20, card.y + 14, query, width - 40, size=26, fill=INK)
    card.y = band + 24


def _entry(card: Card, entry: dict[str, object]) -> None:
    width = WIDTH - 2 * MARGIN
    title = _text(entry.get("title"))
    if title:
        card.y = card.paragraph(MARGIN, card.y, title, width, "bold", 26, LINK)
    meta = " · ".join(
        part for part in (_text(entry.get("source")), _text(entry.get("date"))) if part
    )
    if meta:
        card.y = card.paragraph(MARGIN, card.y, meta, width, size=22, fill=GREY)
    snippet = _text(entry.get("snippet"))
    if snippet:
        card.y = card.paragraph(MARGIN, card.y + 4, snippet, width, size=24, fill=INK)
    card.y += 16


def draw_lookup(card: Card, data: Data, _seed: int) -> None:
    """A tool's page: its name and query on a band, then the entries, or the `empty` text."""
    _header(card, _text(data.get("tool")), _text(data.get("query")))
    entries = _entries(data)
    for index, entry in enumerate(entries):
        if index:
            card.draw.line([(MARGIN, card.y), (WIDTH - MARGIN, card.y)], fill=LINE, width=2)
            card.y += 16
        _entry(card, entry)
    empty = _text(data.get("empty")) or (labels().lookup.nothing if not entries else "")
    if empty:
        if entries:
            card.draw.line([(MARGIN, card.y), (WIDTH - MARGIN, card.y)], fill=LINE, width=2)
            card.y += 16
        card.y = card.paragraph(MARGIN, card.y, empty, WIDTH - 2 * MARGIN, size=24, fill=GREY)
    card.y = max(card.y, MIN_HEIGHT - MARGIN)
