"""Erasure on request and retention purge, on SQLite and PostgreSQL (progress and tracker)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, func, insert, select, update
from sqlalchemy.orm import Session

from api.core.db import make_engine
from api.core.settings import ApiSettings
from api.data.models import Learner, ProgressEvent
from api.data.retention import RASA_EVENTS, purge
from api.main import create_app

ALICE, BOB = "a" * 64, "b" * 64
NOW = datetime.now(UTC)


@pytest.fixture
def tracker(database_url: str) -> Iterator[Engine]:
    """Rasa's events table in the same kind of database as the progress one."""
    engine = make_engine(database_url)
    RASA_EVENTS.create(engine, checkfirst=True)
    yield engine
    RASA_EVENTS.drop(engine)
    engine.dispose()


@pytest.fixture
def app_client(settings: ApiSettings, database_url: str, tracker: Engine) -> Iterator[TestClient]:
    with TestClient(create_app(settings.model_copy(update={"tracker_url": database_url}))) as c:
        yield c


def ingest(client: TestClient, settings: ApiSettings, learner: str, when: datetime) -> None:
    event = {
        "id": str(uuid.uuid4()),
        "type": "step_scored",
        "learner": learner,
        "scenario": "annonce_mairie_college",
        "step": "verdict",
        "points": 2,
        "max_points": 4,
        "occurred_at": when.isoformat(),
    }
    headers = {"Authorization": f"Bearer {settings.secret('ingest_token')}"}
    assert client.post("/api/v1/events", json=event, headers=headers).status_code == 200


def converse(tracker: Engine, learner: str, when: datetime, count: int = 3) -> None:
    with tracker.begin() as connection:
        connection.execute(
            insert(RASA_EVENTS),
            [{"sender_id": learner, "timestamp": when.timestamp()} for _ in range(count)],
        )


def tracker_rows(tracker: Engine, learner: str) -> int:
    with tracker.connect() as connection:
        query = select(func.count()).where(RASA_EVENTS.c.sender_id == learner)
        return connection.execute(query).scalar_one()


def progress_rows(engine: Engine, learner: str) -> int:
    with Session(engine) as session:
        query = select(func.count()).where(ProgressEvent.learner_id == learner)
        return session.execute(query).scalar_one()


def test_erase_endpoint_forgets_one_learner_everywhere(
    app_client: TestClient, settings: ApiSettings, engine: Engine, tracker: Engine
) -> None:
    for learner in (ALICE, BOB):
        ingest(app_client, settings, learner, NOW)
        converse(tracker, learner, NOW)
    headers = {"Authorization": f"Bearer {settings.secret('ingest_token')}"}
    assert app_client.post(f"/api/v1/learners/{ALICE}/erase").status_code == 401
    response = app_client.post(f"/api/v1/learners/{ALICE}/erase", headers=headers)
    assert response.json() == {"progress_events": 1, "conversation_events": 3}
    assert (progress_rows(engine, ALICE), tracker_rows(tracker, ALICE)) == (0, 0)
    assert (progress_rows(engine, BOB), tracker_rows(tracker, BOB)) == (1, 3)
    with Session(engine) as session:
        assert session.get(Learner, ALICE) is None
    bad = app_client.post("/api/v1/learners/not-a-pseudonym/erase", headers=headers)
    assert bad.status_code == 422


def test_purge_keeps_only_what_is_within_retention(
    app_client: TestClient, settings: ApiSettings, engine: Engine, tracker: Engine
) -> None:
    converse(tracker, ALICE, NOW - timedelta(days=31), count=4)
    converse(tracker, ALICE, NOW - timedelta(days=2), count=2)
    ingest(app_client, settings, ALICE, NOW - timedelta(days=400))
    ingest(app_client, settings, BOB, NOW - timedelta(days=10))
    with Session(engine) as session:
        session.execute(
            update(Learner).where(Learner.id == ALICE).values(last_seen=NOW - timedelta(days=400))
        )
        session.commit()
    with Session(engine) as session:
        report = purge(session, tracker, now=NOW, conversation_days=30, progress_days=365)
    assert (report.tracker_events, report.learners, report.progress_events) == (4, 1, 1)
    assert tracker_rows(tracker, ALICE) == 2
    assert (progress_rows(engine, ALICE), progress_rows(engine, BOB)) == (0, 1)


def test_ingesting_keeps_an_active_learner_within_retention(
    app_client: TestClient, settings: ApiSettings, engine: Engine
) -> None:
    ingest(app_client, settings, ALICE, NOW)
    with Session(engine) as session:
        session.execute(update(Learner).values(last_seen=NOW - timedelta(days=400)))
        session.commit()
    ingest(app_client, settings, ALICE, NOW)
    with Session(engine) as session:
        last_seen = session.get(Learner, ALICE).last_seen
    assert last_seen.replace(tzinfo=last_seen.tzinfo or UTC) > NOW - timedelta(days=1)
