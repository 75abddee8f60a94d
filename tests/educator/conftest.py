"""Educator-side fixtures: every test runs on SQLite and on a real PostgreSQL 15 (Debian's
server, started once per session in a throw-away directory), through the real app.

Never mocks the database: the schema always comes from the Alembic migrations.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, text
from sqlalchemy.orm import Session

from api.core.db import make_engine
from api.core.settings import ApiSettings
from api.data.migrate import upgrade
from api.data.models import Educator
from api.main import create_app
from devtools.postgres import ThrowawayPostgres
from devtools.processes import free_port
from tests.support import educators
from tests.support.database import migrated_sqlite

PASSWORD = "mot-de-passe-solide"
TABLES = "progress_events, learners, classrooms, educators, erasures"
BACKENDS = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]


@pytest.fixture(scope="session")
def password_hash() -> str:
    """One argon2 hash of PASSWORD, reused."""
    return educators.password_hash(PASSWORD)


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[ThrowawayPostgres]:
    server = ThrowawayPostgres().start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="session")
def postgres_url(postgres_server: ThrowawayPostgres) -> str:
    url = postgres_server.create_database("vigie_educator")
    upgrade(url)
    return url


@pytest.fixture(params=BACKENDS)
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return migrated_sqlite(tmp_path / "vigie.db")
    url: str = request.getfixturevalue("postgres_url")
    engine = make_engine(url)
    with engine.begin() as connection:
        connection.execute(text(f"TRUNCATE {TABLES} RESTART IDENTITY CASCADE"))
    engine.dispose()
    return url


@pytest.fixture
def settings(database_url: str, tmp_path: Path) -> ApiSettings:
    return ApiSettings(
        var_dir=tmp_path,
        rasa_url=f"http://127.0.0.1:{free_port()}",
        rasa_connect_retries=1,
        DATABASE_URL=database_url,
    )


@pytest.fixture
def engine(settings: ApiSettings) -> Iterator[Engine]:
    engine = make_engine(settings.effective_database_url)
    yield engine
    engine.dispose()


@pytest.fixture
def client(settings: ApiSettings) -> Iterator[TestClient]:
    with TestClient(create_app(settings)) as test_client:
        yield test_client


@pytest.fixture
def make_educator(engine: Engine, password_hash: str) -> Callable[[str], Educator]:
    """Insert an educator whose password is PASSWORD."""

    def make(email: str) -> Educator:
        with Session(engine, expire_on_commit=False) as session:
            educator = Educator(email=email, password_hash=password_hash)
            session.add(educator)
            session.commit()
            return educator

    return make


@pytest.fixture
def bearer(settings: ApiSettings) -> Callable[[Educator], dict[str, str]]:
    """Authorization headers for an educator, signed like the token endpoint does."""

    def headers(educator: Educator) -> dict[str, str]:
        return educators.bearer_headers(settings, educator.id, educator.password_hash)

    return headers


@pytest.fixture
def alice(make_educator: Callable[[str], Educator]) -> Educator:
    return make_educator("alice@college.example")


@pytest.fixture
def alice_auth(alice: Educator, bearer: Callable[[Educator], dict[str, str]]) -> dict[str, str]:
    return bearer(alice)


@pytest.fixture
def ingest(client: TestClient, settings: ApiSettings) -> Callable[[list[dict]], None]:
    """Post events through the real ingestion endpoint, in batches."""
    headers = {"Authorization": f"Bearer {settings.secret('ingest_token')}"}

    def post(events: list[dict]) -> None:
        for start in range(0, len(events), 500):
            response = client.post(
                "/api/v1/events", json={"events": events[start : start + 500]}, headers=headers
            )
            assert response.status_code == 200, response.text

    return post


@pytest.fixture
def join(client: TestClient, engine: Engine) -> Callable[[str, int], list[str]]:
    """Make n learners join a class through POST /chat/session; returns their pseudonyms."""

    def make(code: str, n: int) -> list[str]:
        with engine.connect() as connection:
            before = set(connection.execute(text("SELECT id FROM learners")).scalars())
        for _ in range(n):
            assert client.post("/chat/session", json={"class_code": code}).status_code == 201
        with engine.connect() as connection:
            after = connection.execute(
                text("SELECT id FROM learners WHERE class_code = :code"), {"code": code}
            ).scalars()
            return sorted(set(after) - before)

    return make
