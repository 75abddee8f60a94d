"""The one-tag widget's iframe in Chromium, against a real API process whose Rasa is a scripted
stand-in: a hostile host page cannot read what the learner types nor the session token; the
token expires after 30 minutes without activity (a controlled clock, no sleep) and « Nouvelle
conversation » drops it; an item is one figure (picture, alt text, caption); fake addresses are
never links; keyboard, focus and axe-core across the frame's edge; a site that is not allowed
to frame the chat gets a link instead."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

import pytest
from playwright.sync_api import Frame, FrameLocator, Locator, Page, Response, expect

from scenarios.loader import IMAGES_DIR
from tests.browser.conftest import SHOTS, HostSite, audit, host_page
from tests.telegram.stub_rasa import Reply, StubRasa

pytestmark = pytest.mark.browser

FRAME = "iframe[title^='Chat Vigie']"
SECRET = "Mon code de casier est 4815, j'habite rue des Lilas"
IMAGE = sorted(path.name for path in IMAGES_DIR.glob("*.png"))[0]
ALT = "Carte d'un article : une piscine municipale, portes fermées, un panneau « Travaux »"
CAPTION = "InfoFlash 24 · infoflash24.example · 12 mars"
TEXT = (
    "Tu en penses quoi ? L'article est sur https://infoflash24.example/piscine "
    "(ou http://le-petit-lezard.test/a). Pour t'aider : https://www.clemi.fr/fr/ressources"
)


def replies(sender: str, message: str) -> Reply:
    """Vigie's stand-in: a greeting with a button, then an item, then an echo."""
    if message in ("salut", "Salut !"):
        buttons = [{"title": "On y va", "payload": "/go"}]
        return 200, [{"text": "Salut ! Moi c'est Vigie.", "buttons": buttons}], 0.0
    if message == "/go":
        return 200, [{"text": "C'est parti !"}], 0.0
    return 200, [{"text": f"Bien reçu ({len(message)} caractères)."}], 0.0


@pytest.fixture
def vigie(scripted_rasa: StubRasa) -> Iterator[StubRasa]:
    scripted_rasa.script = replies
    scripted_rasa.received.clear()
    yield scripted_rasa
    scripted_rasa.script = replies


def senders(rasa: StubRasa) -> list[str]:
    return [body["sender"] for body in rasa.received]


def launcher(page: Page) -> Locator:
    return page.get_by_role("button", name="Discuter avec Vigie")


def chat(page: Page) -> FrameLocator:
    return page.frame_locator(FRAME)


def log(page: Page) -> Locator:
    return chat(page).get_by_role("log", name="Messages de la conversation")


def message_box(page: Page) -> Locator:
    return chat(page).get_by_role("textbox", name="Ton message")


def wait_idle(page: Page) -> None:
    expect(chat(page).locator("form")).to_have_attribute("aria-busy", "false")


def say(page: Page, text: str) -> None:
    message_box(page).fill(text)
    message_box(page).press("Enter")
    wait_idle(page)


def inside(page: Page) -> Frame:
    """The chat frame, as Playwright (not the host page) reaches it."""
    frame = page.locator(FRAME).element_handle().content_frame()
    assert frame is not None
    return frame


def stored_token(page: Page) -> str | None:
    """The token in the frame's sessionStorage (where the browser allows a framed site one)."""
    return inside(page).evaluate(
        """() => { const key = Object.keys(sessionStorage).find(k => k.startsWith('vigie-'));
                   return key ? JSON.parse(sessionStorage.getItem(key)).token : null; }"""
    )


def frame_focus(page: Page) -> dict:
    """What has the keyboard focus inside the frame, with its focus ring."""
    return inside(page).evaluate(
        """() => { const a = document.activeElement, s = getComputedStyle(a);
                   return {text: (a.textContent || '').trim(), tag: a.tagName, id: a.id,
                           outline: s.outlineStyle, width: parseFloat(s.outlineWidth)}; }"""
    )


@dataclass
class Learner:
    """A learner's page on the youth worker's site, and the tokens its chat frame used."""

    page: Page
    issued: list[str] = field(default_factory=list)  # by POST /chat/session
    used: list[str] = field(default_factory=list)  # in each POST /chat

    def watch(self, response: Response) -> None:
        if response.request.method != "POST":
            return
        if response.url.endswith("/chat/session") and response.status == 201:
            self.issued.append(response.json()["session_id"])
        elif response.url.endswith("/chat"):
            self.used.append(json.loads(response.request.post_data or "{}")["session_id"])


