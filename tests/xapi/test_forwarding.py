"""The forwarder against a real Ralph LRS: events ingested by the real API are queued in its
database, sent in the background and read back from Ralph as built; re-sending is harmless;
Ralph down → kept and retried → delivered exactly once when it is back; erasure removes what is
still queued; the class group only when its educator shares it; secrets never logged; off by
default; `vigie xapi forward` once."""

from __future__ import annotations

import logging
import os
import subprocess
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from api.core.db import make_engine, session_factory
from api.core.settings import ApiSettings
from api.data import xapi_outbox
from api.data.xapi_outbox import QueuedEvent
from api.main import create_app
from api.reports.xapi_statements import Deployment, statements
from api.web.xapi_forwarder import Forwarder, make_client
from devtools.processes import free_port
from devtools.wait import wait_for
from scenarios.loader import default_catalogue
from tests.support.database import migrated_sqlite
from tests.xapi.conftest import (
    BASE,
    HEADERS,
    PASSWORD,
    USER,
    Api,
    RalphLRS,
    learner,
    ralph_errors,
    settings_for,
)
from vigie.settings import PROJECT_ROOT

pytestmark = pytest.mark.slow

CATALOGUE = default_catalogue()
SCENARIO = next(iter(CATALOGUE.scenarios.values()))
COMPARED = ("id", "actor", "verb", "object", "result", "context", "timestamp", "version")


def event(who: str | None, kind: str, **fields: Any) -> dict[str, Any]:
    at = fields.pop("at", datetime.now(UTC) - timedelta(minutes=5))
    made = {"id": str(uuid.uuid4()), "type": kind, "learner": who, "occurred_at": at.isoformat()}
    return made | fields


def a_scenario(who: str) -> list[dict[str, Any]]:
    step = SCENARIO.steps[0].id
    return [
        event(who, "scenario_started", scenario=SCENARIO.id),
        event(who, "hint_used", scenario=SCENARIO.id, step=step),
        event(
            who,
            "step_scored",
            scenario=SCENARIO.id,
            step=step,
            points=2,
            max_points=3,
            criteria_found=["DATE"],
            criteria_expected=["DATE", "SOURCE"],
        ),
        event(
            who,
            "quiz_answered",
            scenario="quiz_a",
            step="a01",
            points=1,
            max_points=1,
            correct=True,
            item_reliable=False,
        ),
        event(who, "scenario_completed", scenario=SCENARIO.id, points=8, max_points=10),
    ]


def expected(events: list[dict[str, Any]], group: str | None) -> dict[str, dict[str, Any]]:
    """The statements the forwarder must have delivered for these events, by id."""
    deployment = Deployment(base_url=BASE, catalogue=CATALOGUE, pass_threshold=0.7)
    made = {}
    for sent in events:
        queued = QueuedEvent(
            id=sent["id"],
            type=sent["type"],
            learner=sent["learner"],
            scenario=sent.get("scenario"),
            step=sent.get("step"),
            points=sent.get("points"),
            max_points=sent.get("max_points"),
            correct=sent.get("correct"),
            criteria_found=tuple(sent.get("criteria_found", ())),
            criteria_expected=tuple(sent.get("criteria_expected", ())),
            occurred_at=datetime.fromisoformat(sent["occurred_at"]),
            attempts=0,
            group=group,
        )
        made |= {statement["id"]: statement for statement in statements(queued, deployment)}
    return made


def in_lrs(ralph: RalphLRS, ids: set[str]) -> list[dict[str, Any]]:
    return [statement for statement in ralph.statements() if statement["id"] in ids]


def test_statements_reach_ralph_as_built_and_resending_is_harmless(
    ralph: RalphLRS, make_api: Callable[..., Api]
) -> None:
    api = make_api(ralph.url)
    teacher = api.educator("alice@college.example")
    shared, private = api.new_class(teacher), api.new_class(teacher)
    response = api.client.put(f"/api/v1/classes/{shared}/xapi-group", headers=teacher)
    assert response.json() == {"share_class_code": True}
    in_shared, in_private, alone = learner(), learner(), learner()
    api.join(in_shared, shared)
    api.join(in_private, private)
    played = {who: a_scenario(who) for who in (in_shared, in_private, alone)}
    distress = event(None, "distress")
    api.ingest([e for events in played.values() for e in events] + [distress])

    assert wait_for(lambda: api.counts() == {"queued": 0, "sent": 12, "rejected": 0}, 20)
    want = (
        expected(played[in_shared], shared)
        | expected(played[in_private], None)
        | expected(played[alone], None)
    )
    got = {s["id"]: s for s in in_lrs(ralph, set(want))}
    assert len(want) == 15  # 4 forwarded events each, one of them also « passed »
    assert {key: {f: s.get(f) for f in COMPARED} for key, s in got.items()} == {
        key: {f: s.get(f) for f in COMPARED} for key, s in want.items()
    }
    assert ralph_errors(list(got.values())) == ""
    teams = {s["actor"]["account"]["name"]: s["context"].get("team") for s in got.values()}
    assert teams[in_shared] == {
        "objectType": "Group",
        "account": {"homePage": BASE, "name": shared},
    }
    assert teams[in_private] is None and teams[alone] is None

    # the action server's outbox re-sends (a lost answer): nothing is queued or sent again
    api.ingest([e for events in played.values() for e in events])
    assert api.counts() == {"queued": 0, "sent": 12, "rejected": 0}
    assert len(in_lrs(ralph, set(want))) == 15


