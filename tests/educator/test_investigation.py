"""The investigation figures (issue 16): which tools a class uses, which it never tries, how often
an investigation starts laterally — computed by hand on a known class, under the k rule, in the
summary, the CSV and the class page."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from fastapi.testclient import TestClient

from api.data.class_events import EventRow
from api.reports.investigation import class_investigation
from scenarios.schema import Tool
from tests.educator.helpers import CATALOGUE, NOW, SCENARIO, event, new_class
from tests.educator.helpers import summary as get_summary

INVESTIGATED = "capture_depute_lycee"  # its `enquete` step is an investigate step
INVESTIGATE_STEP = "enquete"
# Learners 0–4 are the cohort (k = 5); learner 5 comes last. Learner 4 concluded without a move.
KNOWN_MOVES: list[list[tuple[str, list[str]]]] = [
    [(INVESTIGATED, ["search", "account"]), (SCENARIO, ["inspect", "archive"])],
    [(INVESTIGATED, ["inspect", "search"])],
    [(INVESTIGATED, ["reverse_image"])],
    [(INVESTIGATED, ["search", "official"])],
    [(INVESTIGATED, [])],
    [(INVESTIGATED, ["encyclopedia", "site"])],
]


def investigation(learner: str, scenario: str, moves: list[str], at: datetime) -> dict[str, Any]:
    """The investigate step's `step_scored`, as the action server sends it."""
    return event(
        learner,
        "step_scored",
        scenario=scenario,
        step=INVESTIGATE_STEP,
        points=2,
        max_points=4,
        criteria_found=[],
        moves=moves,
        at=at,
    )


def known_investigations(learners: list[str], start: datetime = NOW) -> list[dict[str, Any]]:
    events = []
    for i, (learner, done) in enumerate(zip(learners, KNOWN_MOVES, strict=False)):
        at = start + timedelta(minutes=i)
        events.append(event(learner, "scenario_started", scenario=INVESTIGATED, at=at))
        events += [
            investigation(learner, scenario, moves, at + timedelta(seconds=10 * n))
            for n, (scenario, moves) in enumerate(done)
        ]
    return events


def rows(events: list[dict[str, Any]]) -> list[EventRow]:
    return [
        EventRow(
            learner=e["learner"],
            type=e["type"],
            scenario=e.get("scenario"),
            step=e.get("step"),
            points=e.get("points"),
            max_points=e.get("max_points"),
            correct=None,
            item_reliable=None,
            criteria_found=(),
            criteria_expected=(),
            occurred_at=datetime.fromisoformat(e["occurred_at"]),
            moves=tuple(e.get("moves", ())),
        )
        for e in events
    ]


LEARNERS = [f"learner{i}" for i in range(6)]
EXPECTED_USE = {
    "search": 0.6,  # learners 0, 1, 3
    "reverse_image": 0.2,
    "account": 0.2,
    "site": 0.0,  # only learner 5, outside the cohort
    "encyclopedia": 0.0,
    "archive": 0.2,
    "official": 0.2,
    "inspect": 0.4,
}


def test_every_investigation_figure_of_a_known_class() -> None:
    figures = class_investigation(rows(known_investigations(LEARNERS)), CATALOGUE, k=5)
    assert (figures.learners, figures.suppressed) == (5, False)
    assert [figure.tool for figure in figures.tools] == list(Tool)  # the menu's order
    assert {figure.tool.value: figure.used_by for figure in figures.tools} == EXPECTED_USE
    assert [figure.tool for figure in figures.tools if not figure.lateral] == [Tool.INSPECT]
    assert figures.never_tried == [Tool.SITE, Tool.ENCYCLOPEDIA]
    # 6 investigations of the cohort; lateral first: learner 0's first, learners 2 and 3
    # (inspect first: learner 0's second and learner 1; no move at all: learner 4)
    assert figures.first_move_lateral == 0.5


def test_a_replayed_investigation_replaces_the_earlier_one() -> None:
    events = known_investigations(LEARNERS)
    later = NOW + timedelta(hours=1)
    events.append(investigation(LEARNERS[1], INVESTIGATED, ["site"], later))
    figures = class_investigation(rows(events), CATALOGUE, k=5)
    used = {figure.tool.value: figure.used_by for figure in figures.tools}
    # learner 1 no longer counts for inspect nor search, now for site; their start is lateral
    assert (used["inspect"], used["search"], used["site"]) == (0.2, 0.4, 0.2)
    assert figures.never_tried == [Tool.ENCYCLOPEDIA]
    assert figures.first_move_lateral == 0.65  # 4 of 6, to the nearest 5 points


