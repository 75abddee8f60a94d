"""Erasure reaches every replica and fails loudly (issue 13, item 9): events of a forgotten
learner still waiting in another action server's outbox are dropped when they arrive; a tracker
URL without Rasa's table makes the erasure fail (503) instead of reporting success; the purge
says so and forgets erasure records after their time. Real outboxes, the real API process."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from actions.outbox import Outbox
from actions.reporter import ApiSender
from actions.settings import ActionSettings
from api.core.db import make_engine
from api.data.models import Erasure, Learner, ProgressEvent
from api.data.retention import RASA_EVENTS, purge
from api.main import create_app
from tests.security.conftest import LiveApi, make_settings, start_api, stop_api

LEARNER = "c" * 64
SCENARIO = "annonce_mairie_college"


def event(kind: str = "scenario_started", when: datetime | None = None) -> dict:
    moment = when or datetime.now(UTC)
    return {"id": str(uuid.uuid4()), "type": kind, "learner": LEARNER, "scenario": SCENARIO,
            "occurred_at": moment.isoformat()}  # fmt: skip


@pytest.fixture
def api(tmp_path: Path) -> Iterator[LiveApi]:
    tracker = tmp_path / "rasa_tracker.db"  # as Rasa leaves it after its first start
    engine = make_engine(f"sqlite:///{tracker}")
    RASA_EVENTS.create(engine)
    engine.dispose()
    live = start_api(tmp_path / "var", "erasure", VIGIE_TRACKER_DB=str(tracker))
    try:
        yield live
    finally:
        stop_api(live)


def replica(api: LiveApi, index: int) -> tuple[Outbox, ApiSender]:
    """An action server's outbox delivering to the API, flushed by the test (no thread)."""
    settings = ActionSettings(var_dir=api.var_dir, api_url=api.url)
    sender = ApiSender(settings)
    outbox = Outbox(api.var_dir / f"outbox-{index}.db", sender, 100, 30.0)
    outbox._ensure_thread = lambda: None  # type: ignore[method-assign]  # no thread: see above
    return outbox, sender


def progress_of(api: LiveApi) -> tuple[int, int]:
    engine = make_engine(api.database_url)
    with Session(engine) as session:
        events = session.scalar(select(func.count()).where(ProgressEvent.learner_id == LEARNER))
        learners = session.scalar(select(func.count()).where(Learner.id == LEARNER))
    engine.dispose()
    return events or 0, learners or 0


@pytest.mark.slow
def test_events_left_in_another_replicas_outbox_do_not_bring_a_learner_back(
    api: LiveApi,
) -> None:
    first, _ = replica(api, 1)
    second, _ = replica(api, 2)
    first.put([event()])
    assert first.flush_once() == 1
    # Replica 2 holds an event of the same learner, not delivered yet (a slow disk, an API
    # restart: it waits in the outbox).
    second.put([event("hint_used")])
    assert second.pending() == 1

    # The learner says "oubli" on replica 1: the chat path erases through the API.
    token = ActionSettings(var_dir=api.var_dir).secret("ingest_token")
    erased = httpx.post(
        f"{api.url}/api/v1/learners/{LEARNER}/erase", headers={"Authorization": f"Bearer {token}"}
    )
    assert erased.status_code == 200 and erased.json()["progress_events"] == 1
    first.forget(LEARNER)
    assert progress_of(api) == (0, 0)

    assert second.flush_once() == 1 and second.pending() == 0  # delivered… and dropped
    assert progress_of(api) == (0, 0)

    # The same learner coming back afterwards (Telegram keeps its pseudonym) starts afresh.
    second.put([event(when=datetime.now(UTC) + timedelta(seconds=1))])
    assert second.flush_once() == 1
    assert progress_of(api) == (1, 1)


def test_an_erasure_fails_loudly_when_the_tracker_url_is_wrong(tmp_path: Path) -> None:
    wrong = tmp_path / "not-rasas.db"  # e.g. VIGIE_TRACKER_URL naming another database
    settings = make_settings(tmp_path / "var", tracker_url=f"sqlite:///{wrong}")
    with TestClient(create_app(settings)) as client:
        headers = {"Authorization": f"Bearer {settings.secret('ingest_token')}"}
        response = client.post(f"/api/v1/learners/{LEARNER}/erase", headers=headers)
    assert response.status_code == 503
    assert "VIGIE_TRACKER_URL" in response.json()["detail"]
    assert str(wrong) in response.json()["detail"]


def test_the_purge_warns_about_a_missing_tracker_and_forgets_old_erasures(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from api.core.settings import get_settings
    from ops.cli import main

    settings = make_settings(tmp_path / "var")
    engine = make_engine(settings.effective_database_url)
    now = datetime.now(UTC)
    with Session(engine) as session:
        session.add_all([
            Erasure(learner_hash="1" * 64, erased_at=now - timedelta(days=31)),
            Erasure(learner_hash="2" * 64, erased_at=now - timedelta(days=1)),
        ])  # fmt: skip
        session.commit()
        report = purge(
            session, make_engine(f"sqlite:///{tmp_path / 'x.db'}"), now=now,
            conversation_days=30, progress_days=365, erasure_days=30,
        )  # fmt: skip
        assert report.erasures == 1 and not report.tracker_found
        assert [e.learner_hash for e in session.scalars(select(Erasure))] == ["2" * 64]
    engine.dispose()

    monkeypatch.setenv("VIGIE_VAR_DIR", str(settings.var_dir))
    monkeypatch.setenv("DATABASE_URL", settings.effective_database_url)
    get_settings.cache_clear()
    try:
        assert main(["purge"]) == 0
    finally:
        get_settings.cache_clear()
    assert "no Rasa tracker table" in capsys.readouterr().err


@pytest.mark.slow
def test_an_event_without_a_learner_is_never_dropped(api: LiveApi) -> None:
    outbox, _ = replica(api, 3)
    distress = {"id": str(uuid.uuid4()), "type": "distress",
                "occurred_at": datetime.now(UTC).isoformat()}  # fmt: skip
    outbox.put([distress])
    assert outbox.flush_once() == 1
    engine = make_engine(api.database_url)
    with Session(engine) as session:
        assert session.get(ProgressEvent, distress["id"]) is not None
    engine.dispose()
