"""The real PTB Application, polling a Bot API server over real HTTP, relaying to a Rasa stand-in.

Every test asserts what the bot sent (the Bot API calls) and what reached Rasa.
"""

from __future__ import annotations

import logging
import re
import time

import pytest

from bot.messages import load_messages
from bot.render import utf16_len
from bot.state import RateLimiter
from devtools.wait import wait_for
from tests.conftest import free_port
from tests.support.clock import ManualClock
from tests.telegram import fake_bot_api as tg
from tests.telegram.conftest import BridgeFactory, RunningBridge
from tests.telegram.fake_bot_api import FakeBotApi
from tests.telegram.stub_rasa import PNG, StubRasa
from vigie.pseudonym import learner_id

MESSAGES = load_messages()
LEARNER = 4242


def squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def pseudonym(bridge: RunningBridge, user_id: int) -> str:
    return learner_id("telegram", str(user_id), bridge.settings.secret("pepper"))


def menu(_sender: str, message: str) -> tuple[int, list, float]:
    """Rasa-like replies: a menu whose payloads are far longer than callback_data allows."""
    if message == "salut":
        return (
            200,
            [
                {"text": "Salut ! Moi c'est Vigie 👋"},
                {
                    "text": "Tu veux t'entraîner sur quoi ?",
                    "buttons": [
                        {"title": "Collège", "payload": '/choose_option{"choice": "college"}'},
                        {
                            "title": "Un scénario au nom très long",
                            "payload": '/choose_option{"choice": "' + "x" * 120 + '"}',
                        },
                    ],
                },
            ],
            0.0,
        )
    return 200, [{"text": f"reçu : {message}"}], 0.0


# ----- conversation basics ------------------------------------------------------------------
def test_start_relays_salut_with_the_pseudonym_and_answers_in_plain_text(
    start_bridge: BridgeFactory, bot_api: FakeBotApi, rasa: StubRasa
) -> None:
    rasa.script = menu
    bridge = start_bridge()
    bot_api.inject(tg.text(LEARNER, "/start"))
    sent = bot_api.wait_sent(LEARNER, 2)
    assert rasa.received == [
        {
            "sender": pseudonym(bridge, LEARNER),
            "message": "salut",
            "metadata": {"channel": "telegram"},
        }
    ]
    assert [call.text for call in sent] == [
        "Salut ! Moi c'est Vigie 👋",
        "Tu veux t'entraîner sur quoi ?",
    ]
    assert all("parse_mode" not in call.params for call in sent)
    # "typing…" is shown before the answer arrives
    typing = bot_api.calls_to("sendChatAction")
    assert typing and typing[0].params == {"chat_id": LEARNER, "action": "typing"}
    assert typing[0].at < sent[0].at


def test_commands_are_registered_with_french_descriptions(
    start_bridge: BridgeFactory, bot_api: FakeBotApi
) -> None:
    start_bridge()
    (call,) = bot_api.calls_to("setMyCommands")
    assert call.ok
    commands = {c["command"]: c["description"] for c in call.params["commands"]}
    assert set(commands) == {"start", "aide", "progres", "stop", "confidentialite", "oubli"}
    assert commands["oubli"] == "Effacer mes données"
    # polling mode removes any webhook first
    assert bot_api.calls_to("deleteWebhook")


@pytest.mark.parametrize(
    ("command", "payload"),
    [
        ("/progres", "/show_progress"),
        ("/stop", "/stop"),
        ("/confidentialite", "/ask_privacy"),
        ("/oubli", "/forget_me"),
        ("/progres@VigieTestBot", "/show_progress"),
    ],
)
def test_commands_send_their_intent_to_rasa(
    start_bridge: BridgeFactory, bot_api: FakeBotApi, rasa: StubRasa, command: str, payload: str
) -> None:
    start_bridge()
    bot_api.inject(tg.text(LEARNER, command))
    assert bot_api.wait_sent(LEARNER, 1)[0].text == f"{payload}"  # the stub echoes
    assert rasa.messages() == [payload]


