"""A real Ralph LRS (the `ralph-malph` package, in its own environment `.venv-ralph`, made by
`make .venv-ralph/.stamp` and by `make test`), started on 127.0.0.1 on a free port with its
file-system backend and a Basic-auth credentials file in a temporary directory.

Never replaces the LRS with a mock; never leaves it running (stopped at the end of the module).
"""

from __future__ import annotations

import json
import os
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from devtools.processes import Process, free_port, start_answering
from vigie.settings import PROJECT_ROOT

RALPH_BIN = PROJECT_ROOT / ".venv-ralph" / "bin"
VALIDATOR = Path(__file__).resolve().parent / "validate_statements.py"
SERVER = Path(__file__).resolve().parent / "ralph_server.py"
USER, PASSWORD = "vigie-forwarder", "lrs-password-for-the-tests-only"
HEADERS = {"X-Experience-API-Version": "1.0.3"}


def _require_ralph() -> None:
    if not (RALPH_BIN / "python").exists():
        pytest.fail("no .venv-ralph: run `make .venv-ralph/.stamp` (make test does it)")


def ralph_errors(statements: list[dict[str, Any]]) -> str:
    """What Ralph's xAPI models find wrong in the statements ('' when all are valid)."""
    _require_ralph()
    done = subprocess.run(
        [str(RALPH_BIN / "python"), str(VALIDATOR)],
        input=json.dumps(statements),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode in (0, 1), done.stderr
    return done.stdout.strip()


class RalphLRS:
    """Ralph's LRS API with its file-system backend (tests/xapi/ralph_server.py), which can be
    stopped and started again on the same port and files: an LRS outage and its return."""

    def __init__(self, directory: Path) -> None:
        _require_ralph()
        self.directory = directory
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.env = {
            "PATH": os.environ.get("PATH", ""),
            "HOME": str(directory),
            "RALPH_APP_DIR": str(directory / "app"),
            "RALPH_RUNSERVER_BACKEND": "fs",
            "RALPH_AUTH_FILE": str(directory / "auth.json"),
            "RALPH_BACKENDS__LRS__FS__DEFAULT_DIRECTORY_PATH": str(directory / "statements"),
        }
        (directory / "statements").mkdir(parents=True, exist_ok=True)
        self.process: Process | None = None
        # Ralph's documented way to create a user: `ralph auth … -w` (bcrypt hash, scopes).
        subprocess.run(
            [
                str(RALPH_BIN / "ralph"),
                "auth",
                "-u",
                USER,
                "-p",
                PASSWORD,
                "-s",
                "all",
                "-A",
                "vigie",
                "https://vigie.example/lrs-users",
                "-w",
            ],
            env=self.env,
            cwd=directory,
            check=True,
            capture_output=True,
            timeout=60,
        )

    def start(self) -> RalphLRS:
        self.process = start_answering(
            "ralph",
            [str(RALPH_BIN / "python"), str(SERVER), "127.0.0.1", str(self.port)],
            env=self.env,
            log=self.directory / "ralph.log",
            url=f"{self.url}/__heartbeat__",
            timeout=60,
        )
        return self

    def stop(self) -> None:
        if self.process is not None:
            self.process.stop(timeout=10)
            self.process = None

    def statements(self) -> list[dict[str, Any]]:
        """Every statement the LRS holds, read back through its xAPI API."""
        found: list[dict[str, Any]] = []
        url = f"{self.url}/xAPI/statements?limit=500"
        with httpx.Client(auth=(USER, PASSWORD), headers=HEADERS, timeout=10) as client:
            while url:
                page = client.get(url)
                assert page.status_code == 200, page.text
                body = page.json()
                found += body["statements"]
                more = body.get("more")
                url = f"{self.url}{more}" if more else ""
        return found


@pytest.fixture(scope="module")
def ralph(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RalphLRS]:
    lrs = RalphLRS(tmp_path_factory.mktemp("ralph")).start()
    try:
        yield lrs
    finally:
        lrs.stop()
