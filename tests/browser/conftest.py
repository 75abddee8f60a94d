"""Browser fixtures: Debian's Chromium driven by Playwright against the real stack (Rasa, action
server, API of the `stack` fixture), a class created through the educator API, a host site on
`localhost` (another site than the API's 127.0.0.1) that embeds the widget, and two sibling API
processes on the stack's database and Rasa: one that lists the host site in
`VIGIE_CORS_ORIGINS` (the sites allowed to frame the chat), one whose Rasa is down. For the
widget's own behaviour, a real API process whose Rasa is a scripted stand-in (no model needed).

Never runs `playwright install`: the browser is /usr/bin/chromium (`make system-deps`). Never
writes into the repository: screenshots go to test-artifacts/browser/.
"""

from __future__ import annotations

import functools
import http.server
import json
import os
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, BrowserContext, Page

from devtools import processes
from devtools.processes import Process, free_port
from ops.launcher import APP_PYTHON, Ports, api_spec
from tests.conftest import ARTIFACTS, Stack
from tests.telegram.stub_rasa import StubRasa
from vigie.settings import VigieSettings

SHOTS = ARTIFACTS / "browser"
DOC_SHOTS = SHOTS / "docs"  # copied by hand into docs/screenshots/ when the look changes
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


# A host page script that tries to read what the learner types and their session token.
SPY_SCRIPT = """
window.spied = {keys: [], messages: []};
for (const target of [window, document]) {
  target.addEventListener("keydown", e => spied.keys.push(e.key), true);
  target.addEventListener("input", e => spied.keys.push(String(e.target.value)), true);
}
window.addEventListener("message", e => spied.messages.push(JSON.stringify(e.data)));
window.peek = () => {
  const host = document.querySelector("[data-vigie-widget]");
  const frame = host.shadowRoot.querySelector("iframe");
  const seen = {contentDocument: frame.contentDocument === null ? null : "readable"};
  for (const [name, read] of [
    ["frameText", () => frame.contentWindow.document.body.innerText],
    ["frameStorage", () => JSON.stringify(frame.contentWindow.sessionStorage)],
    ["frameLocalStorage", () => JSON.stringify(frame.contentWindow.localStorage)],
  ]) {
    try { seen[name] = read(); } catch (error) { seen[name] = error.name; }
  }
  seen.everything = [document.documentElement.outerHTML, host.shadowRoot.innerHTML,
    JSON.stringify(localStorage), JSON.stringify(sessionStorage), document.cookie,
    JSON.stringify(spied), JSON.stringify(performance.getEntries().map(e => e.name))].join("\\n");
  seen.hostStorage = [localStorage.length, sessionStorage.length];
  return seen;
};
"""


def host_page(api_url: str, code: str | None, *, hostile: bool = True, spy: bool = False) -> str:
    data_class = f' data-class="{code}"' if code else ""
    style = f"<style>{HOSTILE_CSS}</style>" if hostile else ""
    script = f"<script>{SPY_SCRIPT}</script>" if spy else ""
    return f"""<!doctype html>
<html lang="fr">
<head><meta charset="utf-8"><title>Maison des jeunes de Saint-Aubin</title>{style}{script}</head>
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
    """Static pages on their own origins: a tiny HTTP server on 127.0.0.1, reached as
    `localhost` (`origin`: another site than the API's 127.0.0.1, as a youth worker's site is)
    or as 127.0.0.1 (`same_site`: another origin of the API's site); `stranger` is a second
    server on another port, an origin that no API lists."""

    root: Path
    origin: str
    same_site: str
    stranger: str

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
    servers = [http.server.ThreadingHTTPServer(("127.0.0.1", free_port()), handler) for _ in "ab"]
    for server in servers:
        threading.Thread(target=server.serve_forever, daemon=True).start()
    port, other = (server.server_address[1] for server in servers)
    try:
        yield HostSite(
            root=root,
            origin=f"http://localhost:{port}",
            same_site=f"http://127.0.0.1:{port}",
            stranger=f"http://127.0.0.1:{other}",
        )
    finally:
        for server in servers:
            server.shutdown()
            server.server_close()


def start_sibling_api(stack: Stack, name: str, env: dict[str, str]) -> tuple[str, Process]:
    """One more real API process on the stack's database and secrets, with its own settings."""
    return start_api(name, stack.env | env)


def start_api(name: str, env: dict[str, str]) -> tuple[str, Process]:
    """A real API process (`vigie api`) with the given environment, once it answers."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    spec = api_spec(Ports(api=port))
    assert spec.args[0] == str(APP_PYTHON)
    process = processes.start_answering(
        name,
        spec.args,
        env=env | spec.env | {"VIGIE_API_URL": url},
        log=ARTIFACTS / f"{name}.log",
        url=f"{url}/health",
        timeout=60,
    )
    return url, process


@pytest.fixture(scope="session")
def embed_api(stack: Stack, host_site: HostSite) -> Iterator[str]:
    """The API as a youth worker's site sees it: its origin listed in VIGIE_CORS_ORIGINS."""
    embedders = json.dumps([host_site.origin, host_site.same_site])
    # The action server links scenario pictures at the stack's API: its public URL here too,
    # so that the chat frame's policy lets them in (img-src), as in production.
    url, process = start_sibling_api(
        stack,
        "api-embed",
        {"VIGIE_CORS_ORIGINS": embedders, "VIGIE_PUBLIC_URL": stack.api_url},
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
            "VIGIE_CORS_ORIGINS": json.dumps([host_site.origin, host_site.same_site]),
            "VIGIE_RASA_URL": f"http://127.0.0.1:{free_port()}",
            "VIGIE_RASA_CONNECT_RETRIES": "1",
        },
    )
    try:
        yield url
    finally:
        process.stop()


@pytest.fixture(scope="session")
def scripted_rasa() -> Iterator[StubRasa]:
    stub = StubRasa()
    stub.start()
    yield stub
    stub.stop()


@pytest.fixture(scope="session")
def scripted_api(
    tmp_path_factory: pytest.TempPathFactory, host_site: HostSite, scripted_rasa: StubRasa
) -> Iterator[str]:
    """A real API process on its own database whose Rasa is the scripted stand-in, framable by
    the host site: the widget's own behaviour, without a trained model."""
    var_dir = tmp_path_factory.mktemp("var-scripted")
    VigieSettings(var_dir=var_dir).secret("pepper")  # the secrets file, before the process
    env = {key: value for key, value in os.environ.items() if not key.startswith("VIGIE_")}
    env.pop("DATABASE_URL", None)
    url, process = start_api(
        "api-scripted",
        env
        | {
            "VIGIE_VAR_DIR": str(var_dir),
            "VIGIE_RASA_URL": scripted_rasa.url,
            "VIGIE_RASA_CONNECT_RETRIES": "1",
            "VIGIE_CORS_ORIGINS": json.dumps([host_site.origin, host_site.same_site]),
            "PYTHONUNBUFFERED": "1",
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
    stack.create_educator(*EDUCATOR)
    return EDUCATOR


@pytest.fixture(scope="session")
def classroom(stack: Stack, educator: tuple[str, str]) -> CreatedClass:
    """A class created through the educator API (docs/architecture.md §5)."""
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
    """A screenshot for the documentation, in test-artifacts/browser/docs/ (docs/widget.md
    links its copy in docs/screenshots/, refreshed by hand: tests never write there)."""
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
