"""A real Ralph LRS (the `ralph-malph` package, in its own environment `.venv-ralph`, made by
`make .venv-ralph/.stamp` and by `make test`), started on 127.0.0.1 on a free port with its
file-system backend and a Basic-auth credentials file in a temporary directory; and the real
API (SQLite migrated by Alembic) with its background forwarder pointed at it.

Never replaces the LRS with a mock; never leaves it running (stopped at the end of the session).
"""

from __future__ import annotations

import json
import os
import subprocess
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from api.core.db import make_engine
from api.core.settings import ApiSettings
from api.data import xapi_outbox
from api.data.models import Educator, XapiOutbox
from api.main import create_app
from devtools.processes import Process, free_port, start_answering
from tests.support import educators
from tests.support.database import migrated_sqlite
from tests.xapi.stack_lrs import PASSWORD, USER
from vigie.settings import PROJECT_ROOT

RALPH_BIN = PROJECT_ROOT / ".venv-ralph" / "bin"
VALIDATOR = Path(__file__).resolve().parent / "validate_statements.py"
SERVER = Path(__file__).resolve().parent / "ralph_server.py"
HEADERS = {"X-Experience-API-Version": "1.0.3"}
BASE = "https://vigie.example"
EDUCATOR_PASSWORD = "mot-de-passe-solide"


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
    stopped and started again on the same port and files: an LRS outage and its return. On a
    free port, or on `port` (the shared stack's API forwards to one: tests/xapi/stack_lrs.py)."""

    def __init__(self, directory: Path, port: int | None = None) -> None:
        _require_ralph()
        self.directory = directory
        self.port = port or free_port()
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

    def statements(self, **query: str) -> list[dict[str, Any]]:
        """Every statement the LRS holds (those matching `query`: xAPI's GET parameters, agent…),
        read back through its xAPI API."""
        found: list[dict[str, Any]] = []
        url = f"{self.url}/xAPI/statements?{urlencode(query | {'limit': '500'})}"
        with httpx.Client(auth=(USER, PASSWORD), headers=HEADERS, timeout=10) as client:
            while url:
                page = client.get(url)
                assert page.status_code == 200, page.text
                body = page.json()
                found += body["statements"]
                more = body.get("more")
                url = f"{self.url}{more}" if more else ""
        return found


@pytest.fixture(scope="session")
def ralph(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RalphLRS]:
    lrs = RalphLRS(tmp_path_factory.mktemp("ralph")).start()
    try:
        yield lrs
    finally:
        lrs.stop()


def settings_for(tmp_path: Path, lrs_url: str, **changes: Any) -> ApiSettings:
    values: dict[str, Any] = {
        "var_dir": tmp_path,
        "DATABASE_URL": migrated_sqlite(tmp_path / "vigie.db"),
        "rasa_url": f"http://127.0.0.1:{free_port()}",
        "public_url": BASE,
        "xapi_enabled": True,
        "xapi_lrs_url": f"{lrs_url}/xAPI",
        "xapi_lrs_username": USER,
        "xapi_lrs_password": PASSWORD,
        "xapi_interval_seconds": 0.2,
        "xapi_max_backoff_seconds": 0.5,
        "xapi_batch_size": 4,
    }
    return ApiSettings(**(values | changes))


class Api:
    """The real app (its background forwarder running) and what the tests do with it."""

    def __init__(self, settings: ApiSettings, client: TestClient) -> None:
        self.settings, self.client = settings, client
        self.engine = make_engine(settings.effective_database_url)
        self.internal = {"Authorization": f"Bearer {settings.secret('ingest_token')}"}

    def educator(self, email: str) -> dict[str, str]:
        password_hash = educators.password_hash(EDUCATOR_PASSWORD)
        with Session(self.engine) as session:
            educator = Educator(email=email, password_hash=password_hash)
            session.add(educator)
            session.commit()
            return educators.bearer_headers(self.settings, educator.id, password_hash)

    def new_class(self, headers: dict[str, str]) -> str:
        response = self.client.post("/api/v1/classes", json={"name": "4e B"}, headers=headers)
        assert response.status_code == 201, response.text
        code: str = response.json()["code"]
        return code

    def join(self, learner: str, code: str) -> None:
        body = {"learner": learner, "class_code": code}
        response = self.client.post("/api/v1/learners/join", json=body, headers=self.internal)
        assert response.status_code == 200, response.text

    def ingest(self, events: list[dict[str, Any]]) -> None:
        response = self.client.post(
            "/api/v1/events", json={"events": events}, headers=self.internal
        )
        assert response.status_code == 200, response.text

    def counts(self) -> dict[str, int]:
        with Session(self.engine) as session:
            return xapi_outbox.counts(session)

    def attempts(self) -> int:
        with Session(self.engine) as session:
            fewest = select(func.min(XapiOutbox.attempts)).where(XapiOutbox.state == "queued")
            return int(session.scalar(fewest) or 0)


@pytest.fixture
def make_api(tmp_path: Path) -> Iterator[Callable[..., Api]]:
    opened: list[tuple[TestClient, Api]] = []

    def make(lrs_url: str, **changes: Any) -> Api:
        settings = settings_for(tmp_path, lrs_url, **changes)
        # https: VIGIE_PUBLIC_URL is https, so the dashboard cookies are Secure
        client = TestClient(create_app(settings), base_url="https://testserver").__enter__()
        api = Api(settings, client)
        opened.append((client, api))
        return api

    yield make
    for client, api in opened:
        client.__exit__(None, None, None)
        api.engine.dispose()


def learner() -> str:
    return uuid.uuid4().hex + uuid.uuid4().hex
