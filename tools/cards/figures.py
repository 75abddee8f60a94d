"""Drawn figures of the item images: a schematic photo scene (with its description) and a chart.

Deterministic (randomness seeded from the image file name); never copies a real picture.
"""

from __future__ import annotations

import math
import random
from collections.abc import Sequence
from dataclasses import dataclass

from PIL import Image, ImageDraw

from tools.cards.drawing import (
    GREY,
    INK,
    LINE,
    MARGIN,
    RGB,
    WHITE,
    WIDTH,
    Card,
    drawable,
    font,
    label,
    labels,
    line_height,
    wrap,
)

Box = tuple[int, int, int, int]
BAR: RGB = (47, 109, 181)


def motifs(description: str) -> set[str]:
    """Scene elements whose keywords (render_labels.yml › scene) appear in the description."""
    keywords = labels().scene
    lowered = description.lower()
    return {name for name, words in keywords.items() if any(word in lowered for word in words)}


def _gradient(card: Surface, box: Box, top: RGB, bottom: RGB, bands: int = 12) -> None:
    left, upper, right, lower = box
    height = lower - upper
    for band in range(bands):
        ratio = band / (bands - 1)
        colour = tuple(round(a + (b - a) * ratio) for a, b in zip(top, bottom, strict=True))
        y0 = upper + height * band // bands
        y1 = upper + height * (band + 1) // bands
        card.draw.rectangle((left, y0, right, y1), fill=colour)


def _buildings(card: Surface, box: Box, horizon: int, rng: random.Random, night: bool) -> None:
    left, _, right, _ = box
    x = left
    while x < right:
        width = rng.randint(70, 130)
        height = rng.randint(110, 220)
        body = (70, 78, 96) if night else (190, 170, 150)
        card.draw.rectangle((x, horizon - height, min(x + width, right), horizon), fill=body)
        window = (250, 210, 120) if night else (120, 150, 180)
        for wy in range(horizon - height + 16, horizon - 20, 34):
            for wx in range(x + 12, min(x + width, right) - 18, 30):
                card.draw.rectangle((wx, wy, wx + 14, wy + 18), fill=window)
        x += width + rng.randint(4, 16)


def _palms(card: Surface, box: Box, horizon: int) -> None:
    left, _, right, _ = box
    for x in (left + 60, right - 90):
        card.draw.line([(x, horizon), (x + 14, horizon - 170)], fill=(110, 80, 50), width=10)
        for angle in range(200, 360, 32):
            radians = math.radians(angle)
            end = (x + 14 + 80 * math.cos(radians), horizon - 170 + 50 * math.sin(radians) + 30)
            card.draw.line([(x + 14, horizon - 170), end], fill=(40, 120, 60), width=8)


def _water(card: Surface, box: Box, horizon: int, rng: random.Random) -> None:
    left, _, right, lower = box
    level = horizon - 30
    for x in range(left + 40, right - 100, 190):
        card.draw.rounded_rectangle(
            (x, level - 40, x + 130, level + 30), radius=16, fill=(170, 40, 40)
        )
        card.draw.rectangle((x + 20, level - 34, x + 110, level - 12), fill=(180, 210, 230))
    card.draw.rectangle((left, level, right, lower), fill=(128, 104, 72))
    for y in range(level + 20, lower, 28):
        offset = rng.randint(0, 60)
        for x in range(left + offset, right, 120):
            card.draw.arc((x, y, x + 60, y + 16), 200, 340, fill=(160, 136, 100), width=3)


def _flames(card: Surface, box: Box, horizon: int, rng: random.Random) -> None:
    left, upper, right, _ = box
    centre = (left + right) // 2
    card.draw.rectangle((centre - 60, upper + 60, centre + 60, horizon), fill=(60, 50, 45))
    card.draw.ellipse((centre - 34, upper + 90, centre + 34, upper + 158), fill=(230, 225, 210))
    for _ in range(14):
        x = centre + rng.randint(-150, 150)
        base = horizon - rng.randint(0, 120)
        height = rng.randint(90, 220)
        colour = rng.choice([(255, 140, 0), (255, 200, 40), (230, 70, 20)])
        card.draw.polygon([(x - 30, base), (x + 30, base), (x, base - height)], fill=colour)


