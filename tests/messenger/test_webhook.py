"""Meta's webhook over real HTTP: the subscription handshake and X-Hub-Signature-256 on every
POST (refused with 403 when missing or wrong, before anything reaches Rasa)."""

from __future__ import annotations

import json

import httpx
import pytest

from bot.meta.signature import sign
from tests.messenger.conftest import VERIFY_TOKEN, Webhook, text
from tests.messenger.fake_graph_api import FakeGraphApi
from tests.telegram.stub_rasa import StubRasa

pytestmark = pytest.mark.messenger


def subscribe(webhook: Webhook, **params: str) -> httpx.Response:
    query = {
        "hub.mode": "subscribe",
        "hub.verify_token": VERIFY_TOKEN,
        "hub.challenge": "1158201444",
    }
    return httpx.get(webhook.url, params=query | params, timeout=10)


def test_the_subscription_echoes_the_challenge_with_the_right_verify_token(
    webhook: Webhook,
) -> None:
    answer = subscribe(webhook)
    assert answer.status_code == 200 and answer.text == "1158201444"


@pytest.mark.parametrize(
    "params",
    [
        {"hub.verify_token": "not-the-token"},
        {"hub.verify_token": ""},
        {"hub.mode": "unsubscribe"},
        {"hub.mode": ""},
    ],
)
def test_a_wrong_subscription_is_refused(webhook: Webhook, params: dict[str, str]) -> None:
    answer = subscribe(webhook, **params)
    assert answer.status_code == 403 and "1158201444" not in answer.text


def test_a_subscription_without_parameters_is_refused(webhook: Webhook) -> None:
    assert httpx.get(webhook.url, timeout=10).status_code == 403


def test_a_correctly_signed_body_is_acknowledged_and_relayed(
    webhook: Webhook, rasa: StubRasa, graph: FakeGraphApi
) -> None:
    answer = webhook.post(text("501", "salut"))
    assert answer.status_code == 200
    graph.wait_sent("501", 1)
    assert rasa.messages() == ["salut"]


@pytest.mark.parametrize(
    "signature",
    [
        None,  # no header at all
        "",  # replaced below by a signature made with another secret
        "sha256=" + "0" * 64,
        "sha1=0000000000000000000000000000000000000000",
        "garbage",
    ],
)
def test_a_missing_or_wrong_signature_is_refused_and_nothing_is_relayed(
    webhook: Webhook, rasa: StubRasa, graph: FakeGraphApi, signature: str | None
) -> None:
    raw = json.dumps(text("502", "salut")).encode()
    header = sign(raw, "another-app-secret") if signature == "" else signature
    assert webhook.post(raw, signature=header).status_code == 403
    webhook.idle()
    assert rasa.messages() == [] and graph.to("502") == []


def test_the_signature_covers_the_raw_body_byte_for_byte(webhook: Webhook, rasa: StubRasa) -> None:
    raw = json.dumps(text("503", "salut")).encode()
    signature = sign(raw, "app-secret-of-the-test-meta-app")
    changed = raw.replace(b"salut", b"salue")
    assert webhook.post(changed, signature=signature).status_code == 403
    respaced = json.dumps(json.loads(raw), indent=1).encode()  # same JSON, other bytes
    assert webhook.post(respaced, signature=signature).status_code == 403
    assert (
        webhook.post(raw, signature=signature.upper().replace("SHA256=", "sha256=")).status_code
        == 200
    )
    webhook.idle()
    assert rasa.messages() == ["salut"]


def test_a_signed_body_that_is_not_json_is_refused_unsigned_garbage_too(webhook: Webhook) -> None:
    assert webhook.post(b"{not json").status_code == 400
    assert webhook.post(b"{not json", signature=None).status_code == 403


def test_other_objects_are_acknowledged_and_ignored(webhook: Webhook, rasa: StubRasa) -> None:
    assert webhook.post({"object": "whatsapp_business_account", "entry": []}).status_code == 200
    assert webhook.post({"object": "page", "entry": "x"}).status_code == 200
    assert webhook.post([1, 2]).status_code == 200  # type: ignore[arg-type]  # a list on purpose
    webhook.idle()
    assert rasa.messages() == []


def test_health(webhook: Webhook) -> None:
    health = webhook.url.replace("/meta/webhook", "/health")
    assert httpx.get(health, timeout=10).text == "ok"


def test_a_body_over_one_megabyte_is_refused_before_it_is_read(
    webhook: Webhook, rasa: StubRasa
) -> None:
    huge = json.dumps(text("504", "x" * (1024 * 1024))).encode()
    assert webhook.post(huge).status_code == 413
    assert rasa.messages() == []
