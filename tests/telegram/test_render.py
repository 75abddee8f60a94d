"""The bridge's pure parts: text splitting, reply planning, button keys, flood control."""

from __future__ import annotations

import asyncio
import re
from pathlib import Path

import pytest

from bot.messages import COMMANDS, REQUIRED, load_messages
from bot.render import CAPTION_LIMIT, TEXT_LIMIT, PhotoOut, TextOut, plan, split_text, utf16_len
from bot.state import ChatLocks, Choice, KeyboardStore, OnceSet, RateLimiter, Verdict

BOT_DIR = Path(__file__).resolve().parents[2] / "bot"


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
    out = plan([{"text": long_text, "buttons": buttons}], "👇")
    assert len(out) > 1
    assert all(isinstance(item, TextOut) for item in out)
    assert [item.choices for item in out[:-1]] == [()] * (len(out) - 1)
    assert out[-1].choices == (Choice("Oui", "/affirm"), Choice("Non", "/deny"))


def test_plan_uses_the_following_text_as_the_image_caption() -> None:
    messages = [
        {"image": "https://example.org/a.png"},
        {"text": "🖼️ Ce que montre l'image : un chat"},
        {
            "text": "Cette annonce, tu la trouves fiable ?",
            "buttons": [{"title": "Oui", "payload": "/a"}],
        },
    ]
    out = plan(messages, "👇")
    assert out == [
        PhotoOut(url="https://example.org/a.png", caption="🖼️ Ce que montre l'image : un chat"),
        TextOut(text="Cette annonce, tu la trouves fiable ?", choices=(Choice("Oui", "/a"),)),
    ]


def test_plan_image_with_too_long_a_text_sends_it_after() -> None:
    text = "x " * CAPTION_LIMIT
    out = plan([{"image": "https://example.org/a.png", "text": text}], "👇")
    assert out == [PhotoOut(url="https://example.org/a.png"), TextOut(text=text.strip())]


def test_plan_skips_what_is_not_for_telegram() -> None:
    messages = [
        {"custom": {"type": "score", "points": 2}},
        {"text": "   "},
        {"image": "javascript:alert(1)"},
        {"buttons": [{"title": "", "payload": "/x"}, {"title": "Ok", "payload": 3}]},
        {"buttons": [{"title": "Lycée", "payload": "/choose_option"}]},
    ]
    assert plan(messages, "👇") == [
        TextOut(text="👇", choices=(Choice("Lycée", "/choose_option"),))
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
    now = [0.0]
    limiter = RateLimiter(limit=3, window=10, cooldown=30, max_keys=10, clock=lambda: now[0])
    verdicts = []
    for _ in range(50):
        verdicts.append(limiter.hit("a"))
        now[0] += 0.1
    assert verdicts[:3] == [Verdict.ALLOW] * 3
    assert verdicts[3] is Verdict.WARN
    assert set(verdicts[4:]) == {Verdict.DROP}
    assert limiter.hit("b") is Verdict.ALLOW  # other learners are not affected
    now[0] += 30
    assert limiter.hit("a") is Verdict.ALLOW


def test_rate_limiter_allows_a_steady_pace() -> None:
    now = [0.0]
    limiter = RateLimiter(limit=3, window=10, cooldown=30, max_keys=10, clock=lambda: now[0])
    for _ in range(20):
        assert limiter.hit("a") is Verdict.ALLOW
        now[0] += 4


def test_chat_locks_keep_order_and_clean_up() -> None:
    async def scenario() -> list[str]:
        locks, done = ChatLocks(), []

        async def answer(name: str, delay: float) -> None:
            async with locks.hold(1):
                await asyncio.sleep(delay)
                done.append(name)

        await asyncio.gather(answer("slow", 0.2), answer("fast", 0.0), answer("last", 0.0))
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
