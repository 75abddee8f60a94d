"""Badge fixtures: the real API on a throw-away migrated SQLite database, a learner whose
`badge_awarded` event went through the real ingestion endpoint, and an issuing helper.

Never mocks the signing key or the database.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient

from api.core.settings import ApiSettings
from api.main import create_app
from tests.support.api import offline_api_settings

LEARNER = "a" * 64
STRANGER = "b" * 64
Issue = Callable[..., httpx.Response]


@pytest.fixture
def api_settings(tmp_path: Path) -> ApiSettings:
    return offline_api_settings(tmp_path, public_url="https://vigie.example")


@pytest.fixture
def client(api_settings: ApiSettings) -> Iterator[TestClient]:
    with TestClient(create_app(api_settings)) as test_client:
        yield test_client


@pytest.fixture
def internal(api_settings: ApiSettings) -> dict[str, str]:
    return {"Authorization": f"Bearer {api_settings.secret('ingest_token')}"}


@pytest.fixture
def awarded(client: TestClient, internal: dict[str, str]) -> str:
    """LEARNER earned the SOURCE badge: the event the action server sends, through the API."""
    event = {
        "id": str(uuid.uuid4()),
        "type": "badge_awarded",
        "learner": LEARNER,
        "scenario": "site_imposteur_college",
        "criteria_found": ["SOURCE"],
        "occurred_at": datetime.now(UTC).isoformat(),
    }
    response = client.post("/api/v1/events", json={"events": [event]}, headers=internal)
    assert response.status_code == 200, response.text
    return LEARNER


@pytest.fixture
def issue(client: TestClient, internal: dict[str, str]) -> Issue:
    def post(learner: str = LEARNER, reflex: str = "SOURCE", **body: object) -> httpx.Response:
        return client.post(
            f"/api/v1/learners/{learner}/badges/{reflex}/credential", json=body, headers=internal
        )

    return post


@pytest.fixture
def credential(client: TestClient, awarded: str, issue: Issue) -> str:
    """A signed credential (compact JWS) downloaded through its one-time link."""
    response = issue(awarded)
    assert response.status_code == 201, response.text
    download = client.get(response.json()["url"].removeprefix("https://vigie.example"))
    assert download.status_code == 200, download.text
    return download.text