@pytest.mark.parametrize("command", ["/aide", "/help", '/choose_option{"choice":"b"}'])
def test_help_and_unknown_commands_answer_locally(
    start_bridge: BridgeFactory, bot_api: FakeBotApi, rasa: StubRasa, command: str
) -> None:
    start_bridge()
    bot_api.inject(tg.text(LEARNER, command))
    assert bot_api.wait_sent(LEARNER, 1)[0].text == MESSAGES("help")
    assert "/oubli" in MESSAGES("help")
    assert rasa.received == []  # a typed payload never reaches Rasa


@pytest.mark.parametrize(
    "text",
    ["*_[`]", "*gras pas fermé _ [lien]( `code", "<b>pas du html</b> & co", "\\*échappé\\* ~!|#"],
)
def test_markup_characters_are_sent_exactly_as_written(
    start_bridge: BridgeFactory, bot_api: FakeBotApi, rasa: StubRasa, text: str
) -> None:
    start_bridge()
    bot_api.inject(tg.text(LEARNER, text))
    (call,) = bot_api.wait_sent(LEARNER, 1)
    assert call.ok and call.text == text
    assert "parse_mode" not in call.params
    assert rasa.messages() == [text]


def test_markup_would_break_if_sent_as_markdown(bot_api: FakeBotApi) -> None:
    """The fake Bot API refuses what Telegram refuses, so the plain-text test above means it."""
    import httpx

    for mode in ("MarkdownV2", "Markdown", "HTML"):
        response = httpx.post(
            f"{bot_api.base_url}{tg.TOKEN}/sendMessage",
            data={"chat_id": LEARNER, "text": "*_[`] <b & c", "parse_mode": mode},
        )
        assert response.status_code == 400, mode
        assert "can't parse entities" in response.json()["description"]


def test_two_quick_messages_are_answered_in_order(
    start_bridge: BridgeFactory, bot_api: FakeBotApi, rasa: StubRasa
) -> None:
    def slow_first(_sender: str, message: str) -> tuple[int, list, float]:
        return 200, [{"text": f"réponse à {message}"}], 1.0 if message == "un" else 0.0

    rasa.script = slow_first
    start_bridge()
    bot_api.inject(tg.text(LEARNER, "un"), tg.text(LEARNER, "deux"), tg.text(LEARNER, "trois"))
    sent = bot_api.wait_sent(LEARNER, 3)
    assert [call.text for call in sent] == ["réponse à un", "réponse à deux", "réponse à trois"]


def test_other_chats_are_not_blocked_by_a_slow_one(
    start_bridge: BridgeFactory, bot_api: FakeBotApi, rasa: StubRasa
) -> None:
    def slow_for_one(_sender: str, message: str) -> tuple[int, list, float]:
        return 200, [{"text": message}], 3.0 if message == "lent" else 0.0

    rasa.script = slow_for_one
    start_bridge()
    bot_api.inject(tg.text(1, "lent"), tg.text(2, "vite"))
    fast = bot_api.wait_sent(2, 1)
    slow = bot_api.wait_sent(1, 1)
    assert fast[0].at < slow[0].at - 1.0


# ----- buttons ------------------------------------------------------------------------------
def test_buttons_map_long_payloads_to_short_callback_data(
    start_bridge: BridgeFactory, bot_api: FakeBotApi, rasa: StubRasa
) -> None:
    rasa.script = menu
    start_bridge()
    bot_api.inject(tg.text(LEARNER, "/start"))
    keyboard_message = bot_api.wait_sent(LEARNER, 2)[1]
    buttons = keyboard_message.buttons
    assert [b["text"] for b in buttons] == ["Collège", "Un scénario au nom très long"]
    datas = [b["callback_data"] for b in buttons]
    assert len(set(datas)) == 2 and all(1 <= len(d.encode()) <= 64 for d in datas)

    bot_api.inject(tg.press(LEARNER, keyboard_message, datas[1]))
    sent = bot_api.wait_sent(LEARNER, 4)
    long_payload = '/choose_option{"choice": "' + "x" * 120 + '"}'
    assert rasa.messages() == ["salut", long_payload]
    assert sent[2].text == "➡️ Un scénario au nom très long"  # the choice is echoed
    assert sent[3].text == f"reçu : {long_payload}"
    # both run as background tasks next to the reply: wait for them, do not assume an order
    (answer,) = bot_api.wait_for(
        lambda: bot_api.calls_to("answerCallbackQuery"), what="answerCallbackQuery"
    )
    assert answer.ok
    (edit,) = bot_api.wait_for(
        lambda: bot_api.calls_to("editMessageReplyMarkup"), what="keyboard removal"
    )
    assert edit.params["message_id"] == keyboard_message.result["message_id"]
    assert "reply_markup" not in edit.params  # the keyboard is removed


