"""Security headers on every response the API can give: every route of the app (found by
walking its router, so a new route is covered without editing this file), both mounts, the
full-page chat, errors (401, 403, 404, 405, 422), redirects, 304s and refused preflights. Only
the chat frame `/embed` may be framed, by Vigie itself and the listed embedding origins.
"""

from __future__ import annotations

import base64
import hashlib
import re
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient

from api.main import create_app
from scenarios.loader import IMAGES_DIR
from tests.security.conftest import Educator, make_settings

PSEUDONYM = "ab" * 32
FRAME = "/embed"  # the chat frame the one-tag widget opens


def routes(app) -> Iterator[tuple[str, str]]:
    """(method, path template) of every route, through included routers and mounts."""
    for route in app.router.routes:
        contexts = getattr(route, "effective_route_contexts", None)
        found = contexts() if contexts else [route]
        for context in found:
            for method in sorted(getattr(context, "methods", None) or {"GET"}):
                if method != "HEAD":
                    yield method, context.path


def concrete(path: str, code: str) -> str:
    if path == "/static":
        return "/static/page.css"
    if path == "/scenario-images":
        return "/scenario-images/" + sorted(p.name for p in IMAGES_DIR.iterdir())[0]
    return path.replace("{code}", code).replace("{learner}", PSEUDONYM)


def assert_secure(response: httpx.Response) -> None:
    headers = response.headers
    where = f"{response.request.method} {response.request.url.path} → {response.status_code}"
    csp = headers.get("content-security-policy", "")
    directives = {
        name: value for name, _, value in (part.strip().partition(" ") for part in csp.split(";"))
    }
    if response.request.url.path == FRAME:
        assert directives.get("frame-ancestors", "").startswith("'self'"), where
        assert "x-frame-options" not in headers, where  # frame-ancestors decides
    else:
        assert directives.get("frame-ancestors") == "'none'", where
        assert headers.get("x-frame-options") == "DENY", where
    assert "'unsafe-inline'" not in directives.get("script-src", "'unsafe-inline'"), where
    assert "'unsafe-eval'" not in csp and "*" not in directives.get("script-src", ""), where
    assert directives.get("object-src") == "'none'" and directives.get("base-uri") == "'none'"
    assert headers.get("x-content-type-options") == "nosniff", where
    assert headers.get("referrer-policy") == "no-referrer", where
    assert "camera=()" in headers.get("permissions-policy", ""), where
    assert "microphone=()" in headers.get("permissions-policy", ""), where
    assert len(headers.get_list("content-security-policy")) == 1, f"one policy only: {where}"


def test_every_route_and_mount_carries_the_headers(educator: Educator) -> None:
    client = educator.client
    seen = []
    posts = []
    for method, path in routes(client.app):
        url = concrete(path, educator.code)
        if method == "POST":
            posts.append(url)  # last: some of them end the dashboard session
            continue
        response = client.request(method, url, headers=educator.auth, follow_redirects=False)
        assert response.status_code < 500, f"{method} {url}: {response.status_code}"
        assert_secure(response)
        seen.append(response.status_code)
    for url in posts:
        response = client.post(url, json={}, headers=educator.auth, follow_redirects=False)
        assert response.status_code < 500, f"POST {url}: {response.status_code}"
        assert_secure(response)
        seen.append(response.status_code)
    assert len(seen) >= 30 and 200 in seen and 422 in seen


@pytest.mark.parametrize(
    ("method", "url", "status"),
    [
        ("GET", "/", 200),  # the full-page chat
        ("GET", "/widget.js", 200),
        ("GET", "/embed", 200),
        ("GET", "/partager", 200),
        ("GET", "/partager/<b>nope</b>", 404),
        ("GET", "/dashboard", 303),
        ("GET", "/dashboard/connexion", 200),
        ("GET", "/api/v1/classes", 401),
        ("POST", "/chat", 422),
        ("GET", "/does/not/exist", 404),
        ("DELETE", "/chat", 405),
        ("GET", "/health", 200),
        ("GET", "/static/dashboard/dashboard.css", 200),
    ],
)
def test_anonymous_responses_carry_the_headers(
    tmp_path: Path, method: str, url: str, status: int
) -> None:
    with TestClient(create_app(make_settings(tmp_path))) as client:
        response = client.request(method, url, follow_redirects=False)
    assert response.status_code == status
    assert_secure(response)
    assert "strict-transport-security" not in response.headers  # plain http: no HSTS


