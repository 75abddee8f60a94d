"""Browser fixtures: Debian's Chromium driven by Playwright against the real stack (Rasa, action
server, API of the `stack` fixture), a class created through the educator API, a host site on
127.0.0.1 (another origin) that embeds the widget, and two sibling API processes on the stack's
database and Rasa: one that lists the host site in `VIGIE_CORS_ORIGINS`, one whose Rasa is down.

Never runs `playwright install`: the browser is /usr/bin/chromium (`make system-deps`).
"""

from __future__ import annotations

import functools
import http.server
import json
import subprocess
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, BrowserContext, Page

from tests.conftest import ARTIFACTS, Process, Stack, free_port
from vigie.launcher import APP_PYTHON, Ports, api_spec
from vigie.settings import PROJECT_ROOT

SHOTS = ARTIFACTS / "browser"
DOC_SHOTS = PROJECT_ROOT / "docs" / "screenshots"
EDUCATOR = ("promeneuse@mdj-vigie.example", "un-mot-de-passe-solide")

# A host page that tries hard to break an embedded widget.
HOSTILE_CSS = """
* { all: unset; }
html { font-size: 64px !important; }
body { display: block; font: 40px/3 "Comic Sans MS", cursive !important; color: #ff0 !important;
  background: #f0f repeating-linear-gradient(45deg, #0f0 0 20px, #f0f 20px 40px) !important; }
button, input, select { display: none !important; }
div, section, aside, form, [role], [aria-live] { display: none !important; opacity: 0 !important; }
img, svg { filter: blur(8px) !important; }
* { transition: all 10s !important; animation-duration: 10s !important; }
:focus, :focus-visible { outline: none !important; }
h1, p { display: block; margin: 10px; }
style, script, head, title { display: none !important; }
"""


def host_page(api_url: str, code: str | None, *, hostile: bool = True) -> str:
    data_class = f' data-class="{code}"' if code else ""
    style = f"<style>{HOSTILE_CSS}</style>" if hostile else ""
    return f"""<!doctype html>
<html lang="fr">
<head><meta charset="utf-8"><title>Maison des jeunes de Saint-Aubin</title>{style}</head>
<body>
<h1>Maison des jeunes de Saint-Aubin</h1>
<p>Les ateliers du mercredi reprennent. <a href="#agenda">Voir l'agenda</a></p>
<p id="agenda">Mercredi : atelier vidéo. Samedi : tournoi.</p>
<script src="{api_url}/widget.js"{data_class} async></script>
</body>
</html>
"""


@dataclass
class HostSite:
    """Static pages on their own origin (a tiny HTTP server on 127.0.0.1)."""

    root: Path
    origin: str

    def publish(self, name: str, html: str) -> str:
        (self.root / name).write_text(html, encoding="utf-8")
        return f"{self.origin}/{name}"


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture(scope="session")
def host_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[HostSite]:
    root = tmp_path_factory.mktemp("host-site")
    handler = functools.partial(_QuietHandler, directory=str(root))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", free_port()), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield HostSite(root=root, origin=f"http://127.0.0.1:{server.server_address[1]}")
    finally:
        server.shutdown()
        server.server_close()


