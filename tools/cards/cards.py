"""The item card templates: social post, news-site page, chat conversation, photo with caption.

Each draws only from its `data` dict (missing fields are skipped); never invents a real brand.
"""

from __future__ import annotations

import random
import re

from PIL import ImageFont

from tools.cards.drawing import (
    GREY,
    INK,
    LINE,
    MARGIN,
    RGB,
    WHITE,
    WIDTH,
    Card,
    avatar,
    colour_for,
    drawable,
    ellipsize,
    font,
    format_count,
    heart,
    label,
    labels,
    line_height,
    luminance,
    padlock,
    play_button,
    repost,
    speech_bubble,
    text_colour_on,
    verified_badge,
    wrap,
)
from tools.cards.figures import Box, described_photo, paint_scene, photo_height

Data = dict[str, object]
SOFT: RGB = (240, 242, 245)


def _text(data: Data, key: str) -> str:
    value = data.get(key)
    return "" if value is None else str(value).strip()


def _number(data: Data, key: str) -> int:
    try:
        return int(float(str(data.get(key, 0) or 0)))
    except ValueError:
        return 0


def _hex(value: str) -> RGB | None:
    match = re.fullmatch(r"#([0-9a-fA-F]{6})", value.strip())
    if not match:
        return None
    raw = match.group(1)
    return int(raw[0:2], 16), int(raw[2:4], 16), int(raw[4:6], 16)


# ----- social post ---------------------------------------------------------------------------


def _inline_list(body: str) -> str:
    """'… 1. a 2. b 3. c' on separate lines, as a feed shows it."""
    if len(re.findall(r"(?:^|\s)\d+\.\s", body)) >= 3:
        return re.sub(r"\s+(?=\d+\.\s)", "\n", body)
    return body


def _post_header(card: Card, data: Data, left: int, right: int) -> None:
    top = card.y
    name = _text(data, "display_name") or _text(data, "handle") or "?"
    avatar(card, left, top, 72, name)
    x = left + 88
    bold = font("bold", 26)
    shown = ellipsize(drawable(name, "bold"), bold, right - x - 40)
    card.draw.text((x, top + 2), shown, font=bold, fill=INK)
    if data.get("verified") is True:
        verified_badge(card, x + bold.getlength(shown) + 8, top + 6, 26)
    meta = " · ".join(part for part in (_text(data, "handle"), _text(data, "date")) if part)
    y = top + 40
    if meta:
        y = card.paragraph(x, y, meta, right - x, size=22, fill=GREY)
    post_labels = labels().post
    if _text(data, "label"):
        y = card.paragraph(x, y, _text(data, "label"), right - x, style="bold", size=22, fill=GREY)
    if data.get("followers") is not None:
        followers = post_labels["followers"].format(n=format_count(data["followers"]))
        y = card.paragraph(x, y, followers, right - x, size=22, fill=GREY)
    if _text(data, "account_created"):
        created = post_labels["account_created"].format(value=_text(data, "account_created"))
        y = card.paragraph(x, y, created, right - x, size=22, fill=GREY)
    card.y = max(top + 72, y) + 16


def _video(card: Card, data: Data, left: int, right: int, seed: int) -> None:
    height = (right - left) * 9 // 16
    box = (left, card.y, right, card.y + height)
    description = _text(data, "photo_description")
    if description:
        described_photo(card, box, description, label("post", "video"), seed)
    else:
        paint_scene(card, box, "", seed)
    play_button(card, (left + right) / 2, card.y + height * 0.4, 44)
    duration = _text(data, "duration")
    if duration:
        face = font("bold", 22)
        width = face.getlength(duration)
        badge = (right - width - 28, card.y + 14, right - 12, card.y + 50)
        card.draw.rounded_rectangle(badge, radius=6, fill=(15, 15, 15))
        card.draw.text((badge[0] + 8, badge[1] + 5), duration, font=face, fill=WHITE)
    card.y += height + 14
    if _text(data, "video_title"):
        card.y = card.paragraph(left, card.y, _text(data, "video_title"), right - left, "bold", 24)
    if data.get("views") is not None:
        views = label("post", "views").format(n=format_count(data["views"]))
        card.y = card.paragraph(left, card.y, views, right - left, size=22, fill=GREY)
    card.y += 12