# Where the youth worker's site is: another site (the browser blocks a framed site's storage
# when third-party cookies are blocked, as here: the token then lives in the frame's memory),
# or another origin of the same site (the frame's sessionStorage holds the token).
PLACES = ["cross-site", "same-site"]


@pytest.fixture
def open_chat(
    new_page: Callable[..., Page], host_site: HostSite, scripted_api: str
) -> Callable[..., Learner]:
    """A learner on the youth worker's page (hostile CSS and a spying script) opens the chat."""

    def start(place: str = "cross-site", clock: bool = False, **options: object) -> Learner:
        url = host_site.publish("espion.html", host_page(scripted_api, "K7WQ3MZP", spy=True))
        if place == "same-site":
            url = url.replace(host_site.origin, host_site.same_site)
        learner = Learner(new_page(**options))
        page = learner.page
        page.on("response", learner.watch)
        if clock:
            page.clock.install()
        page.goto(url)
        launcher(page).click()
        expect(message_box(page)).to_be_focused()
        return learner

    return start


@pytest.mark.parametrize("place", PLACES)
def test_the_host_page_cannot_read_what_is_typed_nor_the_token(
    open_chat: Callable[..., Learner], vigie: StubRasa, place: str
) -> None:
    learner = open_chat(place)
    page = learner.page
    assert page.evaluate("window.Vigie") is None  # no script API in the host page
    chat(page).get_by_role("button", name="Dire bonjour").click()
    wait_idle(page)
    message_box(page).press_sequentially(SECRET)
    message_box(page).press("Enter")
    wait_idle(page)
    expect(log(page)).to_contain_text(SECRET)  # the learner sees it, in the frame
    (token,) = learner.issued
    assert learner.used == [token, token] and len(vigie.received) == 2
    if place == "same-site":
        assert stored_token(page) == token

    seen = page.evaluate("peek()")
    assert seen["contentDocument"] is None
    assert seen["frameText"] == seen["frameStorage"] == seen["frameLocalStorage"] == "SecurityError"
    assert seen["hostStorage"] == [0, 0]
    assert SECRET not in seen["everything"] and "4815" not in seen["everything"]
    assert token not in seen["everything"]
    spied = page.evaluate("spied")
    assert spied["keys"] == []  # keystrokes in the frame never reach the host
    assert set(spied["messages"]) <= {'{"type":"vigie:ready"}'}


@pytest.mark.parametrize("place", PLACES)
def test_the_token_expires_after_30_idle_minutes(
    open_chat: Callable[..., Learner], vigie: StubRasa, place: str
) -> None:
    learner = open_chat(place, clock=True)
    page = learner.page
    say(page, "salut")
    page.clock.fast_forward("29:00")
    say(page, "je suis encore là")
    (first,) = learner.issued
    assert learner.used == [first, first] and len(set(senders(vigie))) == 1
    expect(log(page).locator(".msg.me")).to_have_count(2)

    page.clock.fast_forward("30:01")  # 30 minutes after the last message
    expect(log(page)).to_contain_text("30 minutes sans activité")
    expect(log(page).locator(".msg.me")).to_have_count(0)  # the next pupil sees nothing
    if place == "same-site":
        assert stored_token(page) is None
    say(page, "salut")
    assert len(learner.issued) == 2 and learner.used[-1] == learner.issued[-1] != first
    assert len(set(senders(vigie))) == 2  # a new learner for Vigie


def test_typing_counts_as_activity(open_chat: Callable[..., Learner], vigie: StubRasa) -> None:
    learner = open_chat(clock=True)
    page = learner.page
    say(page, "salut")
    page.clock.fast_forward("25:00")
    message_box(page).press_sequentially("une longue réponse")
    page.clock.fast_forward("25:00")
    expect(log(page).locator(".msg.me")).to_have_count(1)
    message_box(page).press("Enter")
    wait_idle(page)
    assert len(learner.issued) == 1 and len(set(learner.used)) == 1


@pytest.mark.parametrize("place", PLACES)
def test_new_conversation_drops_the_token_and_the_screen(
    open_chat: Callable[..., Learner], vigie: StubRasa, place: str
) -> None:
    learner = open_chat(place)
    page = learner.page
    say(page, "salut")
    say(page, SECRET)
    restart = chat(page).get_by_role("button", name="Nouvelle conversation")
    expect(restart).to_be_visible()
    restart.focus()
    page.keyboard.press("Enter")
    expect(log(page)).to_contain_text("Nouvelle conversation : la précédente est fermée")
    expect(log(page)).not_to_contain_text(SECRET)
    expect(log(page).locator(".msg.me")).to_have_count(0)
    expect(chat(page).get_by_role("button", name="Dire bonjour")).to_be_enabled()
    expect(message_box(page)).to_be_focused()
    if place == "same-site":
        assert stored_token(page) is None
    say(page, "salut")
    first, second = learner.issued
    assert learner.used == [first, first, second] and len(set(senders(vigie))) == 2