def test_ralph_down_keeps_everything_and_delivers_it_once_when_back(
    tmp_path_factory: pytest.TempPathFactory, make_api: Callable[..., Api]
) -> None:
    lrs = RalphLRS(tmp_path_factory.mktemp("ralph-outage")).start()
    try:
        api = make_api(lrs.url)
        first = a_scenario(learner())
        api.ingest(first)
        assert wait_for(lambda: api.counts()["sent"] == 4, 20)
        lrs.stop()
        during = a_scenario(learner()) + a_scenario(learner())
        api.ingest(during)
        # several rounds fail (connection refused), with growing delays; nothing is dropped
        assert wait_for(lambda: api.attempts() >= 2, 20)
        assert api.counts() == {"queued": 8, "sent": 4, "rejected": 0}
        lrs.start()
        assert wait_for(lambda: api.counts() == {"queued": 0, "sent": 12, "rejected": 0}, 20)
        want = expected(first + during, None)
        ids = [s["id"] for s in lrs.statements()]
        assert sorted(ids) == sorted(want)  # each statement exactly once
    finally:
        lrs.stop()


def test_an_outage_is_logged_when_it_starts_not_at_every_round(
    make_api: Callable[..., Api], caplog: pytest.LogCaptureFixture
) -> None:
    api = make_api(f"http://127.0.0.1:{free_port()}", xapi_interval_seconds=3600)  # no LRS
    api.ingest(a_scenario(learner()))
    caplog.set_level(logging.DEBUG)
    with make_client(api.settings) as client:
        forwarder = Forwarder(api.settings, session_factory(api.engine), CATALOGUE, client)
        assert forwarder.forward_once().waiting == 4
        assert wait_for(lambda: forwarder.forward_once().waiting, 5, every=0.1) == 4
    failed = [r.levelname for r in caplog.records if "the LRS did not take" in r.getMessage()]
    assert failed == ["WARNING", "DEBUG"]
    assert api.counts()["queued"] == 4


def test_erasure_removes_the_learners_queued_statements(
    make_api: Callable[..., Api],
) -> None:
    api = make_api(f"http://127.0.0.1:{free_port()}")  # no LRS there: everything stays queued
    forgotten, other = learner(), learner()
    api.ingest(a_scenario(forgotten) + a_scenario(other))
    assert api.counts()["queued"] == 8
    response = api.client.post(f"/api/v1/learners/{forgotten}/erase", headers=api.internal)
    assert response.status_code in (200, 503)  # 503: no Rasa tracker here; progress is erased
    assert api.counts()["queued"] == 4
    with Session(api.engine) as session:
        left = xapi_outbox.due(session, now=datetime.now(UTC) + timedelta(days=1), limit=100)
    assert {queued.learner for queued in left} == {other}


