"""The Messenger/Instagram bridge against the fake Graph API and a stub Rasa, over real HTTP:
what goes to Rasa (pseudonyms, payloads, commands), what the learner receives (quick replies
and their limits, numbered lists, images), erasure, flood limits, and the Graph API down."""

from __future__ import annotations

import logging
import time
from typing import Any

import pytest

from bot.meta.words import load_words
from bot.render import defang
from devtools.wait import wait_for
from tests.messenger.conftest import (
    APP_SECRET,
    Webhook,
    WebhookFactory,
    body,
    event,
    postback,
    quick_reply,
    text,
)
from tests.messenger.fake_graph_api import INSTAGRAM_TOKEN, PAGE_TOKEN, FakeGraphApi
from tests.telegram.stub_rasa import StubRasa, echo
from vigie.protocol import FORGET, ITEM
from vigie.pseudonym import learner_id

pytestmark = pytest.mark.messenger
WORDS = load_words()
LONG_TITLES = [f"Option numéro {n:02d} bien longue" for n in range(1, 15)]  # 25 characters


def answer(*messages: dict[str, Any]) -> Any:
    return lambda _sender, _message: (200, list(messages), 0.0)


def pseudonym(webhook: Webhook, channel: str, sender: str) -> str:
    return learner_id(channel, sender, webhook.settings.secret("pepper"))


def test_a_message_reaches_rasa_under_the_messenger_pseudonym_and_the_reply_comes_back(
    webhook: Webhook, rasa: StubRasa, graph: FakeGraphApi
) -> None:
    webhook.post(text("601", "Salut Vigie"))
    (reply,) = graph.wait_sent("601", 1)
    (received,) = rasa.received
    assert received["sender"] == pseudonym(webhook, "messenger", "601")
    assert received["metadata"] == {"channel": "messenger"}
    assert received["message"] == "Salut Vigie"
    assert "601" not in str(received)  # no platform id reaches Rasa
    assert (reply.channel, reply.text) == ("messenger", "Salut Vigie")


def test_instagram_is_its_own_channel_with_its_own_token_and_text_limit(
    webhook: Webhook, rasa: StubRasa, graph: FakeGraphApi
) -> None:
    rasa.script = answer({"text": "vérité " * 400})  # 2,800 characters, 3,200 bytes
    webhook.post(text("602", "coucou", platform="instagram"))
    webhook.post(text("602", "coucou"))
    webhook.idle()
    senders = [item["sender"] for item in rasa.received]
    assert senders == [
        pseudonym(webhook, "instagram", "602"),
        pseudonym(webhook, "messenger", "602"),
    ]
    assert senders[0] != senders[1]
    instagram = [sent for sent in graph.to("602") if sent.channel == "instagram"]
    messenger = [sent for sent in graph.to("602") if sent.channel == "messenger"]
    # Instagram counts UTF-8 bytes, Messenger characters
    assert len(instagram) >= 4 and all(len(sent.text.encode()) <= 1000 for sent in instagram)
    assert len(messenger) == 2 and all(len(sent.text) <= 2000 for sent in messenger)
    for sent in (instagram, messenger):
        assert " ".join(item.text for item in sent).split() == ["vérité"] * 400
    assert not graph.refused


def test_short_buttons_become_quick_replies_and_a_tap_sends_the_payload(
    webhook: Webhook, rasa: StubRasa, graph: FakeGraphApi
) -> None:
    buttons = [
        {"title": "Collège", "payload": '/level{"level": "college"}'},
        {"title": "Lycée", "payload": '/level{"level": "lycee"}'},
    ]
    rasa.script = answer({"text": "Tu es en… ?", "buttons": buttons})
    webhook.post(text("603", "on commence"))
    (menu,) = graph.wait_sent("603", 1)
    assert menu.text == "Tu es en… ?"
    assert [(r["title"], r["payload"]) for r in menu.quick_replies] == [
        ("Collège", buttons[0]["payload"]),
        ("Lycée", buttons[1]["payload"]),
    ]
    webhook.post(quick_reply("603", "Lycée", buttons[1]["payload"]))
    graph.wait_sent("603", 2)
    assert rasa.messages()[-1] == buttons[1]["payload"]