def test_an_item_is_one_figure_and_fake_addresses_are_never_links(
    open_chat: Callable[..., Page], vigie: StubRasa, scripted_api: str
) -> None:
    item = {"type": "item", "image": f"{scripted_api}/scenario-images/{IMAGE}", "alt": ALT,
            "caption": CAPTION}  # fmt: skip
    vigie.script = lambda _s, _m: (200, [{"custom": item}, {"text": TEXT}], 0.0)
    page = open_chat().page
    say(page, "montre")
    figure = log(page).locator("figure")
    expect(figure).to_have_count(1)
    picture = figure.get_by_role("img", name=ALT)
    expect(picture).to_be_visible()
    expect(picture).to_have_js_property("complete", True)
    assert picture.evaluate("img => img.naturalWidth") > 100
    expect(figure.locator("figcaption")).to_have_text(CAPTION)
    expect(log(page)).not_to_contain_text("🖼️")  # the alt text is not a second bubble
    links = log(page).get_by_role("link")
    expect(links).to_have_count(1)  # only the real resource
    expect(links).to_have_attribute("href", "https://www.clemi.fr/fr/ressources")
    expect(links).to_have_attribute("rel", "noopener noreferrer")
    expect(log(page)).to_contain_text("https://infoflash24.example/piscine")  # as plain text
    page.screenshot(path=str(SHOTS / "widget-cadre-objet.png"))


def test_a_result_card_is_one_figure_without_a_caption(
    open_chat: Callable[..., Learner], vigie: StubRasa, scripted_api: str
) -> None:
    """A move of the investigate step: its card like the item (picture and alt text), then its
    text as a bubble."""
    result = {"type": "result", "image": f"{scripted_api}/scenario-images/{IMAGE}", "alt": ALT,
              "tool": "search"}  # fmt: skip
    vigie.script = lambda _s, _m: (200, [{"custom": result}, {"text": "Aucun média."}], 0.0)
    page = open_chat().page
    say(page, "je cherche")
    figure = log(page).locator("figure")
    expect(figure).to_have_count(1)
    expect(figure.get_by_role("img", name=ALT)).to_be_visible()
    expect(figure.locator("figcaption")).to_have_count(0)
    expect(log(page)).to_contain_text("Aucun média.")


def test_a_caption_already_in_the_alt_text_is_not_read_twice(
    open_chat: Callable[..., Learner], vigie: StubRasa, scripted_api: str
) -> None:
    alt = f"{CAPTION}\n« La piscine est fermée. »\n{ALT}"
    item = {"type": "item", "image": f"{scripted_api}/scenario-images/{IMAGE}", "alt": alt,
            "caption": CAPTION}  # fmt: skip
    vigie.script = lambda _s, _m: (200, [{"custom": item}], 0.0)
    page = open_chat().page
    say(page, "montre")
    figure = log(page).locator("figure")
    expect(figure.get_by_role("img", name=alt)).to_be_visible()
    expect(figure.locator("figcaption")).to_have_text(CAPTION)  # seen
    expect(figure.locator("figcaption")).to_have_attribute("aria-hidden", "true")  # not re-read


def test_a_picture_that_cannot_load_shows_its_alt_text(
    open_chat: Callable[..., Page], vigie: StubRasa, scripted_api: str
) -> None:
    item = {"type": "item", "image": f"{scripted_api}/scenario-images/absente.png", "alt": ALT,
            "caption": CAPTION}  # fmt: skip
    vigie.script = lambda _s, _m: (200, [{"custom": item}], 0.0)
    page = open_chat().page
    say(page, "montre")
    figure = log(page).locator("figure")
    expect(figure.locator(".alt-text")).to_have_text(ALT)
    expect(figure.get_by_role("img")).to_have_count(0)
    expect(figure.locator("figcaption")).to_have_text(CAPTION)


