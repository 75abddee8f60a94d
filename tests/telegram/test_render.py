"""The bridge's rendering: text splitting, reply planning (one item, one photo), defanged
addresses, button keys, flood control; and, through the real PTB client against the fake Bot
API, what a learner's Telegram would show."""

from __future__ import annotations

import asyncio
import re
from pathlib import Path

import pytest

from bot.messages import COMMANDS, REQUIRED, load_messages
from bot.render import (
    CAPTION_LIMIT,
    TEXT_LIMIT,
    PhotoOut,
    TextOut,
    defang,
    plan,
    split_text,
    utf16_len,
)
from bot.state import ChatLocks, Choice, KeyboardStore, OnceSet, RateLimiter, Verdict
from tests.support.clock import ManualClock
from tests.telegram import fake_bot_api as tg
from tests.telegram.conftest import BridgeFactory
from tests.telegram.fake_bot_api import FakeBotApi, auto_links
from tests.telegram.stub_rasa import PNG, StubRasa

BOT_DIR = Path(__file__).resolve().parents[2] / "bot"
WORDS = load_messages()
LEARNER = 5151
ALT = "Capture d'un article du site infoflash24.example : une piscine municipale fermée"
CAPTION = "InfoFlash 24 (@InfoFlash_24) · https://infoflash24.example/piscine · 12 mars"


def squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def test_short_text_is_one_piece() -> None:
    assert split_text("Salut !") == ["Salut !"]


def test_long_text_splits_on_paragraphs_and_keeps_every_character() -> None:
    paragraphs = [f"Paragraphe {i} : " + "bla " * 150 for i in range(20)]
    text = "\n\n".join(paragraphs)
    assert len(text) > 10_000
    pieces = split_text(text)
    assert len(pieces) > 2
    assert all(utf16_len(piece) <= TEXT_LIMIT for piece in pieces)
    assert squash("".join(pieces)) == squash(text)
    # every cut falls between paragraphs: each piece starts a paragraph
    assert all(piece.startswith("Paragraphe") for piece in pieces)


def test_lines_then_spaces_then_anywhere() -> None:
    lines = "\n".join("ligne " + "x" * 90 for _ in range(100))
    assert all(piece.startswith("ligne") for piece in split_text(lines))
    words = " ".join(["mot"] * 3000)
    assert all(not piece.startswith(" ") and piece.startswith("mot") for piece in split_text(words))
    run = "a" * 10_000
    pieces = split_text(run)
    assert [len(piece) for piece in pieces] == [4096, 4096, 1808]


def test_emoji_count_twice_like_telegram_counts_them() -> None:
    text = "🔎" * 3000  # 6000 UTF-16 units
    pieces = split_text(text)
    assert all(utf16_len(piece) <= TEXT_LIMIT for piece in pieces)
    assert "".join(pieces) == text


def test_plan_attaches_buttons_to_the_last_piece_only() -> None:
    long_text = "\n\n".join(["Un paragraphe. " * 40] * 20)
    buttons = [{"title": "Oui", "payload": "/affirm"}, {"title": "Non", "payload": "/deny"}]
    out = plan([{"text": long_text, "buttons": buttons}], WORDS)
    assert len(out) > 1
    assert all(isinstance(item, TextOut) for item in out)
    assert [item.choices for item in out[:-1]] == [()] * (len(out) - 1)
    assert out[-1].choices == (Choice("Oui", "/affirm"), Choice("Non", "/deny"))


def item(image: str = "https://images.example.org/a.png", **fields: str) -> dict:
    return {"custom": {"type": "item", "image": image, "alt": ALT, "caption": CAPTION} | fields}


def test_an_item_is_one_photo_captioned_with_its_source_and_alt_text() -> None:
    question = {"text": "Tu en penses quoi ?", "buttons": [{"title": "Faux", "payload": "/f"}]}
    out = plan([item(), question], WORDS)
    full = defang(CAPTION) + "\n\n" + WORDS("image_description", alt=defang(ALT))
    assert out == [
        PhotoOut(url="https://images.example.org/a.png", caption=full, fallback=full),
        TextOut(text="Tu en penses quoi ?", choices=(Choice("Faux", "/f"),)),
    ]


def test_an_alt_text_that_starts_with_the_source_line_does_not_repeat_it() -> None:
    alt = CAPTION + "\n« La piscine ferme. »\nUne piscine municipale fermée."
    (photo,) = plan([item(alt=alt)], WORDS)
    assert photo.caption == WORDS("image_description", alt=defang(alt))
    assert photo.caption.count("InfoFlash 24") == 1


def test_texts_with_a_picture_sign_are_no_longer_paired_with_images() -> None:
    description = "🖼️ Ce que montre l'image : un chat"
    messages = [{"image": "https://example.org/a.png"}, {"text": description}]
    assert plan(messages, WORDS) == [
        PhotoOut(url="https://example.org/a.png"),
        TextOut(text=description),
    ]