def _counts(card: Card, data: Data, left: int) -> None:
    likes, comments, shares = (_number(data, key) for key in ("likes", "comments", "shares"))
    if not (likes or comments or shares):
        return
    face = font("regular", 22)
    y = card.y
    heart(card, left, y + 2, 26, GREY)
    card.draw.text((left + 36, y), format_count(likes), font=face, fill=GREY)
    speech_bubble(card, left + 200, y + 2, 26, GREY)
    card.draw.text((left + 236, y), format_count(comments), font=face, fill=GREY)
    repost(card, left + 400, y, 26, GREY)
    card.draw.text((left + 436, y), format_count(shares), font=face, fill=GREY)
    card.y += line_height(face) + 12


def _top_comment(card: Card, data: Data, left: int, right: int) -> None:
    comment = _text(data, "top_comment")
    if not comment:
        return
    card.draw.line([(left, card.y), (right, card.y)], fill=LINE, width=2)
    card.y += 16
    avatar(card, left, card.y, 44, "?")
    x = left + 60
    card.text((x, card.y), label("post", "top_comment"), style="bold", size=22, fill=GREY)
    card.y = card.paragraph(x, card.y + 32, comment, right - x, size=24) + 8


def draw_post(card: Card, data: Data, seed: int) -> None:
    """A social-network post: avatar, name, handle, date, text, photo or video, counts."""
    left, right = MARGIN, WIDTH - MARGIN
    shared_by = _text(data, "shared_by")
    frame_top = 0
    card.y = MARGIN
    if shared_by:
        text = label("post", "shared_by").format(value=shared_by)
        height = card.paragraph_height(text, right - left - 32, "bold", 22) + 28
        card.draw.rounded_rectangle((left, card.y, right, card.y + height), radius=12, fill=SOFT)
        card.paragraph(left + 16, card.y + 14, text, right - left - 32, "bold", 22, GREY)
        card.y += height + 16
        frame_top = card.y
        left, right = left + 20, right - 20
        card.y += 20
    _post_header(card, data, left, right)
    body = _text(data, "body")
    if body:
        card.y = card.paragraph(left, card.y, _inline_list(body), right - left, links=True) + 12
    if _text(data, "video_title") or _text(data, "duration"):
        _video(card, data, left, right, seed)
    elif _text(data, "photo_description"):
        description = _text(data, "photo_description")
        height = photo_height(description, right - left)
        box = (left, card.y, right, card.y + height)
        described_photo(card, box, description, label("post", "photo"), seed)
        card.y += height + 16
    _counts(card, data, left)
    _top_comment(card, data, left, right)
    if _text(data, "watched"):
        text = label("post", "watched").format(value=_text(data, "watched"))
        height = card.paragraph_height(text, right - left - 32, "bold", 22) + 24
        card.draw.rounded_rectangle((left, card.y, right, card.y + height), radius=12, fill=SOFT)
        card.paragraph(left + 16, card.y + 12, text, right - left - 32, "bold", 22, INK)
        card.y += height + 8
    if shared_by:
        card.y += 12
        frame = (MARGIN, frame_top, WIDTH - MARGIN, card.y)
        card.draw.rounded_rectangle(frame, radius=16, outline=LINE, width=3)


# ----- news site -----------------------------------------------------------------------------


def _browser_bar(card: Card, url: str) -> None:
    card.draw.rectangle((0, 0, WIDTH, 92), fill=SOFT)
    card.draw.rounded_rectangle(
        (MARGIN - 8, 18, WIDTH - MARGIN + 8, 74), radius=28, fill=WHITE, outline=LINE, width=2
    )
    padlock(card, MARGIN + 14, 34, 22, GREY)
    face = font("regular", 24)
    domain, _, path = url.removeprefix("https://").removeprefix("http://").partition("/")
    x: float = MARGIN + 48
    card.draw.text((x, 32), domain, font=face, fill=INK)
    x += face.getlength(domain)
    if path:
        shown = ellipsize("/" + path, face, WIDTH - MARGIN - x)
        card.draw.text((x, 32), shown, font=face, fill=GREY)
    card.y = 92


def _masthead(card: Card, data: Data, accent: RGB) -> None:
    name = _text(data, "site_name")
    tagline = _text(data, "tagline")
    logo = font("serif", 40)
    height = line_height(logo, 1.2) + 36 + (line_height(font("regular", 22)) if tagline else 0)
    card.draw.rectangle((0, card.y, WIDTH, card.y + height), fill=accent)
    ink = text_colour_on(accent)
    card.draw.text((MARGIN, card.y + 18), drawable(name, "serif"), font=logo, fill=ink)
    if tagline:
        card.text((MARGIN, card.y + 18 + line_height(logo, 1.2)), tagline, size=22, fill=ink)
    card.y += height
    menu = data.get("menu")
    if isinstance(menu, list) and menu:
        face = font("bold", 22)
        card.draw.rectangle((0, card.y, WIDTH, card.y + 52), fill=SOFT)
        shown = ellipsize("   ".join(str(item) for item in menu), face, WIDTH - 2 * MARGIN)
        card.draw.text((MARGIN, card.y + 12), shown, font=face, fill=INK)
        card.y += 52