def test_a_keyboard_works_once_then_its_buttons_are_unknown(
    start_bridge: BridgeFactory, bot_api: FakeBotApi, rasa: StubRasa
) -> None:
    rasa.script = menu
    start_bridge()
    bot_api.inject(tg.text(LEARNER, "/start"))
    keyboard_message = bot_api.wait_sent(LEARNER, 2)[1]
    first, second = (b["callback_data"] for b in keyboard_message.buttons)
    bot_api.inject(tg.press(LEARNER, keyboard_message, first))
    bot_api.wait_sent(LEARNER, 4)
    bot_api.inject(tg.press(LEARNER, keyboard_message, second))
    sent = bot_api.wait_sent(LEARNER, 5)
    assert sent[4].text == MESSAGES("unknown_button")
    assert rasa.messages() == ["salut", '/choose_option{"choice": "college"}']
    bot_api.wait_for(lambda: len(bot_api.calls_to("answerCallbackQuery")) == 2, what="2 answers")


@pytest.mark.parametrize("data", ["inconnu", "", "x" * 64, "abc.0", "é.1"])
def test_unknown_callback_data_gets_a_polite_answer(
    start_bridge: BridgeFactory, bot_api: FakeBotApi, rasa: StubRasa, data: str
) -> None:
    start_bridge()
    stale = tg.Call(
        "sendMessage",
        {},
        result={
            "message_id": 77,
            "date": int(time.time()),
            "chat": tg.private_chat(LEARNER),
            "from": tg.BOT,
            "text": "une vieille question",
        },
    )
    bot_api.inject(tg.press(LEARNER, stale, data))
    (call,) = bot_api.wait_sent(LEARNER, 1)
    assert call.text == MESSAGES("unknown_button")
    bot_api.wait_for(lambda: bot_api.calls_to("answerCallbackQuery"), what="answerCallbackQuery")
    bot_api.wait_for(
        lambda: bot_api.calls_to("editMessageReplyMarkup"), what="stale keyboard removal"
    )
    assert rasa.received == []


# ----- long, odd and unreadable input -----------------------------------------------------------
def test_a_10000_character_message_is_refused_politely_and_the_bridge_goes_on(
    start_bridge: BridgeFactory, bot_api: FakeBotApi, rasa: StubRasa
) -> None:
    bridge = start_bridge()
    bot_api.inject(tg.text(LEARNER, "a" * 10_000))
    (refusal,) = bot_api.wait_sent(LEARNER, 1)
    assert refusal.text == MESSAGES("too_long", max_chars=bridge.settings.max_message_chars)
    assert rasa.received == []
    bot_api.inject(tg.text(LEARNER, "plus court"))
    assert bot_api.wait_sent(LEARNER, 2)[1].text == "plus court"


def test_a_10000_character_reply_is_split_under_telegram_limit(
    start_bridge: BridgeFactory, bot_api: FakeBotApi, rasa: StubRasa
) -> None:
    paragraphs = [f"§{i} " + "Une phrase assez longue pour remplir. " * 12 for i in range(22)]
    long_text = "\n\n".join(paragraphs)
    assert len(long_text) >= 10_000
    buttons = [{"title": "La suite", "payload": "/affirm"}]
    rasa.script = lambda _s, _m: (200, [{"text": long_text, "buttons": buttons}], 0.0)
    start_bridge()
    bot_api.inject(tg.text(LEARNER, "raconte"))
    bot_api.wait_sent(LEARNER, 3)
    bot_api.wait_quiet()
    sent = bot_api.sent(LEARNER)
    assert all(call.ok and utf16_len(call.text) <= 4096 for call in sent)
    assert squash("".join(call.text for call in sent)) == squash(long_text)
    assert all(call.text.startswith("§") for call in sent)  # cut between paragraphs
    assert [bool(call.buttons) for call in sent] == [False] * (len(sent) - 1) + [True]