def test_an_item_too_long_for_a_caption_keeps_its_alt_text_as_the_next_message() -> None:
    alt = "Une longue description neutre. " * 60
    photo, *rest = plan([item(alt=alt)], WORDS)
    assert photo == PhotoOut(
        url="https://images.example.org/a.png", caption=defang(CAPTION), fallback=defang(CAPTION)
    )
    assert "".join(piece.text for piece in rest) == WORDS("image_description", alt=alt.strip())
    assert all(utf16_len(piece.text) <= TEXT_LIMIT for piece in rest)


@pytest.mark.parametrize("image", ["javascript:alert(1)", "", None])
def test_an_item_without_a_usable_picture_is_its_alt_text(image: str | None) -> None:
    (out,) = plan([item(image=image)], WORDS)
    assert isinstance(out, TextOut) and defang(ALT) in out.text and defang(CAPTION) in out.text


def result(image: str | None = "https://images.example.org/r.png") -> dict:
    """A move's result card of the investigate step, then its text."""
    return {"custom": {"type": "result", "image": image, "alt": ALT, "tool": "search"}}


def test_a_result_card_is_one_photo_captioned_with_its_alt_text_then_its_text() -> None:
    out = plan([result(), {"text": "Aucun média ne la cite."}], WORDS)
    described = WORDS("image_description", alt=defang(ALT))
    assert out == [
        PhotoOut(url="https://images.example.org/r.png", caption=described, fallback=described),
        TextOut(text="Aucun média ne la cite."),
    ]


def test_a_result_card_without_a_usable_picture_is_its_alt_text() -> None:
    (out,) = plan([result(image=None)], WORDS)
    assert out == TextOut(text=WORDS("image_description", alt=defang(ALT)))


def test_plan_image_with_too_long_a_text_sends_it_after() -> None:
    text = "x " * CAPTION_LIMIT
    out = plan([{"image": "https://example.org/a.png", "text": text}], WORDS)
    assert out == [PhotoOut(url="https://example.org/a.png"), TextOut(text=text.strip())]


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("Vu sur infoflash24.example/piscine.", "Vu sur infoflash24․example/piscine."),
        ("https://www.le-petit-lezard.test/a?b=1", "https∶//www․le-petit-lezard․test/a?b=1"),
        ("Écris à contact@kobaltix.invalid !", "Écris à contact@kobaltix․invalid !"),
        ("Le compte @InfoFlash_24 (InfoFlash)", "Le compte ＠InfoFlash_24 (InfoFlash)"),
        ("Va sur https://www.clemi.fr/ressources", "Va sur https://www.clemi.fr/ressources"),
        ("Une testeuse, un exemple, le 12.03.2025", "Une testeuse, un exemple, le 12.03.2025"),
    ],
)
def test_reserved_addresses_and_handles_are_defanged_real_ones_kept(text: str, shown: str) -> None:
    assert defang(text) == shown
    kinds = {entity["type"] for entity in auto_links(defang(text))}
    assert kinds <= ({"url"} if "clemi.fr" in text else set())


def test_plan_skips_what_is_not_for_telegram() -> None:
    messages = [
        {"custom": {"type": "score", "points": 2}},
        {"text": "   "},
        {"image": "javascript:alert(1)"},
        {"buttons": [{"title": "", "payload": "/x"}, {"title": "Ok", "payload": 3}]},
        {"buttons": [{"title": "Lycée", "payload": "/choose_option"}]},
    ]
    assert plan(messages, WORDS) == [
        TextOut(text=WORDS("buttons_only"), choices=(Choice("Lycée", "/choose_option"),))
    ]


def test_keyboard_keys_are_short_single_use_and_per_chat() -> None:
    store = KeyboardStore(per_chat=3, max_chats=2)
    long_payload = '/choose_option{"choice": "' + "x" * 200 + '"}'
    keys = store.add(1, [Choice("A", long_payload), Choice("B", "/deny")])
    assert len(set(keys)) == 2
    assert all(len(key.encode()) <= 16 for key in keys)
    assert store.take(2, keys[0]) is None  # another chat cannot use it
    assert store.take(1, keys[0]) == Choice("A", long_payload)
    assert store.take(1, keys[1]) is None  # the keyboard was used up


@pytest.mark.parametrize("data", ["", ".", "nope", "abc.", "abc.x", "zzzzzzzz.0", "a" * 64])
def test_unknown_keys_are_none(data: str) -> None:
    store = KeyboardStore(per_chat=3, max_chats=2)
    key = store.add(1, [Choice("A", "/a")])[0]
    assert store.take(1, data) is None
    assert store.take(1, key.split(".")[0] + ".7") is None
    assert store.take(1, key) == Choice("A", "/a")


def test_keyboard_store_is_bounded() -> None:
    store = KeyboardStore(per_chat=2, max_chats=2)
    first = store.add(1, [Choice("A", "/a")])[0]
    store.add(1, [Choice("B", "/b")])
    store.add(1, [Choice("C", "/c")])
    assert store.take(1, first) is None  # evicted: only the 2 latest keyboards are kept
    old_chat = store.add(10, [Choice("D", "/d")])[0]
    store.add(11, [Choice("E", "/e")])
    store.add(12, [Choice("F", "/f")])
    assert store.take(10, old_chat) is None