def test_other_steps_are_not_investigations() -> None:
    """A scored step without moves counts only when the catalogue says it is an investigate
    step (a learner may conclude without a move); other steps, a step of a scenario the
    catalogue no longer has and other events never count."""
    events = known_investigations(LEARNERS[:4])
    events += [
        event(LEARNERS[4], "step_scored", scenario=INVESTIGATED, step="verdict", points=1,
              max_points=4),
        event(LEARNERS[4], "step_scored", scenario=SCENARIO, step="ouverte", points=1,
              max_points=4),
        event(LEARNERS[4], "step_scored", scenario="retired_scenario", step=INVESTIGATE_STEP,
              points=1, max_points=4),
        event(LEARNERS[4], "scenario_completed", scenario=INVESTIGATED),
    ]  # fmt: skip
    figures = class_investigation(rows(events), CATALOGUE, k=5)
    assert (figures.learners, figures.suppressed) == (None, True)


def test_fewer_than_k_investigating_learners_show_nothing() -> None:
    figures = class_investigation(rows(known_investigations(LEARNERS[:4])), CATALOGUE, k=5)
    assert (figures.learners, figures.suppressed, figures.never_tried) == (None, True, [])
    assert figures.first_move_lateral is None
    assert all(figure.used_by is None for figure in figures.tools)
    empty = class_investigation([], CATALOGUE, k=5)
    assert (empty.learners, empty.suppressed, empty.never_tried) == (0, True, [])


def test_the_threshold_is_k() -> None:
    events = rows(known_investigations(LEARNERS[:4]))
    assert not class_investigation(events, CATALOGUE, k=4).suppressed
    assert class_investigation(events, CATALOGUE, k=4).learners == 4


Ingest = Callable[[list[dict]], None]
Join = Callable[[str, int], list[str]]


def test_the_summary_csv_and_page_show_the_tools(
    client: TestClient, alice_auth: dict[str, str], join: Join, ingest: Ingest
) -> None:
    code = new_class(client, alice_auth)
    learners = join(code, 6)
    ingest(known_investigations(learners))
    body = get_summary(client, alice_auth, code)["investigation"]
    assert (body["learners"], body["suppressed"]) == (5, False)
    assert {figure["tool"]: figure["used_by"] for figure in body["tools"]} == EXPECTED_USE
    assert body["never_tried"] == ["site", "encyclopedia"]
    assert body["first_move_lateral"] == 0.5

    response = client.get(f"/api/v1/classes/{code}/export.csv", headers=alice_auth)
    table = {
        (r[0], r[1], r[2]): (r[3], r[4], r[5])
        for r in csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";")
    }
    assert table[("enquetes", "", "élèves ayant enquêté")] == ("5", "élèves", "")
    assert table[("enquetes", "Chercher l'info", "utilisé au moins une fois")] == ("60", "%", "5")
    assert table[("enquetes", "Examiner de près (zoom, relire)", "utilisé au moins une fois")] == (
        "40",
        "%",
        "5",
    )
    never = ("enquetes", "outils jamais essayés", "À propos du site, Encyclopédie")
    assert table[never] == ("2", "outils", "5")
    lateral = ("enquetes", "", "enquêtes commencées hors du contenu (lecture latérale)")
    assert table[lateral] == ("50", "%", "5")

    page = client.get(f"/api/v1/classes/{code}/report", headers=alice_auth).text
    assert "Les outils d'enquête de la classe" in page
    assert "Jamais essayés par la classe :</strong> À propos du site, Encyclopédie." in page
    assert "(lecture latérale) :</strong> 50\u202f%" in page


def test_below_k_investigators_the_csv_and_page_withhold_every_figure(
    client: TestClient, alice_auth: dict[str, str], join: Join, ingest: Ingest
) -> None:
    code = new_class(client, alice_auth)
    learners = join(code, 6)
    # six active learners, four of whom investigated
    ingest(known_investigations(learners[:4]))
    ingest([event(learner, "scenario_started", scenario=SCENARIO) for learner in learners[4:]])
    body = get_summary(client, alice_auth, code)
    assert not body["suppressed"] and body["investigation"]["suppressed"]
    text = client.get(f"/api/v1/classes/{code}/export.csv", headers=alice_auth).text
    investigation_rows = [line for line in text.splitlines() if line.startswith("enquetes;")]
    assert investigation_rows and all(line.endswith(";moins de 5") for line in investigation_rows)
    assert "jamais essayés" not in text
    page = client.get(f"/api/v1/classes/{code}/report", headers=alice_auth).text
    assert "Pas encore assez d'élèves ont enquêté." in page
    assert "Jamais essayés" not in page