MALFORMED = [
    {"message": "pas un objet"},
    {"message": {"message_id": 1}},
    {"message": {"message_id": 1, "date": 0, "chat": {"id": 5}}},
    {
        "message": {
            "message_id": 1,
            "date": 0,
            "chat": {"id": 5, "type": "private"},
            "from": {"id": 9},
        }
    },
    {"callback_query": {"id": "x"}},
    {"une_nouveaute": {"x": 1}},
    {"message": {"message_id": 2, "date": 0, "chat": tg.private_chat(5), "text": "sans auteur"}},
    {"edited_message": {"message_id": 3, "date": 0, "chat": tg.private_chat(5), "text": "modifié"}},
    {"callback_query": {"id": "y", "from": tg.user(5), "chat_instance": "c", "data": "z"}},
]


def test_malformed_updates_are_skipped_and_the_next_message_is_answered(
    start_bridge: BridgeFactory,
    bot_api: FakeBotApi,
    rasa: StubRasa,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO)
    bridge = start_bridge()
    # one batch: unreadable updates (one without a usable id), then a good one
    bot_api.inject(
        *MALFORMED[:4],
        {"update_id": "pas un nombre", "message": {}},
        *MALFORMED[4:],
        tg.text(LEARNER, "toujours là ?"),
    )
    (call,) = bot_api.wait_sent(LEARNER, 1)
    assert call.text == "toujours là ?"
    assert rasa.messages() == ["toujours là ?"]
    bot_api.wait_for(lambda: bot_api.pending_updates() == 0, what="the batch to be confirmed")
    bot_api.inject(tg.text(LEARNER, "et encore ?"))
    assert bot_api.wait_sent(LEARNER, 2)[1].text == "et encore ?"
    assert bridge.running
    assert not [c for c in bot_api.sent() if c.params.get("chat_id") != LEARNER]
    # the unreadable content was never logged
    assert "sans auteur" not in caplog.text and "pas un objet" not in caplog.text
    assert "skipped an unreadable update" in caplog.text


@pytest.mark.parametrize(
    ("kind", "content"),
    [
        (
            "sticker",
            {
                "sticker": {
                    "file_id": "S1",
                    "file_unique_id": "s1",
                    "type": "regular",
                    "width": 512,
                    "height": 512,
                    "is_animated": False,
                    "is_video": False,
                }
            },
        ),
        ("voice", {"voice": {"file_id": "V1", "file_unique_id": "v1", "duration": 3}}),
        (
            "photo",
            {
                "photo": [{"file_id": "P1", "file_unique_id": "p1", "width": 9, "height": 9}],
                "caption": "regarde ça",
            },
        ),
        ("document", {"document": {"file_id": "D1", "file_unique_id": "d1", "file_name": "a.pdf"}}),
        ("location", {"location": {"latitude": 48.85, "longitude": 2.35}}),
    ],
)
def test_non_text_messages_get_the_friendly_answer_and_are_never_downloaded(
    start_bridge: BridgeFactory, bot_api: FakeBotApi, rasa: StubRasa, kind: str, content: dict
) -> None:
    start_bridge()
    bot_api.inject(tg.message(LEARNER, **content))
    (call,) = bot_api.wait_sent(LEARNER, 1)
    assert call.text == MESSAGES("not_text"), kind
    assert rasa.received == []
    assert bot_api.calls_to("getFile") == []


# ----- flood control (the limiter's clock is moved by the test: windows pass at once) -----------
def on_manual_clock(running: RunningBridge) -> ManualClock:
    """Give the running bridge a rate limiter with its own settings on a clock the test moves."""
    clock, settings = ManualClock(), running.settings
    running.bridge.limiter = RateLimiter(
        settings.rate_limit_messages,
        settings.rate_limit_window_seconds,
        settings.rate_limit_cooldown_seconds,
        settings.max_tracked_chats,
        clock=clock,
    )
    return clock


def judged(clock: ManualClock, messages: int) -> None:
    """Wait until the limiter has judged that many messages (it reads its clock once each)."""
    assert wait_for(lambda: clock.reads >= messages, 15), f"{clock.reads} of {messages} judged"


