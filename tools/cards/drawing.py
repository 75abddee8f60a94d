"""Drawing kit for the item images: fonts, text that the font can draw, wrapping, icons, PNG.

Pure Pillow and deterministic (no clock, no randomness, no network); never reads a scenario.
"""

from __future__ import annotations

import hashlib
import io
import math
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Literal

from PIL import Image, ImageDraw, ImageFont

from vigie.data_files import DataModel, load_yaml

WIDTH = 720
MARGIN = 32
MAX_HEIGHT = 2400
PNG_COLOURS = 96

FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")  # Debian fonts-dejavu-core
FONT_FILES = {
    "regular": "DejaVuSans.ttf",
    "bold": "DejaVuSans-Bold.ttf",
    "serif": "DejaVuSerif-Bold.ttf",
}
LABELS_FILE = Path(__file__).resolve().parent / "render_labels.yml"

Style = Literal["regular", "bold", "serif"]
RGB = tuple[int, int, int]

INK: RGB = (15, 20, 25)
GREY: RGB = (83, 100, 113)
LINE: RGB = (207, 217, 222)
LINK: RGB = (17, 92, 170)
WHITE: RGB = (255, 255, 255)
VERIFIED: RGB = (29, 155, 240)
AVATAR_COLOURS: tuple[RGB, ...] = (
    (192, 57, 43),
    (41, 128, 185),
    (39, 120, 70),
    (142, 68, 173),
    (211, 84, 0),
    (22, 110, 120),
    (120, 90, 40),
    (90, 90, 110),
)

_INVISIBLE = {"\ufe0e", "\ufe0f", "\u200d", "\u20e3"}
_SKIN_TONES = range(0x1F3FB, 0x1F400)
_NOTDEF_PROBE = "\U0010fffd"


class NumberWords(DataModel):
    decimal: str
    thousand: str
    million: str


class NewsSiteWords(DataModel):
    ad: str
    sober_ad: str
    flashy_ads: list[str]
    button: str
    photo: str


class LookupWords(DataModel):
    tools: dict[str, str]
    default: str
    nothing: str


class RenderLabels(DataModel):
    """render_labels.yml: the words drawn on the cards, by template."""

    number: NumberWords
    emoji: dict[str, str]
    post: dict[str, str]
    news_site: NewsSiteWords
    chat: dict[str, str]
    graph: dict[str, str]
    photo: dict[str, str]
    lookup: LookupWords
    scene: dict[str, list[str]]


@cache
def labels() -> RenderLabels:
    """The words drawn on images (render_labels.yml)."""
    return load_yaml(LABELS_FILE, RenderLabels)


def label(section: str, key: str) -> str:
    """One word of a template's section: `label("post", "views")`."""
    part = getattr(labels(), section)
    return part[key] if isinstance(part, dict) else getattr(part, key)


def fonts_available() -> bool:
    """True when the pinned DejaVu fonts are installed (images are then byte-reproducible)."""
    return all((FONT_DIR / name).exists() for name in FONT_FILES.values())


@cache
def font(style: Style, size: int) -> ImageFont.FreeTypeFont:
    """DejaVu when installed (scripts/system-deps.sh), else Pillow's scalable built-in font."""
    path = FONT_DIR / FONT_FILES[style]
    if path.exists():
        return ImageFont.truetype(str(path), size, layout_engine=ImageFont.Layout.BASIC)
    builtin = ImageFont.load_default(size=size)
    if not isinstance(builtin, ImageFont.FreeTypeFont):  # Pillow without FreeType: bitmap only
        raise RuntimeError("Pillow has no FreeType support: the cards cannot be drawn")
    return builtin


def _mask_signature(face: ImageFont.FreeTypeFont, text: str) -> tuple[object, bytes]:
    mask = face.getmask(text)
    return mask.size, bytes(mask)


@cache
def _drawable(style: Style, char: str) -> bool:
    if char.isspace():
        return True
    face = font(style, 24)
    return _mask_signature(face, char) != _mask_signature(face, _NOTDEF_PROBE)


def _clusters(text: str) -> Iterable[str]:
    """Characters with their variation selectors, skin tones and zero-width-joined parts."""
    cluster = ""
    joining = False
    for char in text:
        if cluster and (char in _INVISIBLE or ord(char) in _SKIN_TONES or joining):
            cluster += char
            joining = char == "\u200d"
            continue
        if cluster:
            yield cluster
        cluster, joining = char, False
    if cluster:
        yield cluster


