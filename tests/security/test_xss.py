"""XSS probes in every field an educator or a learner controls are rendered inert.

Educators control class names (educator API and dashboard form) and what they type in the
login form; anyone controls the class code in a share-kit URL; learners control chat messages,
which the bot never echoes (checked through the real stack) and which never reach the
dashboard (events carry codes and numbers only). "Inert" is checked on the parsed page: no
script element without a same-origin src, no on* attribute, no javascript: URL, no new
element from the probe; and the probe's escaped text is there (it was rendered, escaped).
"""

from __future__ import annotations

import csv
import io
from html.parser import HTMLParser

import httpx
import pytest
from fastapi.testclient import TestClient
from markupsafe import escape

from tests.conftest import Stack
from tests.integration.test_foundation import new_session
from tests.security.conftest import LOGIN, Educator, csrf_of

PROBES = [
    '<script>alert("xss1")</script>',
    '<img src=x onerror=alert("xss2")>',
    '"><svg onload=alert("xss3")>',
    "' onmouseover='alert(4)' x='",
    '</title><script>alert("xss5")</script>',
    '<a href="javascript:alert(6)">clic</a>',
    '<iframe srcdoc="<script>alert(7)</script>"></iframe>',
    "{{ 7*191 }}{% raw %}${7*191}",
    "</textarea><style>*{display:none}</style>",
    '=HYPERLINK("http://evil.example";"clic")',
]
ALLOWED_SCRIPTS = {
    "/widget.js",
    "static/chat.js",  # "/" and "/embed" (relative: Vigie may sit under a path prefix)
    "/static/share/share.js",
    "/static/dashboard/print.js",
}


class Inspector(HTMLParser):
    """Collects what would run or load in a browser."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "script":
            self._in_script = True
            if values.get("src") not in ALLOWED_SCRIPTS:
                self.problems.append(f"script {values}")
        for name, value in attrs:
            if name.startswith("on"):
                self.problems.append(f"handler {name}={value!r} on <{tag}>")
            if name in {"href", "src", "action", "formaction", "srcdoc"} and value:
                if value.strip().lower().startswith(("javascript:", "data:text/html")):
                    self.problems.append(f"{name}={value!r} on <{tag}>")
                if name == "srcdoc":
                    self.problems.append(f"srcdoc on <{tag}>")

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._in_script = False

    def handle_data(self, data: str) -> None:
        if self._in_script and data.strip():
            self.problems.append(f"inline script {data.strip()[:60]!r}")


def assert_inert(html: str, probe: str, where: str, *, shown: bool = True) -> None:
    inspector = Inspector()
    inspector.feed(html)
    assert not inspector.problems, f"{where}: {inspector.problems}"
    assert probe not in html or escape(probe) == probe, f"{where}: raw probe in the page"
    if shown:
        assert str(escape(probe)) in html, f"{where}: the escaped name is not shown"


@pytest.mark.parametrize("probe", PROBES)
def test_class_names_from_the_educator_api_are_inert_everywhere(
    educator: Educator, probe: str
) -> None:
    client, auth = educator.client, educator.auth
    created = client.post("/api/v1/classes", json={"name": probe}, headers=auth)
    assert created.status_code == 201 and created.json()["name"] == probe.strip()
    code = created.json()["code"]

    for url in ("/dashboard", f"/dashboard/classes/{code}", f"/dashboard/classes/{code}/rapport"):
        response = client.get(url)
        assert response.status_code == 200 and response.headers["content-type"].startswith(
            "text/html"
        )
        assert_inert(response.text, probe, url)
    report = client.get(f"/api/v1/classes/{code}/report", headers=auth)
    assert_inert(report.text, probe, "API report")

    for url in (f"/partager/{code}", f"/partager/{code}/affiche"):
        page = client.get(url).text  # public pages never show a class's name
        assert_inert(page, probe, url, shown=False)
        assert str(escape(probe)) not in page or len(probe) < 4

    summary = client.get(f"/api/v1/classes/{code}/summary", headers=auth)
    assert summary.headers["content-type"] == "application/json"
    assert summary.json()["name"] == probe.strip()

    for url, headers in (
        (f"/api/v1/classes/{code}/export.csv", auth),
        (f"/dashboard/classes/{code}/export.csv", {}),
    ):
        exported = client.get(url, headers=headers)
        assert exported.headers["content-type"].startswith("text/csv")
        assert "attachment" in exported.headers["content-disposition"]
        text = exported.content.decode("utf-8-sig")
        cells = [cell for row in csv.reader(io.StringIO(text), delimiter=";") for cell in row]
        # No cell a spreadsheet would run as a formula, whatever the class is called.
        assert not [c for c in cells if c[:1] in {"=", "+", "@"} or c.startswith("-=")], url


def test_class_names_from_the_dashboard_form_are_inert(educator: Educator) -> None:
    client = educator.client
    for probe in PROBES:
        token = csrf_of(client.get("/dashboard").text)
        response = client.post(
            "/dashboard/classes", data={"name": probe, "csrf_token": token}, follow_redirects=False
        )
        assert response.status_code == 303
        page = client.get(response.headers["location"]).text
        assert_inert(page, probe, f"class page for {probe!r}")
    assert_inert(client.get("/dashboard").text, PROBES[0], "class list")


@pytest.mark.parametrize("probe", PROBES[:6])
def test_codes_in_share_urls_are_inert(visitor: TestClient, probe: str) -> None:
    response = visitor.get("/partager/" + probe.replace("/", "%2F"))
    assert response.status_code in {404, 422}
    assert_inert(response.text, probe, "share kit of an unknown code", shown=False)


def test_the_login_form_echoes_an_e_mail_inertly(visitor: TestClient) -> None:
    for probe in PROBES[:5]:
        form = {"email": probe, "password": "x", "csrf_token": csrf_of(visitor.get(LOGIN).text)}
        page = visitor.post(LOGIN, data=form).text
        assert_inert(page, probe, "login form", shown=False)


@pytest.mark.parametrize("probe", PROBES[:6])
def test_the_chat_pages_never_reflect_their_address(visitor: TestClient, probe: str) -> None:
    """`/` and the widget's frame `/embed` are static: the class code in `?classe=` is read by
    the chat's script (a strict pattern, text nodes only), never written into the page."""
    for path in ("/", "/embed"):
        plain = visitor.get(path).text
        probed = visitor.get(path, params={"classe": probe})
        assert probed.status_code == 200 and probed.text == plain, path
        assert_inert(probed.text, probe, path, shown=False)


@pytest.mark.integration
def test_the_bot_never_echoes_what_a_learner_types(stack: Stack) -> None:
    token = new_session(stack)
    for message in [*PROBES, "salut " + PROBES[0], '/choose{"choice":"<script>"}']:
        response = httpx.post(
            f"{stack.api_url}/chat", json={"session_id": token, "message": message}, timeout=60
        )
        assert response.status_code == 200, response.text
        replies = response.json()
        assert response.headers["content-type"] == "application/json"
        shown = " ".join(str(m.get("text", "")) for m in replies)
        shown += " ".join(b.get("title", "") for m in replies for b in m.get("buttons", []))
        for fragment in ("<script", "onerror", "onload", "javascript:", "7*191", "<iframe"):
            assert fragment not in shown, f"{fragment!r} echoed for {message!r}"
