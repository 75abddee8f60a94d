"""Every item image and move card exists, is fresh (the file shows what its data draws now),
small, wide, and described.

Fresh is judged on the decoded pixels, not on the PNG bytes, which change with zlib or Pillow's
encoder while the picture does not. Renders in memory only; never writes to scenarios/images/
(that is `make images`).
"""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from PIL import Image, ImageChops

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


def drawn(png: bytes) -> Image.Image:
    """What a PNG shows: its pixels decoded to RGB, whatever the encoder packed them as."""
    with Image.open(io.BytesIO(png)) as picture:
        return picture.convert("RGB")


def difference(file_png: bytes, rendered_png: bytes) -> str | None:
    """None when both show the same picture, else where they differ."""
    on_disk, now = drawn(file_png), drawn(rendered_png)
    if on_disk.size != now.size:
        return f"size {on_disk.size} on disk, {now.size} drawn now"
    box = ImageChops.difference(on_disk, now).getbbox()
    return None if box is None else f"pixels differ in the box {box}"


NEEDS_FONTS = pytest.mark.skipif(
    not fonts_available(), reason="DejaVu fonts missing: run scripts/system-deps.sh"
)


@NEEDS_FONTS
@pytest.mark.parametrize(("scenario_id", "image"), IMAGES, ids=IDS)
def test_the_image_file_is_fresh(scenario_id: str, image: ItemImage) -> None:
    """A data change without `make images` fails here."""
    stale = difference((IMAGES_DIR / image.file).read_bytes(), render_image(image))
    assert stale is None, f"{image.file} is stale ({stale}): run `make images`"


def one_small_change(value: object) -> object:
    """A careless edit: one more like, the next minute, a capital letter."""
    if isinstance(value, int):
        return value + 1
    if isinstance(value, list):
        return [*value[:-1], one_small_change(value[-1])]
    assert isinstance(value, str) and value
    if re.search(r"\d", value):  # the last digit moves on by one
        return re.sub(r"\d(?=\D*$)", lambda digit: str((int(digit[0]) + 1) % 10), value)
    return re.sub(r"[^\W\d_]", lambda letter: letter[0].swapcase(), value, count=1)


CHANGED_FIELD = {  # template → a field it draws (a photo's caption otherwise)
    "post": "likes",
    "news_site": "date",
    "chat": "date",
    "graph": "values",
    "lookup": "query",
}
FIRST_OF_EACH_TEMPLATE = list({image.template: image for _, image in IMAGES[::-1]}.values())


@NEEDS_FONTS
@pytest.mark.parametrize("image", FIRST_OF_EACH_TEMPLATE, ids=lambda image: image.template)
def test_a_small_data_change_makes_the_file_stale(image: ItemImage) -> None:
    field = CHANGED_FIELD.get(image.template, "caption")
    data = dict(image.data) | {field: one_small_change(image.data[field])}
    changed = image.model_copy(update={"data": data})
    assert difference((IMAGES_DIR / image.file).read_bytes(), render_image(changed)), field


def test_a_file_packed_differently_is_still_fresh() -> None:
    """Another zlib level, no palette, no optimisation: other bytes, the same picture."""
    file_png = (IMAGES_DIR / IMAGES[0][1].file).read_bytes()
    repacked = io.BytesIO()
    drawn(file_png).save(repacked, format="PNG", compress_level=1)
    assert repacked.getvalue() != file_png
    assert difference(file_png, repacked.getvalue()) is None


@pytest.mark.parametrize(("scenario_id", "image"), IMAGES, ids=IDS)
def test_the_alt_text_says_what_matters(scenario_id: str, image: ItemImage) -> None:
    """An item's alt text describes a whole item; a move card's, a short tool page."""
    short = image.template == "lookup"
    alt = image.alt.strip()
    assert len(alt) >= (20 if short else 40), alt
    assert not EMPTY_ALT.match(alt.lower()), alt
    words = len(set(re.findall(r"\w+", alt.lower())))
    assert words >= (5 if short else 8), "an alt text needs real content"


def test_rendering_is_deterministic_and_handles_missing_fields() -> None:
    for template in ("post", "news_site", "chat", "graph", "photo", "lookup"):
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


@NEEDS_FONTS
def test_a_lookup_card_draws_its_entries_or_its_empty_text() -> None:
    """Each entry adds to the card; no entries shows the `empty` text, which changes the card."""

    def card(**data: object) -> bytes:
        return render_image(
            ItemImage(
                file="t__search.png", alt="Une page de résultats.", template="lookup", data=data
            )
        )

    entry = {
        "title": "Un titre",
        "source": "site.example",
        "date": "1/1/2025",
        "snippet": "Un extrait",
    }
    one, two = (
        card(tool="search", query="q", entries=[entry]),
        card(tool="search", query="q", entries=[entry, entry]),
    )
    assert drawn(two).height > drawn(one).height
    five = card(tool="search", query="q", entries=[entry] * 5)
    assert drawn(five).size == drawn(card(tool="search", query="q", entries=[entry] * 4)).size
    void = card(tool="archive", query="q", empty="Aucune archive")
    assert difference(void, card(tool="archive", query="q", empty="Aucune trace")) is not None
    assert difference(void, card(tool="search", query="q", empty="Aucune archive")) is not None
    with Image.open(io.BytesIO(void)) as picture:
        assert picture.width >= MIN_WIDTH and picture.height >= 200


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
