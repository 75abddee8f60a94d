"""The embeddable widget's script, CORS for embedding origins, and the share kit pages, through
the real app on a throw-away SQLite database (no Rasa needed)."""

from __future__ import annotations

import html
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from api.db import make_engine
from api.main import create_app
from api.models import Classroom
from api.settings import ApiSettings

EMBEDDER = "https://maison-des-jeunes.example"
CODE = "K7WQ3MZP"


@pytest.fixture
def embed_settings(api_settings: ApiSettings) -> ApiSettings:
    engine = make_engine(api_settings.effective_database_url)
    with Session(engine) as session:
        session.add(Classroom(code=CODE, name="4e B — privée", educator_id=None))
        session.commit()
    engine.dispose()
    return api_settings.model_copy(
        update={"cors_origins": [EMBEDDER], "public_url": "https://vigie.example"}
    )


@pytest.fixture
def embed_client(embed_settings: ApiSettings) -> Iterator[TestClient]:
    with TestClient(create_app(embed_settings)) as test_client:
        yield test_client


def test_widget_is_served_as_cacheable_javascript(embed_client: TestClient) -> None:
    response = embed_client.get("/widget.js")
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/javascript; charset=utf-8"
    assert "max-age=" in response.headers["cache-control"]
    assert response.headers["x-content-type-options"] == "nosniff"
    etag = response.headers["etag"]
    again = embed_client.get("/widget.js", headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.content == b""
    script = response.text
    assert 'setAttribute("role", "log")' in script and '"aria-live", "polite"' in script
    assert ".innerHTML" not in script and "insertAdjacentHTML" not in script
    assert script.count("fetch(") == 1 and "fetch(this.apiBase + path" in script


def test_full_page_chat_mounts_the_same_script(embed_client: TestClient) -> None:
    page = embed_client.get("/").text
    assert '<html lang="fr">' in page
    assert '<script src="/widget.js" data-mode="page" data-target="vigie-chat"' in page
    assert 'id="vigie-chat"' in page
    assert embed_client.get("/static/page.css").status_code == 200


def test_cors_allows_listed_origins_on_the_chat_only(embed_client: TestClient) -> None:
    preflight = {
        "Origin": EMBEDDER,
        "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "content-type",
    }
    for path in ("/chat/session", "/chat"):
        response = embed_client.options(path, headers=preflight)
        assert response.status_code == 200, path
        assert response.headers["access-control-allow-origin"] == EMBEDDER
        assert "access-control-allow-credentials" not in response.headers
    created = embed_client.post("/chat/session", json={}, headers={"Origin": EMBEDDER})
    assert created.status_code == 201
    assert created.headers["access-control-allow-origin"] == EMBEDDER

    stranger = preflight | {"Origin": "https://ailleurs.example"}
    refused = embed_client.options("/chat", headers=stranger)
    assert refused.status_code == 400
    assert "access-control-allow-origin" not in refused.headers
    # the educator API is never opened to other sites
    educator = embed_client.options("/api/v1/classes", headers=preflight)
    assert "access-control-allow-origin" not in educator.headers


def test_no_cors_without_configured_origins(client: TestClient) -> None:
    response = client.post("/chat/session", json={}, headers={"Origin": EMBEDDER})
    assert response.status_code == 201
    assert "access-control-allow-origin" not in response.headers


def test_class_share_kit_shows_only_join_material(embed_client: TestClient) -> None:
    response = embed_client.get(f"/partager/{CODE}")
    assert response.status_code == 200
    assert "frame-ancestors 'none'" in response.headers["content-security-policy"]
    page = response.text
    assert f"https://t.me/VigieInfoBot?start={CODE}" in page
    assert f"https://vigie.example/?classe={CODE}" in page
    snippet = f'<script src="https://vigie.example/widget.js" data-class="{CODE}" async></script>'
    assert html.escape(snippet) in page.replace("&#34;", "&quot;")
    assert (
        f"/join/{CODE}/qr.svg?target=web" in page
        and f"/partager/{CODE}/qr.png?target=telegram" in page
    )
    assert "privée" not in page  # the class name stays private
    assert embed_client.get(f"/partager/{CODE.lower()}").status_code == 200


def test_unknown_class_is_a_404_page(embed_client: TestClient) -> None:
    for code in ("ZZZZ9999", "pas-un-code", "A" * 40):
        response = embed_client.get(f"/partager/{code}")
        assert response.status_code == 404, code
        assert "Classe introuvable" in response.text
    assert embed_client.get("/partager/ZZZZ9999/affiche").status_code == 404


def test_qr_codes_as_svg_and_png(embed_client: TestClient) -> None:
    png = embed_client.get(f"/partager/{CODE}/qr.png")
    assert png.status_code == 200 and png.headers["content-type"] == "image/png"
    assert png.content.startswith(b"\x89PNG\r\n\x1a\n")
    assert f"vigie-classe-{CODE}-web.png" in png.headers["content-disposition"]
    for path in ("/partager/qr.svg", "/partager/qr.svg?target=telegram"):
        svg = embed_client.get(path)
        assert svg.headers["content-type"] == "image/svg+xml" and b"<svg" in svg.content
    assert embed_client.get("/partager/qr.png?target=telegram").status_code == 200
    assert embed_client.get("/partager/qr.png?target=ailleurs").status_code == 422


def test_public_kit_and_posters(embed_client: TestClient, embed_settings: ApiSettings) -> None:
    public = embed_client.get("/partager").text
    assert "https://t.me/VigieInfoBot" in public and "https://vigie.example/" in public
    assert "data-class" not in public
    poster = embed_client.get(f"/partager/{CODE}/affiche")
    assert poster.status_code == 200 and "@media print" not in poster.text
    assert CODE in poster.text and "Scanne le code" in poster.text
    assert embed_client.get("/partager/affiche").status_code == 200
    assert "@page" in embed_client.get("/static/share/share.css").text
    assert f"@{embed_settings.telegram_bot_username}" in poster.text
