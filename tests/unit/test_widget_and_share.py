"""The one-tag widget's script, its chat frame (framable by the embedding origins only), no
CORS, and the share kit pages, through the real app on a throw-away SQLite database (no Rasa
needed). The widget's behaviour is tested in Chromium (tests/browser/test_embed.py)."""

from __future__ import annotations

import html
from collections.abc import Iterator

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from api.core.db import make_engine
from api.core.settings import ApiSettings
from api.data.models import Classroom
from api.main import create_app

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
    assert response.headers["cross-origin-resource-policy"] == "cross-origin"
    etag = response.headers["etag"]
    again = embed_client.get("/widget.js", headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.content == b""


def test_the_chat_pages_share_one_script(embed_client: TestClient) -> None:
    for url, mode in (("/", "page"), (f"/embed?classe={CODE}", "frame")):
        page = embed_client.get(url)
        assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
        assert '<html lang="fr"' in page.text
        assert f'<script src="static/chat.js" data-mode="{mode}" data-target="vigie-chat"' in (
            page.text
        )
    for asset in ("/static/chat.js", "/static/chat.css", "/static/page.css"):
        assert embed_client.get(asset).status_code == 200, asset


def directives(response: httpx.Response) -> dict[str, str]:
    policy = response.headers["content-security-policy"]
    return {name: value for name, _, value in (p.strip().partition(" ") for p in policy.split(";"))}


def test_only_the_chat_frame_may_be_framed_and_only_by_embedders(
    embed_client: TestClient,
) -> None:
    frame = embed_client.get("/embed")
    assert directives(frame)["frame-ancestors"] == f"'self' {EMBEDDER}"
    assert "x-frame-options" not in frame.headers
    for url in ("/", "/widget.js", "/partager", "/dashboard/connexion", "/static/chat.js"):
        response = embed_client.get(url)
        assert directives(response)["frame-ancestors"] == "'none'", url
        assert response.headers["x-frame-options"] == "DENY", url


@pytest.mark.parametrize(
    ("listed", "ancestors"),
    [
        ([], "'self'"),
        (["*"], "*"),
        (
            ["https://a.example/", "http://127.0.0.1:8080"],
            "'self' http://127.0.0.1:8080 https://a.example",
        ),
        (["https://a.example; script-src *", "javascript:alert(1)"], "'self'"),
    ],
)
def test_frame_ancestors_take_well_formed_origins_only(
    embed_settings: ApiSettings, listed: list[str], ancestors: str
) -> None:
    settings = embed_settings.model_copy(update={"cors_origins": listed})
    with TestClient(create_app(settings)) as test_client:
        frame = test_client.get("/embed")
    assert directives(frame)["frame-ancestors"] == ancestors
    assert "script-src *" not in frame.headers["content-security-policy"]


def test_no_cross_origin_access_to_the_chat(embed_client: TestClient) -> None:
    """The chat runs in Vigie's own frame: no other site's script may call it."""
    preflight = {
        "Origin": EMBEDDER,
        "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "content-type",
    }
    for path in ("/chat/session", "/chat", "/api/v1/classes"):
        response = embed_client.options(path, headers=preflight)
        assert "access-control-allow-origin" not in response.headers, path
    created = embed_client.post("/chat/session", json={}, headers={"Origin": EMBEDDER})
    assert created.status_code == 201
    assert "access-control-allow-origin" not in created.headers


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
    assert embed_client.get("/static/share/share.css").status_code == 200
    # printed on one A4 sheet, without its button: tests/browser/test_share.py
    assert f"@{embed_settings.telegram_bot_username}" in poster.text