def test_14_buttons_of_25_characters_become_a_numbered_list_with_number_quick_replies(
    webhook: Webhook, rasa: StubRasa, graph: FakeGraphApi
) -> None:
    buttons = [
        {"title": t, "payload": f'/choose_option{{"n": {i}}}'} for i, t in enumerate(LONG_TITLES)
    ]
    rasa.script = answer({"text": "Que fais-tu ?", "buttons": buttons})
    webhook.post(text("604", "go"))
    (choice,) = graph.wait_sent("604", 1)
    assert not graph.refused  # within Meta's limits
    lines = choice.text.splitlines()
    assert lines[0] == "Que fais-tu ?" and WORDS("numbered_intro") in lines
    for number, title in enumerate(LONG_TITLES, start=1):
        assert WORDS("numbered_choice", number=number, title=title) in lines
    replies = choice.quick_replies
    assert [r["title"] for r in replies] == [str(n) for n in range(1, 14)]  # 13 at most
    assert [r["payload"] for r in replies] == [b["payload"] for b in buttons[:13]]
    # the 14th has no quick reply: typing its number picks it
    rasa.script = echo  # the next answers have no buttons
    webhook.post(text("604", "14"))
    graph.wait_sent("604", 2)
    assert rasa.messages()[-1] == buttons[13]["payload"]
    # a number means a choice only right after the list
    webhook.post(text("604", "3"))
    graph.wait_sent("604", 3)
    assert rasa.messages()[-1] == "3"


def test_one_long_title_is_enough_for_a_numbered_list(
    webhook: Webhook, rasa: StubRasa, graph: FakeGraphApi
) -> None:
    buttons = [
        {"title": "Oui", "payload": "/affirm"},
        {"title": "Non, je préfère attendre", "payload": "/deny"},
    ]
    rasa.script = answer({"text": "On continue ?", "buttons": buttons})
    webhook.post(text("605", "go"))
    (choice,) = graph.wait_sent("605", 1)
    assert WORDS("numbered_choice", number=2, title="Non, je préfère attendre") in choice.text
    assert [(r["title"], r["payload"]) for r in choice.quick_replies] == [
        ("1", "/affirm"),
        ("2", "/deny"),
    ]


def test_an_item_picture_goes_as_an_image_attachment_then_its_alt_text(
    webhook: Webhook, rasa: StubRasa, graph: FakeGraphApi
) -> None:
    url = "https://vigie.example/scenario-images/capture.png"
    item = {
        "type": ITEM,
        "image": url,
        "alt": "Une capture d'écran d'un post de @infos_locales",
        "caption": "@infos_locales · 3 mars",
    }
    rasa.script = answer({"custom": item}, {"text": "Comment tu vérifierais ?"})
    webhook.post(text("606", "go"))
    picture, alt, question = graph.wait_sent("606", 3)
    assert picture.image == url and "text" not in picture.message
    description = WORDS("image_description", alt=defang(item["alt"]))
    assert alt.text == defang(item["caption"]) + "\n\n" + description
    assert "@infos_locales" not in alt.text  # handles defanged, as on Telegram: never a link
    assert question.text == "Comment tu vérifierais ?"


@pytest.mark.parametrize("typed", ["oubli", "/oubli", " Oubli "])
def test_oubli_typed_asks_rasa_to_forget(
    webhook: Webhook, rasa: StubRasa, graph: FakeGraphApi, typed: str
) -> None:
    webhook.post(text("607", typed))
    graph.wait_sent("607", 1)
    assert rasa.messages() == ["/forget_me"]


def test_a_confirmed_erasure_erases_the_learner_through_the_api(
    webhook: Webhook, rasa: StubRasa, graph: FakeGraphApi
) -> None:
    rasa.script = answer({"text": "🧹 C'est fait", "custom": {"type": FORGET}})
    webhook.post(quick_reply("608", "Oui, tout effacer", "/affirm"))
    (done,) = graph.wait_sent("608", 1)
    assert done.text == "🧹 C'est fait"
    assert graph.erased == [pseudonym(webhook, "messenger", "608")]


def test_an_erasure_the_api_cannot_do_is_said_honestly(
    start_webhook: WebhookFactory, rasa: StubRasa, graph: FakeGraphApi
) -> None:
    webhook = start_webhook(api_url="http://127.0.0.1:9")
    rasa.script = answer({"text": "🧹 C'est fait", "custom": {"type": FORGET}})
    webhook.post(quick_reply("609", "Oui, tout effacer", "/affirm"))
    graph.wait_sent("609", 2, timeout=20)
    assert graph.texts("609") == ["🧹 C'est fait", WORDS("erase_failed")]


def test_get_started_greets_and_help_is_answered_locally(
    webhook: Webhook, rasa: StubRasa, graph: FakeGraphApi
) -> None:
    webhook.post(postback("610", "GET_STARTED"))
    graph.wait_sent("610", 1)
    webhook.post(text("610", "aide"))
    graph.wait_sent("610", 2)
    webhook.post(text("610", "/progres"))
    graph.wait_sent("610", 3)
    assert rasa.messages() == ["salut", "/show_progress"]
    assert graph.texts("610")[1] == WORDS("help")


