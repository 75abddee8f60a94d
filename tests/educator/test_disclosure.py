"""What an educator could work out about one pupil from what Vigie publishes (issue 13, items 1,
3 and 4): a hidden cell by subtraction, a newcomer's score from two summaries a day apart, and
a pupil's rows in the CSV. Each attack is played through the API, as an educator would."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

from fastapi.testclient import TestClient

from tests.educator.helpers import (
    NOW,
    OTHER_SCENARIO,
    SCENARIO,
    event,
    known_class,
    new_class,
    quiz,
)
from tests.educator.helpers import summary as get_summary

Ingest = Callable[[list[dict]], None]
Join = Callable[[str, int], list[str]]


def published(client: TestClient, headers: dict[str, str], code: str) -> dict[str, Any]:
    """Everything the educator can read about the class, minus its code and name."""
    body = get_summary(client, headers, code)
    csv = client.get(f"/api/v1/classes/{code}/export.csv", headers=headers).text
    page = client.get(f"/api/v1/classes/{code}/report", headers=headers).text
    return {
        "summary": {key: value for key, value in body.items() if key not in {"code", "name"}},
        "csv": csv,
        "report": page.split("<main", 1)[1].replace(code, "CODE").replace(body["name"], "NAME"),
    }


def other_scenario_steps(learners: list[str], *, found: bool) -> list[dict]:
    """Learners 0–2 (fewer than k) work the DATE reflex in the other scenario."""
    return [
        event(
            learner,
            "step_scored",
            scenario=OTHER_SCENARIO,
            step="ouverte",
            points=4 if found else 0,
            max_points=4,
            criteria_expected=["DATE"],
            criteria_found=["DATE"] if found else [],
            at=NOW + timedelta(minutes=1),
        )
        for learner in learners[:3]
    ]


def test_a_hidden_cell_cannot_be_worked_back_from_the_totals(
    client: TestClient, alice_auth: dict[str, str], join: Join, ingest: Ingest
) -> None:
    worlds = []
    for found in (True, False):
        code = new_class(client, alice_auth, name="4e B")
        learners = join(code, 6)
        ingest(known_class(learners) + other_scenario_steps(learners, found=found))
        worlds.append((code, published(client, alice_auth, code)))
    (code, seen), (_, other_world) = worlds
    body = seen["summary"]
    shown = [row for row in body["scenarios"] if not row["suppressed"]]
    hidden = [row for row in body["scenarios"] if row["suppressed"]]
    assert [row["scenario"] for row in hidden] == [OTHER_SCENARIO]
    # total − shown rows = the hidden row's count: zero, whatever it really is (3 here)
    assert body["scenarios_started"] - sum(row["learners_started"] for row in shown) == 0
    assert body["scenarios_completed"] - sum(row["learners_completed"] for row in shown) == 0
    # overall mastery is over the shown cells only: overall − shown cell gives nothing hidden
    date = next(row for row in body["criteria"] if row["criterion"] == "DATE")
    assert date["by_scenario"][OTHER_SCENARIO] is None
    assert date["mastery"] == date["by_scenario"][SCENARIO]
    # what the hidden learners did in the hidden cell changes nothing the educator can read
    assert seen == other_world


def newcomer(learner: str, *, right: bool) -> list[dict]:
    """A pupil who joins after the first five, with every answer right, or every one wrong."""
    at = NOW + timedelta(hours=1)
    return [
        event(learner, "scenario_started", scenario=SCENARIO, at=at),
        event(
            learner,
            "step_scored",
            scenario=SCENARIO,
            step="verdict",
            points=4 if right else 0,
            max_points=4,
            correct=right,
            confidence=4,
            item_reliable=False,
            at=at + timedelta(minutes=1),
        ),
        event(
            learner,
            "step_scored",
            scenario=SCENARIO,
            step="ouverte",
            points=4 if right else 0,
            max_points=4,
            criteria_expected=["DATE", "SOURCE"],
            criteria_found=["DATE", "SOURCE"] if right else [],
            at=at + timedelta(minutes=2),
        ),
        event(learner, "scenario_completed", scenario=SCENARIO, at=at + timedelta(minutes=3)),
        *quiz(learner, "quiz_a", fakes_right=2 if right else 0, at=at + timedelta(minutes=4)),
        *quiz(learner, "quiz_b", fakes_right=2 if right else 0, at=at + timedelta(minutes=9)),
    ]


def test_a_newcomer_changes_nothing_until_k_newcomers_do(
    client: TestClient, alice_auth: dict[str, str], join: Join, ingest: Ingest
) -> None:
    """A class of k, then k + 1: the two summaries (and CSVs, and reports) a day apart are the
    same whether the newcomer got everything right or everything wrong."""
    before, after = {}, {}
    for right in (True, False):
        code = new_class(client, alice_auth, name="4e B")
        learners = join(code, 10)
        ingest(known_class(learners[:5]))
        before[right] = published(client, alice_auth, code)
        ingest(newcomer(learners[5], right=right))
        after[right] = published(client, alice_auth, code)
        assert after[right]["summary"]["scenarios"][0]["mean_score"] is not None
        if right:
            # k newcomers together complete the next band: then the figures move
            for late in learners[6:]:
                ingest(newcomer(late, right=True))
            grown = get_summary(client, alice_auth, code)
            assert grown["active_learners"] == 10
            assert (
                grown["scenarios"][0]["mean_score"]
                > after[True]["summary"]["scenarios"][0]["mean_score"]
            )
    assert before[True] == before[False] == after[True] == after[False]
