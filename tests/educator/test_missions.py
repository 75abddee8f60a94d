"""The manipulator missions on the dashboard (issue 17): learners who completed a mission and
the share of « quelle technique ? » answers right, in the summary, the CSV and the report,
under the k rule, played through the API as in test_disclosure."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from fastapi.testclient import TestClient

from api.web.rendering import percent
from scenarios.missions import default_missions
from tests.educator.helpers import NOW, event, known_class, new_class
from tests.educator.helpers import summary as get_summary
from tests.educator.test_disclosure import published

Ingest = Callable[[list[dict]], None]
Join = Callable[[str, int], list[str]]
MISSION = default_missions().missions[0]


def mission(learner: str, rights: tuple[bool, bool], at: datetime = NOW) -> list[dict]:
    """A whole mission: started, two recognitions, completed with its techniques."""
    return [
        event(learner, "mission_started", scenario=MISSION.id, at=at),
        *(
            event(
                learner,
                "technique_recognised",
                scenario=MISSION.id,
                step=question.id,
                correct=right,
                techniques=[question.answer.value],
                at=at + timedelta(minutes=1 + number),
            )
            for number, (question, right) in enumerate(
                zip(MISSION.recognition, rights, strict=True)
            )
        ),
        event(
            learner,
            "mission_completed",
            scenario=MISSION.id,
            techniques=["emotion", "fake_expert", "polarisation"],
            points=sum(rights),
            max_points=2,
            at=at + timedelta(minutes=5),
        ),
    ]


def test_missions_completed_and_techniques_recognised_at_k(
    client: TestClient, alice_auth: dict[str, str], join: Join, ingest: Ingest
) -> None:
    code = new_class(client, alice_auth)
    learners = join(code, 5)
    ingest(known_class(learners))
    # 7 right answers of 10: 70 %
    rights = [(True, True), (True, True), (True, False), (True, False), (True, False)]
    for number, learner in enumerate(learners):
        ingest(mission(learner, rights[number], NOW + timedelta(minutes=10 * number)))
    body = get_summary(client, alice_auth, code)
    assert body["missions"] == {
        "learners_completed": 5,
        "learners_recognising": 5,
        "techniques_recognised": 0.7,
        "suppressed": False,
    }
    assert MISSION.id not in {figure["scenario"] for figure in body["scenarios"]}
    csv = client.get(f"/api/v1/classes/{code}/export.csv", headers=alice_auth).text
    assert "manipulateur;;élèves ayant terminé au moins une mission;5;élèves;" in csv
    assert "manipulateur;;techniques reconnues (part des réponses justes);70;%;5" in csv
    report = client.get(f"/api/v1/classes/{code}/report", headers=alice_auth).text
    section = report.split('id="titre-manipulateur"', 1)[1].split("</section>", 1)[0]
    assert "Dans la peau du manipulateur" in section and percent(0.7) in section


def test_fewer_than_k_players_change_nothing_whatever_their_answers(
    client: TestClient, alice_auth: dict[str, str], join: Join, ingest: Ingest
) -> None:
    """Six active learners, four of whom played a mission: all right or all wrong, the class
    publishes the same summary, CSV and report, and no share."""
    worlds = []
    for right in (True, False):
        code = new_class(client, alice_auth)
        learners = join(code, 6)
        ingest(known_class(learners))
        for learner in learners[:4]:
            ingest(mission(learner, (right, right)))
        worlds.append(published(client, alice_auth, code))
    missions = worlds[0]["summary"]["missions"]
    assert missions["suppressed"] and missions["techniques_recognised"] is None
    assert missions["learners_completed"] is None
    assert (
        "manipulateur;;élèves ayant terminé au moins une mission;;élèves;moins de 5"
        in (worlds[0]["csv"])
    )
    assert worlds[0] == worlds[1]


def test_a_newcomer_s_mission_changes_nothing_until_k_newcomers_play(
    client: TestClient, alice_auth: dict[str, str], join: Join, ingest: Ingest
) -> None:
    before, after = {}, {}
    for right in (True, False):
        code = new_class(client, alice_auth)
        learners = join(code, 10)
        ingest(known_class(learners[:5]))
        for learner in learners[:5]:
            ingest(mission(learner, (True, False)))
        before[right] = published(client, alice_auth, code)
        ingest(mission(learners[5], (right, right), NOW + timedelta(hours=1)))
        after[right] = published(client, alice_auth, code)
        assert after[right]["summary"]["missions"]["techniques_recognised"] == 0.5
        if right:
            for late in learners[6:]:
                ingest(mission(late, (True, True), NOW + timedelta(hours=2)))
            grown = get_summary(client, alice_auth, code)["missions"]
            assert grown["learners_completed"] == 10 and grown["techniques_recognised"] == 0.75
    assert before[True] == before[False] == after[True] == after[False]