def test_50_messages_in_5_seconds_get_one_warning_and_the_bridge_keeps_running(
    start_bridge: BridgeFactory, bot_api: FakeBotApi, rasa: StubRasa
) -> None:
    bridge = start_bridge(rate_limit_messages=8, rate_limit_window_seconds=10)
    clock = on_manual_clock(bridge)
    flooder, other = 7, 8
    for second in range(5):
        bot_api.inject(*(tg.text(flooder, f"spam {second}-{i}") for i in range(10)))
        bot_api.inject(tg.text(other, f"normal {second}"))
        judged(clock, 11 * (second + 1))
        clock.advance(1.0)
    bot_api.wait_sent(other, 5)
    bot_api.wait_quiet()
    flooder_texts = bot_api.texts(flooder)
    assert flooder_texts.count(MESSAGES("rate_limited")) == 1
    relayed = [r for r in rasa.received if r["sender"] == pseudonym(bridge, flooder)]
    assert len(relayed) == 8
    assert [r["message"] for r in relayed] == [f"spam 0-{i}" for i in range(8)]
    assert len(flooder_texts) == 9  # 8 answers + 1 warning; the other 41 were ignored
    assert bot_api.texts(other) == [f"normal {i}" for i in range(5)]
    assert bridge.running


def test_a_flooder_is_answered_again_after_the_cooldown(
    start_bridge: BridgeFactory, bot_api: FakeBotApi, rasa: StubRasa
) -> None:
    bridge = start_bridge(
        rate_limit_messages=3, rate_limit_window_seconds=10, rate_limit_cooldown_seconds=60
    )
    clock = on_manual_clock(bridge)
    bot_api.inject(*(tg.text(LEARNER, f"m{i}") for i in range(10)))
    bot_api.wait_sent(LEARNER, 4)
    bot_api.wait_quiet()
    assert bot_api.texts(LEARNER) == ["m0", "m1", "m2", MESSAGES("rate_limited")]
    clock.advance(59.0)
    bot_api.inject(tg.text(LEARNER, "encore trop tôt"))
    judged(clock, 11)
    bot_api.wait_quiet()
    assert len(bot_api.texts(LEARNER)) == 4  # still in the cooldown: ignored
    clock.advance(1.0)
    bot_api.inject(tg.text(LEARNER, "je suis calme"))
    assert bot_api.wait_sent(LEARNER, 5)[4].text == "je suis calme"


def test_button_floods_are_limited_too_and_every_press_is_answered(
    start_bridge: BridgeFactory, bot_api: FakeBotApi, rasa: StubRasa
) -> None:
    start_bridge(rate_limit_messages=2)
    stale = tg.Call(
        "sendMessage",
        {},
        result={
            "message_id": 5,
            "date": int(time.time()),
            "chat": tg.private_chat(LEARNER),
            "from": tg.BOT,
            "text": "q",
        },
    )
    bot_api.inject(*(tg.press(LEARNER, stale, "x.0") for _ in range(6)))
    bot_api.wait_for(lambda: len(bot_api.calls_to("answerCallbackQuery")) == 6, what="6 answers")
    bot_api.wait_quiet()
    assert bot_api.texts(LEARNER) == [MESSAGES("unknown_button")] * 2 + [MESSAGES("rate_limited")]


# ----- Rasa trouble ---------------------------------------------------------------------------
def test_rasa_refusing_connections_gets_the_friendly_message_then_recovers(
    start_bridge: BridgeFactory, bot_api: FakeBotApi
) -> None:
    port = free_port()
    bridge = start_bridge(rasa_url=f"http://127.0.0.1:{port}")
    bot_api.inject(tg.text(LEARNER, "allô ?"))
    (call,) = bot_api.wait_sent(LEARNER, 1)
    assert call.text == MESSAGES("unavailable")
    assert bridge.running
    revived = StubRasa()
    revived.port = port
    revived.start()
    try:
        bot_api.inject(tg.text(LEARNER, "et maintenant ?"))
        assert bot_api.wait_sent(LEARNER, 2)[1].text == "et maintenant ?"
    finally:
        revived.stop()


