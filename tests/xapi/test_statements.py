"""The statements of progress events (api/reports/xapi_statements.py): verbs, activities, score
and success, the pass threshold, deterministic ids, the class group only when shared, nothing
personal but the pseudonym; every statement of the catalogue valid for Ralph's xAPI models."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime
from typing import Any

import pytest

from api.data.xapi_outbox import QueuedEvent
from api.reports.xapi_statements import NAMESPACE, Deployment, statements
from scenarios.loader import default_catalogue
from tests.xapi.conftest import ralph_errors
from vigie.pseudonym import learner_id

CATALOGUE = default_catalogue()
SCENARIO = next(iter(CATALOGUE.scenarios.values()))
BASE = "https://vigie.example"
DEPLOYMENT = Deployment(base_url=BASE, catalogue=CATALOGUE, pass_threshold=0.7)
TELEGRAM_ID = "987654321"
LEARNER = learner_id("telegram", TELEGRAM_ID, "a-pepper-for-the-tests-only-0123456789")
AT = datetime(2026, 11, 30, 9, 15, 2, 123456, tzinfo=UTC)
ADL = "http://adlnet.gov/expapi/verbs/"


def queued(kind: str, **fields: Any) -> QueuedEvent:
    values: dict[str, Any] = {
        "id": str(uuid.uuid4()),
        "type": kind,
        "learner": LEARNER,
        "scenario": SCENARIO.id,
        "step": None,
        "points": None,
        "max_points": None,
        "correct": None,
        "criteria_found": (),
        "criteria_expected": (),
        "occurred_at": AT,
        "attempts": 0,
        "group": None,
    }
    return QueuedEvent(**(values | fields))


def every_kind() -> list[QueuedEvent]:
    """One event of each forwarded kind for every step of every scenario and every quiz item."""
    events = []
    for scenario in CATALOGUE.scenarios.values():
        events.append(queued("scenario_started", scenario=scenario.id))
        for step in scenario.steps:
            events.append(
                queued(
                    "step_scored",
                    scenario=scenario.id,
                    step=step.id,
                    points=2,
                    max_points=3,
                    criteria_found=("DATE",),
                    criteria_expected=("DATE", "SOURCE"),
                )
            )
        events.append(queued("scenario_completed", scenario=scenario.id, points=9, max_points=10))
        events.append(
            queued(
                "scenario_completed",
                scenario=scenario.id,
                points=1,
                max_points=10,
                group="CLASSE4B",
            )
        )
    for letter, items in CATALOGUE.quiz.forms.items():
        for item in items:
            events.append(
                queued(
                    "quiz_answered",
                    scenario=f"quiz_{letter}",
                    step=item.id,
                    points=1,
                    max_points=1,
                    correct=True,
                )
            )
    return events


def test_verbs_objects_and_results() -> None:
    step = SCENARIO.steps[1]
    [started] = statements(queued("scenario_started"), DEPLOYMENT)
    assert started["verb"]["id"] == ADL + "attempted"
    assert started["object"]["id"] == f"{BASE}/xapi/activities/scenarios/{SCENARIO.id}"
    assert started["object"]["definition"]["name"] == {"fr-FR": SCENARIO.title.fr}
    assert "result" not in started

    [answered] = statements(
        queued("step_scored", step=step.id, points=1, max_points=4, correct=False), DEPLOYMENT
    )
    assert answered["verb"]["id"] == ADL + "answered"
    assert answered["object"]["id"].endswith(f"/scenarios/{SCENARIO.id}/steps/{step.id}")
    assert answered["object"]["definition"]["name"]["fr-FR"] == f"{SCENARIO.title.fr} — étape 2"
    assert answered["result"] == {
        "score": {"scaled": 0.25, "raw": 1, "min": 0, "max": 4},
        "success": False,
    }
    assert answered["context"]["contextActivities"]["parent"][0]["id"] == started["object"]["id"]

    [quiz] = statements(
        queued(
            "quiz_answered", scenario="quiz_b", step="b07", points=1, max_points=1, correct=True
        ),
        DEPLOYMENT,
    )
    assert quiz["verb"]["id"] == ADL + "answered"
    assert quiz["object"]["id"] == f"{BASE}/xapi/activities/quiz/quiz_b/items/b07"
    assert quiz["result"]["success"] is True
    assert quiz["timestamp"] == "2026-11-30T09:15:02.123Z"
    assert quiz["version"] == "1.0.3"


@pytest.mark.parametrize(
    ("points", "verbs", "success"),
    [
        (7, ["completed", "passed"], True),
        (10, ["completed", "passed"], True),
        (6, ["completed"], False),
    ],
)
def test_passed_from_the_threshold(points: int, verbs: list[str], success: bool) -> None:
    event = queued("scenario_completed", points=points, max_points=10)
    made = statements(event, DEPLOYMENT)
    assert [s["verb"]["id"].removeprefix(ADL) for s in made] == verbs
    assert all(s["result"]["success"] is success and s["result"]["completion"] for s in made)
    assert made[0]["result"]["score"]["scaled"] == points / 10


def test_ids_are_uuid5_of_the_event_and_stable() -> None:
    event = queued("scenario_completed", points=9, max_points=10)
    first, second = statements(event, DEPLOYMENT), statements(event, DEPLOYMENT)
    assert first == second
    assert first[0]["id"] == str(uuid.uuid5(NAMESPACE, event.id))
    assert first[1]["id"] == str(uuid.uuid5(NAMESPACE, f"{event.id}:passed"))


def test_the_class_group_only_when_shared() -> None:
    alone = statements(queued("scenario_started"), DEPLOYMENT)[0]
    assert "team" not in alone["context"]
    shared = statements(queued("scenario_started", group="CLASSE4B"), DEPLOYMENT)[0]
    assert shared["context"]["team"] == {
        "objectType": "Group",
        "account": {"homePage": BASE, "name": "CLASSE4B"},
    }


def test_other_events_give_no_statement() -> None:
    for kind in ("hint_used", "badge_awarded", "distress"):
        assert statements(queued(kind), DEPLOYMENT) == []


def test_the_actor_is_the_pseudonym_account_and_nothing_else_is_personal() -> None:
    made = [s for event in every_kind() for s in statements(event, DEPLOYMENT)]
    for statement in made:
        assert statement["actor"] == {
            "objectType": "Agent",
            "account": {"homePage": BASE, "name": LEARNER},
        }
    text = json.dumps(made, ensure_ascii=False)
    assert TELEGRAM_ID not in text
    assert "@" not in text and "mbox" not in text and "openid" not in text
    # the pseudonym appears in the actor's account only
    assert text.count(LEARNER) == len(made)


@pytest.mark.slow
def test_every_statement_is_valid_for_ralphs_models() -> None:
    made = [s for event in every_kind() for s in statements(event, DEPLOYMENT)]
    assert len(made) > 3 * len(CATALOGUE.scenarios)
    assert ralph_errors(made) == ""


@pytest.mark.slow
def test_ralphs_models_do_refuse_a_broken_statement() -> None:
    """The validator is not a rubber stamp: a statement without its verb's id is refused."""
    broken = statements(queued("scenario_started"), DEPLOYMENT)[0]
    del broken["verb"]["id"]
    assert "statement 0" in ralph_errors([broken])