def _ad_face(flashy: bool) -> ImageFont.FreeTypeFont:
    return font("bold", 24 if flashy else 22)


def _ad_height(text: str, width: int, flashy: bool) -> int:
    face = _ad_face(flashy)
    lines = wrap(drawable(text, "bold"), face, width - 24)
    return max(110, 44 + len(lines) * line_height(face) + 12)


def _ad(card: Card, box: Box, text: str, flashy: bool, rng: random.Random) -> None:
    colours = [(255, 214, 0), (233, 30, 99), (0, 200, 83), (255, 87, 34), (124, 77, 255)]
    fill = rng.choice(colours) if flashy else (232, 234, 237)
    card.draw.rectangle(box, fill=fill)
    ink = text_colour_on(fill)
    left, top, right, bottom = box
    card.draw.text(
        (left + 10, top + 6), label("news_site", "ad"), font=font("regular", 22), fill=ink
    )
    face = _ad_face(flashy)
    lines = wrap(drawable(text, "bold"), face, right - left - 24)
    y = (top + 40 + bottom) / 2 - len(lines) * line_height(face) / 2
    for line in lines:
        card.draw.text(((left + right) / 2, y), line, font=face, fill=ink, anchor="ma")
        y += line_height(face)


def _ads(card: Card, count: int, flashy: bool, rng: random.Random, first: int) -> None:
    """`count` ad boxes: flashy ones two by two, a sober one full width."""
    texts = labels().news_site.flashy_ads
    width = WIDTH - 2 * MARGIN
    per_row = 2 if flashy and count > 1 else 1
    column = (width - 16 * (per_row - 1)) // per_row
    for start in range(0, count, per_row):
        row = list(range(start, min(count, start + per_row)))
        box_width = column if len(row) == per_row else width
        words = [
            texts[(first + index) % len(texts)] if flashy else label("news_site", "sober_ad")
            for index in row
        ]
        height = max(_ad_height(text, box_width, flashy) for text in words)
        for slot, text in enumerate(words):
            x = MARGIN + slot * (column + 16)
            _ad(card, (x, card.y, x + box_width, card.y + height), text, flashy, rng)
        card.y += height + 16


def _form(card: Card, data: Data, fields: list[object]) -> None:
    width = WIDTH - 2 * MARGIN
    for field in fields:
        card.y = card.paragraph(MARGIN, card.y, str(field), width, "bold", 22)
        card.draw.rounded_rectangle(
            (MARGIN, card.y + 4, WIDTH - MARGIN, card.y + 60),
            radius=8,
            fill=WHITE,
            outline=GREY,
            width=2,
        )
        card.y += 76
    _button(card, _text(data, "cta") or label("news_site", "button"), (200, 30, 30))


def _button(card: Card, text: str, fill: RGB) -> None:
    face = font("bold", 26)
    lines = wrap(drawable(text, "bold"), face, WIDTH - 2 * MARGIN - 40)
    height = len(lines) * line_height(face) + 36
    card.draw.rounded_rectangle(
        (MARGIN, card.y, WIDTH - MARGIN, card.y + height), radius=14, fill=fill
    )
    y = card.y + 18
    for line in lines:
        card.draw.text((WIDTH / 2, y), line, font=face, fill=WHITE, anchor="ma")
        y += line_height(face)
    card.y += height + 20


def _paragraphs(data: Data) -> list[str]:
    value = data.get("paragraphs")
    if isinstance(value, list):
        return [str(item) for item in value]
    return [str(value)] if value else []