def _crowd(card: Surface, box: Box, rng: random.Random, night: bool) -> None:
    left, upper, right, lower = box
    if night:
        for x, colour in ((left + 120, (190, 60, 200)), (right - 140, (60, 170, 220))):
            beam = [(x - 6, upper), (x + 6, upper), (x + 70, lower), (x - 70, lower)]
            card.draw.polygon(beam, fill=tuple(c // 2 + 30 for c in colour))
    for row in range(4):
        y = lower - 40 - row * 36
        for x in range(left + rng.randint(0, 20), right, 34):
            tone = 30 + row * 10 if night else 90 + row * 20
            card.draw.ellipse((x, y, x + 26, y + 26), fill=(tone, tone, tone + 10))
            if rng.random() < 0.18:
                card.draw.rectangle((x + 8, y - 40, x + 22, y - 16), fill=(235, 235, 255))


def _hail(card: Surface, box: Box, horizon: int, rng: random.Random) -> None:
    left, _, right, lower = box
    card.draw.rectangle((left, horizon, right, lower), fill=(150, 150, 155))
    for _ in range(160):
        x = rng.randint(left, right - 10)
        y = rng.randint(horizon + 4, lower - 10)
        card.draw.ellipse((x, y, x + 10, y + 10), fill=(245, 248, 252))


def _streaks(card: Surface, box: Box) -> None:
    left, upper, right, _ = box
    for index in range(4):
        y = upper + 40 + index * 45
        card.draw.line([(left + 20 + index * 60, y + 60), (right - 40, y)], fill=WHITE, width=7)


def _mountain(card: Surface, box: Box, horizon: int) -> None:
    left, _, right, _ = box
    card.draw.polygon(
        [(left, horizon), (left + 220, horizon - 200), (left + 440, horizon)], fill=(120, 130, 145)
    )
    card.draw.polygon(
        [(left + 280, horizon), (right - 150, horizon - 260), (right, horizon)],
        fill=(100, 110, 125),
    )


def _person(card: Surface, box: Box) -> None:
    left, _, right, lower = box
    centre = (left + right) // 2
    card.draw.ellipse((centre - 150, lower - 150, centre + 150, lower + 150), fill=(60, 80, 110))
    card.draw.ellipse((centre - 62, lower - 290, centre + 62, lower - 150), fill=(220, 180, 150))


def _diagram(card: Surface, box: Box) -> None:
    left, upper, right, lower = box
    card.draw.rectangle((left + 40, upper + 30, right - 40, lower - 30), fill=(245, 245, 240))
    width = (right - left - 200) // 3
    for index in range(3):
        x = left + 70 + index * (width + 30)
        card.draw.rounded_rectangle(
            (x, upper + 90, x + width, upper + 170), radius=14, outline=(40, 90, 160), width=5
        )
        if index < 2:
            card.draw.line(
                [(x + width + 4, upper + 130), (x + width + 26, upper + 130)],
                fill=(40, 90, 160),
                width=5,
            )


def _food(card: Surface, box: Box, horizon: int, rng: random.Random) -> None:
    left, _, right, lower = box
    card.draw.rectangle((left, horizon, right, lower), fill=(170, 120, 80))
    for _ in range(6):
        x = rng.randint(left + 40, right - 120)
        y = rng.randint(horizon + 10, lower - 90)
        card.draw.ellipse(
            (x, y, x + 80, y + 70),
            fill=rng.choice([(245, 215, 60), (240, 235, 220), (80, 160, 200)]),
        )


@dataclass
class Surface:
    """A picture being painted, clipped to its own size before it is pasted on the card."""

    image: Image.Image
    draw: ImageDraw.ImageDraw


def _object(card: Surface, box: Box, horizon: int) -> None:
    left, _, right, lower = box
    centre = (left + right) // 2
    base = (horizon + lower) // 2
    card.draw.rounded_rectangle(
        (centre - 55, base - 190, centre + 55, base), radius=26, fill=(40, 130, 160)
    )
    card.draw.rounded_rectangle(
        (centre - 30, base - 222, centre + 30, base - 186), radius=8, fill=(50, 50, 60)
    )
    card.draw.rectangle((centre - 55, base - 120, centre + 55, base - 80), fill=(235, 235, 235))


def _meeting(card: Surface, box: Box, rng: random.Random) -> None:
    left, upper, right, lower = box
    card.draw.rectangle(box, fill=(225, 215, 195))
    card.draw.rectangle((left + 60, upper + 30, left + 300, upper + 170), fill=(245, 245, 250))
    card.draw.line(
        [(left + 90, upper + 130), (left + 270, upper + 70)], fill=(60, 90, 150), width=8
    )
    card.draw.rectangle((left, lower - 90, right, lower), fill=(120, 80, 50))
    for x in range(left + 30, right - 30, 70):
        tone = rng.choice([(60, 60, 70), (90, 70, 60), (50, 70, 90)])
        card.draw.ellipse((x + 10, lower - 170, x + 50, lower - 130), fill=(220, 180, 150))
        card.draw.rounded_rectangle((x, lower - 130, x + 60, lower - 88), radius=14, fill=tone)


def _bookshelf(card: Surface, box: Box, rng: random.Random) -> None:
    left, upper, right, lower = box
    card.draw.rectangle(box, fill=(110, 80, 55))
    for y in range(upper + 20, lower - 40, 90):
        card.draw.rectangle((left, y + 70, right, y + 80), fill=(80, 55, 35))
        x = left + 10
        while x < right - 30:
            width = rng.randint(14, 30)
            colour = rng.choice([(170, 50, 50), (50, 90, 150), (200, 170, 80), (60, 120, 80)])
            card.draw.rectangle((x, y + rng.randint(5, 20), x + width, y + 70), fill=colour)
            x += width + 3


def _gifts(card: Surface, box: Box, horizon: int) -> None:
    left, _, right, lower = box
    centre = (left + right) // 2
    base = (horizon + lower) // 2
    for row, count in enumerate((3, 2, 1)):
        for index in range(count):
            x = centre - count * 60 + index * 120
            y = base - (row + 1) * 70
            card.draw.rectangle((x + 4, y, x + 116, y + 66), fill=(40, 40, 50))
            card.draw.rectangle((x + 52, y, x + 68, y + 66), fill=(220, 30, 60))


def paint_scene(card: Card, box: Box, description: str, seed: int) -> None:
    """A schematic scene matching the description's keywords (sky, ground, a few motifs)."""
    width, height = box[2] - box[0], box[3] - box[1]
    picture = Image.new("RGB", (width, height))
    _paint(Surface(picture, ImageDraw.Draw(picture)), (0, 0, width, height), description, seed)
    card.image.paste(picture, (box[0], box[1]))


def _paint(card: Surface, box: Box, description: str, seed: int) -> None:
    found = motifs(description)
    rng = random.Random(seed)
    left, upper, right, lower = box
    night = "night" in found
    horizon = upper + (lower - upper) * 2 // 3
    sky = ((12, 22, 52), (40, 55, 95)) if night else ((120, 180, 235), (215, 235, 250))
    _gradient(card, (left, upper, right, horizon), *sky)
    ground = (70, 150, 70) if "grass" in found else (120, 120, 125)
    card.draw.rectangle((left, horizon, right, lower), fill=ground)
    if night:
        card.draw.ellipse((right - 120, upper + 30, right - 70, upper + 80), fill=(240, 240, 210))
    elif not found & {"person", "diagram"}:
        card.draw.ellipse((right - 130, upper + 30, right - 60, upper + 100), fill=(255, 215, 80))
    if "streaks" in found:
        _streaks(card, box)
    if "mountain" in found:
        _mountain(card, box, horizon)
    if "meeting" in found:
        _meeting(card, box, rng)
    if "bookshelf" in found:
        _bookshelf(card, box, rng)
    if "buildings" in found and not found & {"meeting", "bookshelf"}:
        _buildings(card, box, horizon, rng, night)
    if "palms" in found:
        _palms(card, box, horizon)
    if "fire" in found:
        _flames(card, box, horizon, rng)
    if "water" in found:
        _water(card, box, horizon, rng)
    if "hail" in found:
        _hail(card, box, horizon, rng)
    if "food" in found:
        _food(card, box, horizon, rng)
    elif "gifts" in found:
        _gifts(card, box, horizon)
    elif "object" in found:
        _object(card, box, horizon)
    if "crowd" in found:
        _crowd(card, box, rng, night)
    if "diagram" in found:
        _diagram(card, box)
    if "person" in found:
        _person(card, box)


def described_photo(
    card: Card, box: Box, description: str, heading: str, seed: int, context: str = ""
) -> None:
    """A drawn scene with a dark band under it saying what the photo shows."""
    left, upper, right, lower = box
    face = font("regular", 22)
    bold = font("bold", 22)
    indent = int(bold.getlength(heading + " "))
    lines = wrap(drawable(description), face, right - left - 2 * 20, indent)
    height = len(lines) * line_height(face) + 24
    paint_scene(card, (left, upper, right, lower - height), f"{description} {context}", seed)
    card.draw.rectangle((left, lower - height, right, lower), fill=(24, 26, 30))
    y = lower - height + 12
    card.draw.text((left + 20, y), heading, font=bold, fill=WHITE)
    for index, line in enumerate(lines):
        card.draw.text((left + 20 + (indent if index == 0 else 0), y), line, font=face, fill=WHITE)
        y += line_height(face)


def photo_height(description: str, width: int, minimum: int = 380) -> int:
    face = font("regular", 22)
    indent = 200  # room for the heading's width, whatever it is
    band = len(wrap(drawable(description), face, width - 40, indent)) * line_height(face) + 24
    return max(minimum, band + 300)


# ----- chart ---------------------------------------------------------------------------------


def nice_ticks(low: float, high: float) -> list[float]:
    """Round tick values from `low` (the axis start, kept even when it is not 0) to `high`."""
    span = high - low
    if span <= 0:
        return [low]
    raw = span / 6
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
    ticks = []
    value = low
    while value <= high + step / 1000:
        ticks.append(round(value, 6))
        value += step
    return ticks


def format_number(value: float, decimals: int) -> str:
    return f"{value:.{decimals}f}".replace(".", labels().number.decimal)


def _decimals(values: Sequence[float]) -> int:
    return max((len(f"{v:g}".split(".")[1]) if "." in f"{v:g}" else 0) for v in values)


def _listed(value: object) -> list[object]:
    """A list of the item's chart data, or [] when it is missing or not a list."""
    return value if isinstance(value, list) else []


def _number(value: object, default: float) -> float:
    """A number of the item's chart data; a missing, empty or zero one is `default`."""
    return float(value) if isinstance(value, int | float | str) and value else default


def draw_chart(card: Card, data: dict[str, object]) -> None:
    """Bar chart whose value axis starts at y_min, as the item shows it (a truncated axis shows)."""
    title = str(data.get("title", ""))
    x_labels = [str(value) for value in _listed(data.get("x_labels"))]
    values = [_number(value, 0.0) for value in _listed(data.get("values"))]
    low = _number(data.get("y_min"), 0.0)
    high = _number(data.get("y_max", max(values, default=1)), 1.0)
    card.y = MARGIN
    card.y = card.paragraph(MARGIN, card.y, title, WIDTH - 2 * MARGIN, style="bold", size=32)
    card.y += 8
    if data.get("y_label"):
        card.text((MARGIN, card.y), str(data["y_label"]), size=22, fill=GREY)
        card.y += line_height(font("regular", 22)) + 10
    ticks = nice_ticks(low, high)
    decimals = _decimals(ticks)
    value_decimals = _decimals(values) if values else 0
    tick_face = font("regular", 22)
    tick_width = max(tick_face.getlength(format_number(t, decimals)) for t in ticks)
    plot_left = MARGIN + int(tick_width) + 16
    plot_right = WIDTH - MARGIN
    plot_top = card.y + 20
    plot_bottom = plot_top + 420

    def y_of(value: float) -> float:
        clamped = min(max(value, low), high)
        return plot_bottom - (clamped - low) / (high - low or 1) * (plot_bottom - plot_top)

    for tick in ticks:
        y = y_of(tick)
        card.draw.line([(plot_left, y), (plot_right, y)], fill=LINE, width=2)
        card.draw.text(
            (plot_left - 12, y),
            format_number(tick, decimals),
            font=tick_face,
            fill=GREY,
            anchor="rm",
        )
    count = max(1, len(values))
    slot = (plot_right - plot_left) / count
    bar = min(110, slot * 0.6)
    value_face = font("bold", 22)
    for index, value in enumerate(values):
        centre = plot_left + slot * (index + 0.5)
        top = y_of(value)
        card.draw.rectangle((centre - bar / 2, top, centre + bar / 2, plot_bottom), fill=BAR)
        card.draw.text(
            (centre, top - 6),
            format_number(value, value_decimals),
            font=value_face,
            fill=INK,
            anchor="mb",
        )
        if index < len(x_labels):
            card.draw.text(
                (centre, plot_bottom + 12), x_labels[index], font=tick_face, fill=INK, anchor="mt"
            )
    card.draw.line([(plot_left, plot_top - 10), (plot_left, plot_bottom)], fill=INK, width=3)
    card.draw.line([(plot_left, plot_bottom), (plot_right, plot_bottom)], fill=INK, width=3)
    card.y = plot_bottom + 12 + line_height(tick_face) + 24
    source = str(data.get("source", "")).strip()
    if source:
        heading = label("graph", "source")
        width = card.text((MARGIN, card.y), heading, style="bold", size=22, fill=GREY)
        first_width = WIDTH - 2 * MARGIN - int(width) - 8
        clean = drawable(source)
        lines = wrap(clean, tick_face, first_width)
        card.draw.text((MARGIN + width + 8, card.y), lines[0], font=tick_face, fill=GREY)
        rest = clean[len(lines[0]) :].strip()
        card.y += line_height(tick_face)
        if rest:
            card.y = card.paragraph(MARGIN, card.y, rest, WIDTH - 2 * MARGIN, size=22, fill=GREY)
