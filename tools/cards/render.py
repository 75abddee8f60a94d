"""Draws each item image and move card from its scenario data into scenarios/images/<file>
(`make images`).

Pure Pillow and deterministic (same data, same PNG bytes); never touches the network.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from functools import partial
from pathlib import Path

from scenarios.loader import IMAGES_DIR, Catalogue, load_catalogue
from scenarios.schema import InvestigateStep, ItemImage, Scenario
from tools.cards.cards import draw_chat, draw_news_site, draw_photo, draw_post
from tools.cards.drawing import Card, fonts_available, seed_for
from tools.cards.figures import draw_chart
from tools.cards.lookup import draw_lookup

Template = Callable[[Card, dict[str, object], int], None]


def _graph(card: Card, data: dict[str, object], _seed: int) -> None:
    draw_chart(card, data)


TEMPLATES: dict[str, Template] = {
    "post": draw_post,
    "news_site": draw_news_site,
    "chat": draw_chat,
    "graph": _graph,
    "photo": draw_photo,
    "lookup": draw_lookup,
}


def render_image(image: ItemImage) -> bytes:
    """The PNG bytes of one item image."""
    card = Card()
    TEMPLATES[image.template](card, dict(image.data), seed_for(image.file))
    return card.finish()


def cards_of(scenario: Scenario) -> list[ItemImage]:
    """The scenario's item image, then the result card of every move of its investigate step."""
    item = [scenario.item.image] if scenario.item.image is not None else []
    moves = [
        move.card
        for step in scenario.steps
        if isinstance(step, InvestigateStep)
        for move in step.moves
    ]
    return item + moves


def images_of(catalogue: Catalogue) -> list[tuple[Scenario, ItemImage]]:
    """Every image the catalogue shows (item images and move cards), with its scenario."""
    return [
        (scenario, image)
        for scenario in catalogue.scenarios.values()
        for image in cards_of(scenario)
    ]


def is_stale(target: Path, draw: Callable[[], bytes]) -> bool:
    """The file is missing or differs from what `draw` makes now (drawn only if the file is
    there). For this module's images and tools/cards/mission.py's cards."""
    return not target.exists() or target.read_bytes() != draw()


def write_changed(target: Path, data: bytes) -> bool:
    """Write the file unless it already holds these bytes; True when written."""
    if target.exists() and target.read_bytes() == data:
        return False
    target.write_bytes(data)
    return True


def report_stale(outdated: list[str]) -> int:
    """`--check`: one `stale: <file>` line each, and the exit status (1 when any)."""
    for name in outdated:
        print(f"stale: {name}")
    return 1 if outdated else 0


def render_all(catalogue: Catalogue, directory: Path = IMAGES_DIR) -> list[Path]:
    """Write every item image whose bytes changed; return the files written."""
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for _scenario, image in images_of(catalogue):
        target = directory / image.file
        if write_changed(target, render_image(image)):
            written.append(target)
    return written


def stale(catalogue: Catalogue, directory: Path = IMAGES_DIR) -> list[str]:
    """Image files missing or different from what the data draws now."""
    return [
        image.file
        for _scenario, image in images_of(catalogue)
        if is_stale(directory / image.file, partial(render_image, image))
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tools.cards.render", description=__doc__)
    parser.add_argument("--check", action="store_true", help="only report stale images")
    parser.add_argument(
        "--fallback-font",
        action="store_true",
        help="write images with Pillow's built-in font when DejaVu is missing (not for commits)",
    )
    args = parser.parse_args(argv)
    if not fonts_available():
        print(
            "DejaVu fonts missing: run scripts/system-deps.sh (fonts-dejavu-core).", file=sys.stderr
        )
        if not args.fallback_font:
            return 2
    catalogue = load_catalogue()
    if args.check:
        return report_stale(stale(catalogue))
    written = render_all(catalogue)
    total = len(images_of(catalogue))
    print(f"{total} images up to date in {IMAGES_DIR} ({len(written)} written)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