def test_echoes_reads_and_redeliveries_are_ignored_and_attachments_are_never_fetched(
    webhook: Webhook, rasa: StubRasa, graph: FakeGraphApi
) -> None:
    webhook.post(body(event("611", message={"mid": "m.echo", "is_echo": True, "text": "moi"})))
    webhook.post(body(event("611", read={"watermark": 1}), event("611", delivery={"mids": []})))
    photo = {
        "mid": "m.photo",
        "attachments": [{"type": "image", "payload": {"url": "https://x.example/a.jpg"}}],
    }
    webhook.post(body(event("611", message=photo)))
    once = text("611", "une fois")
    webhook.post(once)
    webhook.post(once)  # Meta redelivers what it thinks was not received
    webhook.idle()
    assert graph.texts("611") == [WORDS("not_text"), "une fois"]
    assert rasa.messages() == ["une fois"]


def test_a_flood_gets_one_warning_and_other_learners_are_still_answered(
    webhook: Webhook, rasa: StubRasa, graph: FakeGraphApi
) -> None:
    limit = webhook.settings.rate_limit_messages
    webhook.post(
        body(*(event("612", message={"mid": f"f.{i}", "text": f"spam {i}"}) for i in range(30)))
    )
    webhook.idle()
    assert graph.texts("612").count(WORDS("rate_limited")) == 1
    assert len(rasa.received) == limit
    webhook.post(text("613", "bonjour"))
    assert graph.wait_sent("613", 1)[0].text == "bonjour"


def test_replies_wait_while_the_graph_api_fails_then_arrive_in_order(
    webhook: Webhook, rasa: StubRasa, graph: FakeGraphApi
) -> None:
    rasa.script = lambda _s, message: (
        200,
        [{"text": f"{message} 1"}, {"text": f"{message} 2"}],
        0.0,
    )
    graph.failures = 4  # 503, a transient Graph error
    webhook.post(text("614", "a"))
    webhook.post(text("614", "b"))
    graph.wait_sent("614", 4, timeout=20)
    assert graph.texts("614") == ["a 1", "a 2", "b 1", "b 2"]
    assert graph.failures == 0


def test_the_graph_api_down_then_up_loses_nothing(
    webhook: Webhook, rasa: StubRasa, graph: FakeGraphApi
) -> None:
    graph.stop()  # connections refused
    webhook.post(text("615", "pendant la panne"))
    webhook.post(text("616", "moi aussi"))
    assert wait_for(lambda: len(rasa.received) == 2)  # answered, but not delivered
    time.sleep(1.5)  # a few failed attempts
    assert webhook.bridge.busy
    graph.start()  # the same port
    graph.wait_sent("615", 1, timeout=20)
    graph.wait_sent("616", 1, timeout=20)
    webhook.idle()
    assert graph.texts("615") == ["pendant la panne"] and graph.texts("616") == ["moi aussi"]


def test_rasa_down_gets_the_friendly_message(
    start_webhook: WebhookFactory, graph: FakeGraphApi
) -> None:
    webhook = start_webhook(rasa_url="http://127.0.0.1:9")
    webhook.post(text("617", "salut"))
    assert graph.wait_sent("617", 1)[0].text == WORDS("unavailable")


def test_a_message_too_long_is_refused_politely(
    webhook: Webhook, rasa: StubRasa, graph: FakeGraphApi
) -> None:
    webhook.post(text("618", "ah" * 1500))
    assert graph.wait_sent("618", 1)[0].text == WORDS("too_long", max_chars=2000)
    assert rasa.messages() == []


def test_logs_carry_neither_text_nor_ids_nor_secrets(
    start_webhook: WebhookFactory, graph: FakeGraphApi, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    webhook = start_webhook(rasa_url="http://127.0.0.1:9", rate_limit_messages=2)
    secret_text, secret_id = "mon secret très personnel", "98765432101234"
    graph.failures = 1
    webhook.post(
        body(*(event(secret_id, message={"mid": f"l.{i}", "text": secret_text}) for i in range(4)))
    )
    webhook.post(b"{}", signature="sha256=" + "1" * 64)
    webhook.idle(timeout=20)
    assert "flooding" in caplog.text and "Rasa unavailable" in caplog.text  # it did log
    assert "X-Hub-Signature-256" in caplog.text
    for secret in (secret_text, secret_id, PAGE_TOKEN, INSTAGRAM_TOKEN, APP_SECRET):
        assert secret not in caplog.text
