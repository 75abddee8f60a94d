"""The embeddable web chat in Chromium, against the real stack: embedded with one tag in a host
page with hostile CSS on another origin, a scenario step played with the mouse and another with
the keyboard only, the live region, axe-core, and the bad days (slow network, a lost request,
no network, Rasa down, an expired session, a teen typing HTML)."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from playwright.sync_api import Locator, Page, expect
from sqlalchemy import create_engine, func, select

from api.models import Learner
from scenarios.loader import default_catalogue
from tests.browser.conftest import CreatedClass, HostSite, audit, doc_shot, host_page
from tests.conftest import Stack

pytestmark = pytest.mark.browser

SCENARIO = default_catalogue().get("photo_inondation_college")
WIDGET = "[data-vigie-widget]"


def launcher(page: Page) -> Locator:
    return page.get_by_role("button", name="Discuter avec Vigie")


def log(page: Page) -> Locator:
    return page.get_by_role("log", name="Messages de la conversation")


def message_box(page: Page) -> Locator:
    return page.get_by_role("textbox", name="Ton message")


def bubbles(page: Page) -> Locator:
    return log(page).locator(".msg")


def wait_idle(page: Page) -> None:
    expect(page.locator(f"{WIDGET} form")).to_have_attribute("aria-busy", "false")


def focused(page: Page) -> dict:
    """The element focused inside the widget's shadow root: its text, class and focus ring."""
    return page.evaluate(
        """sel => {
            const active = document.querySelector(sel).shadowRoot.activeElement;
            if (!active) return {};
            const style = getComputedStyle(active);
            return {text: (active.textContent || '').trim(), cls: active.className,
                    tag: active.tagName, outline: style.outlineStyle,
                    width: parseFloat(style.outlineWidth)};
        }""",
        WIDGET,
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
    return host_site.publish("maison-des-jeunes.html", host_page(embed_api, classroom.code))


def test_a_scenario_step_with_the_mouse_on_a_hostile_page(
    new_page: Callable[..., Page], hostile_url: str, classroom: CreatedClass, stack: Stack
) -> None:
    before = learners_in(stack, classroom.code)
    page = new_page()
    page.goto(hostile_url)
    button = launcher(page)
    expect(button).to_be_visible()
    expect(button).to_have_attribute("aria-expanded", "false")
    panel = page.locator(f"#{button.get_attribute('aria-controls')}")
    expect(panel).to_be_hidden()
    assert page.locator(WIDGET).get_attribute("lang") == "fr"
    # the host's giant fonts and `all: unset` do not reach the widget
    assert button.evaluate("b => getComputedStyle(b).fontSize") == "16px"

    button.click()
    expect(button).to_have_attribute("aria-expanded", "true")
    expect(page.get_by_role("dialog", name="Vigie")).to_be_visible()
    expect(message_box(page)).to_be_focused()
    expect(log(page)).to_have_attribute("aria-live", "polite")

    page.get_by_role("button", name="Dire bonjour").click()
    expect(log(page).locator(".msg.me")).to_have_text("Toi : Salut !")  # in the live log
    wait_idle(page)
    assert log(page).locator(".msg.bot").count() >= 2  # the welcome, then Vigie's reply
    message_box(page).click()
    page.keyboard.type("je veux m'entraîner")
    page.get_by_role("button", name="Envoyer").click()
    page.get_by_role("group", name="Réponses possibles").last.get_by_role(
        "button", name="Collège"
    ).click()
    page.get_by_role("button", name=SCENARIO.title.fr).click()

    # the item arrives, its picture described by the bot's own words
    picture = log(page).get_by_role("img", name=SCENARIO.item.image.alt)
    expect(picture).to_be_visible()
    expect(picture).to_have_js_property("complete", True)
    assert picture.evaluate("img => img.naturalWidth") > 100
    assert log(page).locator("figcaption").last.get_attribute("aria-hidden") == "true"
    expect(log(page)).to_contain_text(SCENARIO.item.text.fr[:40])
    wait_idle(page)
    picture.evaluate(  # scroll the log only, to show the picture in the documentation
        """img => { const log = img.closest('[role=log]'), top = log.getBoundingClientRect().top;
        log.scrollTop += img.getBoundingClientRect().top - top - 12; }"""
    )
    doc_shot(page, "widget-page-hote.png")

    groups = page.get_by_role("group", name="Réponses possibles")
    verdicts = groups.nth(groups.count() - 1)  # pinned: `.last` would follow newer groups
    shown = bubbles(page).count()
    verdicts.get_by_role("button", name="Pas fiable").click()
    wait_idle(page)
    assert bubbles(page).count() >= shown + 2  # my answer, then Vigie's question
    expect(log(page).locator(".msg.me").last).to_have_text("Toi : ❌ Pas fiable")
    page.get_by_role("button", name="4 · très sûr·e").click()
    wait_idle(page)
    expect(log(page)).to_contain_text(re.compile(r"\d+/\d+ points"))
    expect(verdicts.get_by_role("button", name="Pas fiable")).to_be_disabled()
    audit(page, "widget-1-souris", context=WIDGET)
    assert learners_in(stack, classroom.code) == before + 1  # data-class joined the class


def test_a_scenario_step_with_the_keyboard_only(
    new_page: Callable[..., Page], hostile_url: str
) -> None:
    page = new_page(reduced_motion="reduce")
    page.goto(hostile_url)
    expect(launcher(page)).to_be_visible()
    for _ in range(10):
        page.keyboard.press("Tab")
        if "Discuter avec Vigie" in focused(page).get("text", ""):
            break
    ring = focused(page)
    assert ring["tag"] == "BUTTON" and ring["outline"] == "solid" and ring["width"] >= 3
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
    for choice in ("Collège", SCENARIO.title.fr, "❌ Pas fiable"):
        shift_tab_to(page, choice)
        page.keyboard.press("Enter")
        expect(message_box(page)).to_be_focused()  # back where the next answer is typed
        wait_idle(page)
    expect(log(page)).to_contain_text("tu es sûr·e de toi")
    shift_tab_to(page, "3 · plutôt")
    page.keyboard.press("Enter")
    wait_idle(page)
    expect(log(page)).to_contain_text(re.compile(r"\d+/\d+ points"))
    audit(page, "widget-2-clavier", context=WIDGET)

    page.keyboard.press("Escape")
    expect(page.get_by_role("dialog", name="Vigie")).to_be_hidden()
    expect(launcher(page)).to_have_attribute("aria-expanded", "false")
    assert "Discuter avec Vigie" in focused(page)["text"]
    page.keyboard.press("Enter")  # reopening keeps the conversation
    expect(log(page)).to_contain_text(re.compile(r"\d+/\d+ points"))


def test_text_is_never_markup(new_page: Callable[..., Page], hostile_url: str) -> None:
    page = new_page()
    page.goto(hostile_url)
    launcher(page).click()
    attack = '<img src=x onerror="window.pwned=1"><b>salut</b>'
    message_box(page).fill(attack)
    message_box(page).press("Enter")
    wait_idle(page)
    expect(log(page).locator(".msg.me").last).to_have_text("Toi : " + attack)
    assert log(page).locator("img, b").count() == 0
    assert page.evaluate("window.pwned") is None


def test_an_expired_session_is_renewed_transparently(
    new_page: Callable[..., Page], hostile_url: str, embed_api: str, classroom: CreatedClass
) -> None:
    page = new_page()
    key = f"vigie-session:{embed_api}/:{classroom.code}"
    page.add_init_script(f"localStorage.setItem({key!r}, 'jeton-perime-ou-falsifie')")
    statuses: list[tuple[str, int]] = []
    page.on(
        "response",
        lambda r: (
            statuses.append((r.url.rsplit("/", 1)[1], r.status))
            if r.request.method == "POST"
            else None
        ),
    )
    page.goto(hostile_url)
    launcher(page).click()
    message_box(page).fill("salut")
    message_box(page).press("Enter")
    wait_idle(page)
    assert log(page).locator(".msg.bot").count() >= 2  # the welcome, then Vigie's reply
    expect(log(page).locator(".msg.note")).to_have_count(0)
    assert statuses == [("chat", 401), ("session", 201), ("chat", 200)]
    assert page.evaluate(f"localStorage.getItem({key!r})") != "jeton-perime-ou-falsifie"


def test_slow_network_shows_progress_and_never_sends_twice(
    new_page: Callable[..., Page], hostile_url: str
) -> None:
    page = new_page()
    page.goto(hostile_url)
    launcher(page).click()
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
    expect(page.get_by_role("status").first).to_contain_text(re.compile("Envoi|Vigie écrit"))
    expect(page.get_by_role("button", name="Envoyer")).to_have_attribute("aria-disabled", "true")
    message_box(page).fill("salut encore")
    message_box(page).press("Enter")  # ignored while the first one travels
    page.get_by_role("button", name="Dire bonjour").click()  # ignored too
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
    page.goto(hostile_url)
    launcher(page).click()
    message_box(page).fill("salut")
    message_box(page).press("Enter")
    wait_idle(page)  # the session exists now
    attempts: list[str] = []

    def drop_first(route) -> None:
        attempts.append(route.request.method)
        if len(attempts) == 1:
            route.abort("connectionreset")
        else:
            route.continue_()

    page.route("**/chat", drop_first)
    replies = log(page).locator(".msg.bot").count()
    message_box(page).fill("c'est anonyme ?")
    message_box(page).press("Enter")
    wait_idle(page)
    assert attempts == ["POST", "POST"]
    assert log(page).locator(".msg.bot").count() > replies
    expect(log(page).locator(".msg.note")).to_have_count(0)


def test_no_network_gives_a_clear_french_message(
    new_page: Callable[..., Page], hostile_url: str
) -> None:
    page = new_page()
    page.goto(hostile_url)
    launcher(page).click()
    page.context.set_offline(True)
    message_box(page).fill("salut")
    message_box(page).press("Enter")
    expect(log(page).locator(".msg.note")).to_contain_text("Vérifie ta connexion internet")
    wait_idle(page)
    expect(message_box(page)).to_have_value("salut")  # ready to be sent again
    page.context.set_offline(False)
    audit(page, "widget-3-hors-ligne", context=WIDGET)


def test_rasa_down_shows_the_apis_french_message(
    new_page: Callable[..., Page], host_site: HostSite, down_api: str
) -> None:
    url = host_site.publish("rasa-en-panne.html", host_page(down_api, None))
    page = new_page()
    page.goto(url)
    launcher(page).click()
    message_box(page).fill("salut")
    message_box(page).press("Enter")
    wait_idle(page)
    expect(log(page).locator(".msg.bot").last).to_contain_text("pause technique")
    expect(message_box(page)).to_have_value("salut")


def test_full_page_chat_shares_the_widget(
    new_page: Callable[..., Page], stack: Stack, classroom: CreatedClass
) -> None:
    page = new_page(viewport={"width": 900, "height": 900})
    page.goto(f"{stack.api_url}/?classe={classroom.code}")
    expect(page.get_by_role("heading", name="Vigie", level=1)).to_be_visible()
    expect(page.get_by_role("region", name="Conversation avec Vigie")).to_be_visible()
    expect(launcher(page)).to_have_count(0)
    page.get_by_role("button", name="Dire bonjour").click()
    wait_idle(page)
    message_box(page).fill("c'est anonyme ?")
    message_box(page).press("Enter")
    wait_idle(page)
    assert log(page).locator(".msg.bot").count() >= 3
    audit(page, "page-chat", doc="widget-page-complete.png")
