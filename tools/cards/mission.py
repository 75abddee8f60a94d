"""Draws the cards of « Dans la peau du manipulateur » (scenarios/missions.yml) into
scenarios/images/: the post as the learner built it, between two bands stamped « EXERCICE —
contenu fictif » and across a diagonal stamp, so that no card passes for a real post.

    .venv/bin/python -m tools.cards.mission [--check]

Pure Pillow and deterministic, like tools/cards/render.py; never touches the network.
"""

from __future__ import annotations

import argparse
import sys
from functools import partial
from pathlib import Path

from PIL import Image, ImageDraw

from scenarios.loader import IMAGES_DIR
from scenarios.missions import MissionCard, Missions, cards, load_missions
from tools.cards.cards import draw_post
from tools.cards.drawing import MARGIN, WIDTH, Card, encode_png, font, seed_for
from tools.cards.render import is_stale, report_stale, write_changed

STAMP_RED = (176, 0, 32)  # 6.6:1 on white: the stamp reads at any size
BAND = 64


def _band(draw: ImageDraw.ImageDraw, top: int, stamp: str) -> None:
    draw.rectangle((0, top, WIDTH, top + BAND), fill=STAMP_RED)
    face = font("bold", 30)
    width = face.getlength(stamp)
    draw.text(((WIDTH - width) / 2, top + 14), stamp, font=face, fill=(255, 255, 255))


def _diagonal(post: Image.Image, stamp: str) -> Image.Image:
    """The stamp written across the post, outlined, at an angle (a watermark one cannot crop)."""
    face = font("bold", 34)
    layer = Image.new("RGBA", (int(face.getlength(stamp)) + 40, 64), (0, 0, 0, 0))
    ImageDraw.Draw(layer).text(
        (20, 10), stamp, font=face, fill=(176, 0, 32, 70), stroke_width=2, stroke_fill=STAMP_RED
    )
    turned = layer.rotate(16, expand=True, resample=Image.Resampling.BICUBIC)
    base = post.convert("RGBA")
    x, y = (base.width - turned.width) // 2, (base.height - turned.height) // 2
    base.paste(turned, (x, y), turned)
    return base.convert("RGB")


def render_card(missions: Missions, card_data: MissionCard) -> bytes:
    """The PNG bytes of one mission card: a band, the stamped post, a band."""
    post = Card()
    draw_post(post, dict(card_data.data), seed_for(card_data.file))
    drawn = _diagonal(post.image.crop((0, 0, WIDTH, post.y + MARGIN // 2)), missions.stamp)
    image = Image.new("RGB", (WIDTH, drawn.height + 2 * BAND), (255, 255, 255))
    image.paste(drawn, (0, BAND))
    draw = ImageDraw.Draw(image)
    _band(draw, 0, missions.stamp)
    _band(draw, BAND + drawn.height, missions.stamp)
    return encode_png(image)


def every_card(missions: Missions) -> list[MissionCard]:
    return [card for mission in missions.missions for card in cards(mission)]


def stale(missions: Missions, directory: Path = IMAGES_DIR) -> list[str]:
    """Card files missing or different from what the data draws now."""
    return [
        card.file
        for card in every_card(missions)
        if is_stale(directory / card.file, partial(render_card, missions, card))
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tools.cards.mission", description=__doc__)
    parser.add_argument("--check", action="store_true", help="only report stale cards")
    args = parser.parse_args(argv)
    missions = load_missions()
    if args.check:
        return report_stale(stale(missions))
    written = sum(
        write_changed(IMAGES_DIR / card.file, render_card(missions, card))
        for card in every_card(missions)
    )
    print(
        f"{len(every_card(missions))} mission cards up to date in {IMAGES_DIR} ({written} written)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