def start_sibling_api(stack: Stack, name: str, env: dict[str, str]) -> tuple[str, Process]:
    """One more real API process on the stack's database and secrets, with its own settings."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    spec = api_spec(Ports(api=port))
    assert spec.args[0] == str(APP_PYTHON)
    log = ARTIFACTS / f"{name}.log"
    popen = subprocess.Popen(
        spec.args,
        cwd=PROJECT_ROOT,
        env=stack.env | spec.env | {"VIGIE_API_URL": url} | env,
        stdout=log.open("ab"),
        stderr=subprocess.STDOUT,
    )
    process = Process(name, popen, log)
    deadline = time.monotonic() + 60
    while True:
        if popen.poll() is not None:
            raise RuntimeError(f"{name} exited: see {log}")
        try:
            if httpx.get(f"{url}/health", timeout=2).status_code == 200:
                return url, process
        except httpx.HTTPError:
            pass
        if time.monotonic() > deadline:
            process.stop()
            raise RuntimeError(f"{name} not ready: see {log}")
        time.sleep(0.2)


@pytest.fixture(scope="session")
def embed_api(stack: Stack, host_site: HostSite) -> Iterator[str]:
    """The API as a youth worker's site sees it: its origin listed in VIGIE_CORS_ORIGINS."""
    url, process = start_sibling_api(
        stack, "api-embed", {"VIGIE_CORS_ORIGINS": json.dumps([host_site.origin])}
    )
    try:
        yield url
    finally:
        process.stop()


@pytest.fixture(scope="session")
def down_api(stack: Stack, host_site: HostSite) -> Iterator[str]:
    """An API whose Rasa server does not answer (a closed port): /chat answers 503."""
    url, process = start_sibling_api(
        stack,
        "api-rasa-down",
        {
            "VIGIE_CORS_ORIGINS": json.dumps([host_site.origin]),
            "VIGIE_RASA_URL": f"http://127.0.0.1:{free_port()}",
            "VIGIE_RASA_CONNECT_RETRIES": "1",
        },
    )
    try:
        yield url
    finally:
        process.stop()


@dataclass(frozen=True)
class CreatedClass:
    code: str
    telegram: str
    web: str
    qr: str


@pytest.fixture(scope="session")
def educator(stack: Stack) -> tuple[str, str]:
    """An educator account made with the operator command."""
    email, password = EDUCATOR
    subprocess.run(
        [str(PROJECT_ROOT / ".venv" / "bin" / "vigie"), "create-educator", "--email", email,
         "--password", password, "--reset"],
        cwd=PROJECT_ROOT, env=stack.env, check=True, capture_output=True,
    )  # fmt: skip
    return email, password


@pytest.fixture(scope="session")
def classroom(stack: Stack, educator: tuple[str, str]) -> CreatedClass:
    """A class created through the educator API (CONTRACTS §5)."""
    email, password = educator
    with httpx.Client(base_url=stack.api_url, timeout=30) as http_client:
        token = http_client.post(
            "/api/v1/auth/token", data={"username": email, "password": password}
        )
        assert token.status_code == 200, token.text
        headers = {"Authorization": f"Bearer {token.json()['access_token']}"}
        created = http_client.post(
            "/api/v1/classes", json={"name": "Atelier médias du mercredi"}, headers=headers
        )
        assert created.status_code == 201, created.text
    body = created.json()
    return CreatedClass(
        code=body["code"], telegram=body["join"]["telegram"], web=body["join"]["web"], qr=body["qr"]
    )


@pytest.fixture
def new_page(browser: Browser) -> Iterator[Callable[..., Page]]:
    """Pages in fresh French contexts (a new learner each), closed after the test."""
    contexts: list[BrowserContext] = []

    def make(**options: object) -> Page:
        settings: dict = {"locale": "fr-FR", "viewport": {"width": 1280, "height": 860}} | options
        context = browser.new_context(**settings)
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(20_000)
        return page

    yield make
    for context in contexts:
        context.close()


def doc_shot(page: Page, name: str) -> None:
    """A screenshot for the documentation (docs/screenshots/, linked from docs/widget.md)."""
    DOC_SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(DOC_SHOTS / name))


def audit(page: Page, name: str, *, context: str | None = None, doc: str | None = None) -> None:
    """axe-core: zero serious or critical violations; screenshots to test-artifacts (and docs)."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=context is None)
    if doc:
        doc_shot(page, doc)
    results = Axe().run(page, context=context)
    blocking = [
        f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:3]}"
        for v in results.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]
    assert not blocking, f"{name}: " + "; ".join(blocking)
