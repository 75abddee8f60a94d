"""The real API app on a throw-away, migrated SQLite database (Rasa on a closed port), with an
educator who owns one class, signed in both ways: bearer token and dashboard session cookie;
and the API as its own process (`vigie api`, what systemd and the launcher run).

Never mocks the app: requests go through every middleware, router and template.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from api.core.db import make_engine
from api.core.settings import ApiSettings
from api.data import educators, models
from api.main import create_app
from devtools import processes
from devtools.processes import Process, free_port
from ops.launcher import Ports, api_spec
from tests.conftest import ARTIFACTS
from tests.support.database import migrated_sqlite
from tests.support.educators import bearer_headers, password_hash

EMAIL = "securite@college.example"
PASSWORD = "mot-de-passe-tres-solide"
LOGIN = "/dashboard/connexion"


@dataclass
class Educator:
    client: TestClient
    auth: dict[str, str]
    code: str
    settings: ApiSettings


def csrf_of(page: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert match, "no CSRF field in the form"
    return match.group(1)


def make_settings(var_dir: Path, **overrides: object) -> ApiSettings:
    var_dir.mkdir(parents=True, exist_ok=True)
    return ApiSettings(
        var_dir=var_dir,
        rasa_url=f"http://127.0.0.1:{free_port()}",
        rasa_connect_retries=0,
        DATABASE_URL=migrated_sqlite(var_dir / "vigie.db"),
        **overrides,
    )


def signed_in(client: TestClient, settings: ApiSettings) -> Educator:
    """Create the educator, open a dashboard session, create a class with a bearer token
    (signed as the token endpoint signs it: tests/educator/test_auth.py signs in for real)."""
    educator = add_educator(settings.effective_database_url)
    auth = bearer_headers(settings, educator.id, educator.password_hash)
    form = {"email": EMAIL, "password": PASSWORD, "csrf_token": csrf_of(client.get(LOGIN).text)}
    assert client.post(LOGIN, data=form, follow_redirects=False).status_code == 303
    created = client.post("/api/v1/classes", json={"name": "4e B"}, headers=auth)
    assert created.status_code == 201, created.text
    return Educator(client, auth, created.json()["code"], settings)


@pytest.fixture
def visitor(tmp_path: Path) -> Iterator[TestClient]:
    """Anyone on the internet: the same app, nobody signed in."""
    with TestClient(create_app(make_settings(tmp_path))) as client:
        yield client


@pytest.fixture
def educator(tmp_path: Path) -> Iterator[Educator]:
    settings = make_settings(tmp_path)
    with TestClient(create_app(settings)) as client:
        yield signed_in(client, settings)


@dataclass
class LiveApi:
    """`vigie api` in its own process, on its own state directory (SQLite database there)."""

    url: str
    var_dir: Path
    process: Process

    @property
    def database_url(self) -> str:
        return f"sqlite:///{self.var_dir / 'vigie.db'}"


def start_api(var_dir: Path, name: str, **env: str) -> LiveApi:
    """Start the API (nothing else), wait until it answers; `env` adds VIGIE_* settings."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    base = {k: v for k, v in os.environ.items() if not k.startswith("VIGIE_")}
    base.pop("DATABASE_URL", None)
    process = processes.start_answering(
        name,
        api_spec(Ports(api=port)).args,
        env=base | {"VIGIE_VAR_DIR": str(var_dir), "PYTHONUNBUFFERED": "1"} | env,
        log=ARTIFACTS / f"security-{name}.log",
        url=f"{url}/health",
        timeout=120,
        append=False,
    )
    return LiveApi(url, var_dir, process)


def stop_api(api: LiveApi) -> None:
    api.process.stop()


def add_educator(
    database_url: str, email: str = EMAIL, password: str = PASSWORD
) -> models.Educator:
    """The account `vigie create-educator` would make, with the run's hash of the password."""
    engine = make_engine(database_url)
    with Session(engine, expire_on_commit=False) as session:
        educator = models.Educator(
            email=educators.normalise_email(email), password_hash=password_hash(password)
        )
        session.add(educator)
        session.commit()
    engine.dispose()
    return educator