def test_refused_credentials_are_retried_and_never_logged(
    ralph: RalphLRS, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    wrong = "a-wrong-password-that-must-not-be-logged"
    settings = settings_for(tmp_path, ralph.url, xapi_lrs_password=wrong)
    engine = make_engine(settings.effective_database_url)
    sessions = session_factory(engine)
    events = a_scenario(learner())
    with TestClient(create_app(settings.model_copy(update={"xapi_interval_seconds": 3600}))) as c:
        internal = {"Authorization": f"Bearer {settings.secret('ingest_token')}"}
        assert (
            c.post("/api/v1/events", json={"events": events}, headers=internal).status_code == 200
        )
    caplog.set_level(logging.DEBUG)
    with make_client(settings) as client:
        done = Forwarder(settings, sessions, CATALOGUE, client).forward_once()
    assert (done.sent, done.waiting, done.lrs_error) == (0, 4, "401")
    with sessions() as session:
        assert xapi_outbox.counts(session)["queued"] == 4
    assert "HTTP 401" in caplog.text
    assert wrong not in caplog.text and PASSWORD not in caplog.text
    engine.dispose()


def test_off_by_default_nothing_is_queued(tmp_path: Path) -> None:
    settings = ApiSettings(var_dir=tmp_path, DATABASE_URL=migrated_sqlite(tmp_path / "vigie.db"))
    assert settings.xapi_enabled is False
    with TestClient(create_app(settings)) as client:
        internal = {"Authorization": f"Bearer {settings.secret('ingest_token')}"}
        body = {"events": a_scenario(learner())}
        assert client.post("/api/v1/events", json=body, headers=internal).status_code == 200
    with Session(make_engine(settings.effective_database_url)) as session:
        assert xapi_outbox.counts(session) == {"queued": 0, "sent": 0, "rejected": 0}


def test_the_class_group_choice_is_the_educators_own(make_api: Callable[..., Api]) -> None:
    api = make_api(f"http://127.0.0.1:{free_port()}")
    alice, bob = api.educator("alice@college.example"), api.educator("bob@lycee.example")
    code = api.new_class(alice)
    url = f"/api/v1/classes/{code}/xapi-group"
    assert api.client.get(url, headers=alice).json() == {"share_class_code": False}
    assert api.client.put(url, headers=bob).status_code == 404
    assert api.client.put(url).status_code == 401
    assert api.client.get(url, headers=alice).json() == {"share_class_code": False}
    assert api.client.put(url, headers=alice).json() == {"share_class_code": True}
    assert api.client.put(url, headers=alice).json() == {"share_class_code": True}  # idempotent
    assert api.client.get(url, headers=alice).json() == {"share_class_code": True}
    assert api.client.delete(url, headers=bob).status_code == 404
    assert api.client.delete(url, headers=alice).json() == {"share_class_code": False}
    assert api.client.get(url, headers=alice).json() == {"share_class_code": False}


def test_vigie_xapi_forward_once(ralph: RalphLRS, make_api: Callable[..., Api]) -> None:
    api = make_api(ralph.url, xapi_interval_seconds=3600)  # the background round waits: the CLI
    events = a_scenario(learner())
    api.ingest(events)
    assert api.counts()["queued"] == 4
    env = {
        "PATH": os.environ["PATH"],
        "VIGIE_VAR_DIR": str(api.settings.var_dir),
        "DATABASE_URL": api.settings.effective_database_url,
        "VIGIE_PUBLIC_URL": BASE,
        "VIGIE_XAPI_ENABLED": "true",
        "VIGIE_XAPI_LRS_URL": f"{ralph.url}/xAPI",
        "VIGIE_XAPI_LRS_USERNAME": USER,
        "VIGIE_XAPI_LRS_PASSWORD": PASSWORD,
    }
    done = subprocess.run(
        [str(PROJECT_ROOT / ".venv/bin/vigie"), "xapi", "forward"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "4 events sent" in done.stdout and "0 queued" in done.stdout
    assert PASSWORD not in done.stdout + done.stderr
    assert api.counts() == {"queued": 0, "sent": 4, "rejected": 0}
    assert len(in_lrs(ralph, set(expected(events, None)))) == 5


def test_a_statement_the_lrs_refuses_is_set_aside_and_holds_back_no_other(
    ralph: RalphLRS, make_api: Callable[..., Api]
) -> None:
    """Ralph answers 409 to a batch holding an id it already has with other content: the batch
    is sent again one event at a time, the refused one is set aside, the others delivered."""
    api = make_api(ralph.url, xapi_interval_seconds=3600)  # rounds run by hand below
    events = a_scenario(learner())
    clash = expected([events[0]], None)
    taken = next(iter(clash.values())) | {"verb": {"id": "http://adlnet.gov/expapi/verbs/voided"}}
    with httpx.Client(auth=(USER, PASSWORD), headers=HEADERS, timeout=10) as client:
        assert client.post(f"{ralph.url}/xAPI/statements", json=[taken]).status_code == 200
    api.ingest(events)
    sessions = session_factory(api.engine)
    with make_client(api.settings) as client:
        done = Forwarder(api.settings, sessions, CATALOGUE, client).forward_once()
    assert (done.sent, done.rejected, done.waiting) == (3, 1, 0)
    assert api.counts() == {"queued": 0, "sent": 3, "rejected": 1}
    delivered = {s["id"] for s in ralph.statements()}
    assert set(expected(events[1:], None)) <= delivered