def test_rate_limiter_warns_once_then_drops_until_the_cooldown_ends() -> None:
    clock = ManualClock()
    limiter = RateLimiter(limit=3, window=10, cooldown=30, max_keys=10, clock=clock)
    verdicts = []
    for _ in range(50):
        verdicts.append(limiter.hit("a"))
        clock.advance(0.1)
    assert verdicts[:3] == [Verdict.ALLOW] * 3
    assert verdicts[3] is Verdict.WARN
    assert set(verdicts[4:]) == {Verdict.DROP}
    assert limiter.hit("b") is Verdict.ALLOW  # other learners are not affected
    clock.advance(30)
    assert limiter.hit("a") is Verdict.ALLOW


def test_rate_limiter_allows_a_steady_pace() -> None:
    clock = ManualClock()
    limiter = RateLimiter(limit=3, window=10, cooldown=30, max_keys=10, clock=clock)
    for _ in range(20):
        assert limiter.hit("a") is Verdict.ALLOW
        clock.advance(4)


def test_chat_locks_keep_order_and_clean_up() -> None:
    async def scenario() -> list[str]:
        locks, done, queued = ChatLocks(), [], asyncio.Event()

        async def answer(name: str, slow: bool = False) -> None:
            async with locks.hold(1):
                if slow:
                    await queued.wait()  # still answering while the two others arrive
                done.append(name)

        async def the_others_are_waiting() -> None:  # tasks start in order: they are queued
            queued.set()

        await asyncio.gather(
            answer("slow", slow=True), answer("fast"), answer("last"), the_others_are_waiting()
        )
        assert len(locks) == 0
        return done

    assert asyncio.run(scenario()) == ["slow", "fast", "last"]


def test_once_set_is_bounded() -> None:
    once = OnceSet(2)
    assert once.first_time(1) and not once.first_time(1)
    once.first_time(2)
    once.first_time(3)
    assert once.first_time(1)  # forgotten beyond the bound


def test_every_message_is_in_the_data_file_and_none_in_python() -> None:
    messages = load_messages()
    assert all(messages.texts[name].strip() for name in REQUIRED)
    assert list(messages.commands) == list(COMMANDS)
    french = re.compile(r"[\"'][^\"'\n]*[éèàùç][^\"'\n]*[\"']")
    for source in BOT_DIR.glob("*.py"):
        code = "\n".join(
            line
            for line in source.read_text(encoding="utf-8").splitlines()
            if not line.lstrip().startswith("#")
        )
        strings = [s for s in french.findall(code) if '"""' not in s]
        assert not strings, f"{source.name} holds French text: {strings}"


# ----- through the real PTB client, against the fake Bot API ----------------------------------
def links_in(call: tg.Call) -> list[dict]:
    """The link entities Telegram attached to what the bot sent."""
    result = call.result or {}
    return result.get("entities", []) + result.get("caption_entities", [])


def test_an_item_reaches_telegram_as_one_photo_and_no_fake_address_is_a_link(
    start_bridge: BridgeFactory, bot_api: FakeBotApi, rasa: StubRasa
) -> None:
    question = {
        "text": "Tu en penses quoi ? (vu sur infoflash24.example, par @InfoFlash_24)",
        "buttons": [{"title": "Ouvrir infoflash24.example", "payload": "/open"}],
    }
    rasa.script = lambda _s, message: (
        (200, [item(image=f"{rasa.url}/img/ok.png"), question], 0.0)
        if message == "go"
        else (200, [{"text": "Plus d'infos : https://www.clemi.fr/ressources"}], 0.0)
    )
    start_bridge()
    bot_api.inject(tg.text(LEARNER, "go"))
    photo, asked = bot_api.wait_sent(LEARNER, 2)
    assert photo.method == "sendPhoto" and PNG in photo.files.values()
    assert photo.params["caption"].startswith("InfoFlash 24 (＠InfoFlash_24) · https∶//infoflash24")
    assert WORDS("image_description", alt=defang(ALT)) in photo.params["caption"]
    assert asked.method == "sendMessage" and "infoflash24․example" in asked.text
    assert links_in(photo) == [] and links_in(asked) == []

    bot_api.inject(tg.press(LEARNER, asked, asked.buttons[0]["callback_data"]))
    echo, resource = bot_api.wait_sent(LEARNER, 4)[2:]
    assert echo.text == WORDS("button_chosen", title="Ouvrir infoflash24․example")
    assert links_in(echo) == []
    assert [link["type"] for link in links_in(resource)] == ["url"]  # a real resource stays one


def test_an_item_photo_telegram_refuses_is_replaced_by_its_alt_text(
    start_bridge: BridgeFactory, bot_api: FakeBotApi, rasa: StubRasa
) -> None:
    rasa.script = lambda _s, _m: (200, [item(image="https://images.example.org/broken.png")], 0.0)
    start_bridge()
    bot_api.inject(tg.text(LEARNER, "go"))
    (call,) = bot_api.wait_sent(LEARNER, 1)
    bot_api.wait_quiet()
    assert call.method == "sendMessage"
    assert call.text == defang(CAPTION) + "\n\n" + WORDS("image_description", alt=defang(ALT))
    assert links_in(call) == []