def drawable(text: str, style: Style = "regular") -> str:
    """The text with emoji the font lacks replaced (render_labels.yml) or dropped."""
    substitutes = labels().emoji
    out = []
    for cluster in _clusters(text):
        base = cluster[0]
        if base in substitutes:
            out.append("".join(c for c in substitutes[base] if _drawable(style, c)))
        elif "\u200d" not in cluster and _drawable(style, base):
            out.append(base)
    return re.sub(r"[ \t]{2,}", " ", "".join(out)).strip(" ")


def colour_for(name: str) -> RGB:
    """A stable colour for an avatar or a logo (sha256, never Python's salted hash)."""
    digest = hashlib.sha256(name.encode("utf-8")).digest()
    return AVATAR_COLOURS[digest[0] % len(AVATAR_COLOURS)]


def seed_for(name: str) -> int:
    return int.from_bytes(hashlib.sha256(name.encode("utf-8")).digest()[:8], "big")


def initials(name: str) -> str:
    words = [word for word in re.split(r"[\s\-—–_.@#]+", drawable(name)) if word[:1].isalnum()]
    alphabetic = [word for word in words if word[:1].isalpha()] or words
    alphabetic = [word for word in alphabetic if word[:1].isupper()] or alphabetic
    if len(alphabetic) == 1:
        capitals = [char for char in alphabetic[0] if char.isupper()]
        if len(capitals) >= 2:
            return "".join(capitals[:2])
    letters = "".join(word[0] for word in alphabetic[:2]).upper()
    return letters or "?"


def format_count(value: object) -> str:
    """3840 → '3,8 k', 21000 → '21 k', 2100000 → '2,1 M' (French separators from the labels)."""
    try:
        number = float(str(value))
    except ValueError:
        return str(value)
    units = labels().number
    decimal = units.decimal
    for size, unit in ((1_000_000, units.million), (1_000, units.thousand)):
        if number >= size:
            scaled = number / size
            text = f"{scaled:.1f}" if scaled < 10 else f"{scaled:.0f}"
            return f"{text.removesuffix('.0').replace('.', decimal)} {unit}"
    return f"{number:g}".replace(".", decimal)


def is_link(word: str) -> bool:
    bare = word.strip("()«»,;:!?")
    return bare.startswith(("#", "@", "http")) or bool(
        re.search(r"[a-z0-9-]\.(fr|com|info|win|net|org)(/|$)", bare)
    )


def luminance(colour: RGB) -> float:
    red, green, blue = colour
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


def text_colour_on(background: RGB) -> RGB:
    return INK if luminance(background) > 150 else WHITE


def wrap(text: str, face: ImageFont.FreeTypeFont, width: int, indent: int = 0) -> list[str]:
    """Lines no wider than `width` (the first `indent` narrower); newlines kept; long words cut."""
    lines: list[str] = []

    def room() -> int:
        return width - indent if not lines else width

    for paragraph in text.split("\n"):
        line = ""
        for word in paragraph.split(" "):
            candidate = f"{line} {word}" if line else word
            if face.getlength(candidate) <= room():
                line = candidate
                continue
            if line:
                lines.append(line)
            while face.getlength(word) > room():
                cut = len(word)
                while cut > 1 and face.getlength(word[:cut]) > room():
                    cut -= 1
                lines.append(word[:cut])
                word = word[cut:]
            line = word
        lines.append(line)
    return lines


def ellipsize(text: str, face: ImageFont.FreeTypeFont, width: float) -> str:
    if face.getlength(text) <= width:
        return text
    while text and face.getlength(text + "…") > width:
        text = text[:-1]
    return text.rstrip() + "…"


def line_height(face: ImageFont.FreeTypeFont, spacing: float = 1.3) -> int:
    ascent, descent = face.getmetrics()
    return round((ascent + descent) * spacing)


