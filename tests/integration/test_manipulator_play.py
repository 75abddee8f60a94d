"""Through `/chat` (issue 17): « Dans la peau du manipulateur » played whole, once by buttons and
once by typing (the menu's title, a mission's number, « l'émotion », « le faux expert », « 2 »),
each card a stamped picture with its « Exercice : » alt text, and its events stored."""

from __future__ import annotations

import json
import sqlite3

import pytest

from devtools.wait import wait_for
from scenarios.missions import ALT_PREFIX, default_missions
from tests.conftest import Stack
from tests.integration.test_foundation import learner_of, new_session, say
from tests.play import choose, texts

pytestmark = pytest.mark.integration
MISSIONS = default_missions()


def cards(replies: list[dict]) -> list[dict]:
    return [m["custom"] for m in replies if (m.get("custom") or {}).get("type") == "result"]


def stored(stack: Stack, learner: str) -> list[tuple]:
    with sqlite3.connect(stack.var_dir / "vigie.db") as db:
        return db.execute(
            "SELECT type, scenario_id, step_id, correct, techniques FROM progress_events"
            " WHERE learner_id = ?",
            (learner,),
        ).fetchall()


def test_a_mission_by_buttons_shows_stamped_cards_and_stores_its_events(stack: Stack) -> None:
    mission = MISSIONS.missions[2]
    session = new_session(stack)
    listed = say(stack, session, choose("manipulator"))
    assert mission.title.fr in "\n".join(b["title"] for m in listed for b in m.get("buttons", []))
    say(stack, session, choose(mission.id))
    for turn in mission.turns:
        choice = turn.choices[0]
        replies = say(stack, session, choose(choice.technique.value))
        (card,) = cards(replies)
        assert card["alt"] == choice.card.alt and card["alt"].startswith(ALT_PREFIX)
        assert card["image"].endswith(choice.card.file)
        assert str(choice.card.data["body"]) not in texts(replies)
    for question in mission.recognition:
        replies = say(stack, session, choose(question.answer.value))
    assert "Mission terminée" in texts(replies)
    learner = learner_of(stack, session)
    events = wait_for(
        lambda: (rows := stored(stack, learner)) and len(rows) == 4 and rows, 60, every=0.3
    )
    assert sorted(row[0] for row in events) == sorted(
        ["mission_started", "technique_recognised", "technique_recognised", "mission_completed"]
    )
    assert {row[1] for row in events} == {mission.id}
    (done,) = [row for row in events if row[0] == "mission_completed"]
    assert json.loads(done[4]) == [turn.choices[0].technique.value for turn in mission.turns]


def test_a_mission_by_typing(stack: Stack) -> None:
    session = new_session(stack)
    say(stack, session, "menu")
    listed = say(stack, session, "dans la peau du manipulateur")
    assert MISSIONS.missions[0].title.fr in "\n".join(
        b["title"] for m in listed for b in m.get("buttons", [])
    )
    intro = texts(say(stack, session, "1"))  # mission_cantine
    assert MISSIONS.missions[0].title.fr in intro
    assert cards(say(stack, session, "l'émotion"))[0]["alt"].startswith(ALT_PREFIX)
    assert "Étape 3/" in texts(say(stack, session, "le faux expert"))
    takedown = texts(say(stack, session, "2"))
    assert "démontage" in takedown and "Exemple 1/2" in takedown
    say(stack, session, "un compte qui se dit docteur")
    assert "Mission terminée : 2" in texts(say(stack, session, "les deux camps attisés"))