def test_keyboard_focus_and_axe_across_the_frame(
    new_page: Callable[..., Page], host_site: HostSite, scripted_api: str, vigie: StubRasa
) -> None:
    page = new_page(reduced_motion="reduce")
    page.goto(host_site.publish("clavier.html", host_page(scripted_api, None)))
    for _ in range(10):
        page.keyboard.press("Tab")
        if "Discuter avec Vigie" in page.evaluate(
            "document.querySelector('[data-vigie-widget]').shadowRoot.activeElement?.textContent"
            " || ''"
        ):
            break
    page.keyboard.press("Enter")
    expect(launcher(page)).to_have_attribute("aria-expanded", "true")
    expect(page.get_by_role("dialog", name="Vigie")).to_be_visible()
    expect(message_box(page)).to_be_focused()
    page.keyboard.type("salut")
    page.keyboard.press("Enter")
    wait_idle(page)
    expect(log(page).locator(".msg.me")).to_have_text("Toi : salut")
    for _ in range(10):
        page.keyboard.press("Shift+Tab")
        if frame_focus(page)["text"] == "On y va":
            break
    ring = frame_focus(page)
    assert ring["tag"] == "BUTTON" and ring["outline"] == "solid" and ring["width"] >= 3
    page.keyboard.press("Enter")
    wait_idle(page)
    assert frame_focus(page)["id"] == "vigie-input"  # back where the next answer is typed
    audit(page, "widget-cadre-ouvert", context="[data-vigie-widget]")

    page.keyboard.press("Escape")
    expect(page.get_by_role("dialog", name="Vigie")).to_be_hidden()
    expect(launcher(page)).to_be_focused()
    page.keyboard.press("Enter")  # reopening keeps the conversation and the focus goes back in
    expect(message_box(page)).to_be_focused()
    expect(log(page).locator(".msg.me")).to_have_count(2)
    chat(page).get_by_role("button", name="Fermer le chat").click()
    expect(page.get_by_role("dialog", name="Vigie")).to_be_hidden()
    expect(launcher(page)).to_be_focused()


def test_the_chat_frame_itself_passes_axe(
    new_page: Callable[..., Page], scripted_api: str, vigie: StubRasa
) -> None:
    page = new_page(viewport={"width": 400, "height": 620})
    page.goto(f"{scripted_api}/embed?classe=K7WQ3MZP")
    expect(page).to_have_title("Chat Vigie")
    page.get_by_role("button", name="Dire bonjour").click()
    expect(page.locator("form")).to_have_attribute("aria-busy", "false")
    audit(page, "widget-cadre", doc="widget-cadre.png")


def test_a_site_not_allowed_to_frame_the_chat_gets_a_link(
    new_page: Callable[..., Page], host_site: HostSite, scripted_api: str
) -> None:
    name = "pas-autorise.html"
    host_site.publish(name, host_page(scripted_api, "K7WQ3MZP", hostile=False))
    page = new_page()
    page.clock.install()
    page.goto(f"{host_site.stranger}/{name}")  # an origin VIGIE_CORS_ORIGINS does not list
    launcher(page).click()
    page.clock.fast_forward("00:11")
    link = page.get_by_role("link", name="Ouvrir Vigie dans un nouvel onglet")
    expect(link).to_be_visible()
    expect(link).to_have_attribute("href", re.compile(rf"^{scripted_api}/\?classe=K7WQ3MZP$"))


def test_too_many_messages_get_a_french_note_and_the_text_back(
    open_chat: Callable[..., Learner], vigie: StubRasa
) -> None:
    page = open_chat().page
    say(page, "salut")
    page.route(
        "**/chat",
        lambda route: route.fulfill(
            status=429, json={"detail": "Trop de messages."}, headers={"Retry-After": "30"}
        ),
    )
    say(page, "encore un message")
    expect(log(page).locator(".msg.note")).to_contain_text("attends une minute")
    expect(message_box(page)).to_have_value("encore un message")


def test_a_class_code_in_the_frame_address_is_never_markup(
    new_page: Callable[..., Page], scripted_api: str, vigie: StubRasa
) -> None:
    page = new_page()
    page.goto(f"{scripted_api}/embed?classe=%3Cimg%20src%3Dx%20onerror%3Dwindow.pwned%3D1%3E")
    page.get_by_role("button", name="Dire bonjour").click()
    expect(page.locator("form")).to_have_attribute("aria-busy", "false")
    expect(page.get_by_role("log").locator(".msg.bot").last).to_have_text(
        "Vigie : Salut ! Moi c'est Vigie."
    )  # the chat works, without a class
    assert page.evaluate("window.pwned") is None
    assert page.locator("img").count() == 0
