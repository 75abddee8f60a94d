"""What an educator could work out about one pupil from what Vigie publishes (issue 13, items 1,
3 and 4): a hidden cell by subtraction, a newcomer's score from two summaries a day apart, and
a pupil's rows in the CSV; the same for the investigation tools (issue 16) and the delayed
re-test (issue 17). Each attack is played through the API, as an educator would."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

from fastapi.testclient import TestClient

from scenarios.schema import Tool
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
from tests.educator.test_investigation import (
    INVESTIGATED,
    investigation,
    known_investigations,
)

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


def test_a_newcomer_investigator_changes_nothing_until_k_newcomers_do(
    client: TestClient, alice_auth: dict[str, str], join: Join, ingest: Ingest
) -> None:
    """k investigators, then one more who uses every tool laterally, or only reads the item: the
    tools' shares, the tools never tried and the lateral starts stay the same until k newcomers
    have investigated."""
    before, after = {}, {}
    for lateral in (True, False):
        moves = [tool.value for tool in Tool if tool.lateral] if lateral else ["inspect"]
        code = new_class(client, alice_auth, name="4e B")
        learners = join(code, 10)
        ingest(known_investigations(learners[:5]))
        before[lateral] = published(client, alice_auth, code)
        later = NOW + timedelta(hours=1)
        ingest([investigation(learners[5], INVESTIGATED, moves, later)])
        after[lateral] = published(client, alice_auth, code)
        assert after[lateral]["summary"]["investigation"]["never_tried"] == ["site", "encyclopedia"]
        if lateral:
            for late in learners[6:]:
                ingest([investigation(late, INVESTIGATED, moves, later + timedelta(minutes=1))])
            grown = get_summary(client, alice_auth, code)["investigation"]
            assert grown["learners"] == 10 and grown["never_tried"] == []
    assert before[True] == before[False] == after[True] == after[False]


def test_fewer_than_k_investigators_change_nothing_whatever_their_moves(
    client: TestClient, alice_auth: dict[str, str], join: Join, ingest: Ingest
) -> None:
    """Six active learners, four of whom investigated: two classes that differ only in those
    four's moves publish the same summary, CSV and report."""
    worlds = []
    for moves in (["search", "official"], ["inspect"]):
        code = new_class(client, alice_auth, name="4e B")
        learners = join(code, 6)
        ingest(known_class(learners))
        ingest([investigation(learner, INVESTIGATED, moves, NOW) for learner in learners[:4]])
        worlds.append(published(client, alice_auth, code))
    assert worlds[0]["summary"]["investigation"]["suppressed"]
    assert worlds[0] == worlds[1]


def test_a_newcomer_s_delayed_retest_changes_nothing_until_k_newcomers_do(
    client: TestClient, alice_auth: dict[str, str], join: Join, ingest: Ingest
) -> None:
    """The third phase has its own learners and its own cohort: one more learner's form C, all
    right or all wrong, changes neither the delayed figures nor what lasts."""
    before, after = {}, {}
    for right in (True, False):
        code = new_class(client, alice_auth, name="4e B")
        learners = join(code, 6)
        ingest(known_class(learners[:5]))
        ingest(
            [
                answer
                for i, learner in enumerate(learners[:5])
                for answer in quiz(learner, "quiz_c", 1, at=NOW + timedelta(minutes=i))
            ]
        )
        before[right] = published(client, alice_auth, code)
        assert before[right]["summary"]["quiz"]["lasting"]["discernment"] == 0.0
        ingest(newcomer(learners[5], right=right))
        later = NOW + timedelta(hours=2)
        ingest(quiz(learners[5], "quiz_c", fakes_right=2 if right else 0, at=later))
        after[right] = published(client, alice_auth, code)
    assert before[True] == before[False] == after[True] == after[False]
