"""Shared fixtures: free ports, a throw-away var dir, and the real stack started once.

Starts real processes (Rasa, action server, API) and never replaces one with a mock.
"""

from __future__ import annotations

import os
import socket
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Browser

from ops.launcher import Ports, actions_spec, api_spec, health_urls, rasa_spec, shared_env
from tests.support import examples
from vigie.settings import PROJECT_ROOT, VigieSettings

MODEL = PROJECT_ROOT / "models" / "vigie.tar.gz"
ARTIFACTS = PROJECT_ROOT / "test-artifacts"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Process:
    name: str
    popen: subprocess.Popen[bytes]
    log: Path

    def stop(self) -> None:
        if self.popen.poll() is None:
            self.popen.terminate()
            try:
                self.popen.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.popen.kill()
                self.popen.wait()


@dataclass
class Stack:
    """The real processes of one machine, on free ports, with their own var dir."""

    ports: Ports
    var_dir: Path
    env: dict[str, str]
    processes: dict[str, Process]

    @property
    def api_url(self) -> str:
        return f"http://127.0.0.1:{self.ports.api}"

    @property
    def rasa_url(self) -> str:
        return f"http://127.0.0.1:{self.ports.rasa}"

    def settings(self) -> VigieSettings:
        return VigieSettings(var_dir=self.var_dir)

    def start(self, name: str) -> None:
        spec = self._specs()[name]
        log = ARTIFACTS / f"{name}.log"
        handle = log.open("ab")
        popen = subprocess.Popen(
            spec.args,
            cwd=PROJECT_ROOT,
            env=self.env | spec.env,
            stdout=handle,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # a child's own group: nothing it signals can hit pytest
        )
        self.processes[name] = Process(name, popen, log)

    def stop(self, name: str) -> None:
        self.processes.pop(name).stop()

    def wait_ready(self, names: list[str], timeout: float = 240.0) -> None:
        urls = health_urls(self.ports)
        deadline = time.monotonic() + timeout
        pending = set(names)
        while pending:
            for name in list(pending):
                process = self.processes[name]
                if process.popen.poll() is not None:
                    raise RuntimeError(f"{name} exited: see {process.log}")
                try:
                    if httpx.get(urls[name], timeout=2).status_code == 200:
                        pending.discard(name)
                except httpx.HTTPError:
                    pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"not ready: {sorted(pending)}")
            time.sleep(0.5)

    def _specs(self) -> dict:
        settings = self.settings()
        return {
            "rasa": rasa_spec(settings, self.ports, MODEL),
            "actions": actions_spec(self.ports),
            "api": api_spec(self.ports),
        }


# Scripted learners answer in milliseconds and the whole suite shares 127.0.0.1: the web chat's
# per-session and per-address limits (tested on their own in tests/security) are raised here.
SCRIPTED_LEARNER_LIMITS = {
    "VIGIE_CHAT_MESSAGES_BURST_PER_SESSION": "100000",
    "VIGIE_CHAT_SESSIONS_BURST_PER_ADDRESS": "100000",
}


def make_stack(var_dir: Path) -> Stack:
    ports = Ports(rasa=free_port(), actions=free_port(), api=free_port())
    settings = VigieSettings(var_dir=var_dir)
    settings.secret("pepper")
    env = (
        {key: value for key, value in os.environ.items() if not key.startswith("VIGIE_")}
        | shared_env(settings, ports)
        | SCRIPTED_LEARNER_LIMITS
    )
    env.pop("DATABASE_URL", None)
    return Stack(ports=ports, var_dir=var_dir, env=env, processes={})


@pytest.fixture(scope="session")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    """Rasa + action server + API, started once for the whole session."""
    if not MODEL.exists():
        pytest.fail(f"{MODEL} is missing: run `make model` (make test does it)")
    ARTIFACTS.mkdir(exist_ok=True)
    running = make_stack(tmp_path_factory.mktemp("var"))
    try:
        for name in ("api", "actions", "rasa"):
            running.start(name)
        running.wait_ready(["api", "actions", "rasa"])
        yield running
    finally:
        for process in list(running.processes.values()):
            process.stop()


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


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """A test that uses the Rasa stack is a `rasa` test, one that runs the bridge against the
    fake Bot API a `telegram` test, wherever it lives: `make test-fast` leaves both out."""
    for item in items:
        for name in set(getattr(item, "fixturenames", ())) & MARKERS_OF_FIXTURES.keys():
            item.add_marker(MARKERS_OF_FIXTURES[name])


examples.load_profile()  # VIGIE_HYPOTHESIS_PROFILE=fast in `make test-fast`
