"""The dashboard in Debian's Chromium (Playwright): sign in, create a class, see its join link and
QR code, feed events through the API, see the dashboard update, download the CSV, print the
report; axe-core finds no serious or critical violation on any page. Screenshots go to
test-artifacts/ (never `playwright install`: the browser is /usr/bin/chromium)."""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, Page, expect

from api.core.settings import ApiSettings
from api.data.models import Educator
from api.main import create_app
from devtools.processes import free_port
from devtools.servers import ThreadedServer
from devtools.synthetic import class_history
from tests.educator.conftest import PASSWORD
from tests.educator.helpers import CATALOGUE

pytestmark = pytest.mark.browser

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "educator"
CLASS_NAME = "4e B – Éducation aux médias"


@pytest.fixture
def live_url(settings: ApiSettings) -> Iterator[str]:
    """The real app under uvicorn on 127.0.0.1, links pointing at itself."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    served = settings.model_copy(update={"api_url": base})
    server = ThreadedServer(create_app(served), port, "the API")
    server.start()
    yield base
    server.stop()


def audit(page: Page, name: str) -> None:
    """axe-core on the page: zero serious or critical violations; a screenshot either way."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
    results = Axe().run(page)
    blocking = [
        f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:3]}"
        for v in results.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]
    assert not blocking, f"{name}: " + "; ".join(blocking)


def feed(base: str, settings: ApiSettings, code: str, learners: int) -> None:
    """Learners join through /chat/session, then the action server's events arrive."""
    with httpx.Client(base_url=base, timeout=30) as http:
        for _ in range(learners):
            assert http.post("/chat/session", json={"class_code": code}).status_code == 201
    from sqlalchemy import create_engine, text

    engine = create_engine(settings.effective_database_url)
    with engine.connect() as connection:
        pseudonyms = list(
            connection.execute(
                text("SELECT id FROM learners WHERE class_code = :c ORDER BY id"), {"c": code}
            ).scalars()
        )
    engine.dispose()
    start = datetime.now(UTC).replace(hour=8, minute=5, second=0, microsecond=0) - timedelta(
        days=22
    )
    events = list(class_history(random.Random(42), CATALOGUE, learners=pseudonyms, start=start))
    headers = {"Authorization": f"Bearer {settings.secret('ingest_token')}"}
    with httpx.Client(base_url=base, timeout=60) as http:
        for index in range(0, len(events), 500):
            batch = {"events": events[index : index + 500]}
            assert http.post("/api/v1/events", json=batch, headers=headers).status_code == 200


def test_an_educator_follows_a_class_in_the_browser(
    browser: Browser,
    live_url: str,
    settings: ApiSettings,
    alice: Educator,
    make_educator: Callable[[str], Educator],
    request: pytest.FixtureRequest,
) -> None:
    backend = request.node.callspec.params["database_url"]
    context = browser.new_context(
        base_url=live_url,
        locale="fr-FR",
        viewport={"width": 1280, "height": 900},
        accept_downloads=True,
    )
    page = context.new_page()
    page.set_default_timeout(15_000)

    page.goto("/dashboard")
    expect(page).to_have_url(f"{live_url}/dashboard/connexion")
    audit(page, f"{backend}-1-connexion")
    page.get_by_label("Adresse e-mail").fill(alice.email)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    expect(page.get_by_role("heading", name="Mes classes", level=1)).to_be_visible()
    audit(page, f"{backend}-2-classes-vide")

    page.get_by_label("Nom de la classe").fill(CLASS_NAME)
    page.get_by_role("button", name="Créer la classe").click()
    expect(page.get_by_role("heading", name=CLASS_NAME, level=1)).to_be_visible()
    code = page.url.rsplit("/", 1)[-1]
    expect(page.get_by_role("link", name=f"https://t.me/VigieInfoBot?start={code}")).to_be_visible()
    expect(page.get_by_role("link", name=f"{live_url}/?classe={code}")).to_be_visible()
    qr = page.get_by_role("img", name="Code QR du lien pour rejoindre la classe")
    expect(qr).to_be_visible()
    assert qr.evaluate("img => img.complete && img.naturalWidth > 100")
    expect(page.get_by_text("Aucun élève n'a encore rejoint cette classe.")).to_be_visible()
    audit(page, f"{backend}-3-classe-vide")

    feed(live_url, settings, code, learners=28)
    page.reload()
    expect(page.get_by_role("heading", name="Scores par scénario")).to_be_visible()
    expect(
        page.get_by_role("heading", name="Maîtrise des réflexes de vérification")
    ).to_be_visible()
    expect(page.get_by_role("heading", name="Les trois réflexes les plus oubliés")).to_be_visible()
    assert page.locator("ol.missed li").count() == 3
    expect(page.locator(".stat").first).to_contain_text("28")
    audit(page, f"{backend}-4-classe-resultats")
    page.get_by_role("link", name="Mes classes").click()
    expect(page.get_by_role("row", name=CLASS_NAME)).to_contain_text("28")
    audit(page, f"{backend}-4b-classes-liste")
    page.go_back()

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Télécharger le CSV").click()
    download = download_info.value
    target = ARTIFACTS / f"{backend}-vigie-{code}.csv"
    download.save_as(target)
    content = target.read_bytes()
    assert content.startswith(b"\xef\xbb\xbftableau;ligne;mesure;valeur;unite;eleves\r\n")
    assert b"\r\nquiz;avant;" in content

    page.reload()
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Aller au contenu")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator("#contenu")).to_be_focused()

    page.get_by_role("link", name="Rapport imprimable").click()
    expect(page.get_by_role("button", name="Imprimer ce rapport")).to_be_visible()
    audit(page, f"{backend}-5-rapport")
    page.emulate_media(media="print")
    page.pdf(path=str(ARTIFACTS / f"{backend}-rapport.pdf"), format="A4")
    expect(page.get_by_role("button", name="Imprimer ce rapport")).to_be_hidden()

    # another educator signs in and cannot open this class
    other = browser.new_context(base_url=live_url, locale="fr-FR").new_page()
    bob = make_educator("bob@lycee.example")
    other.goto("/dashboard/connexion")
    other.get_by_label("Adresse e-mail").fill(bob.email)
    other.get_by_label("Mot de passe").fill(PASSWORD)
    other.get_by_role("button", name="Se connecter").click()
    response = other.goto(f"/dashboard/classes/{code}")
    assert response is not None and response.status == 404
    expect(other.get_by_role("heading", name="Classe introuvable")).to_be_visible()
    audit(other, f"{backend}-6-introuvable")
    context.close()
