"""Rasa's replies as Send API messages (pure, no server): Meta's quick-reply limits at their
boundaries, the numbered list, images followed by their alt text, long texts cut."""

from __future__ import annotations

from typing import Any

from bot.meta.render import meta_plan
from bot.meta.words import load_words
from vigie.protocol import ITEM

WORDS = load_words()


def buttons(count: int, length: int) -> list[dict[str, Any]]:
    return [{"title": f"{n:02d}".ljust(length, "x"), "payload": f"/p{n}"} for n in range(count)]


def test_13_buttons_of_20_characters_are_quick_replies_as_they_are() -> None:
    planned = meta_plan([{"text": "?", "buttons": buttons(13, 20)}], WORDS, "messenger")
    (message,) = planned.messages
    assert message["text"] == "?" and planned.numbered == ()
    assert [r["title"] for r in message["quick_replies"]] == [b["title"] for b in buttons(13, 20)]


def test_a_14th_button_or_a_21st_character_makes_a_numbered_list() -> None:
    for many in (buttons(14, 5), buttons(2, 21)):
        planned = meta_plan([{"text": "?", "buttons": many}], WORDS, "instagram")
        (message,) = planned.messages
        replies = message["quick_replies"]
        assert [r["title"] for r in replies] == [str(n) for n in range(1, min(len(many), 13) + 1)]
        assert [r["payload"] for r in replies] == [b["payload"] for b in many[:13]]
        assert [c.payload for c in planned.numbered] == [b["payload"] for b in many]
        for number, button in enumerate(many, start=1):
            assert WORDS("numbered_choice", number=number, title=button["title"]) in message["text"]


def test_a_payload_over_meta_limit_is_left_out_rather_than_refused() -> None:
    long = [{"title": "Oui", "payload": "/x" + "y" * 1000}, {"title": "Non", "payload": "/deny"}]
    (message,) = meta_plan([{"text": "?", "buttons": long}], WORDS, "messenger").messages
    assert message["quick_replies"] == [
        {"content_type": "text", "title": "Non", "payload": "/deny"}
    ]


def test_buttons_without_text_get_the_buttons_only_text() -> None:
    (message,) = meta_plan([{"buttons": buttons(2, 3)}], WORDS, "messenger").messages
    assert message["text"] == WORDS("buttons_only") and len(message["quick_replies"]) == 2


def test_an_item_is_an_image_then_its_caption_and_alt_text() -> None:
    item = {
        "type": ITEM,
        "image": "https://h.example/i.png",
        "alt": "Un champ sous la grêle.",
        "caption": "Post · 2 mai",
    }
    picture, text = meta_plan([{"custom": item}], WORDS, "messenger").messages
    assert picture == {
        "attachment": {
            "type": "image",
            "payload": {"url": "https://h.example/i.png", "is_reusable": True},
        }
    }
    assert text == {
        "text": "Post · 2 mai\n\n" + WORDS("image_description", alt="Un champ sous la grêle.")
    }


def test_a_plain_image_with_buttons_keeps_them_on_the_text_after_it() -> None:
    reply = {"image": "https://h.example/i.png", "text": "Regarde", "buttons": buttons(2, 3)}
    picture, text = meta_plan([reply], WORDS, "messenger").messages
    assert "attachment" in picture and "quick_replies" not in picture
    assert text["text"] == "Regarde" and len(text["quick_replies"]) == 2


def test_long_texts_are_cut_under_each_channel_limit_and_only_the_last_has_the_replies() -> None:
    reply = {"text": "mot " * 700, "buttons": buttons(2, 3)}
    for channel, limit in (("messenger", 2000), ("instagram", 1000)):
        messages = meta_plan([reply], WORDS, channel).messages
        assert all(len(m["text"]) <= limit for m in messages) and len(messages) > 1
        assert ["quick_replies" in m for m in messages] == [False] * (len(messages) - 1) + [True]


def test_a_typed_number_means_the_latest_choices_only() -> None:
    replies = [{"text": "a", "buttons": buttons(14, 3)}, {"text": "b", "buttons": buttons(2, 3)}]
    assert meta_plan(replies, WORDS, "messenger").numbered == ()


def test_instagram_counts_bytes_so_accents_and_emoji_make_shorter_pieces() -> None:
    for word in ("é", "🔎", "…"):  # 2, 4 and 3 bytes
        messages = meta_plan([{"text": (word * 9 + " ") * 150}], WORDS, "instagram").messages
        assert all(len(m["text"].encode()) <= 1000 for m in messages)
        assert "".join(m["text"] for m in messages).replace(" ", "") == word * 9 * 150
