"""Every item image exists, is fresh (re-rendered bytes equal the file), small, wide, and described.

Renders in memory only; never writes to scenarios/images/ (that is `make images`).
"""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from PIL import Image

from scenarios.loader import IMAGES_DIR, default_catalogue
from scenarios.schema import ItemImage
from tools.cards import drawing
from tools.cards.drawing import drawable, fonts_available, format_count, initials
from tools.cards.figures import nice_ticks
from tools.cards.render import images_of, render_image

MAX_BYTES = 150 * 1024
MIN_WIDTH = 600
EMPTY_ALT = re.compile(
    r"^(image|capture|photo|illustration)( d'écran)?( de| d'| du)?\s*\S{0,20}\.?$"
)

IMAGES = [(scenario.id, image) for scenario, image in images_of(default_catalogue())]
IDS = [scenario_id for scenario_id, _ in IMAGES]


def test_every_scenario_has_an_item_image() -> None:
    catalogue = default_catalogue()
    missing = [sid for sid, s in catalogue.scenarios.items() if s.item.image is None]
    assert not missing


@pytest.mark.parametrize(("scenario_id", "image"), IMAGES, ids=IDS)
def test_the_image_file_exists_is_small_and_wide(scenario_id: str, image: ItemImage) -> None:
    path = IMAGES_DIR / image.file
    assert path.exists(), f"{path.name} missing: run `make images`"
    assert path.stat().st_size <= MAX_BYTES, f"{path.name}: {path.stat().st_size} bytes"
    with Image.open(path) as picture:
        assert picture.format == "PNG"
        assert picture.width >= MIN_WIDTH
        assert picture.height >= 200


@pytest.mark.skipif(
    not fonts_available(), reason="DejaVu fonts missing: run scripts/system-deps.sh"
)
@pytest.mark.parametrize(("scenario_id", "image"), IMAGES, ids=IDS)
def test_the_image_file_is_fresh(scenario_id: str, image: ItemImage) -> None:
    """A data change without `make images` fails here."""
    assert (IMAGES_DIR / image.file).read_bytes() == render_image(image), (
        f"{image.file} is stale: run `make images`"
    )


@pytest.mark.parametrize(("scenario_id", "image"), IMAGES, ids=IDS)
def test_the_alt_text_says_what_matters(scenario_id: str, image: ItemImage) -> None:
    alt = image.alt.strip()
    assert len(alt) >= 40, alt
    assert not EMPTY_ALT.match(alt.lower()), alt
    assert len(set(re.findall(r"\w+", alt.lower()))) >= 8, "an alt text needs real content"


def test_rendering_is_deterministic_and_handles_missing_fields() -> None:
    for template in ("post", "news_site", "chat", "graph", "photo"):
        image = ItemImage(
            file=f"empty_{template}.png",
            alt="Une carte vide, pour vérifier que rien ne casse sans données.",
            template=template,
            data={},
        )
        first = render_image(image)
        assert first == render_image(image)
        with Image.open(io.BytesIO(first)) as picture:
            assert picture.width >= MIN_WIDTH


def test_a_truncated_axis_starts_at_y_min() -> None:
    assert nice_ticks(11.5, 12.0)[0] == 11.5
    assert nice_ticks(11.5, 12.0)[-1] == 12.0
    assert nice_ticks(0, 100) == [0, 20, 40, 60, 80, 100]


def test_helpers() -> None:
    assert format_count(3840) == "3,8 k"
    assert format_count(21000) == "21 k"
    assert format_count(2_100_000) == "2,1 M"
    assert format_count(412) == "412"
    assert initials("Mairie de Villeneuve-sur-Lez") == "MV"
    assert initials("InfoFlash 24") == "IF"
    assert "\u200d" not in drawable("HBC Val de Lez 🤾‍♀️")
    assert drawable("HBC Val de Lez 🤾‍♀️") == "HBC Val de Lez"


def test_images_still_render_without_the_dejavu_fonts() -> None:
    """On a machine without fonts-dejavu-core, Pillow's built-in scalable font takes over."""
    saved = drawing.FONT_DIR
    drawing.FONT_DIR = Path("/nonexistent-fonts")
    drawing.font.cache_clear()
    drawing._drawable.cache_clear()
    try:
        assert not fonts_available()
        for _scenario_id, image in IMAGES[:5]:
            with Image.open(io.BytesIO(render_image(image))) as picture:
                assert picture.width >= MIN_WIDTH
    finally:
        drawing.FONT_DIR = saved
        drawing.font.cache_clear()
        drawing._drawable.cache_clear()
