"""Progress-event ingestion: authentication, validation and exactly-once storage."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, text

from api.core.settings import ApiSettings

LEARNER = "a" * 64


def event(**overrides) -> dict:
    base = {
        "id": str(uuid.uuid4()),
        "type": "step_scored",
        "learner": LEARNER,
        "scenario": "annonce_mairie_college",
        "step": "verdict",
        "points": 3,
        "max_points": 4,
        "occurred_at": datetime.now(UTC).isoformat(),
    }
    return base | overrides


def auth(settings: ApiSettings) -> dict[str, str]:
    return {"Authorization": f"Bearer {settings.secret('ingest_token')}"}


def count(settings: ApiSettings) -> int:
    engine = create_engine(settings.effective_database_url)
    with engine.connect() as connection:
        return connection.execute(text("SELECT COUNT(*) FROM progress_events")).scalar_one()


def test_no_or_wrong_token_is_401(client: TestClient) -> None:
    assert client.post("/api/v1/events", json=event()).status_code == 401
    wrong = {"Authorization": "Bearer nope"}
    assert client.post("/api/v1/events", json=event(), headers=wrong).status_code == 401


def test_an_event_is_stored_once_however_often_it_is_sent(
    client: TestClient, api_settings: ApiSettings
) -> None:
    one = event()
    first = client.post("/api/v1/events", json=one, headers=auth(api_settings))
    assert first.json() == {"stored": 1, "duplicates": 0}
    again = client.post(
        "/api/v1/events", json={"events": [one, one, event()]}, headers=auth(api_settings)
    )
    assert again.json() == {"stored": 1, "duplicates": 2}
    assert count(api_settings) == 2


@pytest.mark.parametrize(
    "overrides",
    [
        {"scenario": "no_such_scenario"},
        {"points": -1},
        {"points": 5, "max_points": 4},
        {"occurred_at": (datetime.now(UTC) + timedelta(days=1)).isoformat()},
        {"occurred_at": "2026-01-01T10:00:00"},
        {"learner": "Alice"},
        {"type": "chat_message"},
        {"text": "je regarderais la source"},
        {"confidence": 7},
        {"criteria_found": ["SOURCE", "GUESS"]},
    ],
)
def test_invalid_events_are_422_and_nothing_is_stored(
    client: TestClient, api_settings: ApiSettings, overrides: dict
) -> None:
    response = client.post("/api/v1/events", json=event(**overrides), headers=auth(api_settings))
    assert response.status_code == 422
    assert count(api_settings) == 0


def test_distress_is_a_counter_without_learner(
    client: TestClient, api_settings: ApiSettings
) -> None:
    distress = {
        "id": str(uuid.uuid4()),
        "type": "distress",
        "occurred_at": datetime.now(UTC).isoformat(),
    }
    assert (
        client.post("/api/v1/events", json=distress, headers=auth(api_settings)).status_code == 200
    )
    with_learner = distress | {"id": str(uuid.uuid4()), "learner": LEARNER}
    response = client.post("/api/v1/events", json=with_learner, headers=auth(api_settings))
    assert response.status_code == 422


@pytest.mark.parametrize("form", ["quiz_a", "quiz_b", "quiz_c"])
def test_answers_to_every_quiz_form_are_stored(
    client: TestClient, api_settings: ApiSettings, form: str
) -> None:
    answer = event(
        type="quiz_answered",
        scenario=form,
        step=f"{form[-1]}01",
        points=1,
        max_points=1,
        correct=True,
        item_reliable=False,
    )
    response = client.post("/api/v1/events", json=answer, headers=auth(api_settings))
    assert response.json() == {"stored": 1, "duplicates": 0}
    unknown = answer | {"id": str(uuid.uuid4()), "scenario": "quiz_d"}
    response = client.post("/api/v1/events", json=unknown, headers=auth(api_settings))
    assert response.status_code == 422