@pytest.mark.parametrize(
    "reply",
    [
        (500, {"error": "boom"}, 0.0),
        (200, [], 0.0),
        (200, {"pas": "une liste"}, 0.0),
        (200, [{"custom": {"type": "score"}}], 0.0),
        (200, [{"text": "trop tard"}], 3.0),
    ],
    ids=["http-500", "empty", "not-a-list", "nothing-for-telegram", "timeout"],
)
def test_rasa_errors_get_the_friendly_message(
    start_bridge: BridgeFactory, bot_api: FakeBotApi, rasa: StubRasa, reply: tuple
) -> None:
    rasa.script = lambda _s, _m: reply
    bridge = start_bridge(rasa_timeout_seconds=1.0)
    bot_api.inject(tg.text(LEARNER, "salut"))
    bot_api.wait_sent(LEARNER, 1)
    bot_api.wait_quiet()
    assert bot_api.texts(LEARNER) == [MESSAGES("unavailable")]
    rasa.script = lambda _s, message: (200, [{"text": message}], 0.0)
    bot_api.inject(tg.text(LEARNER, "re"))
    assert bot_api.wait_sent(LEARNER, 2)[-1].text == "re"
    assert bridge.running


# ----- groups -----------------------------------------------------------------------------------
def test_group_chats_get_one_notice_and_nothing_reaches_rasa(
    start_bridge: BridgeFactory, bot_api: FakeBotApi, rasa: StubRasa
) -> None:
    start_bridge()
    group = tg.group_chat(-100)
    bot_api.inject(
        tg.text(LEARNER, "/start@VigieTestBot", chat=group),
        tg.text(LEARNER, "salut", chat=group),
        tg.text(LEARNER + 1, "/progres", chat=group),
    )
    bot_api.wait_sent(-100, 1)
    bot_api.wait_quiet()
    (notice,) = bot_api.sent(-100)
    assert notice.text == MESSAGES("group_notice", bot_link="https://t.me/VigieTestBot")
    assert rasa.received == []


def test_being_added_to_a_group_gets_the_notice(
    start_bridge: BridgeFactory, bot_api: FakeBotApi, rasa: StubRasa
) -> None:
    start_bridge()
    member = {"user": tg.BOT, "status": "member"}
    left = {"user": tg.BOT, "status": "left"}
    bot_api.inject(
        {
            "my_chat_member": {
                "chat": tg.group_chat(-200),
                "from": tg.user(LEARNER),
                "date": int(time.time()),
                "old_chat_member": left,
                "new_chat_member": member,
            }
        }
    )
    (notice,) = bot_api.wait_sent(-200, 1)
    assert "t.me/VigieTestBot" in notice.text


# ----- images -----------------------------------------------------------------------------------
def item(url: str, alt: str) -> dict:
    """The item as the action server sends it: picture, alt text and caption in one message."""
    return {"custom": {"type": "item", "image": url, "alt": alt, "caption": "Mairie · 3 juin"}}


def test_a_local_image_is_uploaded_with_its_alt_text_as_caption(
    start_bridge: BridgeFactory, bot_api: FakeBotApi, rasa: StubRasa
) -> None:
    alt = "une piscine fermée"
    rasa.script = lambda _s, _m: (
        200,
        [item(f"{rasa.url}/img/ok.png", alt), {"text": "Fiable ?"}],
        0.0,
    )
    start_bridge()
    bot_api.inject(tg.text(LEARNER, "go"))
    photo, question = bot_api.wait_sent(LEARNER, 2)
    assert photo.method == "sendPhoto"
    assert photo.params["caption"] == "Mairie · 3 juin\n\n" + MESSAGES("image_description", alt=alt)
    assert PNG in photo.files.values()  # uploaded: Telegram cannot fetch 127.0.0.1
    assert question.text == "Fiable ?"


def test_a_public_image_is_sent_by_url(
    start_bridge: BridgeFactory, bot_api: FakeBotApi, rasa: StubRasa
) -> None:
    rasa.script = lambda _s, _m: (
        200,
        [{"image": "https://images.example.org/ok.png", "text": "une image"}],
        0.0,
    )
    start_bridge()
    bot_api.inject(tg.text(LEARNER, "go"))
    (photo,) = bot_api.wait_sent(LEARNER, 1)
    assert photo.params["photo"] == "https://images.example.org/ok.png"
    assert photo.params["caption"] == "une image"