def test_widget_304_and_refused_preflight_carry_the_headers(tmp_path: Path) -> None:
    settings = make_settings(tmp_path, cors_origins=["https://promeneurs.example"])
    with TestClient(create_app(settings)) as client:
        etag = client.get("/widget.js").headers["etag"]
        not_modified = client.get("/widget.js", headers={"If-None-Match": etag})
        preflight = client.options(
            "/chat",
            headers={
                "Origin": "https://promeneurs.example",
                "Access-Control-Request-Method": "POST",
                "Access-Control-Request-Headers": "content-type",
            },
        )
        frame = client.get(FRAME)
    assert not_modified.status_code == 304
    assert preflight.status_code == 405  # no CORS: the chat runs in Vigie's own frame
    assert "access-control-allow-origin" not in preflight.headers
    assert (
        "frame-ancestors 'self' https://promeneurs.example"
        in frame.headers["content-security-policy"]
    )
    for response in (not_modified, preflight, frame):
        assert_secure(response)


def test_hsts_only_behind_https(tmp_path: Path) -> None:
    with TestClient(create_app(make_settings(tmp_path / "a"))) as client:
        assert "strict-transport-security" not in client.get("/health").headers
    secure = make_settings(tmp_path / "b", public_url="https://vigie.example")
    with TestClient(create_app(secure)) as client:
        response = client.get("/health")
    hsts = response.headers["strict-transport-security"]
    assert int(re.search(r"max-age=(\d+)", hsts).group(1)) >= 15_552_000  # ≥ 180 days
    assert "https://vigie.example" in response.headers["content-security-policy"]  # images


def test_pages_keep_their_own_caching_and_dynamic_ones_are_not_stored(
    educator: Educator,
) -> None:
    client = educator.client
    assert "max-age=3600" in client.get("/widget.js").headers["cache-control"]
    assert "max-age" in client.get(f"/join/{educator.code}/qr.svg").headers["cache-control"]
    for url in ("/dashboard", f"/dashboard/classes/{educator.code}", "/"):
        assert client.get(url).headers["cache-control"] == "no-store"
    for url in ("/api/v1/classes", f"/api/v1/classes/{educator.code}/summary"):
        assert client.get(url, headers=educator.auth).headers["cache-control"] == "no-store"
    assert "no-store" not in client.get("/static/page.css").headers.get("cache-control", "")


def test_pages_use_no_inline_script_nor_inline_handler(educator: Educator) -> None:
    """What the CSP forbids is not used: every script has a same-origin src, no on* attribute,
    no javascript: URL, no inline style (style-src 'self')."""
    client = educator.client
    pages = [
        "/",
        FRAME,
        "/dashboard",
        "/dashboard/connexion",
        f"/dashboard/classes/{educator.code}",
        f"/dashboard/classes/{educator.code}/rapport",
        "/partager",
        "/partager/affiche",
        f"/partager/{educator.code}",
        f"/partager/{educator.code}/affiche",
        "/partager/INCONNU9",
    ]
    for url in pages:
        html = client.get(url).text
        for tag in re.findall(r"<script\b[^>]*>", html, flags=re.IGNORECASE):
            # same origin: an absolute path, or a relative one (the API may sit under a prefix)
            assert re.search(r'\ssrc="(?![a-z]+:|//)[^"]+"', tag), f"{url}: foreign script {tag}"
        bodies = re.findall(r"<script\b[^>]*>(.*?)</script>", html, flags=re.DOTALL | re.I)
        assert not any(body.strip() for body in bodies), f"{url}: inline script body"
        assert not re.search(r"\son[a-z]+\s*=", html, flags=re.IGNORECASE), f"{url}: on* handler"
        assert "javascript:" not in html.lower(), url
        assert not re.search(r"<style\b|\sstyle\s*=", html, flags=re.IGNORECASE), url


def test_api_docs_allow_only_their_own_inline_script_by_hash(tmp_path: Path) -> None:
    with TestClient(create_app(make_settings(tmp_path))) as client:
        docs = client.get("/docs")
    csp = docs.headers["content-security-policy"]
    script_src = next(p for p in csp.split(";") if p.strip().startswith("script-src"))
    assert "'unsafe-inline'" not in script_src
    inline = re.findall(r"<script>(.*?)</script>", docs.text, flags=re.DOTALL)
    assert inline, "Swagger UI has one inline script"
    for body in inline:
        digest = base64.b64encode(hashlib.sha256(body.encode()).digest()).decode()
        assert f"'sha256-{digest}'" in script_src
    assert int(docs.headers["content-length"]) == len(docs.content)
    assert_secure(docs)