def draw_news_site(card: Card, data: Data, seed: int) -> None:
    """A news page on a phone: URL bar, masthead, headline, byline, lead, ads, form, footer."""
    rng = random.Random(seed)
    _browser_bar(card, _text(data, "url"))
    accent = _hex(_text(data, "accent")) or colour_for(_text(data, "site_name"))
    _masthead(card, data, accent)
    ads = _number(data, "ads")
    flashy = ads >= 2
    width = WIDTH - 2 * MARGIN
    if _text(data, "alert"):
        height = card.paragraph_height(_text(data, "alert"), width, "bold", 26) + 24
        card.draw.rectangle((0, card.y, WIDTH, card.y + height), fill=(200, 30, 30))
        card.paragraph(MARGIN, card.y + 12, _text(data, "alert"), width, "bold", 26, WHITE)
        card.y += height
    card.y += 20
    if flashy:
        _ads(card, 1, True, rng, 0)
    if _text(data, "section"):
        colour = accent if luminance(accent) < 150 else INK
        card.y = card.paragraph(
            MARGIN, card.y, _text(data, "section").upper(), width, "bold", 22, colour
        )
    card.y = card.paragraph(MARGIN, card.y, _text(data, "headline"), width, "bold", 34) + 6
    meta = " · ".join(part for part in (_text(data, "byline"), _text(data, "date")) if part)
    if meta:
        card.y = card.paragraph(MARGIN, card.y, meta, width, size=22, fill=GREY) + 14
    description = _text(data, "photo_description")
    if description:
        height = photo_height(description, width, 320)
        box = (MARGIN, card.y, WIDTH - MARGIN, card.y + height)
        described_photo(card, box, description, label("news_site", "photo"), seed)
        card.y += height + 18
    if _text(data, "lead"):
        card.y = card.paragraph(MARGIN, card.y, _text(data, "lead"), width, "bold", 26, links=True)
        card.y += 12
    for paragraph in _paragraphs(data):
        card.y = card.paragraph(MARGIN, card.y, paragraph, width, size=24, links=True) + 12
    fields = data.get("form_fields")
    if isinstance(fields, list) and fields:
        card.y += 8
        _form(card, data, fields)
    elif _text(data, "cta"):
        card.y += 8
        _button(card, _text(data, "cta"), (235, 110, 20))
    if ads:
        card.y += 8
        _ads(card, ads - 1 if flashy else ads, flashy, rng, 1)
    footer = data.get("footer")
    if isinstance(footer, list) and footer:
        text = "  ·  ".join(str(item) for item in footer)
        height = card.paragraph_height(text, width, size=22) + 28
        card.draw.rectangle((0, card.y, WIDTH, card.y + height), fill=SOFT)
        card.paragraph(MARGIN, card.y + 14, text, width, size=22, fill=INK)
        card.y += height - MARGIN + 8


# ----- chat ----------------------------------------------------------------------------------

CHAT_BACKGROUND: RGB = (236, 229, 221)


def _chat_header(card: Card, app: str) -> None:
    service, _, title = app.partition(" — ")
    if not title:
        service, title = "", app
    colour = colour_for(service or title)
    card.draw.rectangle((0, 0, WIDTH, 104), fill=colour)
    card.draw.text((MARGIN - 8, 52), "←", font=font("bold", 32), fill=WHITE, anchor="lm")
    inner = re.search(r"«\s*(.+?)\s*»", title)
    avatar(card, MARGIN + 36, 24, 56, inner.group(1) if inner else title)
    x = MARGIN + 108
    bold = font("bold", 26)
    card.draw.text(
        (x, 18), ellipsize(drawable(title, "bold"), bold, WIDTH - x - MARGIN), font=bold, fill=WHITE
    )
    if service:
        card.text((x, 56), service, size=22, fill=(225, 235, 235))
    card.y = 104


def _date_pill(card: Card, day: str) -> None:
    face = font("regular", 22)
    width = face.getlength(day) + 32
    box = ((WIDTH - width) / 2, card.y + 20, (WIDTH + width) / 2, card.y + 56)
    card.draw.rounded_rectangle(box, radius=12, fill=(225, 240, 250))
    card.draw.text((WIDTH / 2, card.y + 38), day, font=face, fill=INK, anchor="mm")
    card.y += 76


def _split_marker(message: str) -> tuple[str, str]:
    """'body — ↪ forwarded…' → (body, '↪ forwarded…'): the marker drawn above the bubble."""
    body, arrow, rest = message.partition("↪")
    if not arrow:
        return message, ""
    return body.strip().rstrip("—-–").strip(), arrow + rest.lstrip("\ufe0e\ufe0f")


def _waveform(card: Card, x: int, y: int, seed: int) -> int:
    rng = random.Random(seed)
    play = (x, y, x + 44, y + 44)
    card.draw.ellipse(play, fill=(80, 90, 100))
    card.draw.polygon([(x + 16, y + 11), (x + 16, y + 33), (x + 34, y + 22)], fill=WHITE)
    for index in range(30):
        height = rng.randint(6, 36)
        bx = x + 60 + index * 12
        card.draw.rounded_rectangle(
            (bx, y + 22 - height / 2, bx + 6, y + 22 + height / 2), radius=3, fill=(120, 130, 140)
        )
    return 60 + 30 * 12


