"""The share kit in Chromium, against the real stack: reached from the educator's class page,
its links match the educator API's, QR codes load as SVG and PNG, the embed snippet is copied
with the keyboard, the A4 poster prints on one page; axe-core on every page."""

from __future__ import annotations

import re
from collections.abc import Callable

import httpx
import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import SHOTS, CreatedClass, audit
from tests.conftest import Stack

pytestmark = pytest.mark.browser


def test_the_class_kit_from_the_dashboard(
    new_page: Callable[..., Page],
    stack: Stack,
    classroom: CreatedClass,
    educator: tuple[str, str],
) -> None:
    page = new_page(base_url=stack.api_url)
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=stack.api_url)
    email, password = educator
    page.goto("/dashboard/connexion")
    page.get_by_label("Adresse e-mail").fill(email)
    page.get_by_label("Mot de passe").fill(password)
    page.get_by_role("button", name="Se connecter").click()
    page.goto(f"/dashboard/classes/{classroom.code}")
    page.get_by_role("link", name=re.compile("Kit de partage")).click()
    expect(page).to_have_url(f"{stack.api_url}/partager/{classroom.code}")

    expect(page.get_by_role("heading", level=1)).to_contain_text(classroom.code)
    expect(page.get_by_role("link", name=classroom.telegram, exact=True)).to_be_visible()
    expect(page.get_by_role("link", name=classroom.web, exact=True)).to_be_visible()
    assert classroom.web == f"{stack.api_url}/?classe={classroom.code}"
    for name in ("Code QR du lien web", "Code QR du lien Telegram"):
        qr = page.get_by_role("img", name=re.compile(name))
        expect(qr).to_be_visible()
        assert qr.evaluate("img => img.complete && img.naturalWidth >= 200")
    png_link = page.get_by_role("link", name="PNG (code QR web)")
    png = httpx.get(stack.api_url + png_link.get_attribute("href"), timeout=10)
    assert png.headers["content-type"] == "image/png" and png.content[:4] == b"\x89PNG"

    snippet = (
        f'<script src="{stack.api_url}/widget.js" data-class="{classroom.code}" async></script>'
    )
    expect(page.locator("pre code")).to_have_text(snippet)
    copy = page.get_by_role("button", name="Copier le code d'intégration")
    copy.focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("status")).to_have_text("Code copié dans le presse-papiers.")
    assert page.evaluate("navigator.clipboard.readText()") == snippet
    audit(page, "partage-1-classe", doc="partage-classe.png")

    page.get_by_role("link", name="Ouvrir l'affiche A4").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Vérifie avant de partager")
    poster_qr = page.get_by_role("img", name=re.compile("Code QR qui ouvre Vigie"))
    assert poster_qr.evaluate("img => img.complete && img.naturalWidth >= 200")
    expect(page.get_by_role("button", name="Imprimer l'affiche")).to_be_visible()
    audit(page, "partage-2-affiche")
    page.emulate_media(media="print")
    expect(page.get_by_role("button", name="Imprimer l'affiche")).to_be_hidden()
    pdf = page.pdf(path=str(SHOTS / "affiche.pdf"), format="A4", print_background=True)
    assert len(re.findall(rb"/Type\s*/Page[^s]", pdf)) == 1  # one A4 sheet


def test_the_public_kit_and_an_unknown_class(new_page: Callable[..., Page], stack: Stack) -> None:
    page = new_page(base_url=stack.api_url)
    page.goto("/partager")
    expect(page.get_by_role("heading", level=1)).to_have_text("Kit de partage de Vigie")
    expect(page.locator("pre code")).to_have_text(
        f'<script src="{stack.api_url}/widget.js" async></script>'
    )
    audit(page, "partage-3-public")
    page.goto("/partager/affiche")
    audit(page, "partage-4-affiche-publique")

    response = page.goto("/partager/ZZZZ9999")
    assert response is not None and response.status == 404
    expect(page.get_by_role("heading", name="Classe introuvable")).to_be_visible()
    audit(page, "partage-5-introuvable")
