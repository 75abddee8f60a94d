"""The report's investigation tools and three quiz phases, filled in, in Debian's Chromium: axe-core
finds no serious or critical violation, and the figures are written out (readable without colour).
The synthetic class of test_browser.py has neither moves nor a delayed re-test."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from fastapi.testclient import TestClient
from playwright.sync_api import Browser

from tests.educator.helpers import known_class, new_class
from tests.educator.test_investigation import known_investigations
from tests.educator.test_three_phases import delayed_retest

pytestmark = pytest.mark.browser

STYLES = Path(__file__).resolve().parents[2] / "api" / "static" / "dashboard" / "dashboard.css"


def test_the_new_sections_pass_axe(
    client: TestClient,
    alice_auth: dict[str, str],
    join: Callable[[str, int], list[str]],
    ingest: Callable[[list[dict]], None],
    browser: Browser,
) -> None:
    code = new_class(client, alice_auth)
    learners = join(code, 6)
    ingest(known_class(learners) + delayed_retest(learners[:5]) + known_investigations(learners))
    html = client.get(f"/api/v1/classes/{code}/report", headers=alice_auth).text
    page = browser.new_page()
    try:
        page.set_content(html)
        page.add_style_tag(path=str(STYLES))
        tools = page.get_by_role("table", name="Part des élèves ayant enquêté")
        assert tools.get_by_role("row").count() == 1 + 8  # the header and one row a tool
        phases = page.get_by_role("table", name="Le discernement de la classe en trois temps")
        assert "Une semaine plus tard" in phases.inner_text()
        results = Axe().run(page)
    finally:
        page.close()
    blocking = [
        f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:3]}"
        for v in results.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]
    assert not blocking, "; ".join(blocking)
