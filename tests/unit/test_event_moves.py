"""Investigation moves on progress events (issue 16): tool codes only, at most one per tool, on
`step_scored` only, stored in the order used."""

from __future__ import annotations

import json

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, text

from api.core.settings import ApiSettings
from scenarios.schema import Tool
from tests.unit.test_api_events import auth, count, event


def stored_moves(settings: ApiSettings) -> list[str]:
    engine = create_engine(settings.effective_database_url)
    with engine.connect() as connection:
        moves = connection.execute(text("SELECT moves FROM progress_events")).scalar_one()
    engine.dispose()
    return moves if isinstance(moves, list) else json.loads(moves)  # SQLite gives the JSON text


def test_the_moves_of_an_investigation_are_stored_in_order(
    client: TestClient, api_settings: ApiSettings
) -> None:
    investigation = event(step="enquete", moves=["inspect", "search", "account"])
    response = client.post("/api/v1/events", json=investigation, headers=auth(api_settings))
    assert response.json() == {"stored": 1, "duplicates": 0}
    assert stored_moves(api_settings) == ["inspect", "search", "account"]


def test_an_event_without_moves_stores_none(client: TestClient, api_settings: ApiSettings) -> None:
    assert (
        client.post("/api/v1/events", json=event(), headers=auth(api_settings)).status_code == 200
    )
    assert stored_moves(api_settings) == []


@pytest.mark.parametrize(
    "overrides",
    [
        {"moves": ["search", "je cherche sur google"]},  # text, not a code
        {"moves": ["google"]},
        {"moves": "search"},
        {"moves": [tool.value for tool in Tool] + ["search"]},  # more than 8
        {"type": "hint_used", "moves": ["search"]},  # moves belong to step_scored
        {"type": "scenario_completed", "moves": ["inspect"]},
    ],
)
def test_anything_but_tool_codes_on_a_scored_step_is_422(
    client: TestClient, api_settings: ApiSettings, overrides: dict
) -> None:
    response = client.post("/api/v1/events", json=event(**overrides), headers=auth(api_settings))
    assert response.status_code == 422
    assert count(api_settings) == 0


def test_every_tool_fits_in_one_event(client: TestClient, api_settings: ApiSettings) -> None:
    every = event(step="enquete", moves=[tool.value for tool in Tool])
    assert client.post("/api/v1/events", json=every, headers=auth(api_settings)).status_code == 200