def _bubble(
    card: Card,
    sender: str,
    marker: str,
    text: str,
    time: str,
    seed: int,
) -> None:
    face = font("regular", 26)
    small = font("regular", 22)
    bold = font("bold", 22)
    pad, max_text = 18, 540
    voice = text.startswith("🎤")
    shown = drawable(text)
    lines = [] if voice else wrap(shown, face, max_text)
    widths = [face.getlength(line) for line in lines]
    if sender:
        widths.append(bold.getlength(drawable(sender, "bold")))
    marker_lines = wrap(drawable(marker), small, max_text) if marker else []
    widths += [small.getlength(line) for line in marker_lines]
    voice_lines = wrap(shown, small, max_text) if voice else []
    if voice:
        widths.append(60 + 30 * 12)
        widths += [small.getlength(line) for line in voice_lines]
    widths.append(small.getlength(time) + 40)
    width = int(max(widths)) + 2 * pad
    height = pad * 2 + line_height(small) * (
        len(marker_lines) + len(voice_lines) + (1 if time else 0)
    )
    height += (
        line_height(face) * len(lines) + (line_height(bold) if sender else 0) + (52 if voice else 0)
    )
    left, top = MARGIN, card.y
    card.draw.rounded_rectangle((left, top, left + width, top + height), radius=18, fill=WHITE)
    if sender:
        card.draw.polygon([(left - 10, top), (left + 24, top), (left + 24, top + 20)], fill=WHITE)
    y = top + pad
    x = left + pad
    if sender:
        card.draw.text((x, y), drawable(sender, "bold"), font=bold, fill=colour_for(sender))
        y += line_height(bold)
    for line in marker_lines:
        card.draw.text((x, y), line, font=small, fill=GREY)
        y += line_height(small)
    if voice:
        _waveform(card, x, y, seed)
        y += 52
        for line in voice_lines:
            card.draw.text((x, y), line, font=small, fill=GREY)
            y += line_height(small)
    for line in lines:
        card.draw.text((x, y), line, font=face, fill=INK)
        y += line_height(face)
    if time:
        card.draw.text((left + width - pad, y), time, font=small, fill=GREY, anchor="ra")
    card.y = top + height + 14


def draw_chat(card: Card, data: Data, seed: int) -> None:
    """A messaging-app conversation: header, day, bubbles with 'forwarded' markers, input bar."""
    card.draw.rectangle((0, 0, WIDTH, card.image.height), fill=CHAT_BACKGROUND)
    _chat_header(card, _text(data, "app"))
    day, _, time = _text(data, "date").partition("·")
    if day.strip():
        _date_pill(card, day.strip())
    sender = _text(data, "sender")
    messages = data.get("messages")
    pending = ""
    first = True
    for index, raw in enumerate(messages if isinstance(messages, list) else []):
        message = str(raw).strip()
        if message.startswith("↪"):
            pending = message
            continue
        body, marker = _split_marker(message)
        _bubble(card, sender if first else "", pending or marker, body, time.strip(), seed + index)
        first, pending = False, ""
    card.y += 10
    card.draw.rounded_rectangle(
        (MARGIN, card.y, WIDTH - MARGIN - 76, card.y + 64), radius=32, fill=WHITE
    )
    card.text((MARGIN + 26, card.y + 17), label("chat", "input"), size=24, fill=GREY)
    card.draw.ellipse(
        (WIDTH - MARGIN - 64, card.y, WIDTH - MARGIN, card.y + 64), fill=colour_for("send")
    )
    card.draw.polygon(
        [
            (WIDTH - MARGIN - 44, card.y + 18),
            (WIDTH - MARGIN - 44, card.y + 46),
            (WIDTH - MARGIN - 18, card.y + 32),
        ],
        fill=WHITE,
    )
    card.y += 64


# ----- photo ---------------------------------------------------------------------------------


def draw_photo(card: Card, data: Data, seed: int) -> None:
    """A picture (a drawn scene standing for it) with what it shows, then its caption band."""
    description = _text(data, "description")
    height = photo_height(description, WIDTH, 560)
    heading = label("photo", "description")
    described_photo(card, (0, 0, WIDTH, height), description, heading, seed, _text(data, "caption"))
    card.y = height
    caption = _text(data, "caption")
    if caption:
        text_height = card.paragraph_height(caption, WIDTH - 2 * MARGIN, size=24) + 2 * 24
        card.draw.rectangle((0, card.y, WIDTH, card.y + text_height), fill=(18, 18, 18))
        card.paragraph(
            MARGIN, card.y + 24, caption, WIDTH - 2 * MARGIN, size=24, fill=WHITE, links=True
        )
        card.y += text_height - MARGIN
