"""Shared fixtures: the real stack started once (on free ports, with a throw-away var dir).

Starts real processes (Rasa, action server, API) and never replaces one with a mock.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser

from devtools.processes import Process, free_port
from devtools.stack import ARTIFACTS, MODEL, NAMES, Stack, make_stack
from tests.support import examples
from tests.xapi.stack_lrs import forwarding_env

__all__ = ["ARTIFACTS", "MODEL", "Process", "Stack", "free_port"]  # what the suites import


# The stack takes about a minute to start (Rasa loads its model): it is launched as soon as the
# tests are collected, and the modules that use it run after the others (ORDER below), so that
# Rasa loads while the tests that need no server run.
LAUNCHED: list[Stack] = []
IN_XDIST_WORKER = "PYTEST_XDIST_WORKER" in os.environ
# The action server's outbox retries at most every 5 s here (30 s in production): a test of an
# API outage waits seconds, not minutes, for the outbox to reach its longest delay and for the
# next try after it (tests/faults/test_process_faults.py).
QUICK_RETRIES = {"VIGIE_OUTBOX_MAX_BACKOFF_SECONDS": "5"}


def pytest_collection_finish(session: pytest.Session) -> None:
    """Launch the stack now if a selected test will use it (it is waited for by `stack`).

    On pytest-xdist (`make test`) each worker launches its own: both run modules that use it.
    """
    wanted = any(uses(item, "stack") for item in session.items)
    if wanted and MODEL.exists() and not session.config.option.collectonly:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        running = make_stack(Path(tempfile.mkdtemp(prefix="vigie-test-var-")))
        # xAPI forwarding on, to a port where nothing answers until
        # tests/xapi/test_chat_to_ralph.py starts Ralph there (tests/xapi/stack_lrs.py)
        running.env |= QUICK_RETRIES | forwarding_env(running.api_url)
        LAUNCHED.append(running.launch())


@pytest.fixture(scope="session")
def stack() -> Iterator[Stack]:
    """Rasa + action server + API, started once for the whole session."""
    if not MODEL.exists():
        pytest.fail(f"{MODEL} is missing: run `make model` (make test does it)")
    running = LAUNCHED.pop()
    try:
        running.wait_ready(list(NAMES))
        yield running
    finally:
        running.stop_all()
        shutil.rmtree(running.var_dir, ignore_errors=True)


def pytest_sessionfinish() -> None:
    """Stop a stack launched for tests that did not run (stopped after a failure, say)."""
    while LAUNCHED:
        running = LAUNCHED.pop()
        running.stop_all()
        shutil.rmtree(running.var_dir, ignore_errors=True)


CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """Debian's Chromium, one per test module.

    Playwright's sync API allows one driver at a time and marks its event loop as running in the
    main thread while it lives, so it must be stopped before later modules call `asyncio.run`.
    """
    from playwright.sync_api import sync_playwright

    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: run `make system-deps`")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield launched
        launched.close()


# ----- markers that follow from the fixtures a test uses (pyproject.toml lists every marker) ---
MARKERS_OF_FIXTURES = {
    "stack": "rasa",  # the real Rasa server, with the trained model
    "scaled": "rasa",  # two Rasa replicas
    "bot_api": "telegram",  # the bridge polling the fake Bot API over real HTTP
}


# Modules run in this order, each group in its usual order: those that start no shared stack,
# those that use the stack, then the scaled layout's (its two Rasa replicas start once the
# stack's Rasa has loaded, never at the same time). On pytest-xdist workers (`make test`: two,
# a module stays on one, `--dist loadfile`), the other way round: the longest modules first, so
# that neither worker is left alone with one at the end.
ORDER = {"stack": 1, "scaled": 2}


def uses(item: pytest.Item, fixture: str) -> bool:
    return fixture in getattr(item, "fixturenames", ())


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """A test that uses the Rasa stack is a `rasa` test, one that runs the bridge against the
    fake Bot API a `telegram` test, wherever it lives: `make test-fast` leaves both out. Then
    the modules are put in ORDER."""
    rank: dict[str, int] = {}
    for item in items:
        for name in set(getattr(item, "fixturenames", ())) & MARKERS_OF_FIXTURES.keys():
            item.add_marker(MARKERS_OF_FIXTURES[name])
        module = item.nodeid.split("::")[0]
        mine = max((ORDER[name] for name in ORDER if uses(item, name)), default=0)
        rank[module] = max(rank.get(module, 0), mine)
    items.sort(key=lambda item: rank[item.nodeid.split("::")[0]], reverse=IN_XDIST_WORKER)


examples.load_profile()  # VIGIE_HYPOTHESIS_PROFILE=fast in `make test-fast`
