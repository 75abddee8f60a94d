"""The widget's way back for the delayed re-test, in Chromium against a real API process whose
Rasa is a scripted stand-in: nothing in localStorage before the learner's yes; after it, a new
tab comes back as the same learner (the same pseudonym reaches Rasa); « Nouvelle conversation »,
the end of the re-test (and an erasure) drop it."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta

import pytest
from playwright.sync_api import Page, expect

from tests.telegram.stub_rasa import Reply, StubRasa
from vigie.protocol import RETEST

pytestmark = pytest.mark.browser
DUE = (datetime.now(UTC) + timedelta(days=7)).isoformat()


def replies(_sender: str, message: str) -> Reply:
    """« oui »: the yes to the re-test; « fini »: the re-test over."""
    if message == "oui":
        return 200, [{"text": "C'est noté 📅"}, {"custom": {"type": RETEST, "due": DUE}}], 0.0
    if message == "fini":
        return 200, [{"text": "Merci !"}, {"custom": {"type": RETEST, "due": None}}], 0.0
    return 200, [{"text": f"Bien reçu : {message}"}], 0.0


@pytest.fixture
def vigie(scripted_rasa: StubRasa) -> Iterator[StubRasa]:
    previous = scripted_rasa.script
    scripted_rasa.script = replies
    scripted_rasa.received.clear()
    yield scripted_rasa
    scripted_rasa.script = previous


def say(page: Page, text: str) -> None:
    box = page.get_by_role("textbox", name="Ton message")
    box.fill(text)
    box.press("Enter")
    expect(page.locator("form")).to_have_attribute("aria-busy", "false")


def kept(page: Page) -> dict | None:
    """The retest record in localStorage, if any."""
    return page.evaluate(
        """() => { const key = Object.keys(localStorage).find(k => k.startsWith('vigie-retest:'));
                   return key ? JSON.parse(localStorage.getItem(key)) : null; }"""
    )


def last_sender(rasa: StubRasa) -> str:
    return rasa.received[-1]["sender"]


def test_the_way_back_is_kept_only_after_yes_and_dropped_when_asked(
    new_page: Callable[..., Page], scripted_api: str, vigie: StubRasa
) -> None:
    page = new_page()
    page.goto(f"{scripted_api}/")
    say(page, "salut")
    assert kept(page) is None  # nothing before the yes
    learner = last_sender(vigie)
    say(page, "oui")
    record = kept(page)
    assert record and record["token"]
    now_ms = page.evaluate("Date.now()")
    assert 0 < record["expires"] - now_ms <= 30 * 86400 * 1000

    # a new tab (no session): the same learner comes back
    again = page.context.new_page()
    again.goto(f"{scripted_api}/")
    say(again, "salut")
    assert last_sender(vigie) == learner

    # the re-test over: dropped; the next visit is a new learner
    say(again, "fini")
    assert kept(again) is None
    third = page.context.new_page()
    third.goto(f"{scripted_api}/")
    say(third, "salut")
    assert last_sender(vigie) != learner


def test_new_conversation_drops_it(
    new_page: Callable[..., Page], scripted_api: str, vigie: StubRasa
) -> None:
    """(An erasure drops it too, in the same place as the session token: this stand-in API has
    no tracker store to erase, so its erasure answers 503.)"""
    page = new_page()
    page.goto(f"{scripted_api}/")
    say(page, "oui")
    learner = last_sender(vigie)
    assert kept(page)
    page.get_by_role("button", name="Nouvelle conversation").click()
    assert kept(page) is None
    other = page.context.new_page()
    other.goto(f"{scripted_api}/")
    say(other, "salut")
    assert last_sender(vigie) != learner