@dataclass
class Card:
    """A tall white canvas drawn top to bottom; `finish` crops it to what was drawn."""

    background: RGB = WHITE
    y: int = 0
    image: Image.Image = field(init=False)
    draw: ImageDraw.ImageDraw = field(init=False)

    def __post_init__(self) -> None:
        self.image = Image.new("RGB", (WIDTH, MAX_HEIGHT), self.background)
        self.draw = ImageDraw.Draw(self.image)

    def text(
        self,
        xy: tuple[float, float],
        text: str,
        style: Style = "regular",
        size: int = 26,
        fill: RGB = INK,
    ) -> float:
        """Draw one line; return its width."""
        face = font(style, size)
        clean = drawable(text, style)
        self.draw.text(xy, clean, font=face, fill=fill)
        return face.getlength(clean)

    def paragraph(
        self,
        x: int,
        y: int,
        text: str,
        width: int,
        style: Style = "regular",
        size: int = 26,
        fill: RGB = INK,
        links: bool = False,
    ) -> int:
        """Draw wrapped text; links/hashtags/handles in blue when asked; return the y below it."""
        face = font(style, size)
        step = line_height(face)
        for line in wrap(drawable(text, style), face, width):
            if not links:
                self.draw.text((x, y), line, font=face, fill=fill)
            else:
                cursor = float(x)
                for word in line.split(" "):
                    colour = LINK if is_link(word) else fill
                    self.draw.text((cursor, y), word, font=face, fill=colour)
                    cursor += face.getlength(word + " ")
            y += step
        return y

    def paragraph_height(
        self, text: str, width: int, style: Style = "regular", size: int = 26
    ) -> int:
        face = font(style, size)
        return line_height(face) * len(wrap(drawable(text, style), face, width))

    def finish(self, bottom: int = MARGIN) -> bytes:
        height = min(MAX_HEIGHT, self.y + bottom)
        return encode_png(self.image.crop((0, 0, WIDTH, height)))


def encode_png(image: Image.Image) -> bytes:
    """Palette-quantised, optimised PNG; same pixels → same bytes."""
    quantised = image.convert("RGB").quantize(
        colors=PNG_COLOURS, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE
    )
    buffer = io.BytesIO()
    quantised.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()


# ----- icons (drawn, so they never depend on an emoji font) ---------------------------------


def avatar(card: Card, x: int, y: int, diameter: int, name: str) -> None:
    colour = colour_for(name)
    card.draw.ellipse((x, y, x + diameter, y + diameter), fill=colour)
    letters = initials(name)
    face = font("bold", diameter * 2 // 5)
    card.draw.text(
        (x + diameter / 2, y + diameter / 2), letters, font=face, fill=WHITE, anchor="mm"
    )


def verified_badge(card: Card, x: float, y: float, size: int = 24) -> None:
    card.draw.ellipse((x, y, x + size, y + size), fill=VERIFIED)
    points = [(x + size * 0.27, y + size * 0.52), (x + size * 0.44, y + size * 0.68)]
    points.append((x + size * 0.74, y + size * 0.34))
    card.draw.line(points, fill=WHITE, width=max(2, size // 8), joint="curve")


def heart(card: Card, x: float, y: float, size: int, colour: RGB) -> None:
    scale = size / 34
    points = []
    for step in range(48):
        angle = 2 * math.pi * step / 48
        px = 16 * math.sin(angle) ** 3
        py = 13 * math.cos(angle) - 5 * math.cos(2 * angle) - 2 * math.cos(3 * angle)
        py -= math.cos(4 * angle)
        points.append((x + size / 2 + px * scale, y + size * 0.42 - py * scale))
    card.draw.line([*points, points[0]], fill=colour, width=3, joint="curve")


def speech_bubble(card: Card, x: float, y: float, size: int, colour: RGB) -> None:
    card.draw.rounded_rectangle(
        (x, y, x + size, y + size * 0.75), radius=size // 4, outline=colour, width=3
    )
    card.draw.line(
        [(x + size * 0.3, y + size * 0.75), (x + size * 0.2, y + size)], fill=colour, width=3
    )


def repost(card: Card, x: float, y: float, size: int, colour: RGB) -> None:
    card.draw.text((x, y - 4), "↻", font=font("bold", size + 4), fill=colour)


def padlock(card: Card, x: float, y: float, size: int, colour: RGB) -> None:
    card.draw.arc(
        (x + size * 0.2, y, x + size * 0.8, y + size * 0.7), 180, 360, fill=colour, width=3
    )
    card.draw.rounded_rectangle((x, y + size * 0.4, x + size, y + size), radius=3, fill=colour)


def play_button(card: Card, cx: float, cy: float, radius: int) -> None:
    card.draw.ellipse((cx - radius, cy - radius, cx + radius, cy + radius), fill=(20, 20, 20))
    third = radius / 2.4
    card.draw.polygon(
        [
            (cx - third * 0.8, cy - third * 1.2),
            (cx - third * 0.8, cy + third * 1.2),
            (cx + third * 1.4, cy),
        ],
        fill=WHITE,
    )