@pytest.mark.parametrize("path", ["https://images.example.org/broken.png", "LOCAL/img/missing.png"])
def test_a_photo_that_fails_is_replaced_by_its_alt_text(
    start_bridge: BridgeFactory, bot_api: FakeBotApi, rasa: StubRasa, path: str
) -> None:
    url = path.replace("LOCAL", rasa.url)
    rasa.script = lambda _s, _m: (200, [item(url, "un graphique tronqué")], 0.0)
    start_bridge()
    bot_api.inject(tg.text(LEARNER, "go"))
    (call,) = bot_api.wait_sent(LEARNER, 1)
    bot_api.wait_quiet()
    shown = "Mairie · 3 juin\n\n" + MESSAGES("image_description", alt="un graphique tronqué")
    assert call.method == "sendMessage" and call.text == shown
    assert bot_api.texts(LEARNER) == [shown]


# ----- Telegram trouble ---------------------------------------------------------------------------
def test_a_blocked_learner_does_not_stop_the_bridge(
    start_bridge: BridgeFactory, bot_api: FakeBotApi, rasa: StubRasa
) -> None:
    bridge = start_bridge()
    bot_api.blocked_chats.add(LEARNER)
    bot_api.inject(tg.text(LEARNER, "salut"), tg.text(LEARNER + 1, "salut aussi"))
    assert bot_api.wait_sent(LEARNER + 1, 1)[0].text == "salut aussi"
    assert bot_api.sent(LEARNER) == []
    assert bridge.running


@pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")  # PTB's own
def test_a_flood_wait_from_telegram_is_respected_and_the_message_still_arrives(
    start_bridge: BridgeFactory, bot_api: FakeBotApi, rasa: StubRasa
) -> None:
    start_bridge()
    bot_api.flood_waits = 1
    bot_api.inject(tg.text(LEARNER, "salut"))
    (call,) = bot_api.wait_sent(LEARNER, 1)
    assert call.text == "salut"
    refused = [c for c in bot_api.calls_to("sendMessage") if c.status == 429]
    assert len(refused) == 1 and call.at - refused[0].at >= 0.9


# ----- /start CODE (API unreachable here; the real API is in test_join.py) -------------------
def test_start_with_a_malformed_code_says_so_and_still_greets(
    start_bridge: BridgeFactory, bot_api: FakeBotApi, rasa: StubRasa
) -> None:
    start_bridge()
    bot_api.inject(tg.text(LEARNER, "/start pas-un-code!"))
    note, greeting = bot_api.wait_sent(LEARNER, 2)
    assert note.text == MESSAGES("class_unknown")
    assert greeting.text == "salut"


def test_start_with_the_api_down_says_so_and_still_greets(
    start_bridge: BridgeFactory, bot_api: FakeBotApi, rasa: StubRasa
) -> None:
    start_bridge()
    bot_api.inject(tg.text(LEARNER, "/start CLASSE42"))
    note, greeting = bot_api.wait_sent(LEARNER, 2)
    assert note.text == MESSAGES("class_join_failed")
    assert greeting.text == "salut"


def test_an_erasure_the_api_cannot_do_is_said_honestly(
    start_bridge: BridgeFactory, bot_api: FakeBotApi, rasa: StubRasa
) -> None:
    rasa.script = lambda _s, _m: (
        200,
        [{"text": "🧹 C'est fait"}, {"custom": {"type": "forget"}}],
        0.0,
    )
    bridge = start_bridge()  # the API is unreachable here
    bot_api.inject(tg.text(LEARNER, "oui"))
    bot_api.wait_sent(LEARNER, 2, timeout=20)
    assert bot_api.texts(LEARNER) == ["🧹 C'est fait", MESSAGES("erase_failed")]
    assert bridge.running


# ----- privacy of the logs ----------------------------------------------------------------------
def test_logs_carry_neither_text_nor_telegram_ids_nor_the_token(
    start_bridge: BridgeFactory,
    bot_api: FakeBotApi,
    rasa: StubRasa,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO)
    secret_id, secret_text = 987_654_321, "mon code secret 1234"
    start_bridge(rate_limit_messages=2)
    rasa.script = lambda _s, _m: (500, {}, 0.0)
    bot_api.inject(*(tg.text(secret_id, secret_text) for _ in range(4)))
    bot_api.wait_sent(secret_id, 3)
    bot_api.wait_quiet()
    assert "flooding" in caplog.text and "Rasa unavailable" in caplog.text  # it did log
    assert str(secret_id) not in caplog.text
    assert secret_text not in caplog.text
    assert tg.TOKEN not in caplog.text
