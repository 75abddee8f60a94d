"""Small helpers shared by the educator tests: build events, create classes through the API.

Never reaches into the app's internals when the HTTP API can do it.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from fastapi.testclient import TestClient

from scenarios.loader import default_catalogue

CATALOGUE = default_catalogue()
SCENARIO, OTHER_SCENARIO = list(CATALOGUE.scenarios)[:2]
PARIS = ZoneInfo("Europe/Paris")
# Yesterday at 10:00 in Paris: a known class's events all fall on one dashboard day.
NOW = datetime.combine(
    datetime.now(PARIS).date() - timedelta(days=1), time(10), tzinfo=PARIS
).astimezone(UTC)


def event(learner: str, kind: str, **fields: Any) -> dict[str, Any]:
    at = fields.pop("at", NOW)
    return {
        "id": str(uuid.uuid4()),
        "type": kind,
        "learner": learner,
        "occurred_at": at.isoformat(),
        **fields,
    }


def new_class(client: TestClient, headers: dict[str, str], name: str = "4e B") -> str:
    response = client.post("/api/v1/classes", json={"name": name}, headers=headers)
    assert response.status_code == 201, response.text
    return response.json()["code"]


def summary(client: TestClient, headers: dict[str, str], code: str) -> dict[str, Any]:
    response = client.get(f"/api/v1/classes/{code}/summary", headers=headers)
    assert response.status_code == 200, response.text
    return response.json()


VERDICT_POINTS = [4, 4, 2, 0, 3, 2]


def quiz(
    learner: str, form: str, fakes_right: int, at: datetime, unsure: bool = False
) -> list[dict]:
    """Two fake and three reliable items; the last one « je ne sais pas » when `unsure`."""
    items = [("01", False), ("02", False), ("03", True), ("04", True), ("05", True)]
    events = []
    for index, (number, reliable) in enumerate(items):
        correct = (None if unsure and number == "05" else True) if reliable else index < fakes_right
        events.append(
            event(
                learner,
                "quiz_answered",
                scenario=form,
                step=f"{form[-1]}{number}",
                correct=correct,
                item_reliable=reliable,
                at=at + timedelta(seconds=index),
            )
        )
    return events


def known_class(learners: list[str]) -> list[dict]:
    """Six active learners; every figure of the summary can be computed by hand. Learner 5
    comes first, then 0 … 4 ten seconds apart: with k = 5 the figures are about learners 5, 0,
    1, 2 and 3 (the first five of each group), learner 4 waits for four more newcomers."""
    events: list[dict] = []
    for i, learner in enumerate(learners):
        offset = timedelta(seconds=10 * ((i + 1) % 6))
        early = NOW - timedelta(minutes=50) + offset
        late = NOW - timedelta(minutes=10) + offset
        both = i < 3
        events += [
            event(learner, "scenario_started", scenario=SCENARIO, at=early),
            event(
                learner,
                "step_scored",
                scenario=SCENARIO,
                step="verdict",
                points=VERDICT_POINTS[i],
                max_points=4,
                correct=VERDICT_POINTS[i] > 2,
                confidence=3,
                item_reliable=False,
                at=early + timedelta(minutes=1),
            ),
            event(
                learner,
                "step_scored",
                scenario=SCENARIO,
                step="ouverte",
                points=4 if both else 2,
                max_points=4,
                criteria_expected=["DATE", "SOURCE"],
                criteria_found=["DATE", "SOURCE"] if both else ["SOURCE", "EMOTION"],
                at=early + timedelta(minutes=2),
            ),
        ]
        if i < 5:
            events.append(event(learner, "scenario_completed", scenario=SCENARIO, at=early))
        if i < 3:
            events.append(event(learner, "scenario_started", scenario=OTHER_SCENARIO, at=early))
        first, second = ("quiz_b", "quiz_a") if i == 5 else ("quiz_a", "quiz_b")
        events += quiz(learner, first, fakes_right=1, at=early - timedelta(minutes=5), unsure=True)
        events += quiz(learner, second, fakes_right=2, at=late)
    if len(learners) < 6:
        return events
    late = NOW - timedelta(minutes=5)
    # learner 3 replays the verdict step: the latest result counts
    events.append(
        event(
            learners[3],
            "step_scored",
            scenario=SCENARIO,
            step="verdict",
            points=4,
            max_points=4,
            correct=True,
            confidence=4,
            item_reliable=False,
            at=late,
        )
    )
    # learner 5 answers a pre-test item again, right this time: the first answer counts
    events.append(
        event(
            learners[5],
            "quiz_answered",
            scenario="quiz_b",
            step="b02",
            correct=True,
            item_reliable=False,
            at=late + timedelta(minutes=1),
        )
    )
    return events
