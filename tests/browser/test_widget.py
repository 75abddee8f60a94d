"""The web chat in Chromium, against the real stack: embedded with one tag in a host page with
hostile CSS on another site (the chat in Vigie's iframe), a scenario played with the mouse and
another with the keyboard only, the item as one figure, the live region, axe-core, and the bad
days (slow network, a lost request, no network, Rasa down, an expired session, a teen typing
HTML). The widget's own mechanics (isolation, idle expiry, new conversation) are in
test_embed.py, against a scripted Rasa."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from playwright.sync_api import FrameLocator, Locator, Page, Route, expect
from sqlalchemy import create_engine, func, select

from actions import investigation
from api.data.models import Learner
from scenarios.loader import default_catalogue
from scenarios.schema import Tool
from tests.browser.conftest import CreatedClass, HostSite, audit, doc_shot, host_page
from tests.conftest import Stack

pytestmark = pytest.mark.browser

SCENARIO = default_catalogue().get("photo_inondation_college")
SEARCH = investigation.tools().tools[Tool.SEARCH].label  # the investigate step's buttons
ENOUGH = investigation.tools().enough.label
FRAME = "iframe[title^='Chat Vigie']"
OPEN_ANSWER = "je chercherais qui a publié la photo et si on la trouve ailleurs"


def launcher(page: Page) -> Locator:
    return page.get_by_role("button", name="Discuter avec Vigie")


def chat(page: Page) -> FrameLocator:
    return page.frame_locator(FRAME)


def log(page: Page) -> Locator:
    return chat(page).get_by_role("log", name="Messages de la conversation")


def message_box(page: Page) -> Locator:
    return chat(page).get_by_role("textbox", name="Ton message")


def bubbles(page: Page) -> Locator:
    return log(page).locator(".msg")


def newest_choices(page: Page) -> Locator:
    groups = chat(page).get_by_role("group", name="Réponses possibles")
    return groups.nth(groups.count() - 1)  # pinned: `.last` would follow newer groups


def wait_idle(page: Page) -> None:
    expect(chat(page).locator("form")).to_have_attribute("aria-busy", "false")


def say(page: Page, text: str) -> None:
    message_box(page).fill(text)
    message_box(page).press("Enter")
    wait_idle(page)


def focused(page: Page) -> dict:
    """The element focused inside the chat frame: its text, class and focus ring."""
    frame = page.locator(FRAME).element_handle().content_frame()
    assert frame is not None
    return frame.evaluate(
        """() => { const a = document.activeElement, s = getComputedStyle(a);
                   return {text: (a.textContent || '').trim(), cls: a.className, tag: a.tagName,
                           outline: s.outlineStyle, width: parseFloat(s.outlineWidth)}; }"""
    )


def shift_tab_to(page: Page, name: str) -> None:
    """From the message box, Shift+Tab back to the newest bot button with that text."""
    for _ in range(40):
        page.keyboard.press("Shift+Tab")
        current = focused(page)
        if current.get("text") == name:
            assert current["outline"] != "none" and current["width"] >= 2, current
            return
    raise AssertionError(f"no focusable button {name!r}")


def learners_in(stack: Stack, code: str) -> int:
    engine = create_engine(f"sqlite:///{stack.var_dir / 'vigie.db'}")
    with engine.connect() as connection:
        count = connection.execute(
            select(func.count()).select_from(Learner).where(Learner.class_code == code)
        ).scalar_one()
    engine.dispose()
    return count


@pytest.fixture
def hostile_url(host_site: HostSite, embed_api: str, classroom: CreatedClass) -> str:
    """The youth worker's page, on another site than Vigie's."""
    return host_site.publish("maison-des-jeunes.html", host_page(embed_api, classroom.code))


@pytest.fixture
def same_site_url(hostile_url: str, host_site: HostSite) -> str:
    """The same page on the API's own site (another origin): the frame is in the page's process,
    so the DevTools network conditions reach it, and its sessionStorage is allowed."""
    return hostile_url.replace(host_site.origin, host_site.same_site)


def open_chat(page: Page, url: str) -> None:
    page.goto(url)
    launcher(page).click()
    expect(message_box(page)).to_be_focused()


def test_a_scenario_step_with_the_mouse_on_a_hostile_page(
    new_page: Callable[..., Page], hostile_url: str, classroom: CreatedClass, stack: Stack
) -> None:
    before = learners_in(stack, classroom.code)
    page = new_page()
    page.goto(hostile_url)
    button = launcher(page)
    expect(button).to_be_visible()
    expect(button).to_have_attribute("aria-expanded", "false")
    panel = page.get_by_role("dialog", name="Vigie", include_hidden=True)
    expect(panel).to_be_hidden()
    assert page.locator("[data-vigie-widget]").get_attribute("lang") == "fr"
    # the host's giant fonts and `all: unset` do not reach the widget
    assert button.evaluate("b => getComputedStyle(b).fontSize") == "16px"
    expect(page.locator(FRAME)).to_have_count(0)  # nothing loaded before the first opening

    button.click()
    expect(button).to_have_attribute("aria-expanded", "true")
    expect(panel).to_be_visible()
    expect(message_box(page)).to_be_focused()
    expect(log(page)).to_have_attribute("aria-live", "polite")

    chat(page).get_by_role("button", name="Dire bonjour").click()
    expect(log(page).locator(".msg.me")).to_have_text("Toi : Salut !")  # in the live log
    wait_idle(page)
    assert log(page).locator(".msg.bot").count() >= 2  # the welcome, then Vigie's reply
    say(page, "je veux m'entraîner")
    newest_choices(page).get_by_role("button", name="Collège").click()
    wait_idle(page)
    newest_choices(page).get_by_role("button", name=SCENARIO.title.fr).click()
    wait_idle(page)

    # the item arrives once: one figure, its picture described by its alt text, a caption
    figure = log(page).locator("figure")
    expect(figure).to_have_count(1)
    picture = figure.get_by_role("img", name=re.compile(re.escape(SCENARIO.item.image.alt[:60])))
    expect(picture).to_be_visible()
    expect(picture).to_have_js_property("complete", True)
    assert picture.evaluate("img => img.naturalWidth") > 100
    expect(figure.locator("figcaption")).to_contain_text(SCENARIO.item.author)
    expect(log(page)).not_to_contain_text("🖼️")
    expect(log(page).get_by_role("link")).to_have_count(0)  # no address of the item is a link
    expect(log(page)).to_contain_text(SCENARIO.steps[0].prompt.fr)
    picture.evaluate(  # scroll the log only, to show the picture in the documentation
        """img => { const log = img.closest('[role=log]'), top = log.getBoundingClientRect().top;
        log.scrollTop += img.getBoundingClientRect().top - top - 12; }"""
    )
    doc_shot(page, "widget-page-hote.png")

    say(page, OPEN_ANSWER)
    # the investigation: one search (its card and result), then « enough »
    newest_choices(page).get_by_role("button", name=SEARCH).click()
    wait_idle(page)
    expect(log(page).locator("figure")).to_have_count(2)  # the item, then the search's card
    newest_choices(page).get_by_role("button", name=ENOUGH).click()
    wait_idle(page)
    verdicts = newest_choices(page)
    shown = bubbles(page).count()
    verdicts.get_by_role("button", name="❌ Faux").click()
    wait_idle(page)
    assert bubbles(page).count() >= shown + 2  # my answer, then Vigie's question
    expect(log(page).locator(".msg.me").last).to_have_text("Toi : ❌ Faux")
    newest_choices(page).get_by_role("button", name="4 · très sûr·e").click()
    wait_idle(page)
    expect(verdicts.get_by_role("button", name="❌ Faux")).to_be_disabled()
    audit(page, "widget-1-souris", context="[data-vigie-widget]")
    assert learners_in(stack, classroom.code) == before + 1  # data-class joined the class


def test_a_scenario_step_with_the_keyboard_only(
    new_page: Callable[..., Page], hostile_url: str
) -> None:
    page = new_page(reduced_motion="reduce")
    page.goto(hostile_url)
    expect(launcher(page)).to_be_visible()
    for _ in range(10):
        page.keyboard.press("Tab")
        if launcher(page).evaluate("b => b.getRootNode().activeElement === b"):
            break
    ring = launcher(page).evaluate(
        "b => ({outline: getComputedStyle(b).outlineStyle, width: parseFloat(getComputedStyle(b)"
        ".outlineWidth)})"
    )
    assert ring["outline"] == "solid" and ring["width"] >= 3
    page.keyboard.press("Enter")
    expect(launcher(page)).to_have_attribute("aria-expanded", "true")
    expect(message_box(page)).to_be_focused()
    panel = page.get_by_role("dialog", name="Vigie")
    assert panel.evaluate("p => getComputedStyle(p).animationName") == "none"  # reduced motion

    page.keyboard.type("salut")
    page.keyboard.press("Enter")
    expect(message_box(page)).to_have_value("")
    wait_idle(page)
    page.keyboard.type("on commence")
    page.keyboard.press("Enter")
    wait_idle(page)
    for choice in ("Collège", SCENARIO.title.fr):
        shift_tab_to(page, choice)
        page.keyboard.press("Enter")
        expect(message_box(page)).to_be_focused()  # back where the next answer is typed
        wait_idle(page)
    page.keyboard.type(OPEN_ANSWER)
    page.keyboard.press("Enter")
    wait_idle(page)
    for move in (SEARCH, ENOUGH):
        shift_tab_to(page, move)
        page.keyboard.press("Enter")
        wait_idle(page)
    shift_tab_to(page, "❌ Faux")
    page.keyboard.press("Enter")
    wait_idle(page)
    expect(log(page)).to_contain_text("tu es sûr·e de toi")
    shift_tab_to(page, "3 · plutôt")
    page.keyboard.press("Enter")
    wait_idle(page)
    audit(page, "widget-2-clavier", context="[data-vigie-widget]")

    replies = bubbles(page).count()
    page.keyboard.press("Escape")
    expect(page.get_by_role("dialog", name="Vigie")).to_be_hidden()
    expect(launcher(page)).to_have_attribute("aria-expanded", "false")
    expect(launcher(page)).to_be_focused()
    page.keyboard.press("Enter")  # reopening keeps the conversation
    expect(message_box(page)).to_be_focused()
    expect(bubbles(page)).to_have_count(replies)


def test_text_is_never_markup(new_page: Callable[..., Page], hostile_url: str) -> None:
    page = new_page()
    open_chat(page, hostile_url)
    attack = '<img src=x onerror="window.pwned=1"><b>salut</b>'
    say(page, attack)
    expect(log(page).locator(".msg.me").last).to_have_text("Toi : " + attack)
    assert log(page).locator("img, b").count() == 0
    assert page.evaluate("window.pwned") is None


def test_an_expired_session_is_renewed_transparently(
    new_page: Callable[..., Page], same_site_url: str, embed_api: str, classroom: CreatedClass
) -> None:
    page = new_page()
    key = f"vigie-session:{embed_api}/:{classroom.code}"
    forged = '{"token": "jeton-perime-ou-falsifie", "last": Date.now()}'
    page.add_init_script(
        f"if (location.origin === {embed_api!r}) sessionStorage.setItem({key!r}, JSON.stringify("
        f"{forged}))"
    )
    statuses: list[tuple[str, int]] = []
    page.on(
        "response",
        lambda r: (
            statuses.append((r.url.rsplit("/", 1)[1], r.status))
            if r.request.method == "POST"
            else None
        ),
    )
    open_chat(page, same_site_url)
    say(page, "salut")
    assert log(page).locator(".msg.bot").count() >= 2  # the welcome, then Vigie's reply
    expect(log(page).locator(".msg.note")).to_have_count(0)
    assert statuses == [("chat", 401), ("session", 201), ("chat", 200)]


def test_slow_network_shows_progress_and_never_sends_twice(
    new_page: Callable[..., Page], same_site_url: str
) -> None:
    page = new_page()
    open_chat(page, same_site_url)
    sent: list[str] = []
    page.on("request", lambda r: sent.append(r.url) if r.method == "POST" else None)
    cdp = page.context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send(
        "Network.emulateNetworkConditions",
        {
            "offline": False,
            "latency": 1500,
            "downloadThroughput": 40_000,
            "uploadThroughput": 20_000,
        },
    )
    message_box(page).fill("salut")
    message_box(page).press("Enter")
    expect(chat(page).get_by_role("status")).to_contain_text(re.compile("Envoi|Vigie écrit"))
    expect(chat(page).get_by_role("button", name="Envoyer")).to_have_attribute(
        "aria-disabled", "true"
    )
    message_box(page).fill("salut encore")
    message_box(page).press("Enter")  # ignored while the first one travels
    chat(page).get_by_role("button", name="Dire bonjour").click()  # ignored too
    wait_idle(page)
    assert [url.rsplit("/", 1)[1] for url in sent] == ["session", "chat"]
    expect(message_box(page)).to_have_value("salut encore")
    expect(log(page).locator(".msg.me")).to_have_count(1)
    cdp.send(
        "Network.emulateNetworkConditions",
        {"offline": False, "latency": 0, "downloadThroughput": -1, "uploadThroughput": -1},
    )


def test_a_lost_request_is_retried_once(new_page: Callable[..., Page], hostile_url: str) -> None:
    page = new_page()
    open_chat(page, hostile_url)
    say(page, "salut")  # the session exists now
    attempts: list[str] = []

    def drop_first(route: Route) -> None:
        attempts.append(route.request.method)
        if len(attempts) == 1:
            route.abort("connectionreset")
        else:
            route.continue_()

    page.route("**/chat", drop_first)
    replies = log(page).locator(".msg.bot").count()
    say(page, "c'est anonyme ?")
    assert attempts == ["POST", "POST"]
    assert log(page).locator(".msg.bot").count() > replies
    expect(log(page).locator(".msg.note")).to_have_count(0)


def test_no_network_gives_a_clear_french_message(
    new_page: Callable[..., Page], hostile_url: str
) -> None:
    page = new_page()
    open_chat(page, hostile_url)
    page.context.set_offline(True)
    message_box(page).fill("salut")
    message_box(page).press("Enter")
    expect(log(page).locator(".msg.note")).to_contain_text("Vérifie ta connexion internet")
    wait_idle(page)
    expect(message_box(page)).to_have_value("salut")  # ready to be sent again
    page.context.set_offline(False)
    audit(page, "widget-3-hors-ligne", context="[data-vigie-widget]")


def test_rasa_down_shows_the_apis_french_message(
    new_page: Callable[..., Page], host_site: HostSite, down_api: str
) -> None:
    url = host_site.publish("rasa-en-panne.html", host_page(down_api, None))
    page = new_page()
    open_chat(page, url)
    say(page, "salut")
    expect(log(page).locator(".msg.bot").last).to_contain_text("pause technique")
    expect(message_box(page)).to_have_value("salut")


def test_full_page_chat_shares_the_chat(
    new_page: Callable[..., Page], stack: Stack, classroom: CreatedClass
) -> None:
    page = new_page(viewport={"width": 900, "height": 900})
    page.goto(f"{stack.api_url}/?classe={classroom.code}")
    expect(page.get_by_role("heading", name="Vigie", level=1)).to_be_visible()
    expect(page.get_by_role("region", name="Conversation avec Vigie")).to_be_visible()
    expect(launcher(page)).to_have_count(0)
    expect(page.get_by_role("button", name="Nouvelle conversation")).to_be_visible()
    page.get_by_role("button", name="Dire bonjour").click()
    expect(page.locator("form")).to_have_attribute("aria-busy", "false")
    page.get_by_role("textbox", name="Ton message").fill("c'est anonyme ?")
    page.get_by_role("textbox", name="Ton message").press("Enter")
    expect(page.locator("form")).to_have_attribute("aria-busy", "false")
    assert page.get_by_role("log").locator(".msg.bot").count() >= 3
    audit(page, "page-chat", doc="widget-page-complete.png")
