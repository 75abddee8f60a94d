"""The real API app on a throw-away, migrated SQLite database (Rasa on a closed port), with an
educator who owns one class, signed in both ways: bearer token and dashboard session cookie.

Never mocks the app: requests go through every middleware, router and template.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from api import educators
from api.db import make_engine
from api.main import create_app
from api.migrate import upgrade
from api.settings import ApiSettings
from tests.conftest import free_port

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
    settings = ApiSettings(
        var_dir=var_dir,
        rasa_url=f"http://127.0.0.1:{free_port()}",
        rasa_connect_retries=0,
        DATABASE_URL=f"sqlite:///{var_dir / 'vigie.db'}",
        **overrides,
    )
    upgrade(settings.effective_database_url)
    return settings


def signed_in(client: TestClient, settings: ApiSettings) -> Educator:
    """Create the educator, get a bearer token, open a dashboard session, create a class."""
    engine = make_engine(settings.effective_database_url)
    with Session(engine) as session:
        educators.create(session, email=EMAIL, password=PASSWORD)
    engine.dispose()
    token = client.post("/api/v1/auth/token", data={"username": EMAIL, "password": PASSWORD})
    assert token.status_code == 200, token.text
    auth = {"Authorization": f"Bearer {token.json()['access_token']}"}
    form = {"email": EMAIL, "password": PASSWORD, "csrf_token": csrf_of(client.get(LOGIN).text)}
    assert client.post(LOGIN, data=form, follow_redirects=False).status_code == 303
    created = client.post("/api/v1/classes", json={"name": "4e B"}, headers=auth)
    assert created.status_code == 201, created.text
    return Educator(client, auth, created.json()["code"], settings)


@pytest.fixture
def educator(tmp_path: Path) -> Iterator[Educator]:
    settings = make_settings(tmp_path)
    with TestClient(create_app(settings)) as client:
        yield signed_in(client, settings)
